/** BM25 parameters (MiniSearch's BM25+: `d` is the lower bound added to every match). */
export interface Bm25Params {
  k: number;
  b: number;
  d: number;
}

/** One scoring request to the posting store (and to the reference scorer the tests compare it with). */
export interface ScoreQuery {
  terms: readonly string[];
  /** Per-term weights (e.g. how often the term occurs in the query). Default 1 each. */
  weights?: readonly number[];
  /** Also match terms starting with this query term (it must be one of `terms`). */
  prefix?: string;
  /** Also match terms within this edit distance fraction (as MiniSearch's `fuzzy`), at most `maxFuzzy` edits. */
  fuzzy?: number;
  maxFuzzy?: number;
  /** Fuzzy matching only for terms the index does not contain at all (typos), never for the prefix term. */
  fuzzyOnlyMissing?: boolean;
  /**
   * For a term that stands for others (a hyphenated compound's joined term for its parts), the
   * indexes in `terms` of those others: a document matching it counts as matching them, and the
   * term itself is not counted in `matched` (the query's first 32 terms only).
   */
  covers?: readonly (readonly number[] | undefined)[];
  boost: Readonly<Record<string, number>>;
  bm25: Bm25Params;
}
