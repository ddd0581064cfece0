import { EXTRACTION_REPLY, MAX_CONCEPTS, parseMergedArticle, parseSourceExtraction } from '../../../src/core/compile';

describe('the extraction reply shape', () => {
  it('reads a full reply, trimming, deduplicating and capping', () => {
    const concepts = Array.from({ length: MAX_CONCEPTS + 2 }, (_, i) => ({ name: `C${i}`, aliases: [`c${i}`, 'Other', 'other', 7] }));
    const value = parseSourceExtraction({
      summary: '  About\n bread. ',
      keyPoints: ['a', 'A', ' b '],
      claims: ['Bare claim.', { claim: 'Placed.', where: 'Intro' }, { where: 'no claim' }, 5],
      concepts: [{ name: 'C0', summary: null }, ...concepts],
    });
    expect(value.summary).toBe('About bread.');
    expect(value.keyPoints).toEqual(['a', 'b']);
    expect(value.claims).toEqual([{ claim: 'Bare claim.', where: '' }, { claim: 'Placed.', where: 'Intro' }]);
    expect(value.concepts[0]).toEqual({ name: 'C0', aliases: [], summary: '', details: '' });
    expect(value.concepts.map((c) => c.name)).toEqual(['C0', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    expect(value.concepts[1].aliases).toEqual(['Other']); // not its own name, in any case
  });

  it('says which field is wrong, with its path', () => {
    expect(() => parseSourceExtraction({ concepts: [{ name: 'A' }, { name: 'B' }, { name: 3 }] })).toThrow(
      'summary: missing; concepts[2].name: expected a string, not 3',
    );
    expect(() => parseSourceExtraction({ summary: 'S', concepts: [{ name: '  ' }] })).toThrow('concepts[0].name: expected a non-empty string');
  });

  it('sends a strict JSON Schema naming every field', () => {
    expect(EXTRACTION_REPLY.name).toBe('source_extraction');
    expect(EXTRACTION_REPLY.schema).toMatchObject({
      type: 'object',
      required: ['summary', 'key_points', 'claims', 'concepts'],
      additionalProperties: false,
    });
  });
});

describe('the merge reply shape', () => {
  it('refuses a body much shorter than the article it replaces', () => {
    expect(() => parseMergedArticle({ body: 'short' }, 1000)).toThrow('body: has 5 characters but the existing article had 1000');
    expect(parseMergedArticle({ body: 'New body', aliases: ['x', 'X'] }, 0)).toEqual({ summary: '', body: 'New body', aliases: ['x'] });
    expect(() => parseMergedArticle({ summary: 'S' }, 0)).toThrow('body: missing');
  });
});
