import { extractLinks, hasBlockId, LinkResolver } from '../../../src/core/markdown';

const vault = [
  'Home.md',
  'raw/Note.md',
  'wiki/concepts/Dropck.md',
  'wiki/concepts/Ownership.md',
  'wiki/rust/concepts/Dropck.md',
  'wiki/sources/Note.md',
  'attachments/image.png',
  'wiki/sub/deep/Note.md',
  '日本語/ノート.md',
  '🚀 Launch.md',
  'C# tips.md',
];

describe('LinkResolver', () => {
  describe('constructor', () => {
    it('indexes the given paths and aliases', () => {
      const r = new LinkResolver(['a.md'], new Map([['a.md', ['Alpha']]]));
      expect(r.has('a.md')).toBe(true);
      expect(r.aliasOwner('alpha', 'x.md')).toBe('a.md');
    });
  });

  describe('resolve', () => {
    const r = new LinkResolver(vault, new Map([['wiki/concepts/Ownership.md', ['Borrowing', 'Move semantics']]]));

    it('resolves exact vault paths with or without .md', () => {
      expect(r.resolve('raw/Note', 'Home.md')).toBe('raw/Note.md');
      expect(r.resolve('raw/Note.md', 'Home.md')).toBe('raw/Note.md');
      expect(r.resolve('/raw/Note', 'wiki/x.md')).toBe('raw/Note.md');
    });

    it('resolves paths relative to the linking note', () => {
      expect(r.resolve('./Dropck', 'wiki/concepts/Ownership.md')).toBe('wiki/concepts/Dropck.md');
      expect(r.resolve('../sources/Note.md', 'wiki/concepts/Ownership.md')).toBe('wiki/sources/Note.md');
      expect(r.resolve('concepts/Dropck', 'wiki/rust/x.md')).toBe('wiki/rust/concepts/Dropck.md');
    });

    it('resolves a bare name case-insensitively', () => {
      expect(r.resolve('home', 'raw/Note.md')).toBe('Home.md');
      expect(r.resolve('OWNERSHIP', 'Home.md')).toBe('wiki/concepts/Ownership.md');
    });

    it('resolves non-markdown files only by name with extension', () => {
      expect(r.resolve('image.png', 'wiki/concepts/Dropck.md')).toBe('attachments/image.png');
      expect(r.resolve('image', 'wiki/concepts/Dropck.md')).toBeNull();
    });

    it('prefers the duplicate in the linking note’s folder', () => {
      expect(r.resolve('Note', 'wiki/sources/Other.md')).toBe('wiki/sources/Note.md');
      expect(r.resolve('Note', 'raw/Other.md')).toBe('raw/Note.md');
      expect(r.resolve('Note', 'wiki/sub/deep/Other.md')).toBe('wiki/sub/deep/Note.md');
    });

    it('falls back to the shortest path (not the nearest folder, as Obsidian), then alphabetical order', () => {
      // From wiki/x.md: wiki/sources/Note.md is the nearer folder, but Obsidian takes the shorter raw/Note.md.
      expect(r.resolve('Note', 'wiki/x.md')).toBe('raw/Note.md');
      // An ancestor folder counts for nothing: from deep below wiki/sub/deep/, still the shortest path.
      expect(r.resolve('Note', 'wiki/sub/deep/more/x.md')).toBe('raw/Note.md');
      expect(r.resolve('Note', 'Home.md')).toBe('raw/Note.md');
      const tie = new LinkResolver(['b/N.md', 'a/N.md', 'cc/N.md']);
      expect(tie.resolve('N', 'x.md')).toBe('a/N.md');
      const tie2 = new LinkResolver(['a/N.md', 'b/N.md'].reverse());
      expect(tie2.resolve('N', 'x.md')).toBe('a/N.md');
    });

    it('matches a folder suffix against the end of paths', () => {
      expect(r.resolve('rust/concepts/Dropck', 'Home.md')).toBe('wiki/rust/concepts/Dropck.md');
      expect(r.resolve('concepts/Dropck', 'Home.md')).toBe('wiki/concepts/Dropck.md');
      expect(r.resolve('other/Dropck', 'Home.md')).toBeNull();
    });

    it('never resolves a link by alias (Obsidian shows [[Alias]] unresolved), but finds the alias’s note on request', () => {
      expect(r.resolve('Borrowing', 'Home.md')).toBeNull();
      expect(r.resolve('move semantics', 'Home.md')).toBeNull();
      expect(r.aliasOwner('borrowing', 'Home.md')).toBe('wiki/concepts/Ownership.md');
      expect(r.aliasOwner('Move Semantics', 'Home.md')).toBe('wiki/concepts/Ownership.md');
      expect(r.aliasOwner('Ownership', 'Home.md')).toBeNull();
    });

    it('prefers a file name over an alias with the same text', () => {
      const withAlias = new LinkResolver(['Home.md', 'x/Other.md'], new Map([['x/Other.md', ['Home']]]));
      expect(withAlias.resolve('Home', 'x/y.md')).toBe('Home.md');
    });

    it('resolves an empty target to the linking note', () => {
      expect(r.resolve('', 'wiki/concepts/Dropck.md')).toBe('wiki/concepts/Dropck.md');
    });

    it('handles emoji, CJK and # in names', () => {
      expect(r.resolve('ノート', 'Home.md')).toBe('日本語/ノート.md');
      expect(r.resolve('🚀 launch', 'Home.md')).toBe('🚀 Launch.md');
      expect(r.resolve('C# tips', 'Home.md')).toBe('C# tips.md');
    });

    it('matches decomposed and composed Unicode names', () => {
      const nfd = new LinkResolver(['Cafe\u0301.md']);
      expect(nfd.resolve('Caf\u00e9', 'x.md')).toBe('Cafe\u0301.md');
    });

    it('returns null when nothing matches and never escapes with ..', () => {
      expect(r.resolve('Missing', 'Home.md')).toBeNull();
      expect(r.resolve('../../Home', 'wiki/x.md')).toBeNull();
    });
  });

  describe('add', () => {
    it('makes a new file resolvable and replaces aliases of a known one', () => {
      const r = new LinkResolver(['a.md']);
      expect(r.resolve('b', 'a.md')).toBeNull();
      r.add('b.md', ['Bee']);
      expect(r.resolve('b', 'a.md')).toBe('b.md');
      expect(r.aliasOwner('bee', 'a.md')).toBe('b.md');
      r.add('b.md', ['Buzz']);
      expect(r.aliasOwner('bee', 'a.md')).toBeNull();
      expect(r.aliasOwner('buzz', 'a.md')).toBe('b.md');
    });
  });

  describe('remove', () => {
    it('forgets the file, its name and its aliases', () => {
      const r = new LinkResolver(['x/n.md', 'y/n.md'], new Map([['x/n.md', ['Enn']]]));
      r.remove('x/n.md');
      expect(r.has('x/n.md')).toBe(false);
      expect(r.resolve('n', 'x/other.md')).toBe('y/n.md');
      expect(r.aliasOwner('enn', 'x/other.md')).toBeNull();
    });
  });

  describe('rename', () => {
    it('moves a file and keeps its aliases', () => {
      const r = new LinkResolver(['old.md'], new Map([['old.md', ['Nick']]]));
      r.rename('old.md', 'dir/new.md');
      expect(r.resolve('old', 'a.md')).toBeNull();
      expect(r.resolve('new', 'a.md')).toBe('dir/new.md');
      expect(r.aliasOwner('nick', 'a.md')).toBe('dir/new.md');
    });
  });

  describe('resolveLink', () => {
    const r = new LinkResolver(['A.md', 'B.md']);
    const texts: Record<string, string> = {
      'A.md': '# Intro\n## Getting   Started\nA para ^block-1\n',
      'B.md': 'none',
    };
    const textOf = (p: string): string | undefined => texts[p];
    const link = (s: string) => extractLinks(s)[0];

    it('resolves the path and leaves heading checks out without a lister', () => {
      expect(r.resolveLink(link('[[A#Intro]]'), 'B.md')).toEqual({ path: 'A.md' });
    });

    it('checks headings with a heading lister, case-insensitively and whitespace-collapsed', () => {
      const lister = (p: string) => (p === 'A.md' ? ['Intro', 'Getting   Started'] : []);
      expect(r.resolveLink(link('[[A#getting started]]'), 'B.md', lister)).toEqual({ path: 'A.md', headingFound: true });
      expect(r.resolveLink(link('[[A#Outro]]'), 'B.md', lister)).toEqual({ path: 'A.md', headingFound: false });
      expect(r.resolveLink(link('[[A#Intro#Getting Started]]'), 'B.md', { headingsOf: lister }).headingFound).toBe(true);
    });

    it('reads headings from the text when only a text getter is given', () => {
      expect(r.resolveLink(link('[[A#intro]]'), 'B.md', { textOf }).headingFound).toBe(true);
      expect(r.resolveLink(link('[[#Intro]]'), 'B.md', { textOf }).headingFound).toBe(false);
    });

    it('checks block ids in the target text', () => {
      expect(r.resolveLink(link('[[A#^block-1]]'), 'B.md', { textOf })).toEqual({ path: 'A.md', blockFound: true });
      expect(r.resolveLink(link('[[A#^block]]'), 'B.md', { textOf }).blockFound).toBe(false);
    });

    it('returns a null path for unresolved links without checking subpaths', () => {
      expect(r.resolveLink(link('[[Z#Intro]]'), 'B.md', { textOf })).toEqual({ path: null });
    });
  });
});

describe('hasBlockId', () => {
  it('finds a marker at the end of a line', () => {
    expect(hasBlockId('text ^abc\nmore', 'abc')).toBe(true);
    expect(hasBlockId('text ^abc  \r\nmore', 'abc')).toBe(true);
    expect(hasBlockId('^abc', 'abc')).toBe(true);
  });

  it('rejects markers inside words or followed by more text', () => {
    expect(hasBlockId('x^abc', 'abc')).toBe(false);
    expect(hasBlockId('text ^abcd', 'abc')).toBe(false);
    expect(hasBlockId('text ^abc more', 'abc')).toBe(false);
  });
});
