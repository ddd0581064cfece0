import { extractJson, splitThinking } from '../../../src/core/llm';

describe('extractJson', () => {
  it('parses a bare object', () => {
    expect(extractJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });
  it('finds an object after a think block and prose', () => {
    expect(extractJson('<think>{"wrong": true} hmm</think>Result: {"a": [1, 2]} done')).toEqual({ ok: true, value: { a: [1, 2] } });
  });
  it('tolerates trailing commas', () => {
    expect(extractJson('{"a": [1, 2,],}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });
  it('handles braces inside strings', () => {
    expect(extractJson('x {"a": "}{"} y')).toEqual({ ok: true, value: { a: '}{' } });
  });
  it('says when the JSON is cut off', () => {
    expect(extractJson('{"a": "unterminated')).toEqual({ ok: false, reason: 'the JSON in the reply is cut off' });
  });
  it('says when there is no JSON', () => {
    expect(extractJson('just words')).toEqual({ ok: false, reason: 'the reply contains no JSON' });
  });
  it('treats an empty reply as empty', () => {
    expect(extractJson('  ')).toEqual({ ok: false, reason: 'the reply is empty' });
  });
});

describe('splitThinking', () => {
  it('moves an unclosed think block (truncated reasoning) out of the content', () => {
    expect(splitThinking('<think>still thinking')).toEqual({ content: '', reasoning: 'still thinking' });
  });
});

describe('extractJson on the faults found in review (issue 11)', () => {
  it('keeps a comma inside a string while it drops trailing commas outside strings', () => {
    expect(extractJson('{"a": "ends with , ]", "b": [1, 2,],}')).toEqual({ ok: true, value: { a: 'ends with , ]', b: [1, 2] } });
    expect(extractJson('{"a": "x,}", "b": 1,}')).toEqual({ ok: true, value: { a: 'x,}', b: 1 } });
  });

  it('fails a truncated reply instead of returning its first nested object', () => {
    expect(extractJson('{"summary": "s", "concepts": [{"name": "A"}, {"name": "B"')).toEqual({
      ok: false,
      reason: 'the JSON in the reply is cut off',
    });
    expect(extractJson('Here it is: {"summary": "s", "concepts": [{"name": "A"}, {"name": "B"}')).toEqual({
      ok: false,
      reason: 'the JSON in the reply is cut off',
    });
  });

  it('still finds JSON after an unclosed bracket in prose', () => {
    expect(extractJson('Options [a) and then {"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('[note: {"a": 1}] oops } and more')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('is linear: 20,000 unmatched brackets are dismissed quickly', () => {
    const nestedNotJson = '{"a" x'.repeat(20_000) + '}'.repeat(20_000);
    for (const reply of ['['.repeat(20_000), '[a'.repeat(20_000), 'x ' + '{"a": ['.repeat(20_000), nestedNotJson]) {
      const started = performance.now();
      const result = extractJson(reply);
      expect(result.ok).toBe(false);
      // Quadratic scanning took about 2.8 s for the first of these; linear work takes milliseconds.
      expect(performance.now() - started).toBeLessThan(200);
    }
  });
});
