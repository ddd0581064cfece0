import { VaultIndex } from '../../../src/core/search/vault-index';
import { PostingStore } from '../../../src/core/search/posting-store';
import { Tokenizer } from '../../../src/core/search/tokenizer';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

/**
 * The search index under a messy vault and a hostile user: hyphenated compounds and single
 * letters in queries and exclusions, term frequencies past what the compact arrays hold, notes
 * that change behind the index's back before its cache is written.
 */

const paths = (hits: { path: string }[]) => hits.map((h) => h.path).sort();

describe('VaultIndex exclusions of words of several terms', () => {
  const notes = {
    'compound.md': 'IL-6 levels rose in the cohort.\n',
    'joined.md': 'IL6 levels rose as well.\n',
    'number.md': 'Cytokine levels in 6 patients.\n',
    'disease.md': "Alzheimer's disease levels.\n",
    'possessive.md': "The patient's levels were fine.\n",
  };

  it('-IL-6 leaves out the notes IL-6 finds (either spelling), not every note with a 6 in it', async () => {
    const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
    await index.sync();
    expect(paths(await index.search('IL-6'))).toEqual(expect.arrayContaining(['compound.md', 'joined.md']));
    expect(paths(await index.search('levels -IL-6'))).toEqual(['disease.md', 'number.md', 'possessive.md']);
    expect(paths(await index.search('levels -IL6'))).toEqual(['disease.md', 'number.md', 'possessive.md']);
  });

  it("-Alzheimer's leaves out that word, not every note with a possessive 's", async () => {
    const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
    await index.sync();
    expect(paths(await index.search("levels -Alzheimer's"))).toEqual(['compound.md', 'joined.md', 'number.md', 'possessive.md']);
    // A single letter excluded on its own still means that letter.
    expect(paths(await index.search('levels -s'))).toEqual(['compound.md', 'joined.md', 'number.md']);
  });
});

describe('PostingStore term frequencies past 65535', () => {
  it('scores the same before and after a compaction (the overlay holds what the arrays hold)', () => {
    const store = new PostingStore(['body']);
    const words = (text: string) => text.split(' ').filter(Boolean);
    store.add(1, [`${'x '.repeat(70_000)}y`], words);
    store.add(2, ['x y z'], words);
    store.add(3, ['z'], words);
    const query = { terms: ['x'], boost: { body: 1 }, bm25: { k: 1.2, b: 0.75, d: 0.5 } };
    const scores = (): number[] => {
      const out: number[] = [];
      store.score(query, (id, score) => (out[id] = score));
      return out;
    };
    const before = scores();
    store.compact();
    expect(scores()).toEqual(before);
  });
});

describe('Tokenizer compounds on hostile text', () => {
  const tokenizer = new Tokenizer();
  const compounds = (text: string) => tokenizer.indexTerms(text).slice(tokenizer.tokenize(text).length);

  it('joins two to four parts only, whatever surrounds them', () => {
    expect(compounds('IL-6 and anti-PD-1 and a-b-c-d')).toEqual(['il6', 'antipd1', 'abcd']);
    // Five parts or more is a chain (an id, a date-time), not a compound; nor anything touching a hyphen.
    expect(compounds('a-b-c-d-e 550e8400-e29b-41d4-a716-446655440000')).toEqual([]);
    expect(compounds('-IL-6 IL-6- IL--6 -- - ---')).toEqual([]);
    expect(compounds('x-\u03b2 \u0436-1 caf\u00e9-bar')).toEqual(['x\u03b2', '\u04361', 'cafebar']);
  });

  it('stays linear on long hyphen chains and megabyte words', () => {
    const started = Date.now();
    for (const text of ['a-'.repeat(500_000), `${'a'.repeat(1_000_000)}-b`, '-'.repeat(1_000_000), 'ab-cd '.repeat(150_000)]) tokenizer.indexTerms(text);
    // Quadratic backtracking would take minutes; linear is well under a second each.
    expect(Date.now() - started).toBeLessThan(10_000);
    // A compound longer than a word may be is no term.
    expect(compounds(`${'a'.repeat(1_000_000)}-b`)).toEqual([]);
  });
});

describe('VaultIndex snippets of hyphenated compounds', () => {
  const filler = 'Ordinary words about other matters fill this opening stretch of the passage. '.repeat(4);
  const notes = { 'late.md': `# Results\n${filler}Then IL-6 levels rose sharply.\n`, 'joined.md': `# Results\n${filler}Then IL6 levels rose sharply.\n` };

  it('shows and marks the compound that a joined query word found, as for the hyphenated query word', async () => {
    const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
    await index.sync();
    const byPath = async (query: string) => Object.fromEntries((await index.search(query)).map((h) => [h.path, h.snippet]));
    const joined = await byPath('IL6');
    expect(joined['late.md']).toContain('**IL-6** levels');
    expect(joined['joined.md']).toContain('**IL6** levels');
    const hyphenated = await byPath('IL-6');
    expect(hyphenated['late.md']).toContain('**IL**-**6** levels');
    expect(hyphenated['joined.md']).toContain('**IL6** levels');
    expect(hyphenated['late.md']).not.toContain('****');
  });
});
