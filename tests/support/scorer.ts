import type MiniSearch from 'minisearch';
import type { Bm25Params, ScoreQuery } from '../../src/core/search/score-query';

export type { Bm25Params, ScoreQuery };

/**
 * The reference scorer: BM25+ over MiniSearch 7.2's own postings. The index no longer uses it (its
 * `PostingStore` keeps postings in typed arrays); tests pin the store's scores to this and this to
 * MiniSearch's own, so it lives with the test support code and never enters the bundle.
 */

/** One term's postings in MiniSearch 7.2: field id → (short document id → term frequency). */
type TermData = Map<number, Map<number, number>>;

/**
 * The parts of MiniSearch 7.2.0 (pinned) that scoring reads. MiniSearch's own `search` builds a
 * result object with match details for every matching document and sorts them all, which costs
 * far more than the scores themselves on long section posting lists (tens of milliseconds at 10k
 * notes). This reads the same postings and computes the same BM25+ scores into flat arrays; a
 * test compares the scores with MiniSearch's own for exact, prefix and fuzzy terms.
 */
interface MiniSearchInternals {
  _index: {
    get(term: string): TermData | undefined;
    atPrefix(prefix: string): Iterable<[string, TermData]>;
    fuzzyGet(term: string, maxDistance: number): Map<string, [TermData, number]>;
    set(term: string, data: TermData): unknown;
  };
  _fieldIds: Record<string, number>;
  _documentIds: Map<number, unknown>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
}

export function internals(ms: MiniSearch<never>): MiniSearchInternals {
  const m = ms as unknown as Partial<MiniSearchInternals>;
  if (!m._index || typeof m._index.get !== 'function' || typeof m._index.set !== 'function' || !(m._documentIds instanceof Map) || !(m._fieldLength instanceof Map) || !Array.isArray(m._avgFieldLength)) {
    throw new Error('Search: unexpected MiniSearch internals');
  }
  return m as MiniSearchInternals;
}

/** MiniSearch's default weights for derived terms. */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

/**
 * Scores for every document matching any query term. Scratch arrays are kept between queries and
 * only the touched entries are cleared, so a query costs its postings, not the index size.
 */
export class Scorer {
  private scores = new Float64Array(0);
  private counts = new Uint8Array(0);
  private lastTerm = new Int32Array(0);
  private touched: number[] = [];

  /**
   * Runs `visit(shortId, score, matchedTerms)` for every document matching at least one term
   * (score without MiniSearch's matched-terms factor). `matchedTerms` counts distinct query terms.
   */
  score(ms: MiniSearch<never>, q: ScoreQuery, visit: (shortId: number, score: number, matched: number) => void): void {
    const m = internals(ms);
    const fields = Object.entries(q.boost)
      .map(([name, boost]) => ({ id: m._fieldIds[name], boost }))
      .filter((f) => f.id !== undefined && f.boost > 0);
    this.touched.length = 0;
    for (let i = 0; i < q.terms.length; i++) {
      const term = q.terms[i];
      const w = q.weights?.[i] ?? 1;
      const exact = m._index.get(term);
      this.addTerm(m, i, exact, w, fields, q.bm25);
      let fuzzy: Map<string, [TermData, number]> | undefined;
      if (q.fuzzy !== undefined && (!q.fuzzyOnlyMissing || (exact === undefined && term !== q.prefix))) {
        const maxDistance = Math.min(q.maxFuzzy ?? 6, Math.round(term.length * q.fuzzy));
        if (maxDistance > 0) fuzzy = m._index.fuzzyGet(term, maxDistance);
      }
      if (q.prefix !== undefined && term === q.prefix) {
        for (const [derived, data] of m._index.atPrefix(term)) {
          const distance = derived.length - term.length;
          if (distance === 0) continue;
          fuzzy?.delete(derived);
          this.addTerm(m, i, data, (w * PREFIX_WEIGHT * derived.length) / (derived.length + 0.3 * distance), fields, q.bm25);
        }
      }
      if (fuzzy) {
        for (const [derived, [data, distance]] of fuzzy) {
          if (distance === 0) continue;
          this.addTerm(m, i, data, (w * FUZZY_WEIGHT * derived.length) / (derived.length + distance), fields, q.bm25);
        }
      }
    }
    for (const doc of this.touched) {
      visit(doc, this.scores[doc], this.counts[doc]);
      this.scores[doc] = 0;
      this.counts[doc] = 0;
      this.lastTerm[doc] = 0;
    }
    this.touched.length = 0;
  }

  private addTerm(m: MiniSearchInternals, termIndex: number, data: TermData | undefined, weight: number, fields: { id: number; boost: number }[], bm25: Bm25Params): void {
    if (!data) return;
    const { k, b, d } = bm25;
    const total = m._documentCount;
    const mark = termIndex + 1;
    for (const field of fields) {
      const docs = data.get(field.id);
      if (!docs) continue;
      const n = docs.size;
      const idf = Math.log(1 + (total - n + 0.5) / (n + 0.5));
      const avg = m._avgFieldLength[field.id];
      const factor = weight * field.boost * idf;
      const fieldId = field.id;
      const lengthsOf = m._fieldLength;
      const kb = (k * b) / avg;
      const k1 = k * (1 - b);
      // forEach, not for…of: no entry array per posting on lists of tens of thousands.
      docs.forEach((tf, doc) => {
        // MiniSearch deletes a discarded document's lengths at once; its postings stay until vacuumed.
        const lengths = lengthsOf.get(doc);
        if (lengths === undefined) return;
        const s = factor * (d + (tf * (k + 1)) / (tf + k1 + kb * lengths[fieldId]));
        if (doc >= this.scores.length) this.grow(doc);
        if (this.lastTerm[doc] === 0) this.touched.push(doc);
        this.scores[doc] += s;
        if (this.lastTerm[doc] !== mark) {
          this.lastTerm[doc] = mark;
          if (this.counts[doc] < 255) this.counts[doc]++;
        }
      });
    }
  }

  private grow(doc: number): void {
    const size = Math.max(1024, doc + 1, this.scores.length * 2);
    const scores = new Float64Array(size);
    scores.set(this.scores);
    const counts = new Uint8Array(size);
    counts.set(this.counts);
    const lastTerm = new Int32Array(size);
    lastTerm.set(this.lastTerm);
    this.scores = scores;
    this.counts = counts;
    this.lastTerm = lastTerm;
  }

  /** Short ids of documents containing any of the terms (exact matches only). */
  documentsWith(ms: MiniSearch<never>, terms: readonly string[]): Set<number> {
    const m = internals(ms);
    const out = new Set<number>();
    for (const term of terms) {
      const data = m._index.get(term);
      if (!data) continue;
      for (const docs of data.values()) for (const doc of docs.keys()) if (m._documentIds.has(doc)) out.add(doc);
    }
    return out;
  }
}
