import { parseNote } from '../../../src/core/markdown/frontmatter';
import { readFrontmatter } from '../../../src/core/search/note-documents';

const READ_KEYS = ['title', 'aliases', 'alias', 'tags', 'tag', 'summary', 'description', 'author', 'source'];

/** What `buildNoteDocuments` takes from `parseNote`: the keys it reads, the error and the first body line. */
function viaYaml(text: string): unknown {
  const note = parseNote(text);
  const fm: Record<string, unknown> = {};
  for (const k of READ_KEYS) if (k in note.frontmatter) fm[k] = note.frontmatter[k];
  return { frontmatter: fm, frontmatterError: note.frontmatterError, bodyStartLine: note.bodyStartLine };
}

function viaFastPath(text: string): unknown {
  const note = readFrontmatter(text);
  const fm: Record<string, unknown> = {};
  for (const k of READ_KEYS) if (k in note.frontmatter) fm[k] = note.frontmatter[k];
  return { frontmatter: fm, frontmatterError: note.frontmatterError, bodyStartLine: note.bodyStartLine };
}

const BLOCKS = [
  'title: Hello world\ntags: [a, b]\n',
  'title: "Quoted: with colon"\naliases: [\'one\', "two", three four]\n',
  'tags:\n  - alpha\n  - beta/gamma\naliases:\n- x\n- "y"\n',
  'tags:\n',
  'tags: []\ntitle: \'\'\n',
  'title: a: b\n',
  'title: a # comment\n',
  'title: a#not-a-comment\nsource: https://example.com/a?b=c#d\n',
  'title: 123\n',
  'title: true\ntags: [1, 2]\n',
  'title: .inf\n',
  'title: null\n',
  'title: ~\n',
  'title: -5\n',
  'title: Ünïcödé 東京 title\n',
  'title: [[Wiki link]]\n',
  'title: "[[Wiki link]]"\n',
  'title: "escaped \\" quote"\n',
  "title: 'it''s'\n",
  'title: |\n  block\n  text\n',
  'title: >\n  folded\n',
  'title: &a anchored\nalias: *a\n',
  'title: !tag x\n',
  'title: x\ntitle: y\n',
  'True: 1\ntrue: 2\n',
  'title: first line\n  continued line\n',
  'tags: [a, b\n',
  'tags: [a, , b]\n',
  'tags: [a,]\n',
  'tags: ["a, b", c]\n',
  'tags:\n  - a\n    - b\n',
  'tags:\n  - a\n  -\n',
  'tags:\n  - a: b\n',
  'nested:\n  key: value\ntitle: t\n',
  'date: 2024-01-01\nrating: 5\ndraft: true\ntitle: Dated\n',
  '# a comment\n\ntitle: After comment\n',
  'title:x\n',
  'title:\ttab\n',
  '"quoted key": v\ntitle: t\n',
  'key with space: v\ntitle: t\n',
  'title: x\n...\n',
  'title: x\n ---\ntags: [a]\n',
  '- just a list\n- of items\n',
  'just a scalar\n',
  '{ flow: map }\n',
  'title: @reserved\n',
  'title: `backtick`\n',
  'title: %percent\n',
  'title: value with trailing spaces   \n',
  'summary: The summary, with commas, and {braces} and [brackets]\n',
  'description: "a\ttab"\n',
  '',
  '   \n',
  `${'k'.repeat(1100)}: v\n`,
];

function notes(): string[] {
  const out: string[] = [];
  for (const block of BLOCKS) {
    out.push(`---\n${block}---\n# Heading\n\nBody text.\n`);
    out.push(`---  \n${block}---   \nBody\n`);
    out.push(`---\r\n${block.replace(/\n/g, '\r\n')}---\r\nBody\r\n`);
    out.push(`\ufeff---\n${block}---\nBody\n`);
    out.push(`---\n${block}`);
  }
  out.push('No frontmatter at all\n---\ntitle: x\n---\n', '---', '---\n', '', 'plain', '--- \ntitle: x\n--- \n');
  return out;
}

describe('readFrontmatter (fast path)', () => {
  it('gives what the YAML parser gives for every key the index reads, the error and the body line', () => {
    for (const text of notes()) expect([text, viaFastPath(text)]).toEqual([text, viaYaml(text)]);
  });

  it('gives the same on random mixes of simple and tricky lines', () => {
    const lines = BLOCKS.flatMap((b) => b.split('\n')).filter((l) => l !== '');
    lines.push('  - item', '- item', 'tags:', 'aliases:', 'title: plain', 'author: Jane Doe', '  # indented comment', '');
    let s = 7;
    const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    for (let n = 0; n < 3000; n++) {
      const count = 1 + (next() % 6);
      const block: string[] = [];
      for (let k = 0; k < count; k++) block.push(lines[next() % lines.length]);
      const text = `---\n${block.join('\n')}\n---\nBody\n`;
      expect([text, viaFastPath(text)]).toEqual([text, viaYaml(text)]);
    }
  });

  it('reads simple frontmatter without the YAML parser (keys the index does not read are not kept)', () => {
    const note = readFrontmatter('---\ntitle: T\ndate: 2024-01-01\ntags: [a, b]\n---\nBody\n');
    expect(note.frontmatter).toEqual({ title: 'T', tags: ['a', 'b'] });
    expect(note.bodyStartLine).toBe(6);
  });
});
