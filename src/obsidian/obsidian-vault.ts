import { normalizePath, TFile, type App, type DataAdapter, type EventRef } from 'obsidian';
import { hashText } from '../core/markdown/hash';
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
    try {
      await this.app.vault.create(target, content);
    } catch (error) {
      // Created by someone else since the check above: with an expectation, that is a conflict.
      if (options.expected !== undefined && this.file(target)) throw new VaultConflictError(target);
      throw error;
    }
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

/** A temporary name that carries the integrity of what it holds: `<key>.<length>-<hash>.tmp`. */
const TEMP_NAME = /^(.+)\.(\d+)-([0-9a-f]{16})\.tmp$/;

/**
 * Plugin-owned files in `<configDir>/plugins/scriptorium/`, one file per key, as plain text (the
 * CLI's filesystem store reads and writes the same files).
 *
 * Crash safety: after a crash at any point of a `set`, `get` returns the old value or the new one,
 * never nothing and never a torn one. Obsidian's adapter cannot rename over an existing file, so a
 * `set` (1) writes the new text to a temporary file whose name carries its length and hash,
 * (2) removes the old file and (3) renames the temporary file into place. A crash before (2)
 * leaves the old file; between (2) and (3) the main file is missing and `get` falls back to the
 * temporary file, which it trusts only when its length and hash match its name (a torn one is
 * ignored), and puts it in place. The next `set` of the key also finishes such an interrupted one
 * before it starts, and removes leftover temporary files.
 */
export class ObsidianStateStore implements StateStore {
  private readonly adapter: DataAdapter;
  readonly dir: string;
  /** Operations on one key run one at a time (a get must not move a temporary file a set is about to rename). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(adapter: DataAdapter, pluginDir: string) {
    this.adapter = adapter;
    this.dir = normalizePath(pluginDir);
  }

  private path(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key) || key.startsWith('.')) throw new Error(`State: invalid key "${key}"`);
    return normalizePath(`${this.dir}/${key}`);
  }

  /** Runs `work` after every earlier operation on the same key has settled. */
  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  /** The key's temporary files (complete or not), by path. */
  private async temps(key: string): Promise<{ path: string; length: number; hash: string }[]> {
    if (!(await this.adapter.exists(this.dir))) return [];
    const listed = await this.adapter.list(this.dir);
    const out: { path: string; length: number; hash: string }[] = [];
    for (const file of listed.files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      const m = TEMP_NAME.exec(name);
      if (m && m[1] === key) out.push({ path: normalizePath(file), length: Number(m[2]), hash: m[3] ?? '' });
    }
    return out;
  }

  /** The newest temporary file of `key` whose text matches its name, with that text; null when none. */
  private async completeTemp(key: string): Promise<{ path: string; value: string } | null> {
    let best: { path: string; value: string; mtime: number } | null = null;
    for (const temp of await this.temps(key)) {
      let value: string;
      try {
        value = await this.adapter.read(temp.path);
      } catch {
        continue;
      }
      if (value.length !== temp.length || hashText(value) !== temp.hash) continue;
      const mtime = (await this.adapter.stat(temp.path))?.mtime ?? 0;
      if (!best || mtime >= best.mtime) best = { path: temp.path, value, mtime };
    }
    return best;
  }

  /** When a set was interrupted after removing the main file, puts its complete temporary file in place. */
  private async finishInterrupted(key: string, path: string): Promise<string | null> {
    const temp = await this.completeTemp(key);
    if (!temp) return null;
    await this.adapter.rename(temp.path, path);
    return temp.value;
  }

  async get(key: string): Promise<string | null> {
    const path = this.path(key);
    return this.serial(key, async () => {
      if (await this.adapter.exists(path)) return this.adapter.read(path);
      const temp = await this.completeTemp(key);
      if (!temp) return null;
      // Best effort: the value is returned either way, and the next set finishes the move too.
      await this.adapter.rename(temp.path, path).catch(() => undefined);
      return temp.value;
    });
  }

  async set(key: string, value: string): Promise<void> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const adapter = this.adapter;
      if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
      // The old value must stay readable until the new one is complete.
      if (!(await adapter.exists(path))) await this.finishInterrupted(key, path);
      for (const stale of await this.temps(key)) await adapter.remove(stale.path);
      const tmp = `${path}.${value.length}-${hashText(value)}.tmp`;
      await adapter.write(tmp, value);
      if (await adapter.exists(path)) await adapter.remove(path);
      await adapter.rename(tmp, path);
    });
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    return this.serial(key, async () => {
      // Temporary files first: a crash in between leaves the key as it was, not an older value.
      for (const temp of await this.temps(key)) await this.adapter.remove(temp.path);
      if (await this.adapter.exists(path)) await this.adapter.remove(path);
    });
  }

  /**
   * Best effort only: Obsidian's adapter has no exclusive create (no `wx` flag, and a rename may
   * replace its target on some platforms), so this checks, writes, then reads back to see who won.
   * Two processes racing within those few milliseconds can both believe they created the key; the
   * writer lock built on it therefore also checks its owner after taking it.
   */
  async createExclusive(key: string, value: string): Promise<boolean> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const adapter = this.adapter;
      if (await adapter.exists(path)) return false;
      if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
      if ((await this.finishInterrupted(key, path)) !== null) return false;
      await adapter.write(path, value);
      return (await adapter.read(path)) === value;
    });
  }
}
