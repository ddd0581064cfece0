import { boundedDistance, ClosestName } from '../../../src/core/lint/closest-name';

/**
 * The trigram prefilter must never hide a name that is within the edit bound. An adjacent swap is
 * one edit but destroys up to four trigrams, and a key with repeated trigrams has fewer distinct
 * ones than its length suggests; both used to make close names invisible.
 */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function swapAdjacent(word: string, at: number): string {
  return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
}

/**
 * A miss: the name the target was made from is within the bound, yet `find` proposes nothing or
 * something farther away.
 */
function miss(index: ClosestName, target: string, source: string): string | null {
  const max = Math.min(4, Math.floor(target.length / 3));
  const distance = boundedDistance(target, source, max);
  if (distance > max) return null;
  const found = index.find(target);
  return found !== null && found.distance <= distance ? null : `${target} (from ${source}, ${distance} edits): found ${found ? `${found.name} at ${found.distance}` : 'nothing'}`;
}

describe('ClosestName: no near name missed', () => {
  it('finds every name within the bound after 1–4 adjacent swaps (seeded trial, 3,000 targets)', () => {
    const random = seeded(11);
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const names = Array.from({ length: 3000 }, () => Array.from({ length: 9 + Math.floor(random() * 16) }, () => letters[Math.floor(random() * 26)]).join(''));
    const index = new ClosestName(names.map((name) => ({ path: `wiki/${name}.md`, title: name, aliases: [] })));
    const misses: string[] = [];
    for (const name of names) {
      let target = name;
      const swaps = 1 + Math.floor(random() * 4);
      for (let s = 0; s < swaps; s++) target = swapAdjacent(target, Math.floor(random() * (target.length - 1)));
      const missed = miss(index, target, name);
      if (missed) misses.push(missed);
    }
    expect(misses).toEqual([]);
  });

  it('finds names whose trigrams repeat, where distinct trigrams are fewer than the length suggests', () => {
    const random = seeded(5);
    const names = Array.from({ length: 1000 }, () => Array.from({ length: 12 + Math.floor(random() * 10) }, () => 'ab'[Math.floor(random() * 2)]).join(''));
    const unique = [...new Set(names)];
    const index = new ClosestName(unique.map((name) => ({ path: `wiki/${name}.md`, title: name, aliases: [] })));
    const misses: string[] = [];
    for (const name of unique.slice(0, 300)) {
      let target = name;
      for (let s = 0; s < 3; s++) {
        const at = Math.floor(random() * (target.length - 1));
        target = random() < 0.5 ? swapAdjacent(target, at) : target.slice(0, at) + 'c' + target.slice(at + 1);
      }
      const missed = miss(index, target, name);
      if (missed) misses.push(missed);
    }
    expect(misses).toEqual([]);
  });
});
