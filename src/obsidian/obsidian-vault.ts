import { normalizePath, TFile, type App, type DataAdapter, type EventRef } from 'obsidian';
import { isCompleteSealed, isCompleteSealedBytes, resolveSealed, resolveSealedBytes, sealedBytesName, sealedTempKey, sealedTempName } from '../core/ports/sealed-temp';
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
    if (!f) {
      // Obsidian does not index dot-files; a repository's .gitignore is read from the adapter.
      // Only a dot-file outside hidden folders: never anything in the configuration folder or .git.
      const target = normalizePath(path);
      const segments = target.split('/');
      const hiddenFile = segments[segments.length - 1].startsWith('.') && !segments.slice(0, -1).some((s) => s.startsWith('.'));
      if (hiddenFile && (await this.app.vault.adapter.exists(target))) return this.app.vault.adapter.read(target);
      throw new Error(`Vault: no file at "${path}"`);
    }
    // Not cachedRead: callers verify writes and compare hashes, and the cache can be stale.
    return this.app.vault.read(f);
  }

  async readBinary(path: string): Promise<Uint8Array> {
    const f = this.file(path);
    if (!f) throw new Error(`Vault: no file at "${path}"`);
    return new Uint8Array(await this.app.vault.readBinary(f));
  }

  async writeBinary(path: string, data: Uint8Array, options: { expected?: null } = {}): Promise<void> {
    const target = normalizePath(path);
    const f = this.file(target);
    const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    if (f) {
      if (options.expected === null) throw new VaultConflictError(target);
      await this.app.vault.modifyBinary(f, buffer);
      return;
    }
    const folder = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
    if (folder && !this.app.vault.getFolderByPath(folder)) {
      await this.app.vault.createFolder(folder).catch(() => undefined);
    }
    try {
      await this.app.vault.createBinary(target, buffer);
    } catch (error) {
      if (options.expected === null && this.file(target)) throw new VaultConflictError(target);
      throw error;
    }
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

/**
 * Plugin-owned files in `<configDir>/plugins/scriptorium/`, one file per key, as plain text (the
 * CLI's filesystem store reads and writes the same files, and resolves an interrupted set the same
 * way: `core/ports/sealed-temp.ts`).
 *
 * Contract: after a crash at any point of a `set`, `get` returns the old value or the new one,
 * never nothing and never a torn one. A `set` (1) writes the new text to a temporary file whose
 * name carries its length and hash, (2) writes the key's file in place and (3) removes the
 * temporary file. The key's file never disappears (a rename would need a remove first, since the
 * adapter cannot rename over a file, and in that gap another process could find the key free: the
 * writer lock is one of these keys, and the undo journal another). A crash in (1) leaves the old
 * file untouched and a temporary file whose text does not match its name, which is ignored. A
 * crash in (2) leaves the key's file cut short: its text is then a strict beginning of the
 * temporary file's complete text, and `get` returns the complete text (and puts it in place). A
 * later `set` finishes such an interrupted one first, then removes leftovers.
 *
 * Limits: an interrupted write on disk leaves a prefix of the new text, which is what is detected;
 * if the command line later stored a value that happens to be a strict beginning of the
 * interrupted value (no complete JSON document is), the interrupted value would win.
 */
export class ObsidianStateStore implements StateStore {
  private readonly adapter: DataAdapter;
  readonly dir: string;
  /** Operations on one key run one at a time (a get may repair what a set is writing). */
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

  /** The key's temporary files, with their text when it matches the name (complete), else null. */
  private async temps(key: string): Promise<{ path: string; complete: string | null }[]> {
    if (!(await this.adapter.exists(this.dir))) return [];
    const out: { path: string; complete: string | null }[] = [];
    for (const file of (await this.adapter.list(this.dir)).files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (sealedTempKey(name) !== key) continue;
      const path = normalizePath(file);
      let text: string | null = null;
      try {
        text = await this.adapter.read(path);
      } catch {
        // Unreadable: not a complete value.
      }
      out.push({ path, complete: text !== null && isCompleteSealed(name, text) ? text : null });
    }
    return out;
  }

  /**
   * The key's value as the contract defines it, and whether the key's file must be repaired: the
   * file's text, unless a set was interrupted while writing it (file missing, or cut short of a
   * complete temporary file's text), then that complete text.
   */
  private async resolve(key: string, path: string): Promise<{ value: string | null; repair: boolean; temps: { path: string }[] }> {
    // Another process (the CLI) may remove the file between the check and the read: then it is absent.
    const main = (await this.adapter.exists(path)) ? await this.adapter.read(path).catch(async (error: unknown) => {
      if (await this.adapter.exists(path)) throw error;
      return null;
    }) : null;
    const temps = await this.temps(key);
    const copies = temps.flatMap((t) => (t.complete === null ? [] : [t.complete]));
    return { ...resolveSealed(main, copies), temps };
  }

  /** Puts the resolved value in the key's file, then removes every temporary file of the key. */
  private async settle(path: string, resolved: { value: string | null; repair: boolean; temps: { path: string }[] }): Promise<void> {
    if (resolved.repair && resolved.value !== null) await this.adapter.write(path, resolved.value);
    for (const temp of resolved.temps) await this.adapter.remove(temp.path);
  }

  async get(key: string): Promise<string | null> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const resolved = await this.resolve(key, path);
      // Best effort: the value is returned either way, and the next set finishes the repair too.
      if (resolved.repair) await this.settle(path, resolved).catch(() => undefined);
      return resolved.value;
    });
  }

  async set(key: string, value: string): Promise<void> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const adapter = this.adapter;
      if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
      // Finish an interrupted set first: its complete text may be the only good copy.
      await this.settle(path, await this.resolve(key, path));
      const tmp = normalizePath(`${this.dir}/${sealedTempName(key, value)}`);
      await adapter.write(tmp, value);
      await adapter.write(path, value);
      await adapter.remove(tmp);
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

  /** The key's sealed temporary files of bytes, with their bytes when they match the name (complete), else null. */
  private async byteTemps(key: string): Promise<{ path: string; complete: Uint8Array | null }[]> {
    if (!(await this.adapter.exists(this.dir))) return [];
    const out: { path: string; complete: Uint8Array | null }[] = [];
    for (const file of (await this.adapter.list(this.dir)).files) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (sealedTempKey(name) !== key) continue;
      const path = normalizePath(file);
      const bytes = await this.adapter.readBinary(path).then(
        (b) => new Uint8Array(b),
        () => null,
      );
      out.push({ path, complete: bytes !== null && isCompleteSealedBytes(name, bytes) ? bytes : null });
    }
    return out;
  }

  /** `resolve` for a key holding bytes. */
  private async resolveBytes(key: string, path: string): Promise<{ value: Uint8Array | null; repair: boolean; temps: { path: string }[] }> {
    const main = (await this.adapter.exists(path))
      ? await this.adapter.readBinary(path).then(
          (b) => new Uint8Array(b),
          async (error: unknown) => {
            if (await this.adapter.exists(path)) throw error;
            return null;
          },
        )
      : null;
    const temps = await this.byteTemps(key);
    const copies = temps.flatMap((t) => (t.complete === null ? [] : [t.complete]));
    return { ...resolveSealedBytes(main, copies), temps };
  }

  private async settleBytes(path: string, resolved: { value: Uint8Array | null; repair: boolean; temps: { path: string }[] }): Promise<void> {
    if (resolved.repair && resolved.value !== null) await this.adapter.writeBinary(path, toArrayBuffer(resolved.value));
    for (const temp of resolved.temps) await this.adapter.remove(temp.path);
  }

  /** Bytes stored by `setBytes`, under the same crash contract as `get`. */
  async getBytes(key: string): Promise<Uint8Array | null> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const resolved = await this.resolveBytes(key, path);
      if (resolved.repair) await this.settleBytes(path, resolved).catch(() => undefined);
      return resolved.value;
    });
  }

  /** Stores bytes the way `set` stores text: sealed temporary copy, the key's file in place, copy removed. */
  async setBytes(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const adapter = this.adapter;
      if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
      await this.settleBytes(path, await this.resolveBytes(key, path));
      const tmp = normalizePath(`${this.dir}/${sealedBytesName(key, bytes)}`);
      const buffer = toArrayBuffer(bytes);
      await adapter.writeBinary(tmp, buffer);
      await adapter.writeBinary(path, buffer);
      await adapter.remove(tmp);
    });
  }

  /**
   * Best effort only: Obsidian's adapter has no exclusive create (no `wx` flag), so this checks,
   * writes, then reads back to see who won. Two processes racing within those few milliseconds can
   * both believe they created the key; the writer lock built on it reads its record back after
   * taking it, and the command line's store creates exclusively for real.
   */
  async createExclusive(key: string, value: string): Promise<boolean> {
    const path = this.path(key);
    return this.serial(key, async () => {
      const adapter = this.adapter;
      const resolved = await this.resolve(key, path);
      if (resolved.value !== null) {
        if (resolved.repair) await this.settle(path, resolved).catch(() => undefined);
        return false;
      }
      if (!(await adapter.exists(this.dir))) await adapter.mkdir(this.dir);
      await adapter.write(path, value);
      return (await adapter.read(path)) === value;
    });
  }
}

/** The bytes as an ArrayBuffer of their own (the adapter takes whole buffers). */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}
