/**
 * Text files that belong to the plugin rather than to the notes: settings, the search cache,
 * compile state, the undo journal. In Obsidian they live in `<configDir>/plugins/scriptorium/`;
 * the CLI uses the same folder so that both share one cache. Everything here is rebuildable.
 */
export interface StateStore {
  /**
   * The stored text, or null when the key was never written (or was removed). Keys are plain file
   * names (letters, digits, ".", "_", "-", not starting with "."); every method rejects any other.
   */
  get(key: string): Promise<string | null>;
  /**
   * Stores the text. Contract: after a crash at any point of a `set`, `get` (in this process or a
   * restarted one) returns the old value or the new value — never nothing, never a torn one.
   * Concurrent sets of one key end with one of their values. Checked for every implementation by
   * tests/contract/state-store.contract.test.ts.
   */
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Creates the key only if it does not exist yet, atomically where the platform allows (the
   * cross-process writer lock is built on it). Resolves true when this call created it, false
   * when the key already existed.
   */
  createExclusive(key: string, value: string): Promise<boolean>;
  /**
   * Optional: the stored bytes of a key written by `setBytes`, or null when never written. Stores
   * without it keep binary values as base-64 text through `set` (see `readBytes` / `writeBytes`).
   */
  getBytes?(key: string): Promise<Uint8Array | null>;
  /** Optional: stores bytes under the same crash contract as `set` (old bytes or new, never torn). */
  setBytes?(key: string, bytes: Uint8Array): Promise<void>;
}

/** Bytes of a key through `getBytes`, or base-64 text through `get` where the store has no bytes methods; null when absent or not base-64. */
export async function readBytes(store: StateStore, key: string): Promise<Uint8Array | null> {
  if (store.getBytes) return store.getBytes(key);
  const text = await store.get(key);
  if (text === null) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Stores bytes through `setBytes`, or as base-64 text through `set`. */
export async function writeBytes(store: StateStore, key: string, bytes: Uint8Array): Promise<void> {
  if (store.setBytes) return store.setBytes(key, bytes);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) parts.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  await store.set(key, btoa(parts.join('')));
}
