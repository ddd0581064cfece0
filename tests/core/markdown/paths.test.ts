import {
  basename,
  basenameNoExt,
  confineToFolder,
  dirname,
  extname,
  joinPath,
  normalizeVaultPath,
  resolveVaultPath,
  sanitizeFileName,
} from '../../../src/core/markdown';

describe('normalizeVaultPath', () => {
  it('turns backslashes into slashes and collapses empty segments', () => {
    expect(normalizeVaultPath('a\\b//c/')).toBe('a/b/c');
  });

  it('removes ./ segments and a leading slash', () => {
    expect(normalizeVaultPath('/./a/./b.md')).toBe('a/b.md');
  });

  it('resolves .. textually', () => {
    expect(normalizeVaultPath('a/b/../c/./d/..')).toBe('a/c');
  });

  it('keeps a leading .. when the path climbs above the root', () => {
    expect(normalizeVaultPath('a/../../x')).toBe('../x');
    expect(normalizeVaultPath('../../x')).toBe('../../x');
  });

  it('trims whitespace around segments', () => {
    expect(normalizeVaultPath(' wiki / concepts /Note.md ')).toBe('wiki/concepts/Note.md');
  });

  it('normalises to NFC', () => {
    expect(normalizeVaultPath('Cafe\u0301.md')).toBe('Caf\u00e9.md');
  });

  it('returns an empty string for the root', () => {
    expect(normalizeVaultPath('/')).toBe('');
    expect(normalizeVaultPath('./a/..')).toBe('');
  });
});

describe('resolveVaultPath', () => {
  it('returns the normalised path when it stays inside the vault', () => {
    expect(resolveVaultPath('a/../b')).toBe('b');
  });

  it('returns null when .. escapes the root', () => {
    expect(resolveVaultPath('..')).toBeNull();
    expect(resolveVaultPath('a/../../b')).toBeNull();
    expect(resolveVaultPath('..\\secret')).toBeNull();
  });

  it('does not confuse names that start with dots with ..', () => {
    expect(resolveVaultPath('..hidden/x')).toBe('..hidden/x');
  });
});

describe('sanitizeFileName', () => {
  it('replaces forbidden characters and collapses whitespace', () => {
    expect(sanitizeFileName('What: a *test*? [x] #1 ^b | c/d\\e <f> "g"')).toBe('What a test x 1 b c d e f g');
  });

  it('removes control characters', () => {
    expect(sanitizeFileName('a\u0000b\u0007c\nd\te')).toBe('a b c d e');
  });

  it('trims dots and spaces at the ends', () => {
    expect(sanitizeFileName(' ..name.. ')).toBe('name');
  });

  it('keeps case, emoji and CJK', () => {
    expect(sanitizeFileName('🚀 Launch 日本語 Notes')).toBe('🚀 Launch 日本語 Notes');
  });

  it('returns Untitled for names with nothing left', () => {
    expect(sanitizeFileName('')).toBe('Untitled');
    expect(sanitizeFileName(' ?*: ')).toBe('Untitled');
  });

  it('caps the length without splitting a surrogate pair', () => {
    const name = `${'a'.repeat(119)}😀😀`;
    const out = sanitizeFileName(name);
    expect(out).toBe('a'.repeat(119));
    expect(sanitizeFileName('b'.repeat(300))).toHaveLength(120);
    expect(sanitizeFileName(`${'c'.repeat(118)}😀x`)).toBe(`${'c'.repeat(118)}😀`);
  });

  it('avoids names Windows reserves', () => {
    expect(sanitizeFileName('CON')).toBe('CON_');
    expect(sanitizeFileName('Console')).toBe('Console');
  });
});

describe('confineToFolder', () => {
  it('returns the normalised path inside the folder', () => {
    expect(confineToFolder('wiki', '/wiki/a.md')).toBe('wiki/a.md');
    expect(confineToFolder('wiki/', 'wiki\\sub\\b.md')).toBe('wiki/sub/b.md');
  });

  it('rejects paths that climb out with ..', () => {
    expect(confineToFolder('wiki', 'wiki/../.obsidian/x.md')).toBeNull();
    expect(confineToFolder('wiki', 'wiki/../raw/x.md')).toBeNull();
    expect(confineToFolder('wiki', '../wiki/x.md')).toBeNull();
  });

  it('rejects the folder itself and sibling folders sharing a prefix', () => {
    expect(confineToFolder('wiki', 'wiki')).toBeNull();
    expect(confineToFolder('wiki', 'wiki-old/a.md')).toBeNull();
  });

  it('compares segments case-sensitively', () => {
    expect(confineToFolder('wiki', 'Wiki/a.md')).toBeNull();
  });

  it('rejects hidden segments below the folder', () => {
    expect(confineToFolder('wiki', 'wiki/.git/config')).toBeNull();
    expect(confineToFolder('', '.obsidian/plugins/x/data.json')).toBeNull();
  });

  it('treats an empty folder as the vault root', () => {
    expect(confineToFolder('', 'a/b.md')).toBe('a/b.md');
    expect(confineToFolder('', '')).toBeNull();
  });
});

describe('basename', () => {
  it('returns the last segment', () => {
    expect(basename('a/b/c.md')).toBe('c.md');
    expect(basename('c.md')).toBe('c.md');
  });
});

describe('basenameNoExt', () => {
  it('drops only the last extension', () => {
    expect(basenameNoExt('a/b.c.md')).toBe('b.c');
    expect(basenameNoExt('a/noext')).toBe('noext');
    expect(basenameNoExt('.hidden')).toBe('.hidden');
  });
});

describe('dirname', () => {
  it('returns the folder, or an empty string at the root', () => {
    expect(dirname('a/b/c.md')).toBe('a/b');
    expect(dirname('c.md')).toBe('');
  });
});

describe('extname', () => {
  it('returns the lowercased extension with its dot', () => {
    expect(extname('a/B.PNG')).toBe('.png');
    expect(extname('a.b/noext')).toBe('');
    expect(extname('.gitignore')).toBe('');
  });
});

describe('joinPath', () => {
  it('joins and normalises parts, skipping empty ones', () => {
    expect(joinPath('wiki', '', 'concepts/', './Note.md')).toBe('wiki/concepts/Note.md');
    expect(joinPath('', 'a')).toBe('a');
    expect(joinPath('a/b', '../c')).toBe('a/c');
  });
});
