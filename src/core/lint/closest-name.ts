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

/** Reusable rows for {@link boundedDistance}, so thousands of comparisons allocate nothing. */
export interface DistanceScratch {
  rows: [Int32Array, Int32Array, Int32Array];
}

function scratchFor(n: number, scratch?: DistanceScratch): [Int32Array, Int32Array, Int32Array] {
  if (scratch && scratch.rows[0].length > n) return scratch.rows;
  const size = Math.max(64, n + 1);
  const rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(size), new Int32Array(size), new Int32Array(size)];
  if (scratch) scratch.rows = rows;
  return rows;
}

/**
 * Edit distance (insertions, deletions, substitutions, adjacent swaps) if it is at most `max`,
 * else max + 1. Only a diagonal band of width 2·max+1 is filled and a row past `max` stops the
 * scan, so a miss costs O(len·max).
 */
export function boundedDistance(a: string, b: string, max: number, scratch?: DistanceScratch): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  const big = max + 1;
  let [prev2, prev, cur] = scratchFor(n + 1, scratch);
  // Only the band is ever read, so only the band (and one cell either side) is initialised.
  for (let j = 0; j <= Math.min(n, max + 1); j++) {
    prev[j] = j <= max ? j : big;
    prev2[j] = big;
  }
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(n, i + max);
    cur[from - 1] = from === 1 && i <= max ? i : big;
    if (to + 1 <= n) cur[to + 1] = big;
    let rowMin = cur[from - 1];
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ai === bj ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj && prev2[j - 2] + 1 < d) d = prev2[j - 2] + 1;
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return big;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[n], big);
}

/**
 * max(letters of the key missing from `name`, letters of `name` missing from the key), counted by
 * char code mod 64 (merging letters only lowers it): a lower bound on the edit distance. `counts`
 * holds the key's counts and is left as it was found.
 */
function bagDistance(counts: Int32Array, keyLength: number, name: string): number {
  // Letters of the name beyond the key's count of them; the key's surplus follows from the lengths.
  let extra = 0;
  for (let c = 0; c < name.length; c++) if (--counts[name.charCodeAt(c) & 63] < 0) extra++;
  for (let c = 0; c < name.length; c++) counts[name.charCodeAt(c) & 63]++;
  return Math.max(extra, extra + keyLength - name.length);
}

/** Distinct character trigrams of a key. */
function trigrams(key: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= key.length; i++) out.add(key.slice(i, i + 3));
  return [...out];
}

interface NameEntry {
  key: string;
  name: string;
  path: string;
}

/**
 * Finds the existing note whose title, alias or file name is closest to a broken link target,
 * for "did you mean" suggestions and the relink fix. A match must be close: at most a third of
 * the target's length in edits (at most 4), so unrelated names are never proposed.
 *
 * Candidates come from a trigram index (a name within k edits of the target shares at least
 * G−4k of the target's G distinct trigrams, an adjacent swap destroying four, so it is in one of
 * the rarest lists), so a vault with thousands of broken links and names stays fast;
 * short targets, where that bound says nothing, compare against names of similar length only.
 */
export class ClosestName {
  private readonly names: NameEntry[] = [];
  private readonly byGram = new Map<string, number[]>();
  private readonly gramIds = new Map<string, number>();
  /** Each name's distinct trigram ids, to count how many a candidate shares with the key. */
  private readonly gramsOf: Int32Array[] = [];
  private marks: Uint8Array | undefined;
  private readonly byLength = new Map<number, number[]>();
  private readonly cache = new Map<string, NameMatch | null>();
  private readonly scratch: DistanceScratch = { rows: [new Int32Array(64), new Int32Array(64), new Int32Array(64)] };
  private seen: Uint8Array | undefined;
  /** The key's letter counts (char code mod 64) during a search, for {@link bagDistance}. */
  private readonly counts = new Int32Array(64);

