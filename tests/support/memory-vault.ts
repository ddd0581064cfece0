import { VaultConflictError, type VaultEvent, type VaultFileStat, type VaultListener, type VaultPort, type VaultWriteOptions } from '../../src/core/ports/vault';
import type { StateStore } from '../../src/core/ports/state-store';

interface MemoryFile {
  content: string;
  /** The bytes of a binary file (a PDF, an image); `content` is then their lossy UTF-8 reading. */
  bytes?: Uint8Array;
  mtime: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function sizeOf(file: MemoryFile): number {
  return file.bytes ? file.bytes.length : encoder.encode(file.content).length;
}

/**
 * A vault held in memory. Used by tests and by dry runs; behaves like the filesystem vault
 * (errors for missing files, events for every change, strictly increasing mtimes).
 */
export class MemoryVault implements VaultPort {
  readonly configDir: string;
  private readonly files = new Map<string, MemoryFile>();
  private readonly listeners = new Set<VaultListener>();
  private tick = 0;

  constructor(initial: Record<string, string | Uint8Array> = {}, options: { configDir?: string; startTime?: number } = {}) {
    this.configDir = options.configDir ?? '.obsidian';
    this.tick = options.startTime ?? 1_700_000_000_000;
    for (const [path, content] of Object.entries(initial)) {
      this.files.set(path, typeof content === 'string' ? { content, mtime: this.nextTime() } : { content: decoder.decode(content), bytes: content.slice(), mtime: this.nextTime() });
    }
  }

  private nextTime(): number {
    this.tick += 1000;
    return this.tick;
  }

  private emit(event: VaultEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  list(): Promise<VaultFileStat[]> {
    const out: VaultFileStat[] = [];
    for (const [path, file] of this.files) {
      if (path.startsWith(this.configDir + '/')) continue;
      out.push({ path, mtime: file.mtime, size: sizeOf(file) });
    }
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return Promise.resolve(out);
  }

  stat(path: string): Promise<VaultFileStat | null> {
    const file = this.files.get(path);
    if (!file) return Promise.resolve(null);
    return Promise.resolve({ path, mtime: file.mtime, size: sizeOf(file) });
  }

  read(path: string): Promise<string> {
    const file = this.files.get(path);
    if (!file) return Promise.reject(new Error(`Vault: no file at "${path}"`));
    return Promise.resolve(file.content);
  }

  readBinary(path: string): Promise<Uint8Array> {
    const file = this.files.get(path);
    if (!file) return Promise.reject(new Error(`Vault: no file at "${path}"`));
    return Promise.resolve(file.bytes ? file.bytes.slice() : encoder.encode(file.content));
  }

  writeBinary(path: string, data: Uint8Array, options: { expected?: null } = {}): Promise<void> {
    const existed = this.files.has(path);
    if (options.expected === null && existed) return Promise.reject(new VaultConflictError(path));
    this.files.set(path, { content: decoder.decode(data), bytes: data.slice(), mtime: this.nextTime() });
    this.emit({ type: existed ? 'modify' : 'create', path });
    return Promise.resolve();
  }

  write(path: string, content: string, options: VaultWriteOptions = {}): Promise<void> {
    const existed = this.files.has(path);
    if (options.expected !== undefined && (this.files.get(path)?.content ?? null) !== options.expected) {
      return Promise.reject(new VaultConflictError(path));
    }
    this.files.set(path, { content, mtime: this.nextTime() });
    this.emit({ type: existed ? 'modify' : 'create', path });
    return Promise.resolve();
  }

  delete(path: string): Promise<void> {
    if (this.files.delete(path)) this.emit({ type: 'delete', path });
    return Promise.resolve();
  }

  rename(from: string, to: string): Promise<void> {
    const file = this.files.get(from);
    if (!file) return Promise.reject(new Error(`Vault: no file at "${from}"`));
    if (this.files.has(to)) return Promise.reject(new Error(`Vault: "${to}" already exists`));
    this.files.delete(from);
    this.files.set(to, { ...file, mtime: this.nextTime() });
    this.emit({ type: 'rename', path: to, oldPath: from });
    return Promise.resolve();
  }

  on(listener: VaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every file and its content, for byte-for-byte comparisons in tests. */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [path, file] of [...this.files].sort(([a], [b]) => a.localeCompare(b))) out[path] = file.content;
    return out;
  }

  /** A binary file's bytes, or undefined for a text file or no file; for tests. */
  bytesOf(path: string): Uint8Array | undefined {
    return this.files.get(path)?.bytes?.slice();
  }
}

/** A state store held in memory. Keys follow the same rule as the stores on disk (plain file names). */
export class MemoryStateStore implements StateStore {
  readonly values = new Map<string, string>();
  /** Values stored with `setBytes`. */
  readonly binaries = new Map<string, Uint8Array>();

  private static invalid(key: string): Promise<never> | null {
    return /^[A-Za-z0-9._-]+$/.test(key) && !key.startsWith('.') ? null : Promise.reject(new Error(`State: invalid key "${key}"`));
  }

  get(key: string): Promise<string | null> {
    return MemoryStateStore.invalid(key) ?? Promise.resolve(this.values.get(key) ?? null);
  }

  set(key: string, value: string): Promise<void> {
    const refused = MemoryStateStore.invalid(key);
    if (refused) return refused;
    this.values.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    const refused = MemoryStateStore.invalid(key);
    if (refused) return refused;
    this.values.delete(key);
    this.binaries.delete(key);
    return Promise.resolve();
  }

  getBytes(key: string): Promise<Uint8Array | null> {
    const refused = MemoryStateStore.invalid(key);
    if (refused) return refused;
    return Promise.resolve(this.binaries.get(key)?.slice() ?? null);
  }

  setBytes(key: string, bytes: Uint8Array): Promise<void> {
    const refused = MemoryStateStore.invalid(key);
    if (refused) return refused;
    this.binaries.set(key, bytes.slice());
    return Promise.resolve();
  }

  createExclusive(key: string, value: string): Promise<boolean> {
    const refused = MemoryStateStore.invalid(key);
    if (refused) return refused;
    if (this.values.has(key)) return Promise.resolve(false);
    this.values.set(key, value);
    return Promise.resolve(true);
  }
}
