import { parseWith, replyShape, s, validate } from '../../../src/core/llm';

const concept = s.object({ name: s.string({ nonEmpty: true }), aliases: s.optional(s.array(s.string())) });
const reply = s.object({ summary: s.string({ description: 'one line' }), concepts: s.array(concept, { max: 3 }) });

describe('schema validation', () => {
  it('returns the value when it fits', () => {
    expect(validate(reply, { summary: ' S ', concepts: [{ name: 'A' }, { name: 'B', aliases: ['b'] }] })).toEqual({
      ok: true,
      value: { summary: 'S', concepts: [{ name: 'A' }, { name: 'B', aliases: ['b'] }] },
    });
  });

  it('names every problem with its path', () => {
    const result = validate(reply, { concepts: [{ name: 'A' }, { name: 'B' }, { name: 3 }, {}] });
    expect(result).toEqual({
      ok: false,
      errors: ['summary: missing', 'concepts[2].name: expected a string, not 3', 'concepts[3].name: missing'],
    });
    expect(validate(reply, 'words')).toEqual({ ok: false, errors: ['the reply: expected an object, not "words"'] });
    expect(validate(reply, { summary: 'S', concepts: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] })).toEqual({
      ok: false,
      errors: ['concepts: expected at most 3 items, not 4'],
    });
  });

  it('reads null as absent for optional properties, and aliases of a key', () => {
    const slide = s.object({ title: s.string({ nonEmpty: true }), notes: s.optional(s.string()) }, { aliases: { title: ['heading'] } });
    expect(validate(slide, { heading: 'H', notes: null })).toEqual({ ok: true, value: { title: 'H' } });
  });

  it('tolerates what prompted models send: plain numeric strings, enum synonyms and case, lone values as lists', () => {
    const chart = s.object({
      type: s.enumOf(['bar', 'line'] as const, { synonyms: { column: 'bar' } }),
      values: s.array(s.number({ fromString: true }), { single: true }),
    });
    expect(parseWith(chart, { type: 'Column', values: '1.5' })).toEqual({ type: 'bar', values: [1.5] });
    expect(() => parseWith(chart, { type: 'radar', values: ['12%', 1e400] })).toThrow(
      'type: expected one of "bar", "line", not "radar"; values[0]: expected a number, not "12%"; values[1]: expected a finite number',
    );
  });

  it('cuts long text and long lists where asked, and drops unusable items where asked', () => {
    const tags = s.array(s.string({ max: 3, oneLine: true }), { max: 2, overflow: 'cut', skipInvalid: true });
    expect(parseWith(tags, [5, 'abcdef', ' x\n y ', 'z'])).toEqual(['abc', 'x y']);
  });

  it('takes the first form that fits, else explains the closest', () => {
    const point = s.oneOf([s.object({ x: s.number(), y: s.number() }), s.array(s.number(), { min: 2, max: 2 })]);
    expect(parseWith(point, [1, 2])).toEqual([1, 2]);
    expect(() => parseWith(point, { x: 1, y: 'a' })).toThrow('y: expected a number, not "a"');
  });
});

describe('the JSON Schema sent to the server', () => {
  it('lists every property as required, forbids others, and makes optional ones nullable (strict mode)', () => {
    expect(replyShape('concepts', reply, (v) => v).schema).toEqual({
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'one line' },
        concepts: {
          type: 'array',
          maxItems: 3,
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, aliases: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] } },
            required: ['name', 'aliases'],
            additionalProperties: false,
          },
        },
      },
      required: ['summary', 'concepts'],
      additionalProperties: false,
    });
    expect(s.optional(s.number({ min: 0, max: 5 })).jsonSchema()).toEqual({ type: ['number', 'null'], minimum: 0, maximum: 5 });
    expect(s.optional(s.enumOf(['a', 'b'] as const)).jsonSchema()).toEqual({ anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] });
  });

  it('a reply shape parses through its schema, then its own checks', () => {
    const shape = replyShape('pair', s.object({ a: s.number(), b: s.number() }), (v) => {
      if (v.a > v.b) throw new Error('a must not exceed b');
      return v.a + v.b;
    });
    expect(shape.parse({ a: 1, b: 2 })).toBe(3);
    expect(() => shape.parse({ a: 1 })).toThrow('b: missing');
    expect(() => shape.parse({ a: 3, b: 2 })).toThrow('a must not exceed b');
  });
});
