/**
 * Term → term id, with prefix and fuzzy (Levenshtein) lookups as MiniSearch's `SearchableMap`
 * answers them, over a sorted array of terms instead of a radix tree of `Map`s (~230 bytes a term
 * at 21k terms; this keeps ~20). New terms wait unsorted until the next prefix or fuzzy lookup,
 * which merges them in (one pass), so indexing never pays for order.
 *
 * A dictionary loaded from the cache (`fromSorted`) is just the sorted array, a term's id being its
 * position: lookups search it by bisection, and the `Map` is built only at the first change.
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  private sorted: string[] = [];
  private pending: string[] = [];
  private removed = false;
  /** True while `ids` is not built yet: every term's id is its position in `sorted`. */
  private positional = false;

  /**
   * A dictionary of `terms` with ids 0, 1, … in that order; the terms must be sorted (code unit
   * order) and distinct. Throws otherwise (a damaged cache).
   */
  static fromSorted(terms: string[]): TermDictionary {
    for (let i = 1; i < terms.length; i++) {
      if (!(terms[i - 1] < terms[i])) throw new Error('Search: cached terms are not sorted');
    }
    if (terms.length > 0 && terms[0] === '') throw new Error('Search: cached terms include an empty one');
    const dict = new TermDictionary();
    dict.sorted = terms;
    dict.positional = true;
    return dict;
  }

  get size(): number {
    return this.positional ? this.sorted.length : this.ids.size;
  }

  get(term: string): number | undefined {
    if (!this.positional) return this.ids.get(term);
    const i = this.lowerBound(term);
    return i < this.sorted.length && this.sorted[i] === term ? i : undefined;
  }

  set(term: string, id: number): void {
    this.materialize();
    if (!this.ids.has(term)) this.pending.push(term);
    this.ids.set(term, id);
  }

  delete(term: string): void {
    this.materialize();
    if (this.ids.delete(term)) this.removed = true;
  }

  /** Every term, sorted (code unit order). */
  terms(): readonly string[] {
    this.settle();
    return this.sorted;
  }

  /** Terms starting with `prefix` (including `prefix` itself), with their ids. */
  *atPrefix(prefix: string): Generator<[string, number]> {
    const sorted = this.terms();
    for (let i = this.lowerBound(prefix); i < sorted.length && sorted[i].startsWith(prefix); i++) yield [sorted[i], this.idAt(i)];
  }

  /** Terms within `maxDistance` edits (insertions, deletions, substitutions) of `query`: term → [id, distance]. */
  fuzzyGet(query: string, maxDistance: number): Map<string, [number, number]> {
    const out = new Map<string, [number, number]>();
    const sorted = this.terms();
    const n = query.length;
    const width = n + 1;
    // rows[i × width + j]: distance between the current term's first i characters and the query's first j.
    let rows = new Int32Array(width * 32);
    for (let j = 0; j <= n; j++) rows[j] = j;
    let previous = '';
    let valid = 0;
    for (let t = 0; t < sorted.length; t++) {
      const term = sorted[t];
      if ((term.length + 1) * width > rows.length) {
        const grown = new Int32Array((term.length + 1) * width * 2);
        grown.set(rows);
        rows = grown;
      }
      let common = 0;
      const limit = Math.min(valid, term.length);
      while (common < limit && previous.charCodeAt(common) === term.charCodeAt(common)) common++;
      let pruned = -1;
      for (let i = common + 1; i <= term.length; i++) {
        const ch = term.charCodeAt(i - 1);
        const row = i * width;
        const above = row - width;
        rows[row] = i;
        let min = i;
        for (let j = 1; j <= n; j++) {
          const cost = query.charCodeAt(j - 1) === ch ? 0 : 1;
          const v = Math.min(rows[above + j] + 1, rows[row + j - 1] + 1, rows[above + j - 1] + cost);
          rows[row + j] = v;
          if (v < min) min = v;
        }
        if (min > maxDistance) {
          pruned = i;
          break;
        }
      }
      if (pruned >= 0) {
        // No term starting with these `pruned` characters can be close enough: skip them all.
        const stem = term.slice(0, pruned);
        while (t + 1 < sorted.length && sorted[t + 1].startsWith(stem)) t++;
        previous = stem;
        valid = pruned;
        continue;
      }
      previous = term;
      valid = term.length;
      const distance = rows[term.length * width + n];
      if (distance <= maxDistance) out.set(term, [this.idAt(t), distance]);
    }
    return out;
  }

  /** Position of the first sorted term not below `term` (call after `settle`, as `terms()` does). */
  private lowerBound(term: string): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < term) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The id of the sorted term at position `i`. */
  private idAt(i: number): number {
    return this.positional ? i : this.ids.get(this.sorted[i])!;
  }

  /** Builds the term → id map of a dictionary loaded from the cache, before its first change. */
  private materialize(): void {
    if (!this.positional) return;
    const sorted = this.sorted;
    for (let i = 0; i < sorted.length; i++) this.ids.set(sorted[i], i);
    this.positional = false;
  }

  private settle(): void {
    if (this.removed) {
      this.sorted = this.sorted.filter((t) => this.ids.has(t));
      this.pending = this.pending.filter((t) => this.ids.has(t));
      this.removed = false;
    }
    if (this.pending.length === 0) return;
    const add = this.pending.sort(compare);
    this.pending = [];
    const old = this.sorted;
    // A term deleted and added again before this runs can be in both lists: keep it once.
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    while (i < old.length || j < add.length) {
      const next = j >= add.length || (i < old.length && old[i] < add[j]) ? old[i++] : add[j++];
      if (merged.length === 0 || merged[merged.length - 1] !== next) merged.push(next);
    }
    this.sorted = merged;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