  constructor(notes: Iterable<{ path: string; title: string; aliases: readonly string[] }>) {
    const all: NameEntry[] = [];
    for (const note of notes) {
      const seen = new Set<string>();
      for (const name of [basenameNoExt(note.path), note.title, ...note.aliases]) {
        const key = fold(name);
        if (key === '' || seen.has(key)) continue;
        seen.add(key);
        all.push({ key, name, path: note.path });
      }
    }
    // Ties go to the shorter path, then alphabetical order, whatever order the notes came in.
    all.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    all.forEach((entry, i) => {
      this.names.push(entry);
      const grams = trigrams(entry.key);
      const ids = new Int32Array(grams.length);
      grams.forEach((g, k) => {
        let id = this.gramIds.get(g);
        if (id === undefined) this.gramIds.set(g, (id = this.gramIds.size));
        ids[k] = id;
        const list = this.byGram.get(g);
        if (list) list.push(i);
        else this.byGram.set(g, [i]);
      });
      this.gramsOf.push(ids);
      const list = this.byLength.get(entry.key.length);
      if (list) list.push(i);
      else this.byLength.set(entry.key.length, [i]);
    });
  }

  find(target: string): NameMatch | null {
    const key = fold(basenameNoExt(target.endsWith('.md') ? target : `${target}.md`));
    if (key === '') return null;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const found = this.search(key);
    this.cache.set(key, found);
    return found;
  }

  private search(key: string): NameMatch | null {
    const max = Math.min(4, Math.floor(key.length / 3));
    const candidates = this.candidates(key, max);
    let best: NameMatch | null = null;
    let bestIndex = Infinity;
    let bestDistance = max + 1;
    const counts = this.counts;
    for (let c = 0; c < key.length; c++) counts[key.charCodeAt(c) & 63]++;
    for (const i of candidates) {
      const entry = this.names[i];
      // Bag distance first: letters one side has and the other lacks, a lower bound on the edits
      // (a swap changes no count), at a fraction of the banded table's cost.
      const bound = Math.min(max, bestDistance);
      if (Math.abs(entry.key.length - key.length) > bound || bagDistance(counts, key.length, entry.key) > bound) continue;
      const d = boundedDistance(key, entry.key, Math.min(max, bestDistance), this.scratch);
      // Equal distances go to the earlier entry (shorter path), as the constructor ordered them.
      if (d < bestDistance || (d === bestDistance && d <= max && i < bestIndex)) {
        bestDistance = d;
        bestIndex = i;
        best = { name: entry.name, path: entry.path, distance: d };
      }
    }
    counts.fill(0);
    return best;
  }

  /** Indices of names that can be within `max` edits of `key`. */
  private candidates(key: string, max: number): Iterable<number> {
    // One edit destroys at most four of the key's trigrams: a substitution or deletion three, an
    // insertion two, an adjacent swap four (both letters' trigrams). Counted over distinct
    // trigrams, since repeats (as in "aaaa") make fewer than length − 2.
    const grams = trigrams(key);
    const needed = grams.length - 4 * max;
    if (needed <= 0) {
      // Same length first, then ±1, ±2…: a close match found early lets the rest be skipped by length.
      const out: number[] = [];
      for (let step = 0; step <= 2 * max; step++) {
        const len = key.length + (step % 2 === 0 ? step / 2 : -(step + 1) / 2);
        for (const i of this.byLength.get(len) ?? []) out.push(i);
      }
      return out;
    }
    // Pigeonhole: a name sharing `needed` of the key's G trigrams appears in at least one of
    // any G − needed + 1 of their lists, so only the rarest ones are walked.
    const lists = grams.map((g) => this.byGram.get(g) ?? []).sort((a, b) => a.length - b.length);
    const walk = lists.slice(0, Math.max(1, lists.length - needed + 1));
    this.seen ??= new Uint8Array(this.names.length);
    this.marks ??= new Uint8Array(this.gramIds.size);
    const seen = this.seen;
    const marks = this.marks;
    const keyIds: number[] = [];
    for (const g of grams) {
      const id = this.gramIds.get(g);
      if (id !== undefined) {
        marks[id] = 1;
        keyIds.push(id);
      }
    }
    const out: number[] = [];
    for (const list of walk) {
      for (const i of list) {
        if (seen[i] !== 0) continue;
        seen[i] = 1;
        if (Math.abs(this.names[i].key.length - key.length) > max) continue;
        // Count the shared trigrams before paying for an edit distance.
        let shared = 0;
        for (const id of this.gramsOf[i]) shared += marks[id];
        if (shared >= needed) out.push(i);
      }
    }
    for (const list of walk) for (const i of list) seen[i] = 0;
    for (const id of keyIds) marks[id] = 0;
    return out;
  }
}
