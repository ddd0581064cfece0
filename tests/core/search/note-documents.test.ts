import { buildNoteDocuments, splitPassages } from '../../../src/core/search/note-documents';

const stat = { mtime: 1, size: 1 };
const words = (n: number, word = 'word') => Array.from({ length: n }, () => word).join(' ');

describe('splitPassages', () => {
  it('keeps a section of up to the target size whole, without its heading line', () => {
    const text = `# Head\n${words(40)}\n\n${words(40)}`;
    expect(splitPassages(text, true, 150)).toEqual([{ from: 0, to: 3, text: `${words(40)}\n\n${words(40)}` }]);
    expect(splitPassages(text, true, 0)).toHaveLength(1);
  });

  it('cuts a long section at blank lines into ranges that cover it without gaps', () => {
    const lines = ['# Head', words(80, 'a'), '', words(80, 'b'), '', '', words(80, 'c'), ''];
    const parts = splitPassages(lines.join('\n'), true, 150);
    expect(parts.map((p) => [p.from, p.to])).toEqual([
      [0, 2],
      [3, 5],
      [6, 7],
    ]);
    expect(parts[0].text).toBe(`${words(80, 'a')}\n`);
    expect(parts[1].text.trim()).toBe(words(80, 'b'));
  });

  it('groups short paragraphs up to the target and joins a short last group to the one before', () => {
    const paragraphs = [60, 60, 60, 60, 20].map((n, i) => words(n, `p${i}`));
    const parts = splitPassages(paragraphs.join('\n\n'), false, 150);
    expect(parts.map((p) => [p.from, p.to])).toEqual([
      [0, 3],
      [4, 8],
    ]);
    expect(parts[1].text).toBe(paragraphs.slice(2).join('\n\n'));
  });

  it('never cuts inside a code fence, and cuts a very long paragraph between its lines', () => {
    const fenced = [words(100), '', '```', words(30, 'code'), '', words(30, 'code'), '```', '', words(100)].join('\n');
    const parts = splitPassages(fenced, false, 150);
    expect(parts.map((p) => [p.from, p.to])).toEqual([
      [0, 1],
      [2, 7],
      [8, 8],
    ]);
    const list = Array.from({ length: 8 }, (_, i) => `- ${words(60, `item${i}`)}`).join('\n');
    expect(splitPassages(list, false, 150).length).toBeGreaterThan(2);
  });
});

describe('buildNoteDocuments', () => {
  const abstract = `${words(30, 'cells')} divide.`;

  it('indexes a title given as a leading H1 exactly as one given in frontmatter', () => {
    const front = buildNoteDocuments('s/1.md', `---\ntitle: Cell division\n---\n\n${abstract}\n`, stat, 1e6);
    const h1 = buildNoteDocuments('s/1.md', `# Cell division\n\n${abstract}\n`, stat, 1e6);
    expect(h1.info.title).toBe('Cell division');
    expect(h1.sections.map((s) => s.fields)).toEqual(front.sections.map((s) => s.fields));
  });

  it('puts title, folder and descriptive properties on the first passage only, headings on every passage of their section', () => {
    const text = `---\ntitle: Notes\nsummary: About cells\n---\n# Intro\n${words(100, 'a')}\n\n${words(100, 'b')}\n\n## Details\n${words(10, 'c')}\n`;
    const { sections } = buildNoteDocuments('lab/Notes.md', text, stat, 1e6);
    expect(sections.map((s) => [s.heading, s.line, s.endLine, s.continued === true])).toEqual([
      ['Intro', 5, 7, false],
      ['Intro', 8, 9, true],
      ['Details', 10, 11, false],
    ]);
    expect(sections.map((s) => s.fields.title !== '')).toEqual([true, false, false]);
    expect(sections.map((s) => s.fields.path)).toEqual(['lab', '', '']);
    expect(sections[0].fields.body).toContain('About cells');
    expect(sections[1].fields.body).not.toContain('About cells');
    expect(sections.map((s) => s.fields.headings)).toEqual(['Intro', 'Intro', 'Intro \n Details']);
  });

  it('does not index a heading equal to the title as a heading', () => {
    const { sections } = buildNoteDocuments('w/Du Fu.md', `---\ntitle: Du Fu\n---\n# Du Fu\nPoet.\n## Life\nBorn 712.\n`, stat, 1e6);
    expect(sections.map((s) => s.fields.headings)).toEqual(['', 'Life']);
  });
});
