import { quickAliases } from '../../../src/core/lint/quick-aliases';
import { fmStringList, parseNote } from '../../../src/core/markdown';

/** Whenever the fast path answers, it must say what the YAML parser says. */
function agrees(text: string): boolean | null {
  const quick = quickAliases(text);
  if (quick === null) return null;
  const parsed = parseNote(text);
  expect(quick.aliases).toEqual(fmStringList(parsed.frontmatter, 'aliases'));
  expect(quick.bodyStartLine).toBe(parsed.bodyStartLine);
  expect(quick.body).toBe(parsed.body);
  return true;
}

describe('quickAliases', () => {
  it('reads the plain shapes exactly as the YAML parser does', () => {
    for (const text of [
      'No frontmatter at all\n[[x]]',
      '---\ntitle: A\ntags: [a, b]\n---\nBody\n',
      '---\naliases: [Alpha, Beta gamma]\ncreated: 2024-01-02\n---\n# H\n',
      '---\naliases: Solo\n---\n',
      '---\naliases:\n  - One\n  - Two words\nsource: https://example.org/x\n---\ntext',
      '---\naliases: []\n---\n',
      '---\r\naliases: [A, B]\r\n---\r\nBody\r\n',
      '---\nnot closed\naliases: [A]\n',
    ]) {
      expect([text, agrees(text)]).toEqual([text, true]);
    }
  });

  it('hands anything less plain to the parser', () => {
    for (const text of [
      '---\naliases: ["Quoted, with comma"]\n---\n',
      '---\naliases: [2024, true]\n---\n',
      '---\naliases: [A\n---\n',
      '---\naliases:\n  - &a anchored\n---\n',
      '---\naliases: [A]\naliases: [B]\n---\n',
      '---\n"aliases": [A]\n---\n',
      '---\naliases:\n  - A\n    continued\n---\n',
      '\uFEFF---\naliases: [A]\n---\n',
      '---\naliases: a: b\n---\n',
    ]) {
      expect([text, quickAliases(text)]).toEqual([text, null]);
    }
  });
});
