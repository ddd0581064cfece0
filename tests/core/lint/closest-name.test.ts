import { boundedDistance, ClosestName } from '../../../src/core/lint/closest-name';

/** Plain optimal-string-alignment distance, the reference the banded version must agree with. */
function reference(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('boundedDistance', () => {
  it('agrees with the full table whenever the distance is within the bound, and says bound+1 otherwise', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const word = () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => 'abcde'[Math.floor(random() * 5)]).join('');
    const scratch = { rows: [new Int32Array(4), new Int32Array(4), new Int32Array(4)] as [Int32Array, Int32Array, Int32Array] };
    for (let k = 0; k < 3000; k++) {
      const a = word();
      const b = random() < 0.5 ? word() : a.slice(0, Math.floor(random() * a.length)) + word().slice(0, 2) + a.slice(Math.floor(random() * a.length));
      const max = Math.floor(random() * 5);
      const expected = Math.min(reference(a, b), max + 1);
      expect([a, b, max, boundedDistance(a, b, max, scratch)]).toEqual([a, b, max, expected]);
    }
  });
});

describe('ClosestName', () => {
  const notes = [
    { path: 'wiki/concepts/Ownership.md', title: 'Ownership', aliases: ['Borrowing'] },
    { path: 'wiki/concepts/Memory safety.md', title: 'Memory safety', aliases: [] },
    { path: 'wiki/sources/A very long title about the borrow checker.md', title: 'A very long title about the borrow checker', aliases: [] },
  ];
  const names = new ClosestName(notes);

  it('finds a misspelt title, alias or long name, case-insensitively', () => {
    expect(names.find('ownershp')).toMatchObject({ name: 'Ownership', distance: 1 });
    expect(names.find('Borowing')).toMatchObject({ name: 'Borrowing', path: 'wiki/concepts/Ownership.md' });
    expect(names.find('A very long title about teh borow checker')).toMatchObject({ path: 'wiki/sources/A very long title about the borrow checker.md', distance: 2 });
    expect(names.find('concepts/Memory safty')).toMatchObject({ name: 'Memory safety' });
  });

  it('proposes nothing when no name is close', () => {
    expect(names.find('Lifetimes')).toBeNull();
    expect(names.find('A very short one')).toBeNull();
    expect(names.find('xy')).toBeNull();
  });
});
