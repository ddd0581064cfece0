import { basenameNoExt } from '../markdown';

export interface NameMatch {
  /** The name that matched (a title, an alias or a file name), as written. */
  name: string;
  /** The note it belongs to. */
  path: string;
  distance: number;
}

/** Comparison key: case- and whitespace-insensitive, like Obsidian's link matching. */
function fold(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Edit distance (insertions, deletions, substitutions, adjacent swaps) if it is at most `max`,
 * else max + 1. Only a diagonal band of width 2·max+1 is filled, so a miss costs O(len·max).
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  const big = max + 1;
  let prev2 = new Array<number>(n + 1).fill(big);
  let prev = new Array<number>(n + 1).fill(big);
  let cur = new Array<number>(n + 1).fill(big);
  for (let j = 0; j <= Math.min(n, max); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur.fill(big);
    if (i <= max) cur[0] = i;
    const from = Math.max(1, i - max);
    const to = Math.min(n, i + max);
    let rowMin = cur[0];
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return big;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n], big);
}

/**
 * Finds the existing note whose title, alias or file name is closest to a broken link target,
 * for "did you mean" suggestions and the relink fix. A match must be close: at most a third of
 * the target's length in edits (at most 4), so unrelated names are never proposed.
 */
export class ClosestName {
  private readonly names: { key: string; name: string; path: string }[] = [];

  constructor(notes: Iterable<{ path: string; title: string; aliases: readonly string[] }>) {
    for (const note of notes) {
      const seen = new Set<string>();
      for (const name of [basenameNoExt(note.path), note.title, ...note.aliases]) {
        const key = fold(name);
        if (key === '' || seen.has(key)) continue;
        seen.add(key);
        this.names.push({ key, name, path: note.path });
      }
    }
    // Ties go to the shorter path, then alphabetical order, whatever order the notes came in.
    this.names.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  find(target: string): NameMatch | null {
    const key = fold(basenameNoExt(target.endsWith('.md') ? target : `${target}.md`));
    if (key === '') return null;
    const max = Math.min(4, Math.floor(key.length / 3));
    let best: NameMatch | null = null;
    let bestDistance = max + 1;
    for (const entry of this.names) {
      const d = boundedDistance(key, entry.key, Math.min(max, bestDistance));
      if (d < bestDistance) {
        bestDistance = d;
        best = { name: entry.name, path: entry.path, distance: d };
        if (d === 0) break;
      }
    }
    return best;
  }
}
