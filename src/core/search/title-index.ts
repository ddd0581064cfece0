import { basenameNoExt } from '../markdown/paths';
import { foldDiacritics } from './tokenizer';

/**
 * Exact lookup of notes by name: title, file name or alias, compared case- and accent-insensitively
 * with whitespace collapsed. This is how compile finds an existing concept article for a name and
 * how `read` resolves "Dropck" to "wiki/concepts/Dropck.md", without a full-text query.
 */
export class TitleIndex {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly keysOf = new Map<string, string[]>();

  /** Registers (or re-registers) a note's names. */
  set(path: string, title: string, aliases: readonly string[]): void {
    this.delete(path);
    const keys = [...new Set([title, basenameNoExt(path), ...aliases].map(titleKey).filter((k) => k !== ''))];
    for (const key of keys) {
      let paths = this.byKey.get(key);
      if (!paths) this.byKey.set(key, (paths = new Set()));
      paths.add(path);
    }
    this.keysOf.set(path, keys);
  }

  delete(path: string): void {
    for (const key of this.keysOf.get(path) ?? []) {
      const paths = this.byKey.get(key);
      paths?.delete(path);
      if (paths?.size === 0) this.byKey.delete(key);
    }
    this.keysOf.delete(path);
  }

  /** Paths of the notes with this title, file name or alias, sorted. */
  lookup(name: string): string[] {
    return [...(this.byKey.get(titleKey(name)) ?? [])].sort();
  }

  clear(): void {
    this.byKey.clear();
    this.keysOf.clear();
  }
}

export function titleKey(name: string): string {
  return foldDiacritics(name.trim().replace(/\s+/g, ' ').toLowerCase());
}
