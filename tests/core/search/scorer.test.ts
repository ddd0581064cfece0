import MiniSearch from 'minisearch';
import { Scorer } from '../../support/scorer';

// The scorer reads MiniSearch 7.2's postings directly; these tests pin it to MiniSearch's own
// BM25+ scores (without the matched-terms factor), so an upgrade that changes the internals fails here.
const docs = [
  { id: 1, title: 'Rust ownership', body: 'ownership and borrowing rules of rust; the borrow checker' },
  { id: 2, title: 'Garbage collection', body: 'tracing collectors and reference counting free memory' },
  { id: 3, title: 'Borrowing', body: 'borrowed references must not outlive their owner; borrowing borrowing' },
  { id: 4, title: 'Memory', body: 'memory safety without garbage collection through ownership' },
];
const boost = { title: 0.5, body: 1 };
const bm25 = { k: 1.2, b: 0.75, d: 0.5 };

function build(): MiniSearch {
  const ms = new MiniSearch({ fields: ['title', 'body'] });
  ms.addAll(docs);
  return ms;
}

function ours(ms: MiniSearch, query: Parameters<Scorer['score']>[1]): Map<number, { score: number; matched: number }> {
  const out = new Map<number, { score: number; matched: number }>();
  const ids = (ms as unknown as { _documentIds: Map<number, number> })._documentIds;
  new Scorer().score(ms as MiniSearch<never>, query, (shortId, score, matched) => out.set(ids.get(shortId)!, { score, matched }));
  return out;
}

function theirs(ms: MiniSearch, terms: string[], options: { prefix?: string; fuzzy?: number; maxFuzzy?: number }): Map<number, { score: number; matched: number }> {
  const results = ms.search(
    { combineWith: 'OR', queries: terms },
    { boost, bm25, prefix: (t: string) => t === options.prefix, fuzzy: options.fuzzy ?? false, maxFuzzy: options.maxFuzzy },
  );
  return new Map(results.map((r) => [r.id as number, { score: r.score / r.queryTerms.length, matched: r.queryTerms.length }]));
}

function expectSame(a: Map<number, { score: number; matched: number }>, b: Map<number, { score: number; matched: number }>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [id, r] of b) {
    expect(a.get(id)!.matched).toBe(r.matched);
    expect(a.get(id)!.score).toBeCloseTo(r.score, 10);
  }
}

describe('Scorer', () => {
  it('gives MiniSearch 7.2 BM25+ scores for exact terms, per matched-term count', () => {
    const ms = build();
    const terms = ['ownership', 'borrowing', 'memory'];
    expectSame(ours(ms, { terms, boost, bm25 }), theirs(ms, terms, {}));
  });

  it('gives the same scores for prefix and fuzzy expansions', () => {
    const ms = build();
    expectSame(ours(ms, { terms: ['rust', 'borrow'], prefix: 'borrow', boost, bm25 }), theirs(ms, ['rust', 'borrow'], { prefix: 'borrow' }));
    expectSame(ours(ms, { terms: ['colection'], fuzzy: 0.2, maxFuzzy: 2, boost, bm25 }), theirs(ms, ['colection'], { fuzzy: 0.2, maxFuzzy: 2 }));
  });

  it('multiplies a term\'s scores by its weight and fuzzes only terms missing from the index when asked', () => {
    const ms = build();
    const once = ours(ms, { terms: ['memory', 'ownership'], boost, bm25 });
    const twice = ours(ms, { terms: ['memory', 'ownership'], weights: [2, 1], boost, bm25 });
    const memoryOnly = ours(ms, { terms: ['memory'], boost, bm25 });
    for (const [id, r] of twice) expect(r.score).toBeCloseTo(once.get(id)!.score + (memoryOnly.get(id)?.score ?? 0), 10);
    const typo = ours(ms, { terms: ['memory', 'colection'], fuzzy: 0.2, maxFuzzy: 2, fuzzyOnlyMissing: true, boost, bm25 });
    expect([...typo.keys()].sort()).toEqual([2, 4]);
    const typoAlone = ours(ms, { terms: ['memori'], fuzzy: 0.2, maxFuzzy: 2, fuzzyOnlyMissing: true, boost, bm25 });
    expect([...typoAlone.keys()].sort()).toEqual([2, 4]);
    expect(ours(ms, { terms: ['memory'], fuzzy: 0.2, maxFuzzy: 2, fuzzyOnlyMissing: true, boost, bm25 })).toEqual(memoryOnly);
  });

  it('skips discarded documents and starts each query from zero', () => {
    const ms = build();
    ms.discard(3);
    const scorer = new Scorer();
    const seen: number[] = [];
    const ids = (ms as unknown as { _documentIds: Map<number, number> })._documentIds;
    scorer.score(ms as MiniSearch<never>, { terms: ['borrowing'], boost, bm25 }, (shortId) => seen.push(ids.get(shortId)!));
    expect(seen).toEqual([1]);
    const once = new Map<number, number>();
    const twice = new Map<number, number>();
    scorer.score(ms as MiniSearch<never>, { terms: ['memory', 'garbage'], boost, bm25 }, (shortId, score) => once.set(shortId, score));
    scorer.score(ms as MiniSearch<never>, { terms: ['memory', 'garbage'], boost, bm25 }, (shortId, score) => twice.set(shortId, score));
    expect(twice).toEqual(once);
  });
});
