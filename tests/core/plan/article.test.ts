import { editedParts, fieldsHash, readArticle, renderArticle, restampArticle } from '../../../src/core/plan/article';
import { parseNote } from '../../../src/core/markdown';

const fields = { title: 'Levain', summary: 'A starter offshoot built for one bake.', type: 'concept' as const, sources: ['raw/Levain.md'], sourceHashes: { 'raw/Levain.md': 'abc' }, aliases: ['Leaven'], tags: ['bread'], updated: '2026-11-26' };
const body = '# Levain\n\nA levain is mixed the night before.\n';

describe('generated articles: what counts as a person\'s edit', () => {
  const article = renderArticle(fields, body);

  it('reads back as generated, with a fields hash next to the body hash', () => {
    expect(article).toMatch(/\nbody_hash: \w+\nfields_hash: \w+\nupdated: 2026-11-26\n/);
    expect(readArticle(article).ownership).toBe('generated');
  });

  it.each([
    ['a new summary', (t: string) => t.replace('summary: A starter offshoot built for one bake.', 'summary: My own words about levain.')],
    ['a new title', (t: string) => t.replace('title: Levain', 'title: Levain (sweet)')],
    ['an added alias', (t: string) => t.replace('  - Leaven', '  - Leaven\n  - Preferment')],
    ['a removed tag', (t: string) => t.replace('tags:\n  - bread', 'tags: []')],
    ['a changed type', (t: string) => t.replace('type: concept', 'type: report')],
    ['an added key', (t: string) => t.replace('updated: 2026-11-26', 'updated: 2026-11-26\nrating: 5')],
  ])('counts %s as an edit', (_what, edit) => {
    const edited = edit(article);
    expect(edited).not.toBe(article);
    expect(readArticle(edited).ownership).toBe('edited');
    const note = parseNote(edited);
    expect(editedParts(note.frontmatter, note.body)).toEqual({ body: false, fields: true });
  });

  it('does not count what the writer restamps, key order or YAML quoting', () => {
    expect(readArticle(article.replace('updated: 2026-11-26', 'updated: 2027-01-01')).ownership).toBe('generated');
    const quoted = article.replace('title: Levain', 'title: "Levain"');
    expect(quoted).not.toBe(article);
    expect(readArticle(quoted).ownership).toBe('generated');
    const moved = article.replace('title: Levain\n', '').replace('---\n# Levain', 'title: Levain\n---\n# Levain');
    expect(moved).not.toBe(article);
    expect(readArticle(moved).ownership).toBe('generated');
  });

  it('still sees a body edit', () => {
    expect(readArticle(article.replace('the night before', 'in the morning')).ownership).toBe('edited');
  });

  it('keeps reading articles written before the fields hash by their body alone', () => {
    const legacy = article.replace(/fields_hash: \w+\n/, '');
    expect(readArticle(legacy).ownership).toBe('generated');
    expect(readArticle(legacy.replace('summary: A starter', 'summary: Edited and undetectable without a fields hash, a')).ownership).toBe('generated');
    expect(readArticle(legacy.replace('the night before', 'in the morning')).ownership).toBe('edited');
    // Restamping a legacy article keeps it legacy (one changed line, the body hash).
    const changed = legacy.replace('the night before', 'in the morning');
    expect(restampArticle(changed).split('\n').length).toBe(changed.split('\n').length);
    expect(readArticle(restampArticle(changed)).ownership).toBe('generated');
  });

  it('restamps both hashes after code changed the body or the properties', () => {
    const changed = article.replace('the night before', 'in the morning').replace('tags:\n  - bread', 'tags:\n  - bread\n  - starter');
    expect(readArticle(changed).ownership).toBe('edited');
    const restamped = restampArticle(changed, '2026-12-01');
    expect(readArticle(restamped).ownership).toBe('generated');
    expect(restamped).toContain('updated: 2026-12-01');
    expect(restamped).toMatch(/\nbody_hash: \w+\nfields_hash: \w+\nupdated: 2026-12-01\n/);
  });

  it('hashes properties by value', () => {
    expect(fieldsHash({ a: 1, b: ['x'] })).toBe(fieldsHash({ b: ['x'], a: 1, updated: 'x', body_hash: 'y' }));
    expect(fieldsHash({ a: 1, b: ['x'] })).not.toBe(fieldsHash({ a: 1, b: ['x', 'y'] }));
    expect(fieldsHash({ a: { p: 1, q: 2 } })).toBe(fieldsHash({ a: { q: 2, p: 1 } }));
  });

  it('keeps extra keys in the hash: a person\'s change to one is an edit', () => {
    const deck = renderArticle({ ...fields, type: 'output', extra: { marp: true } }, body);
    expect(readArticle(deck).ownership).toBe('generated');
    expect(readArticle(deck.replace('marp: true', 'marp: false')).ownership).toBe('edited');
  });
});

describe('a comment a person adds to the frontmatter', () => {
  it('makes a generated article edited, so compile proposes a reviewed merge instead of dropping it', () => {
    const text = renderArticle({ title: 'Dropck', summary: 'Drop check.', type: 'concept', updated: '2026-11-26' }, '# Dropck\n');
    expect(readArticle(text).ownership).toBe('generated');
    const commented = text.replace('summary: Drop check.', 'summary: Drop check.\n# keep this summary short, it shows in the index');
    expect(readArticle(commented).ownership).toBe('edited');
    expect(readArticle(text.replace('# Dropck\n', '# Dropck\n\n#hashtag in the body is not a comment\n')).ownership).toBe('edited'); // body edit
  });
});
