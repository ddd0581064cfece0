import { findSection, headingsOf, listHeadings, splitSections } from '../../../src/core/markdown';

describe('splitSections', () => {
  it('splits a note into preamble and heading sections with trails', () => {
    const text = ['intro', '# A', 'a text', '## B', 'b text', '# C', 'c'].join('\n');
    const sections = splitSections(text);
    expect(sections.map((s) => [s.heading, s.level, s.trail, s.startLine, s.endLine])).toEqual([
      [null, 0, [], 1, 1],
      ['A', 1, ['A'], 2, 3],
      ['B', 2, ['A', 'B'], 4, 5],
      ['C', 1, ['C'], 6, 7],
    ]);
    expect(sections[2].text).toBe('## B\nb text');
  });

  it('skips the frontmatter and counts lines in the original text', () => {
    const sections = splitSections('---\ntitle: x\n---\nintro\n# H\nbody\n');
    expect(sections.map((s) => [s.heading, s.startLine, s.endLine, s.text])).toEqual([
      [null, 4, 4, 'intro'],
      ['H', 5, 6, '# H\nbody'],
    ]);
  });

  it('omits a preamble of blank lines', () => {
    const sections = splitSections('\n\n# Only\n');
    expect(sections).toHaveLength(1);
    expect(sections[0].heading).toBe('Only');
  });

  it('returns nothing for an empty note', () => {
    expect(splitSections('')).toEqual([]);
    expect(splitSections('---\na: 1\n---\n')).toEqual([]);
  });

  it('keeps CRLF inside section text and counts CRLF lines', () => {
    const sections = splitSections('# A\r\none\r\n# B\r\ntwo\r\n');
    expect(sections.map((s) => [s.startLine, s.endLine, s.text])).toEqual([
      [1, 2, '# A\r\none'],
      [3, 4, '# B\r\ntwo'],
    ]);
  });

  it('ignores a BOM before the first heading', () => {
    expect(splitSections('\uFEFF# Title\n')[0]).toMatchObject({ heading: 'Title', text: '# Title' });
  });

  it('ignores headings inside fenced code blocks', () => {
    const text = ['# Real', '```bash', '# comment', '```', '~~~', '## not', '~~~', '## Also real'].join('\n');
    expect(splitSections(text).map((s) => s.heading)).toEqual(['Real', 'Also real']);
  });

  it('pops the trail when a shallower heading follows a deeper one', () => {
    const text = ['# A', '### Deep', '## B', '# C', '## D'].join('\n');
    expect(splitSections(text).map((s) => s.trail)).toEqual([['A'], ['A', 'Deep'], ['A', 'B'], ['C'], ['C', 'D']]);
  });

  it('partitions the body: sections cover every line once', () => {
    const text = 'pre\n\n# A\nx\n\n## B\n\ny\n';
    const sections = splitSections(text);
    const lines = sections.flatMap((s) => s.text.split('\n'));
    expect(lines.join('\n')).toBe(text.slice(0, -1));
  });
});

describe('headingsOf', () => {
  it('requires a space after the hashes, so tags are not headings', () => {
    expect(headingsOf('#tag\n#\n####### seven\n# Yes\n\tno indent limit\n    # too indented')).toEqual(['Yes']);
  });

  it('strips closing hashes but keeps hashes that belong to the text', () => {
    expect(headingsOf('## Title ##\n# C#\n### a ### b\n# spaced   #  ')).toEqual(['Title', 'C#', 'a ### b', 'spaced']);
  });

  it('recognises setext headings', () => {
    expect(listHeadings('Big\n===\n\nSmall\n---\n')).toEqual([
      { heading: 'Big', level: 1, line: 1 },
      { heading: 'Small', level: 2, line: 4 },
    ]);
  });

  it('joins a multi-line paragraph into one setext heading', () => {
    expect(listHeadings('one\ntwo\n===')).toEqual([{ heading: 'one two', level: 1, line: 1 }]);
  });

  it('treats --- after a blank line as a thematic break', () => {
    expect(headingsOf('para\n\n---\n')).toEqual([]);
  });

  it('treats --- directly after the frontmatter as a thematic break', () => {
    expect(headingsOf('---\na: 1\n---\n---\ntext')).toEqual([]);
  });

  it('does not make setext headings out of list items, quotes or tables', () => {
    expect(headingsOf('- item\n---\n> quote\n---\n| a |\n---\n1. one\n===')).toEqual([]);
  });

  it('does not make a setext heading from a line after an ATX heading or a fence', () => {
    expect(headingsOf('# A\n---\n```\ncode\n```\n---')).toEqual(['A']);
  });

  it('accepts odd heading text: emoji, CJK, punctuation', () => {
    expect(headingsOf('# 🚀 Launch\n## 日本語\n### What? (part 2)')).toEqual(['🚀 Launch', '日本語', 'What? (part 2)']);
  });

  it('stays fast on pathological lines', () => {
    // A quadratic heading regex would take seconds here; this is a smoke check, not a benchmark.
    const text = `# ${' '.repeat(200000)}x\n${'#'.repeat(100000)} \n`;
    expect(headingsOf(text)).toEqual(['x']);
  });
});

describe('listHeadings', () => {
  it('reports levels and 1-based lines including frontmatter lines', () => {
    expect(listHeadings('---\na: 1\n---\n## Two\n#### Four')).toEqual([
      { heading: 'Two', level: 2, line: 4 },
      { heading: 'Four', level: 4, line: 5 },
    ]);
  });
});

describe('findSection', () => {
  const text = ['# Intro', 'hi', '## Setup', 'steps', '### Details', 'more', '# Usage', '## Setup', 'other'].join('\n');

  it('matches headings case-insensitively with collapsed whitespace', () => {
    expect(findSection(text, '  intro ')?.startLine).toBe(1);
    expect(findSection(text, 'SETUP')?.startLine).toBe(3);
    expect(findSection('# Two  words\n', 'two words')?.heading).toBe('Two  words');
  });

  it('uses a trail to pick between headings with the same name', () => {
    expect(findSection(text, 'Usage#Setup')?.startLine).toBe(8);
    expect(findSection(text, 'Intro#Setup')?.startLine).toBe(3);
    expect(findSection(text, 'Intro#Details')?.startLine).toBe(5);
  });

  it('returns undefined when nothing matches', () => {
    expect(findSection(text, 'Nope')).toBeUndefined();
    expect(findSection(text, 'Usage#Details')).toBeUndefined();
    expect(findSection(text, '')).toBeUndefined();
  });

  it('can include subsections', () => {
    const s = findSection(text, 'Intro', { withSubsections: true });
    expect(s).toMatchObject({ startLine: 1, endLine: 6 });
    expect(s?.text).toBe('# Intro\nhi\n## Setup\nsteps\n### Details\nmore');
    expect(findSection(text, 'Intro')?.endLine).toBe(2);
  });
});
