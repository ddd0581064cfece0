import {
  basename,
  basenameNoExt,
  confineToFolder,
  dirname,
  extname,
  joinPath,
  normalizeVaultPath,
  MAX_FILE_NAME_BYTES,
  resolveVaultPath,
  sanitizeFileName,
  truncateText,
  utf8Length,
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

  it('caps by UTF-8 bytes, so CJK names stay under the 255-byte limit with any suffix', () => {
    // 120 CJK characters were kept whole before: 360 bytes, refused by most file systems.
    const out = sanitizeFileName('漢'.repeat(120));
    expect(utf8Length(out)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(out).toBe('漢'.repeat(60));
    expect(utf8Length(`${out} (49).md`)).toBeLessThanOrEqual(255);
    expect(utf8Length(`${out} 3f9a2c.marp.md`)).toBeLessThanOrEqual(255);
  });

  it('cuts long names between characters: emoji, surrogate pairs and accents stay whole', () => {
    const emoji = sanitizeFileName('😀'.repeat(100));
    expect(emoji).toBe('😀'.repeat(45)); // 180 bytes, 90 UTF-16 units
    const family = '👨‍👩‍👧‍👦'; // 25 bytes, one character
    const mixed = sanitizeFileName(`${'é'.repeat(80)}${family}b`); // 160 + 25 bytes: the family does not fit
    expect(mixed).toBe('é'.repeat(80));
    expect(sanitizeFileName(`${'é'.repeat(70)}${family}b`)).toBe(`${'é'.repeat(70)}${family}b`);
    const accents = sanitizeFileName(`${'é'.repeat(89)}e\u0301x`.normalize('NFD'));
    expect(utf8Length(accents)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(accents.normalize('NFC')).toBe(accents);
    for (const name of [emoji, mixed, accents]) expect(/[\ud800-\udbff]$/.test(name)).toBe(false);
  });

  it('leaves no trailing space or dot where the cut falls', () => {
    const out = sanitizeFileName(`${'中'.repeat(59)} ${'文'.repeat(10)}`);
    expect(out).toBe('中'.repeat(59));
    expect(sanitizeFileName(`${'字'.repeat(59)}.${'字'.repeat(10)}`)).toBe('字'.repeat(59));
  });

  it('takes a smaller byte cap and drops lone surrogates', () => {
    expect(sanitizeFileName('日本語の名前', 120, 9)).toBe('日本語');
    expect(sanitizeFileName('a\ud800b')).toBe('a b');
  });

  it('keeps a reserved name with its "_" inside the caps', () => {
    const long = `con.${'x'.repeat(300)}`;
    const out = sanitizeFileName(long, 120, 60);
    expect(out.endsWith('_')).toBe(true);
    expect(utf8Length(out)).toBeLessThanOrEqual(60);
  });

  it('avoids names Windows reserves', () => {
    expect(sanitizeFileName('CON')).toBe('CON_');
    expect(sanitizeFileName('Console')).toBe('Console');
  });
});

describe('utf8Length and truncateText', () => {
  it('counts UTF-8 bytes per code point', () => {
    expect(utf8Length('aé漢😀')).toBe(1 + 2 + 3 + 4);
    expect(utf8Length('')).toBe(0);
  });

  it('returns the longest start within both caps', () => {
    expect(truncateText('abcdef', 4)).toBe('abcd');
    expect(truncateText('漢字かな', 10, 7)).toBe('漢字');
    expect(truncateText('short', 10, 100)).toBe('short');
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
