import { normalizePath, TFile, type App, type EventRef } from 'obsidian';
import { VaultConflictError, type VaultEvent, type VaultFileStat, type VaultListener, type VaultPort, type VaultWriteOptions } from '../core/ports/vault';
import type { StateStore } from '../core/ports/state-store';

/** The core's vault port over Obsidian's Vault API. */
export class ObsidianVault implements VaultPort {
  private readonly app: App;
  private readonly listeners = new Set<VaultListener>();
  private refs: EventRef[] = [];

  constructor(app: App) {
    this.app = app;
  }

  get configDir(): string {
    return this.app.vault.configDir;
  }

  list(): Promise<VaultFileStat[]> {
    return Promise.resolve(this.app.vault.getFiles().map((f) => ({ path: f.path, mtime: f.stat.mtime, size: f.stat.size })));
  }

  private file(path: string): TFile | null {
    const file = this.app.vault.getAbstractFileByPath(normalizePath(path));
    return file instanceof TFile ? file : null;
  }

  stat(path: string): Promise<VaultFileStat | null> {
    const f = this.file(path);
    return Promise.resolve(f ? { path: f.path, mtime: f.stat.mtime, size: f.stat.size } : null);
  }

  async read(path: string): Promise<string> {
    const f = this.file(path);
    if (!f) throw new Error(`Vault: no file at "${path}"`);
    // Not cachedRead: callers verify writes and compare hashes, and the cache can be stale.
    return this.app.vault.read(f);
  }

  async write(path: string, content: string, options: VaultWriteOptions = {}): Promise<void> {
    const target = normalizePath(path);
    const f = this.file(target);
    if (f) {
      let conflict = false;
      await this.app.vault.process(f, (current) => {
        if (options.expected !== undefined && current !== options.expected) {
          conflict = true;
          return current;
        }
        return content;
      });
      if (conflict) throw new VaultConflictError(target);
      return;
    }
    if (options.expected !== undefined && options.expected !== null) throw new VaultConflictError(target);
    const folder = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
    if (folder && !this.app.vault.getFolderByPath(folder)) {
      await this.app.vault.createFolder(folder).catch(() => undefined);
    }
    await this.app.vault.create(target, content);
  }

  async delete(path: string): Promise<void> {
    const f = this.file(path);
    if (f) await this.app.fileManager.trashFile(f);
  }

  async rename(from: string, to: string): Promise<void> {
    const f = this.file(from);
    if (!f) throw new Error(`Vault: no file at "${from}"`);
    await this.app.fileManager.renameFile(f, normalizePath(to));
  }

  on(listener: VaultListener): () => void {
    if (this.listeners.size === 0) this.subscribe();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.unsubscribe();
    };
  }

  private emit(event: VaultEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private subscribe(): void {
    const vault = this.app.vault;
    this.refs = [
      vault.on('create', (f) => f instanceof TFile && this.emit({ type: 'create', path: f.path })),
      vault.on('modify', (f) => f instanceof TFile && this.emit({ type: 'modify', path: f.path })),
      vault.on('delete', (f) => f instanceof TFile && this.emit({ type: 'delete', path: f.path })),
      vault.on('rename', (f, oldPath) => f instanceof TFile && this.emit({ type: 'rename', path: f.path, oldPath })),
    ];
  }

  /** Stops listening to Obsidian; called on unload. */
  unsubscribe(): void {
    for (const ref of this.refs) this.app.vault.offref(ref);
    this.refs = [];
  }
}

/** Plugin-owned files in `<configDir>/plugins/scriptorium/`, written crash-safely. */
export class ObsidianStateStore implements StateStore {
  private readonly app: App;
  readonly dir: string;

  constructor(app: App, pluginDir: string) {
    this.app = app;
    this.dir = normalizePath(pluginDir);
  }

  private path(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key) || key.startsWith('.')) throw new Error(`State: invalid key "${key}"`);
    return normalizePath(`${this.dir}/${key}`);
  }

  async get(key: string): Promise<string | null> {
    const adapter = this.app.vault.adapter;
    const path = this.path(key);
    return (await adapter.exists(path)) ? adapter.read(path) : null;
  }

  async set(key: string, value: string): Promise<void> {
    const adapter = this.app.vault.adapter;
    const path = this.path(key);
    const tmp = `${path}.tmp`;
    if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
    await adapter.write(tmp, value);
    if (await adapter.exists(path)) await adapter.remove(path);
    await adapter.rename(tmp, path);
  }

  async delete(key: string): Promise<void> {
    const adapter = this.app.vault.adapter;
    const path = this.path(key);
    if (await adapter.exists(path)) await adapter.remove(path);
  }

  /** Obsidian's adapter has no exclusive create: check, write, then read back to see who won. */
  async createExclusive(key: string, value: string): Promise<boolean> {
    const adapter = this.app.vault.adapter;
    const path = this.path(key);
    if (await adapter.exists(path)) return false;
    if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
    await adapter.write(path, value);
    return (await adapter.read(path)) === value;
  }
}
