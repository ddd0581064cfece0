import { extractLinks, linkText, type NoteLink } from '../../../src/core/markdown';

function one(text: string): NoteLink {
  const links = extractLinks(text);
  expect(links).toHaveLength(1);
  return links[0];
}

describe('extractLinks', () => {
  it('finds a plain wikilink with its position', () => {
    expect(extractLinks('intro\nsee [[Note]] here')).toEqual([
      { raw: '[[Note]]', target: 'Note', embed: false, kind: 'wikilink', line: 2, column: 5 },
    ]);
  });

  it('splits alias, heading and block parts', () => {
    expect(one('[[a|Alias]]')).toMatchObject({ target: 'a', alias: 'Alias' });
    expect(one('[[a#Heading]]')).toMatchObject({ target: 'a', heading: 'Heading' });
    expect(one('[[a#Heading|x]]')).toMatchObject({ target: 'a', heading: 'Heading', alias: 'x' });
    const block = one('[[a#^abc123]]');
    expect(block).toMatchObject({ target: 'a', blockId: 'abc123' });
    expect(block.heading).toBeUndefined();
  });

  it('reports same-note links with an empty target', () => {
    expect(one('[[#Section]]')).toMatchObject({ target: '', heading: 'Section' });
  });

  it('trims whitespace around the target', () => {
    expect(one('[[ folder/Note  |x]]').target).toBe('folder/Note');
  });

  it('marks embeds and includes the ! in raw and column', () => {
    expect(one('x ![[pic.png]]')).toMatchObject({ raw: '![[pic.png]]', target: 'pic.png', embed: true, column: 3 });
  });

  it('handles an escaped pipe inside a table cell', () => {
    expect(one('| [[Note\\|Alias]] | b |')).toMatchObject({ target: 'Note', alias: 'Alias' });
  });

  it('skips empty wikilinks', () => {
    expect(extractLinks('[[]] [[ |x]]')).toEqual([]);
  });

  it('finds local markdown links and decodes them', () => {
    expect(one('[text](path/to%20note.md)')).toMatchObject({ kind: 'markdown', target: 'path/to note.md', raw: '[text](path/to%20note.md)' });
    expect(one('[t](<path with spaces.md>)')).toMatchObject({ target: 'path with spaces.md' });
    expect(one('[t](note.md#My%20Heading)')).toMatchObject({ target: 'note.md', heading: 'My Heading' });
    expect(one('![alt](img/a.png "title")')).toMatchObject({ target: 'img/a.png', embed: true, kind: 'markdown' });
  });

  it('keeps a markdown target with a stray percent sign undecoded', () => {
    expect(one('[t](100%.md)').target).toBe('100%.md');
  });

  it('skips URLs with schemes and pure anchors', () => {
    expect(extractLinks('[a](https://x.org) [b](http://x) [c](mailto:a@b) [d](obsidian://open) [e](#top)')).toEqual([]);
  });

  it('ignores links in fenced code blocks of either kind', () => {
    const text = ['```md', '[[inside]]', '```', '~~~~', '[[tilde]]', '```', 'still code', '~~~~', '[[after]]'].join('\n');
    expect(extractLinks(text).map((l) => l.target)).toEqual(['after']);
  });

  it('treats an unclosed fence as code to the end', () => {
    expect(extractLinks('[[a]]\n```\n[[b]]')).toHaveLength(1);
  });

  it('does not mistake inline code with three backticks for a fence', () => {
    expect(extractLinks('```x``` [[real]]\n[[next]]').map((l) => l.target)).toEqual(['real', 'next']);
  });

  it('ignores links in inline code spans but not after them', () => {
    expect(extractLinks('`[[no]]` and ``[[no `x`]]`` then [[yes]]').map((l) => l.target)).toEqual(['yes']);
  });

  it('treats an unmatched backtick as literal', () => {
    expect(extractLinks('a ` b [[yes]]').map((l) => l.target)).toEqual(['yes']);
  });

  it('skips escaped brackets', () => {
    expect(extractLinks('\\[[not]] [[yes]]').map((l) => l.target)).toEqual(['yes']);
  });

  it('reports wikilinks in frontmatter with their line', () => {
    const text = '---\nsource: "[[raw/Note]]"\nurl: "[x](other.md)"\n---\nBody [[B]]';
    expect(extractLinks(text).map((l) => [l.target, l.line])).toEqual([
      ['raw/Note', 2],
      ['B', 5],
    ]);
  });

  it('counts lines correctly with CRLF and a BOM', () => {
    const links = extractLinks('\uFEFFa\r\n[[x]]\r\n[[y]]');
    expect(links.map((l) => [l.target, l.line, l.column])).toEqual([
      ['x', 2, 1],
      ['y', 3, 1],
    ]);
  });

  it('finds several links on one line in order', () => {
    expect(extractLinks('[[a]] [b](b.md) ![[c.png]]').map((l) => l.target)).toEqual(['a', 'b.md', 'c.png']);
  });

  it('finds an image nested in a markdown link', () => {
    expect(extractLinks('[![img](a.png)](b.md)').map((l) => l.target)).toEqual(['b.md', 'a.png']);
  });

  it('handles odd names: emoji, CJK and # in the link text', () => {
    expect(one('[[🚀 Launch plan]]').target).toBe('🚀 Launch plan');
    expect(one('[[日本語のノート#見出し]]')).toMatchObject({ target: '日本語のノート', heading: '見出し' });
    expect(one('[[C#]]')).toMatchObject({ target: 'C' });
  });

  it('links only the innermost of nested wikilink openers', () => {
    expect(extractLinks('[[a [[b]] ![[x ![[y]]').map((l) => l.raw)).toEqual(['[[b]]', '![[y]]']);
  });

  it('stays fast on lines full of brackets', () => {
    // Rescanning from every bracket is quadratic and would hit jest's timeout; a smoke check, not a benchmark.
    const links = extractLinks(`${'['.repeat(200000)}\n${'[a]('.repeat(50000)}\n${'[[x'.repeat(50000)}]]`);
    expect(links.map((l) => l.raw)).toEqual(['[[x]]']);
  });

  it('ignores reference-style links and unclosed brackets', () => {
    expect(extractLinks('[a][ref] [b] [[unclosed [c](')).toEqual([]);
  });
});

describe('linkText', () => {
  it('builds a bare wikilink', () => {
    expect(linkText('raw/Note')).toBe('[[raw/Note]]');
  });

  it('adds heading and alias', () => {
    expect(linkText('Note', { heading: 'H', alias: 'see' })).toBe('[[Note#H|see]]');
  });

  it('adds a block reference', () => {
    expect(linkText('Note', { blockId: 'b1' })).toBe('[[Note#^b1]]');
  });

  it('round-trips through extractLinks', () => {
    expect(one(linkText('a/b', { heading: 'Intro', alias: 'x' }))).toMatchObject({ target: 'a/b', heading: 'Intro', alias: 'x' });
  });
});
