import { diffHunks, diffLines, unifiedDiff } from '../../../src/core/plan';

function applyDiff(before: string, lines: ReturnType<typeof diffLines>): string[] {
  const out: string[] = [];
  const old = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  let i = 0;
  for (const l of lines) {
    if (l.kind === 'same') {
      expect(old[i]).toBe(l.text);
      out.push(l.text);
      i++;
    } else if (l.kind === 'remove') {
      expect(old[i]).toBe(l.text);
      i++;
    } else out.push(l.text);
  }
  return out;
}

describe('diffLines', () => {
  it('marks added and removed lines and reproduces the new text', () => {
    const before = 'a\nb\nc\nd\n';
    const after = 'a\nc\nd\ne\n';
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind === 'remove').map((l) => l.text)).toEqual(['b']);
    expect(lines.filter((l) => l.kind === 'add').map((l) => l.text)).toEqual(['e']);
    expect(applyDiff(before, lines)).toEqual(['a', 'c', 'd', 'e']);
  });

  it('treats a missing file as empty', () => {
    expect(diffLines(null, 'x\ny').map((l) => l.kind)).toEqual(['add', 'add']);
    expect(diffLines('x\n', null).map((l) => l.kind)).toEqual(['remove']);
  });

  it('finds a minimal script on random edits', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(rand() * 12) }, () => 'abcd'[Math.floor(rand() * 4)]);
      const b = Array.from({ length: Math.floor(rand() * 12) }, () => 'abcd'[Math.floor(rand() * 4)]);
      const lines = diffLines(a.join('\n'), b.join('\n'));
      expect(applyDiff(a.join('\n'), lines)).toEqual(b);
      // Same-lines form a common subsequence; a minimal script keeps a longest one.
      const same = lines.filter((l) => l.kind === 'same').length;
      const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      expect(same).toBe(lcs[0][0]);
    }
  });
});

describe('diffHunks', () => {
  it('keeps changes far apart in separate hunks with context', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 2\n', 'line two\n').replace('line 28', 'line twenty-eight');
    const hunks = diffHunks(before, after, 3);
    expect(hunks).toHaveLength(2);
    expect(hunks[0]).toMatchObject({ oldStart: 1, oldLines: 5, newStart: 1, newLines: 5 });
    expect(hunks[1]).toMatchObject({ oldStart: 25, oldLines: 6, newStart: 25, newLines: 6 });
  });
});

describe('unifiedDiff', () => {
  it('prints a diff -u style text', () => {
    expect(unifiedDiff('wiki/a.md', 'one\ntwo\n', 'one\n2\n')).toBe(['--- a/wiki/a.md', '+++ b/wiki/a.md', '@@ -1,2 +1,2 @@', ' one', '-two', '+2'].join('\n'));
    expect(unifiedDiff('wiki/n.md', null, 'new\n')).toBe(['--- /dev/null', '+++ b/wiki/n.md', '@@ -0,0 +1,1 @@', '+new'].join('\n'));
    expect(unifiedDiff('wiki/a.md', 'same\n', 'same\n')).toBe('');
  });
});
