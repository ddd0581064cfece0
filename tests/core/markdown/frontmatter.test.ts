import { fmString, fmStringList, parseNote, stringifyNote } from '../../../src/core/markdown';

describe('parseNote', () => {
  it('splits frontmatter from the body and reports where the body starts', () => {
    const note = parseNote('---\ntitle: Hello\ntags: [a, b]\n---\n# Body\ntext\n');
    expect(note.hasFrontmatter).toBe(true);
    expect(note.frontmatter).toEqual({ title: 'Hello', tags: ['a', 'b'] });
    expect(note.frontmatterError).toBeUndefined();
    expect(note.body).toBe('# Body\ntext\n');
    expect(note.bodyStartLine).toBe(5);
  });

  it('returns the whole text as body when there is no frontmatter', () => {
    const note = parseNote('# Title\n---\nmore');
    expect(note).toEqual({ frontmatter: {}, body: '# Title\n---\nmore', bodyStartLine: 1, hasFrontmatter: false });
  });

  it('treats an unclosed frontmatter block as ordinary text', () => {
    const note = parseNote('---\ntitle: x\nno closer');
    expect(note.hasFrontmatter).toBe(false);
    expect(note.body).toBe('---\ntitle: x\nno closer');
  });

  it('handles CRLF line endings', () => {
    const note = parseNote('---\r\ntitle: Win\r\n---\r\nBody\r\n');
    expect(note.frontmatter).toEqual({ title: 'Win' });
    expect(note.body).toBe('Body\r\n');
    expect(note.bodyStartLine).toBe(4);
  });

  it('strips a byte-order mark before looking for frontmatter', () => {
    const note = parseNote('\uFEFF---\na: 1\n---\nBody');
    expect(note.hasFrontmatter).toBe(true);
    expect(note.frontmatter).toEqual({ a: 1 });
    expect(note.body).toBe('Body');
  });

  it('reports broken YAML with a note line number instead of throwing', () => {
    const note = parseNote('---\ntitle: ok\nbad: [unclosed\n---\nBody');
    expect(note.hasFrontmatter).toBe(true);
    expect(note.frontmatter).toEqual({});
    expect(note.frontmatterError).toMatch(/^Frontmatter is not valid YAML/);
    expect(note.frontmatterError).toMatch(/line \d+/);
    expect(note.body).toBe('Body');
  });

  it('reports duplicate keys as an error', () => {
    expect(parseNote('---\na: 1\na: 2\n---\n').frontmatterError).toMatch(/unique/i);
  });

  it('rejects YAML that is a list or a scalar rather than a mapping', () => {
    expect(parseNote('---\n- a\n- b\n---\n').frontmatterError).toMatch(/mapping.*a list/);
    expect(parseNote('---\njust text\n---\n').frontmatterError).toMatch(/mapping.*a string/);
    expect(parseNote('---\n- a\n---\n').frontmatter).toEqual({});
  });

  it('accepts an empty frontmatter block', () => {
    const note = parseNote('---\n---\nBody');
    expect(note.hasFrontmatter).toBe(true);
    expect(note.frontmatter).toEqual({});
    expect(note.frontmatterError).toBeUndefined();
    expect(note.bodyStartLine).toBe(3);
  });

  it('keeps dates as strings rather than Date objects', () => {
    expect(parseNote('---\ncreated: 2024-05-01\n---\n').frontmatter).toEqual({ created: '2024-05-01' });
  });

  it('gives an empty body at line after the closer when the note ends with the frontmatter', () => {
    const note = parseNote('---\na: 1\n---');
    expect(note.body).toBe('');
    expect(note.bodyStartLine).toBe(4);
  });

  it('reports alias bombs as an error instead of expanding them', () => {
    const bomb = ['---', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    bomb.push('---', 'Body');
    const note = parseNote(bomb.join('\n'));
    expect(note.frontmatter).toEqual({});
    expect(note.frontmatterError).toBeDefined();
  });
});

describe('stringifyNote', () => {
  it('writes frontmatter between --- lines followed by the body', () => {
    expect(stringifyNote({ title: 'Hi', n: 2 }, 'Body\n')).toBe('---\ntitle: Hi\nn: 2\n---\nBody\n');
  });

  it('returns just the body when the frontmatter is empty', () => {
    expect(stringifyNote({}, 'Body')).toBe('Body');
    expect(stringifyNote({ gone: undefined }, 'Body')).toBe('Body');
  });

  it('keeps keys in the order given', () => {
    const out = stringifyNote({ z: 1, a: 2, m: 3 }, '');
    expect(out.indexOf('z:')).toBeLessThan(out.indexOf('a:'));
    expect(out.indexOf('a:')).toBeLessThan(out.indexOf('m:'));
  });

  it('quotes wikilinks and ambiguous strings so they round-trip', () => {
    const fm = { source: '[[raw/Note]]', related: ['[[A|alias]]', '[[B#h]]'], flag: 'true', num: '007', tag: '#x', colon: 'a: b' };
    const text = stringifyNote(fm, 'Body');
    expect(text).toContain('source: "[[raw/Note]]"');
    expect(parseNote(text).frontmatter).toEqual(fm);
    expect(parseNote(text).body).toBe('Body');
  });

  it('does not fold long values across lines', () => {
    const long = 'word '.repeat(60).trim();
    expect(stringifyNote({ summary: long }, '')).toBe(`---\nsummary: ${long}\n---\n`);
  });
});

describe('fmString', () => {
  it('returns string properties and undefined for anything else', () => {
    const fm = { a: 'x', b: 3, c: ['x'], d: null };
    expect(fmString(fm, 'a')).toBe('x');
    expect(fmString(fm, 'b')).toBeUndefined();
    expect(fmString(fm, 'c')).toBeUndefined();
    expect(fmString(fm, 'd')).toBeUndefined();
    expect(fmString(fm, 'missing')).toBeUndefined();
  });

  it('reads an unquoted wikilink back as link text', () => {
    const fm = parseNote('---\nsource: [[raw/Note]]\n---\n').frontmatter;
    expect(fmString(fm, 'source')).toBe('[[raw/Note]]');
  });
});

describe('fmStringList', () => {
  it('accepts a single string as a one-item list', () => {
    expect(fmStringList({ tags: 'one' }, 'tags')).toEqual(['one']);
  });

  it('keeps strings and drops other items from a list', () => {
    expect(fmStringList({ tags: ['a', 1, null, 'b', { x: 1 }] }, 'tags')).toEqual(['a', 'b']);
  });

  it('returns an empty list for missing or non-list values', () => {
    expect(fmStringList({ n: 5 }, 'n')).toEqual([]);
    expect(fmStringList({}, 'n')).toEqual([]);
  });

  it('reads unquoted wikilinks in a block list as link text', () => {
    const fm = parseNote('---\nrelated:\n  - [[A]]\n  - [[B]]\n  - "[[C]]"\n---\n').frontmatter;
    expect(fmStringList(fm, 'related')).toEqual(['[[A]]', '[[B]]', '[[C]]']);
  });
});
