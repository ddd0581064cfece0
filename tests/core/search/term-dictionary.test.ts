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
});
