import { MAX_EDIT_LENGTH, describeDiff, diffHunks, diffLines, unifiedDiff, type DiffStats } from '../../../src/core/plan';

const numbered = (n: number, word: string): string => Array.from({ length: n }, (_, i) => `${word} line ${i + 1} of the article`).join('\n') + '\n';

describe('line diff: bounded work on large rewrites', () => {
  it('summarises a 3,000-line rewrite instead of searching the whole edit graph', () => {
    const stats: DiffStats = { comparisons: 0 };
    const view = describeDiff(numbered(3000, 'old'), numbered(3000, 'new'), 3, stats);
    expect(view.summarised).toBe(true);
    expect(view.hunks).toEqual([]);
    expect(view.note).toBe('replaced 3,000 lines with 3,000 lines (too different to show line by line)');
    // Myers up to the cap costs about cap²/2 comparisons; the full search would cost 3,000 · 6,000.
    expect(stats.comparisons).toBeLessThanOrEqual(MAX_EDIT_LENGTH * MAX_EDIT_LENGTH);
    expect(stats.comparisons).toBeLessThan(3000 * 6000);
    expect(unifiedDiff('wiki/a.md', numbered(3000, 'old'), numbered(3000, 'new')).split('\n')).toEqual([
      '--- a/wiki/a.md',
      '+++ b/wiki/a.md',
      '# replaced 3,000 lines with 3,000 lines (too different to show line by line)',
    ]);
  });

  it('still diffs in full a long article with many edits under the cap', () => {
    const before = numbered(3000, 'same');
    const lines = before.split('\n');
    for (let i = 0; i < 3000; i += 20) lines[i] = `${lines[i]} (edited)`;
    const view = describeDiff(before, lines.join('\n'));
    expect(view.summarised).toBe(false);
    expect(view.note).toBeNull();
    const changed = view.hunks.flatMap((h) => h.lines).filter((l) => l.kind !== 'same');
    expect(changed).toHaveLength(300);
  });

  it('marks every line removed then added when summarised, without searching', () => {
    const lines = diffLines(numbered(2000, 'old'), numbered(2000, 'new'));
    expect(lines).toHaveLength(4000);
    expect(lines.slice(0, 2000).every((l) => l.kind === 'remove')).toBe(true);
    expect(lines.slice(2000).every((l) => l.kind === 'add')).toBe(true);
  });

  it('keeps a common prefix and suffix out of the cap: an insertion of 5,000 lines is a plain diff', () => {
    const head = 'top\n';
    const tail = 'bottom\n';
    const view = describeDiff(head + tail, head + numbered(5000, 'inserted') + tail);
    expect(view.summarised).toBe(false);
    expect(view.hunks).toHaveLength(1);
    expect(view.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 2, newStart: 1, newLines: 5002 });
  });
});

describe('line diff: what a line diff cannot show is said', () => {
  const lf = '---\ntitle: A\n---\n# A\n\nBody.\n';
  const crlf = lf.replace(/\n/g, '\r\n');

  it('says "line endings only" for a CRLF ↔ LF change', () => {
    expect(describeDiff(crlf, lf)).toEqual({ hunks: [], note: 'line endings only (CRLF → LF)', summarised: false });
    expect(describeDiff(lf, crlf).note).toBe('line endings only (LF → CRLF)');
    expect(unifiedDiff('wiki/a.md', crlf, lf)).toBe(['--- a/wiki/a.md', '+++ b/wiki/a.md', '# line endings only (CRLF → LF)'].join('\n'));
    expect(diffHunks(crlf, lf)).toEqual([]);
    expect(describeDiff('a\r\nb\nc\n', 'a\nb\r\nc\n').note).toBe('line endings only (mixed CRLF and LF, on other lines)');
    expect(describeDiff('a\r\nb\r\n', 'a\r\nb\n').note).toBe('line endings only (CRLF → mixed)');
  });

  it('says "final newline only" when only the last newline changed', () => {
    expect(describeDiff(lf, lf.slice(0, -1)).note).toBe('final newline only (removed)');
    expect(describeDiff(lf.slice(0, -1), lf).note).toBe('final newline only (added)');
    expect(unifiedDiff('wiki/a.md', lf, lf.slice(0, -1))).toBe(['--- a/wiki/a.md', '+++ b/wiki/a.md', '# final newline only (removed)'].join('\n'));
  });

  it('names both when both changed, and adds "also" beside real edits', () => {
    expect(describeDiff(crlf, lf.slice(0, -1)).note).toBe('line endings (CRLF → LF) and final newline (removed) only');
    const edited = describeDiff(crlf, lf.replace('Body.', 'Body, edited.'));
    expect(edited.note).toBe('also line endings (CRLF → LF) changed');
    expect(edited.hunks.flatMap((h) => h.lines).filter((l) => l.kind !== 'same').map((l) => l.text)).toEqual(['Body.', 'Body, edited.']);
  });

  it('has no note for identical texts, new files and plain edits', () => {
    expect(describeDiff(lf, lf)).toEqual({ hunks: [], note: null, summarised: false });
    expect(unifiedDiff('wiki/a.md', crlf, crlf)).toBe('');
    expect(describeDiff(null, lf).note).toBeNull();
    expect(describeDiff(lf, lf.replace('Body.', 'Other.')).note).toBeNull();
  });
});
