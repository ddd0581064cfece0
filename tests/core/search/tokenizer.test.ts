import { foldDiacritics, Tokenizer } from '../../../src/core/search/tokenizer';
import { parseQuery } from '../../../src/core/search/query-parser';

describe('Tokenizer.tokenize', () => {
  const t = new Tokenizer();

  it('lowercases, drops stop words and stems English words', () => {
    expect(t.tokenize('The Running studies of Generalization')).toEqual(['run', 'studi', 'general']);
  });

  it('folds diacritics so accented and plain spellings meet', () => {
    expect(t.tokenize('Café Ångström naïve Straße Søren')).toEqual(t.tokenize('cafe angstrom naive strasse soren'));
  });

  it('keeps the marks that change a Japanese word', () => {
    expect(foldDiacritics('がか')).toBe('がか');
    expect(foldDiacritics('crème')).toBe('creme');
  });

  it('segments Chinese and Japanese into words instead of one run', () => {
    const zh = t.tokenize('我们研究机器学习');
    expect(zh.length).toBeGreaterThan(1);
    expect(zh).toContain('机器');
    const ja = t.tokenize('東京は日本の首都です');
    expect(ja).toContain('東京');
    expect(ja).toContain('首都');
  });

  it('segments Thai, which has no spaces between words', () => {
    const th = t.tokenize('ภาษาไทยง่ายนิดเดียว');
    expect(th.length).toBeGreaterThan(1);
    expect(th.join('')).toBe('ภาษาไทยง่ายนิดเดียว');
  });

  it('splits words on punctuation and keeps numbers', () => {
    expect(t.tokenize('[[Rust ownership|owning]] #tag/sub 2024')).toEqual(['rust', 'ownership', 'own', 'tag', 'sub', '2024']);
  });

  it('keeps single letters (T cells, vitamin D) and drops absurdly long words', () => {
    expect(t.tokenize(`x ${'b'.repeat(60)} ok`)).toEqual(['x', 'ok']);
    expect(t.tokenize('T cells and vitamin D')).toEqual(['t', 'cell', 'vitamin', 'd']);
  });

  it('indexes a hyphenated compound of two to four parts also as one word, so each spelling finds the other', () => {
    expect(t.indexTerms('IL-6 levels')).toEqual(['il', '6', 'level', 'il6']);
    expect(t.indexTerms('COVID-19 and anti-PD-1 therapy')).toEqual(['covid', '19', 'anti', 'pd', '1', 'therapi', 'covid19', 'antipd1']);
    expect(t.indexTerms('IL6 levels')).toEqual(['il6', 'level']);
    // Five parts is a chain, not a word; a text without a hyphen is tokenize's.
    expect(t.indexTerms('a-b-c-d-e')).toEqual(t.tokenize('a-b-c-d-e'));
    expect(t.indexTerms('no hyphen here')).toEqual(t.tokenize('no hyphen here'));
    // Phrases and snippets keep the plain terms.
    expect(t.positions('IL-6 levels').map((p) => p.term)).toEqual(['il', '6', 'level']);
  });


  it('gives offsets that point at the original words', () => {
    const text = 'Hello wörld, 東京です';
    for (const p of t.positions(text)) {
      expect(t.tokenize(text.slice(p.start, p.end))).toEqual([p.term]);
    }
    expect(t.positions(text).map((p) => p.term)).toEqual(t.tokenize(text));
  });
});

describe('parseQuery', () => {
  it('separates words, phrases, exclusions and operators', () => {
    const q = parseQuery('rust "borrow checker" -unsafe -"raw pointer" path:wiki/ tag:#Lang folder:wiki -tag:draft -path:old');
    expect(q.words).toEqual(['rust']);
    expect(q.phrases).toEqual([['borrow', 'checker']]);
    expect(q.excludedWords).toEqual(['unsafe']);
    expect(q.excludedPhrases).toEqual([['raw', 'pointer']]);
    expect(q.paths).toEqual(['wiki/']);
    expect(q.tags).toEqual(['lang']);
    expect(q.excludedTags).toEqual(['draft']);
    expect(q.excludedPaths).toEqual(['old']);
    expect(q.folders).toEqual(['wiki']);
    expect(q.lastWordOpen).toBe(false);
  });

  it('knows when the last word is still being typed', () => {
    expect(parseQuery('rust own').lastWordOpen).toBe(true);
    expect(parseQuery('rust own ').lastWordOpen).toBe(false);
    expect(parseQuery('"rust own"').lastWordOpen).toBe(false);
  });

  it('survives unbalanced quotes, lone dashes and empty operators', () => {
    const q = parseQuery('"open phrase - path: tag:');
    expect(q.phrases).toEqual([['open', 'phrase', '-', 'path:', 'tag:']]);
    const r = parseQuery('a - path: b"');
    expect(r.words).toEqual(['a', '-', 'b']);
  });

  it('takes quoted operator values with spaces', () => {
    expect(parseQuery('path:"My Notes/Sub" x').paths).toEqual(['my notes/sub']);
  });
});
