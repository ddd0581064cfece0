import { hashBytes, hashText } from '../markdown/hash';

/**
 * Sealed temporary files: how a state store without an atomic rename (Obsidian's adapter) keeps
 * the StateStore contract, and how every store reading the same folder (the CLI's too) finds the
 * value a crash interrupted.
 *
 * A set writes the new text to `<key>.<length>-<hash>.tmp` first (the name seals what a complete
 * copy holds), then writes the key's file in place, then removes the temporary file. After a
 * crash the key's file may be missing or cut short; a cut-short file is a strict beginning of the
 * new text. Pure functions; the stores do the reading and writing.
 */

const SEALED = /^(.+)\.(\d+)-([0-9a-f]{16})\.tmp$/;

/** The sealed temporary name for `value` of `key`. */
export function sealedTempName(key: string, value: string): string {
  return `${key}.${value.length}-${hashText(value)}.tmp`;
}

/** The key a sealed temporary file name belongs to, or null for any other name. */
export function sealedTempKey(name: string): string | null {
  return SEALED.exec(name)?.[1] ?? null;
}

/** Whether `text` is the complete content the sealed name promises (false for a torn file). */
export function isCompleteSealed(name: string, text: string): boolean {
  const m = SEALED.exec(name);
  return !!m && text.length === Number(m[2]) && hashText(text) === m[3];
}

/**
 * The key's value after a possibly interrupted set: the key's file, unless it is missing or cut
 * short of a complete sealed copy, then that copy (`repair`: write it back to the key's file).
 * A complete copy that the key's file does not begin (a later value stored by anyone) is stale.
 */
export function resolveSealed(main: string | null, completeCopies: readonly string[]): { value: string | null; repair: boolean } {
  for (const copy of completeCopies) {
    if (main === null || (copy.length > main.length && copy.startsWith(main))) return { value: copy, repair: true };
  }
  return { value: main, repair: false };
}

/** The sealed temporary name for the bytes `value` of `key` (length in bytes, hash of the bytes). */
export function sealedBytesName(key: string, value: Uint8Array): string {
  return `${key}.${value.length}-${hashBytes(value).slice(1)}.tmp`;
}

/** Whether `bytes` are the complete content the sealed bytes name promises (false for a torn file). */
export function isCompleteSealedBytes(name: string, bytes: Uint8Array): boolean {
  const m = SEALED.exec(name);
  return !!m && bytes.length === Number(m[2]) && hashBytes(bytes).slice(1) === m[3];
}

/** {@link resolveSealed} for bytes: a complete copy wins over a missing key file or one that is a strict beginning of it. */
export function resolveSealedBytes(main: Uint8Array | null, completeCopies: readonly Uint8Array[]): { value: Uint8Array | null; repair: boolean } {
  for (const copy of completeCopies) {
    if (main === null || (copy.length > main.length && main.every((b, i) => copy[i] === b))) return { value: copy, repair: true };
  }
  return { value: main, repair: false };
}
