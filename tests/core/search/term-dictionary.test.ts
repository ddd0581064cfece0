import SearchableMap from 'minisearch/SearchableMap';
import { TermDictionary } from '../../../src/core/search/term-dictionary';

// The sorted dictionary must answer prefix and fuzzy lookups exactly as MiniSearch's radix tree.
function words(count: number, seed: number): string[] {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const letters = 'abcdeéfghnorstu';
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(rand() * 9) }, () => letters[Math.floor(rand() ** 1.5 * letters.length)]).join(''));
}

describe('TermDictionary', () => {
  it('finds the same prefix and fuzzy matches as SearchableMap, also after deletes and re-adds', () => {
    const ours = new TermDictionary();
    const theirs = new SearchableMap<number>();
    const terms = [...new Set(words(3000, 11))];
    terms.forEach((t, i) => {
      ours.set(t, i);
      theirs.set(t, i);
    });
    const check = (): void => {
      expect(ours.size).toBe(theirs.size);
      for (const q of [...words(60, 5), 'a', 'ab', 'abc', 'éé', 'stone', 'rocks']) {
        for (const d of [1, 2, 3]) expect(ours.fuzzyGet(q, d)).toEqual(theirs.fuzzyGet(q, d));
        expect(new Map(ours.atPrefix(q))).toEqual(new Map(theirs.atPrefix(q)));
      }
    };
    check();
    for (const t of terms.slice(0, 500)) {
      ours.delete(t);
      theirs.delete(t);
    }
    check();
    terms.slice(100, 200).forEach((t, i) => {
      ours.set(t, 5000 + i);
      theirs.set(t, 5000 + i);
    });
    ours.set('brandnew', 9999);
    theirs.set('brandnew', 9999);
    check();
    expect(ours.terms()).toEqual([...ours.terms()].sort());
  });

  it('loaded from sorted terms (ids by position), answers as the dictionary it was written from, also after changes', () => {
    const written = new TermDictionary();
    const theirs = new SearchableMap<number>();
    const terms = [...new Set(words(2000, 7))].sort();
    terms.forEach((t, i) => {
      written.set(t, i);
      theirs.set(t, i);
    });
    const loaded = TermDictionary.fromSorted([...written.terms()]);
    const check = (): void => {
      expect(loaded.size).toBe(theirs.size);
      for (const q of [...words(40, 3), 'a', 'ab', 'zz', '']) {
        expect(loaded.get(q)).toBe(theirs.get(q));
        for (const d of [1, 2]) expect(loaded.fuzzyGet(q, d)).toEqual(theirs.fuzzyGet(q, d));
        expect(new Map(loaded.atPrefix(q))).toEqual(new Map(theirs.atPrefix(q)));
      }
    };
    check();
    loaded.set('brandnew', 9999);
    theirs.set('brandnew', 9999);
    loaded.delete(terms[5]);
    theirs.delete(terms[5]);
    check();
  });

  it('refuses terms that are not sorted, repeat, or include an empty one', () => {
    expect(() => TermDictionary.fromSorted(['b', 'a'])).toThrow();
    expect(() => TermDictionary.fromSorted(['a', 'a'])).toThrow();
    expect(() => TermDictionary.fromSorted(['', 'a'])).toThrow();
    expect(TermDictionary.fromSorted([]).size).toBe(0);
  });
});
