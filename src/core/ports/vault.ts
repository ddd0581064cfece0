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

export interface VaultPort {
  /** The vault's configuration folder, normally ".obsidian". Never indexed, never a note. */
  readonly configDir: string;
  /** Every file in the vault outside the configuration folder. */
  list(): Promise<VaultFileStat[]>;
  /** The file's stat, or null when there is no such file. */
  stat(path: string): Promise<VaultFileStat | null>;
  /** The file's text (UTF-8). Rejects when the file does not exist. */
  read(path: string): Promise<string>;
  /** Creates or replaces a file, creating missing parent folders. */
  write(path: string, content: string): Promise<void>;
  /** Removes a file. Removing a missing file is not an error. */
  delete(path: string): Promise<void>;
  /** Moves a file; fails when the target exists. */
  rename(from: string, to: string): Promise<void>;
  /** Subscribes to changes made by anyone; returns the unsubscribe function. */
  on(listener: VaultListener): () => void;
}
