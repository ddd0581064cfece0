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
}
