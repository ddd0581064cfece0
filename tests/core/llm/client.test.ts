import { LlmClient } from '../../../src/core/llm';
import type { ChatResult } from '../../../src/core/llm';
import { drain, failure } from '../../support/llm-calls';
import { OpenAiTestServer } from '../../support/openai-server';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
});

afterEach(async () => {
  await server.stop();
});

function client(options: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'sk-test-secret-key', maxRetries: 0, ...options });
}

describe('LlmClient.chat', () => {
  it('returns the answer, finish reason and token usage', async () => {
    server.script({ kind: 'text', content: 'Hello there.', usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const result = await client().chat({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(result.content).toBe('Hello there.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ promptTokens: 12, completionTokens: 3, totalTokens: 15 });
    expect(server.chatRequests()[0].body.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('separates a reasoning model’s thinking from its answer, in a field or in <think> tags', async () => {
    server.script(
      { kind: 'text', content: 'Answer A', reasoning: 'thinking A', reasoningField: 'reasoning' },
      { kind: 'text', content: '<think>thinking B</think>\nAnswer B' },
    );
    const c = client();
    const a = await c.chat({ messages: [{ role: 'user', content: 'q' }] });
    const b = await c.chat({ messages: [{ role: 'user', content: 'q' }] });
    expect([a.content, a.reasoning]).toEqual(['Answer A', 'thinking A']);
    expect([b.content, b.reasoning]).toEqual(['Answer B', 'thinking B']);
  });

  it('round-trips several tool calls in one turn and sends tool results back', async () => {
    server.script(
      { kind: 'tools', calls: [{ id: 'c1', name: 'search', arguments: { query: 'dropck' } }, { id: 'c2', name: 'read', arguments: { path: 'a.md' } }] },
      { kind: 'text', content: 'Done.' },
    );
    const c = client();
    const tools = [
      { name: 'search', description: 'Search', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
      { name: 'read', description: 'Read', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
    ];
    const first = await c.chat({ messages: [{ role: 'user', content: 'q' }], tools });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([
      { id: 'c1', name: 'search', arguments: '{"query":"dropck"}' },
      { id: 'c2', name: 'read', arguments: '{"path":"a.md"}' },
    ]);
    await c.chat({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'c1', content: 'result 1' },
        { role: 'tool', toolCallId: 'c2', content: 'result 2' },
      ],
      tools,
    });
    const sent = server.chatRequests()[1].body;
    expect(sent.tools?.map((t) => t.function.name)).toEqual(['search', 'read']);
    expect(sent.messages?.[1].tool_calls).toHaveLength(2);
    expect(sent.messages?.[3]).toEqual({ role: 'tool', content: 'result 2', tool_call_id: 'c2' });
  });

  it('sends no X-Stainless headers, which break CORS preflights on local servers', async () => {
    server.script({ kind: 'text', content: 'ok' });
    await client().chat({ messages: [{ role: 'user', content: 'q' }] });
    const names = Object.keys(server.chatRequests()[0].headers);
    expect(names.filter((n) => n.startsWith('x-stainless'))).toEqual([]);
    expect(server.chatRequests()[0].headers.authorization).toBe('Bearer sk-test-secret-key');
  });

  it('reads the key per request when given a function', async () => {
    let key = 'first-key-1234';
    server.script({ kind: 'text', content: 'a' }, { kind: 'text', content: 'b' });
    const c = client({ apiKey: () => Promise.resolve(key) });
    await c.chat({ messages: [{ role: 'user', content: 'q' }] });
    key = 'second-key-5678';
    await c.chat({ messages: [{ role: 'user', content: 'q' }] });
    expect(server.chatRequests().map((r) => r.headers.authorization)).toEqual(['Bearer first-key-1234', 'Bearer second-key-5678']);
  });

  it('reports usage of every call to its listeners', async () => {
    server.script({ kind: 'text', content: 'a', usage: { prompt_tokens: 5, completion_tokens: 1 } });
    const c = client();
    const seen: number[] = [];
    c.onUsage((u) => seen.push(u.totalTokens));
    await c.chat({ messages: [{ role: 'user', content: 'q' }] });
    expect(seen).toEqual([6]);
  });
});

describe('LlmClient.stream', () => {
  it('yields text deltas incrementally, before the answer is complete', async () => {
    server.script({ kind: 'text', content: 'one two three four five', chunkDelayMs: 40 });
    const times: number[] = [];
    const texts: string[] = [];
    let result: ChatResult | undefined;
    for await (const delta of client().stream({ messages: [{ role: 'user', content: 'q' }] })) {
      if (delta.type === 'text') {
        texts.push(delta.text);
        times.push(Date.now());
      }
      if (delta.type === 'done') result = delta.result;
    }
    expect(texts.length).toBe(5);
    expect(texts.join('')).toBe('one two three four five');
    // The first piece arrived well before the last: the stream was not buffered.
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(120);
    expect(result).toMatchObject({ content: 'one two three four five', finishReason: 'stop' });
    expect(result?.usage.totalTokens).toBeGreaterThan(0);
  });

  it('assembles streamed tool calls from argument fragments', async () => {
    server.script({ kind: 'tools', calls: [{ name: 'search', arguments: { query: 'ironclad warships' } }, { name: 'index', arguments: {} }] });
    const deltas = await drain(client().stream({ messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'search', description: 's', parameters: {} }] }));
    const done = deltas.find((d) => d.type === 'done');
    expect(done && done.type === 'done' && done.result.toolCalls.map((c) => [c.name, JSON.parse(c.arguments) as unknown])).toEqual([
      ['search', { query: 'ironclad warships' }],
      ['index', {}],
    ]);
    expect(deltas.filter((d) => d.type === 'tool_call').length).toBe(4);
  });

  it('streams reasoning separately from the answer', async () => {
    server.script({ kind: 'text', content: 'The answer.', reasoning: 'Let me think.' });
    const deltas = await drain(client().stream({ messages: [{ role: 'user', content: 'q' }] }));
    expect(deltas.filter((d) => d.type === 'reasoning').map((d) => (d.type === 'reasoning' ? d.text : '')).join('')).toBe('Let me think.');
    const done = deltas[deltas.length - 1];
    expect(done.type === 'done' && [done.result.content, done.result.reasoning]).toEqual(['The answer.', 'Let me think.']);
  });

  it('stops promptly when aborted mid-stream', async () => {
    server.script({ kind: 'text', content: 'word '.repeat(200), chunkDelayMs: 50 });
    const controller = new AbortController();
    const started = Date.now();
    let received = 0;
    const error = await failure(
      (async () => {
        for await (const delta of client().stream({ messages: [{ role: 'user', content: 'q' }], signal: controller.signal })) {
          if (delta.type === 'text' && ++received === 3) controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    expect(received).toBe(3);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails as a connection error when the stream is cut mid-way, after the text that arrived', async () => {
    server.script({ kind: 'cut', content: 'partial answer that never finishes', afterChunks: 2 });
    const texts: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of client().stream({ messages: [{ role: 'user', content: 'q' }] })) {
          if (delta.type === 'text') texts.push(delta.text);
        }
      })(),
    );
    expect(texts.join('')).toBe('partial answer ');
    expect(error.kind).toBe('connection');
    expect(error.message).toContain('dropped mid-answer');
  });

  it('fails with a timeout when the stream goes silent', async () => {
    server.script({ kind: 'hang' });
    const error = await failure(drain(client({ streamIdleMs: 300 }).stream({ messages: [{ role: 'user', content: 'q' }] })));
    expect(error.kind).toBe('timeout');
  });
});

describe('LlmClient errors', () => {
  it('maps 401 to auth and never includes the key in the message', async () => {
    server.requiredKey = 'the-right-key';
    const error = await failure(client({ apiKey: 'sk-wrong-secret-value' }).chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/HTTP 401/);
    expect(`${error.message} ${error.stack ?? ''}`).not.toContain('sk-wrong-secret-value');
  });

  it('maps an unknown model to model_not_found naming the model', async () => {
    const error = await failure(client({ model: 'no-such-model' }).chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('model_not_found');
    expect(error.message).toContain('no-such-model');
  });

  it('retries a 429 after the retry-after delay, then succeeds', async () => {
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } }, { kind: 'text', content: 'ok' });
    const started = Date.now();
    const result = await client({ maxRetries: 2 }).chat({ messages: [{ role: 'user', content: 'q' }] });
    const requests = server.chatRequests();
    expect(result.content).toBe('ok');
    expect(requests).toHaveLength(2);
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('reports a 429 that persists as rate_limit with the advised wait', async () => {
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'quota' } } });
    const error = await failure(client().chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfter).toBe(7);
    expect(error.message).toContain('retry after 7 s');
  });

  it('retries a 500 and reports server when it persists', async () => {
    server.script({ kind: 'status', status: 500 }, { kind: 'status', status: 502 });
    const error = await failure(client({ maxRetries: 1 }).chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('server');
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('maps a hung request to timeout', async () => {
    server.script({ kind: 'hang' });
    const error = await failure(client({ timeoutMs: 300 }).chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('timeout');
  });

  it('maps an unreachable endpoint to connection, naming it', async () => {
    const error = await failure(new LlmClient({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 }).chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('connection');
    expect(error.message).toContain('127.0.0.1:9');
  });

  it('maps a malformed body to unusable_output', async () => {
    server.script({ kind: 'raw', body: '{"choices": [ this is not json' });
    const error = await failure(client().chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('unusable_output');
  });

  it('maps a well-formed body without choices to unusable_output', async () => {
    server.script({ kind: 'raw', body: '{"id": "x", "object": "chat.completion"}' });
    const error = await failure(client().chat({ messages: [{ role: 'user', content: 'q' }] }));
    expect(error.kind).toBe('unusable_output');
  });
});

describe('LlmClient.json', () => {
  const parse = (v: unknown) => {
    if (!v || typeof v !== 'object' || typeof (v as { title?: unknown }).title !== 'string') throw new Error('"title" must be a string');
    return v as { title: string };
  };

  it('extracts JSON wrapped in prose and a code fence', async () => {
    server.script({ kind: 'text', content: 'Sure! Here it is:\n```json\n{"title": "Dropck"}\n```\nHope that helps.' });
    const { value } = await client().json({ messages: [{ role: 'user', content: 'q' }] }, parse);
    expect(value).toEqual({ title: 'Dropck' });
  });

  it('repairs once when the first reply is unusable, telling the model why', async () => {
    server.script({ kind: 'text', content: '{"name": 1}' }, { kind: 'text', content: '{"title": "Fixed"}' });
    const { value, usage } = await client().json({ messages: [{ role: 'user', content: 'q' }] }, parse);
    expect(value.title).toBe('Fixed');
    expect(server.chatRequests()[1].body.messages?.at(-1)?.content).toContain('"title" must be a string');
    expect(usage.totalTokens).toBeGreaterThan(0);
  });

  it('gives up with unusable_output after one failed repair, including truncated output', async () => {
    server.script({ kind: 'text', content: '{"title": "cut', finishReason: 'length' }, { kind: 'text', content: 'no json here' });
    const error = await failure(client().json({ messages: [{ role: 'user', content: 'q' }] }, parse));
    expect(error.kind).toBe('unusable_output');
    expect(server.chatRequests()[1].body.messages?.at(-1)?.content).toContain('output token limit');
  });
});

describe('LlmClient.listModels', () => {
  it('lists the endpoint’s models', async () => {
    expect(await client().listModels()).toEqual(['other-model', 'test-model']);
  });
});

describe('LlmClient error mapping of 400s', () => {
  it('recognises a model the server says is missing, and not every 400 that mentions a model', async () => {
    server.script(
      { kind: 'status', status: 400, body: { error: { message: "model 'llama9' not found, try pulling it first" } } },
      { kind: 'status', status: 400, body: { error: { message: 'this model does not support the unknown parameter "foo"' } } },
    );
    const c = client();
    await expect(c.chat({ messages: [{ role: 'user', content: 'q' }] })).rejects.toMatchObject({ kind: 'model_not_found' });
    await expect(c.chat({ messages: [{ role: 'user', content: 'q' }] })).rejects.toMatchObject({ kind: 'bad_request' });
  });
});
