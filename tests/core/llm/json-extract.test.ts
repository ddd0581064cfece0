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
