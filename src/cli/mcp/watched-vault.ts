import { watch, type FSWatcher } from 'node:fs';
import type { VaultEvent, VaultFileStat, VaultListener, VaultPort, VaultWriteOptions } from '../../core/ports/vault';
import type { FsVault } from '../fs-vault';

/** What the watcher tells the server's log (stderr). */
export type WatchLog = (line: string) => void;

/**
 * The vault as the MCP server's warm index sees it: the CLI's `FsVault` (which reports only the
 * changes made through it) plus the changes anyone else makes on disk (Obsidian, an editor, the
 * agent's own file tools), taken from Node's recursive `fs.watch`. A change to a note becomes a
 * `modify` event for the index (which re-reads the note's stat, so a deletion is found too); a
 * change to a folder (created, moved, deleted with its notes) asks for a full `resync`, which
 * compares every note's mtime and size with the index.
 */
export class WatchedVault implements VaultPort {
  readonly configDir: string;
  private readonly inner: FsVault;
  private readonly listeners = new Set<VaultListener>();
  private readonly touchListeners = new Set<() => void>();
  private watcher: FSWatcher | null = null;
  private poller: ReturnType<typeof setInterval> | null = null;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(inner: FsVault) {
    this.inner = inner;
    this.configDir = inner.configDir;
  }

  list(): Promise<VaultFileStat[]> {
    return this.inner.list();
  }
  stat(path: string): Promise<VaultFileStat | null> {
    return this.inner.stat(path);
  }
  read(path: string): Promise<string> {
    return this.inner.read(path);
  }
  readBinary(path: string): Promise<Uint8Array> {
    return this.inner.readBinary(path);
  }
  readStream(path: string, chunkBytes?: number): AsyncIterable<Uint8Array> {
    return this.inner.readStream(path, chunkBytes);
  }
  writeBinary(path: string, data: Uint8Array, options?: { expected?: null }): Promise<void> {
    return this.inner.writeBinary(path, data, options);
  }
  write(path: string, content: string, options?: VaultWriteOptions): Promise<void> {
    return this.inner.write(path, content, options);
  }
  delete(path: string): Promise<void> {
    return this.inner.delete(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  realPath(path: string): Promise<string> {
    return this.inner.realPath(path);
  }

  on(listener: VaultListener): () => void {
    this.listeners.add(listener);
    const off = this.inner.on(listener);
    return () => {
      this.listeners.delete(listener);
      off();
    };
  }

  private emit(event: VaultEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Calls `listener` whenever the watcher sees anything outside hidden folders change on disk: a
   * note, any other file (a PDF, an image), a folder, or something it could not name. What keeps
   * a result about the whole vault (the `status` tool's sources) knows from this that it may be
   * out of date. Nothing is called when the vault is polled.
   */
  onTouch(listener: () => void): () => void {
    this.touchListeners.add(listener);
    return () => this.touchListeners.delete(listener);
  }

  private touched(): void {
    for (const listener of this.touchListeners) listener();
  }

  /**
   * Starts watching the vault folder. `resync` is called (debounced by `resyncMs`) when a folder
   * changed or the watcher lost track; where recursive watching is not available it is called every
   * `pollMs` instead. Returns how the vault is watched, for the start-up line.
   */
  start(resync: () => void, log: WatchLog, options: { resyncMs?: number; pollMs?: number } = {}): 'watching' | 'polling' {
    const resyncMs = options.resyncMs ?? 200;
    const askResync = () => {
      if (this.resyncTimer !== null) return;
      this.resyncTimer = setTimeout(() => {
        this.resyncTimer = null;
        resync();
      }, resyncMs);
    };
    try {
      this.watcher = watch(this.inner.root, { recursive: true, persistent: false }, (_type, name) => {
        if (name === null) {
          this.touched();
          askResync();
          return;
        }
        const path = String(name).split('\\').join('/').normalize('NFC');
        const segments = path.split('/');
        // Hidden files and folders (the configuration folder, temporary files of atomic writes) are never notes.
        if (segments.some((s) => s.startsWith('.') || s === '')) return;
        this.touched();
        if (path.toLowerCase().endsWith('.md')) this.emit({ type: 'modify', path });
        else if (!/\.[A-Za-z0-9]{1,8}$/.test(segments[segments.length - 1])) askResync(); // a folder: its notes may have come or gone with it
      });
      this.watcher.on('error', (error) => {
        this.touched();
        log(`scriptorium mcp: the vault watcher failed (${error.message}); checking the vault for changes every 2 seconds instead.`);
        this.watcher?.close();
        this.watcher = null;
        this.poll(resync, options.pollMs ?? 2000);
      });
      return 'watching';
    } catch (error) {
      log(`scriptorium mcp: this system cannot watch the vault folder recursively (${error instanceof Error ? error.message : String(error)}); checking it for changes every 2 seconds instead.`);
      this.poll(resync, options.pollMs ?? 2000);
      return 'polling';
    }
  }

  private poll(resync: () => void, pollMs: number): void {
    this.poller ??= setInterval(resync, pollMs);
    this.poller.unref();
  }

  /** Whether the watcher now follows the vault (false before `start`, while polling, after `stop`). */
  get watching(): boolean {
    return this.watcher !== null;
  }

  /** Stops watching (listeners stay; nothing more arrives from the disk). */
  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.poller !== null) clearInterval(this.poller);
    this.poller = null;
    if (this.resyncTimer !== null) clearTimeout(this.resyncTimer);
    this.resyncTimer = null;
  }
}
