import type { LinkLookup } from './link-lookup';

/**
 * The vault as the core sees it: a flat set of text files addressed by vault-relative paths
 * with forward slashes ("wiki/concepts/Dropck.md"), as Obsidian shows them. Implemented by the
 * Obsidian adapter, the CLI's filesystem adapter and the in-memory vault used by tests.
 */
export interface VaultFileStat {
  /** Vault-relative path, forward slashes, no leading slash. */
  path: string;
  /** Last modification time in milliseconds since the epoch. */
  mtime: number;
  /** Size in bytes. */
  size: number;
}

export type VaultEvent =
  | { type: 'create' | 'modify' | 'delete'; path: string }
  | { type: 'rename'; path: string; oldPath: string };

export type VaultListener = (event: VaultEvent) => void;

export interface VaultWriteOptions {
  /** The text the file must hold for the write to happen; null when it must not exist. */
  expected?: string | null;
}

/** A write refused because the file no longer held the expected text. Nothing was written. */
export class VaultConflictError extends Error {
  readonly code = 'EVAULTCONFLICT';
  readonly path: string;

  constructor(path: string) {
    super(`"${path}" changed while Scriptorium was writing it; it was left as it is`);
    this.name = 'VaultConflictError';
    this.path = path;
  }
}

/** True for a {@link VaultConflictError}, also one from another realm (compared by code). */
export function isVaultConflict(error: unknown): error is VaultConflictError {
  return !!error && typeof error === 'object' && (error as { code?: unknown }).code === 'EVAULTCONFLICT';
}

export interface VaultPort {
  /** The vault's configuration folder, normally ".obsidian". Never indexed, never a note. */
  readonly configDir: string;
  /**
   * The host's own link index, when it has one (the plugin: Obsidian's metadataCache). Health
   * checks and the research tools resolve links through it, so they agree with what Obsidian
   * shows; without it they use the pure `LinkResolver`, which follows the same rules.
   */
  readonly links?: LinkLookup;
  /** Every file in the vault outside the configuration folder. */
  list(): Promise<VaultFileStat[]>;
  /** The file's stat, or null when there is no such file. */
  stat(path: string): Promise<VaultFileStat | null>;
  /** The file's text (UTF-8). Rejects when the file does not exist. */
  read(path: string): Promise<string>;
  /** The file's bytes (PDFs, images, datasets). Rejects when the file does not exist. */
  readBinary(path: string): Promise<Uint8Array>;
  /**
   * The file's bytes in chunks of about `chunkBytes`, for files too big to hold at once (a 100 MB
   * dataset). Adapters that cannot stream leave it out; use {@link readChunks}, which falls back.
   */
  readStream?(path: string, chunkBytes?: number): AsyncIterable<Uint8Array>;
  /**
   * Creates or replaces a binary file (a downloaded image), creating missing parent folders. With
   * `expected: null` the file must not exist yet, else it rejects with a {@link VaultConflictError}.
   */
  writeBinary(path: string, data: Uint8Array, options?: { expected?: null }): Promise<void>;
  /**
   * Creates or replaces a file, creating missing parent folders. With `expected`, the write
   * happens only if the file still holds exactly that text (null: the file must not exist); else
   * it rejects with a {@link VaultConflictError} and writes nothing. Adapters compare as close to
   * the write as they can (Obsidian: inside `vault.process`), so keystrokes typed in between are
   * never overwritten.
   */
  write(path: string, content: string, options?: VaultWriteOptions): Promise<void>;
  /** Removes a file. Removing a missing file is not an error. */
  delete(path: string): Promise<void>;
  /** Moves a file; fails when the target exists. */
  rename(from: string, to: string): Promise<void>;
  /**
   * Where `path` really lives, as a vault path, when links (symlinks) are followed — for adapters
   * over a filesystem that has them. The writer refuses to write through a link whose real place is
   * outside the wiki folder (in `raw/`, say). Absent where the platform resolves nothing.
   */
  realPath?(path: string): Promise<string>;
  /** Subscribes to changes made by anyone; returns the unsubscribe function. */
  on(listener: VaultListener): () => void;
}

/** A file's bytes in chunks: the adapter's stream when it has one, else the whole file as one chunk. */
export async function* readChunks(vault: VaultPort, path: string, chunkBytes = 1 << 20): AsyncIterable<Uint8Array> {
  if (vault.readStream) {
    yield* vault.readStream(path, chunkBytes);
    return;
  }
  const all = await vault.readBinary(path);
  for (let i = 0; i < all.length || i === 0; i += chunkBytes) {
    yield all.subarray(i, i + chunkBytes);
    if (all.length === 0) break;
  }
}
