import { EndpointCapabilities, LlmClient, replyShape, s } from '../../../src/core/llm';
import { OpenAiTestServer } from '../../support/openai-server';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
});

afterEach(async () => {
  await server.stop();
});

function client(options: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'sk-test', maxRetries: 0, ...options });
}

const summary = replyShape('summary', s.object({ title: s.string({ nonEmpty: true }), points: s.array(s.string(), { min: 1 }) }), (v) => v);
const ask = { messages: [{ role: 'user' as const, content: 'Summarize the note as JSON.' }] };

describe('structured output (response_format: json_schema)', () => {
  it('is requested with the reply shape\'s schema, and the server\'s schema-shaped answer is used', async () => {
    server.script({ kind: 'structured' });
    const { value } = await client().json(ask, summary);
    expect(value).toEqual({ title: 'example', points: ['example'] });
    expect(server.chatRequests()[0].body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'summary', schema: summary.schema, strict: true },
    });
  });

  it('is not requested for a plain parse function (prompt only)', async () => {
    server.script({ kind: 'text', content: '{"a": 1}' });
    await client().json(ask, (v) => v);
    expect(server.chatRequests()[0].body.response_format).toBeUndefined();
  });

  it('is not requested when turned off', async () => {
    server.script({ kind: 'text', content: '{"title": "T", "points": ["p"]}' });
    await client({ structuredOutput: false }).json(ask, summary);
    expect(server.chatRequests()[0].body.response_format).toBeUndefined();
  });

  it('when refused (400 naming it), asks again without it at once, and later calls and clients sharing the memory do not send it', async () => {
    server.responseFormat = 'refuse';
    server.script(
      { kind: 'text', content: 'Here you go: {"title": "T", "points": ["p"]}' },
      { kind: 'text', content: '{"title": "U", "points": ["q"]}' },
      { kind: 'text', content: '{"title": "V", "points": ["r"]}' },
    );
    const capabilities = new EndpointCapabilities();
    const first = client({ capabilities });
    expect((await first.json(ask, summary)).value).toEqual({ title: 'T', points: ['p'] });
    expect((await first.json(ask, summary)).value).toEqual({ title: 'U', points: ['q'] });
    // The plugin makes a client per operation and shares one memory between them.
    expect((await client({ capabilities }).json(ask, summary)).value).toEqual({ title: 'V', points: ['r'] });
    const sent = server.chatRequests().map((r) => r.body.response_format !== undefined);
    expect(sent).toEqual([true, false, false, false]);
    expect(capabilities.refusesStructuredOutput(`${server.baseURL}|test-model`)).toBe(true);
    // Another model on the same server is asked afresh.
    expect(capabilities.refusesStructuredOutput(`${server.baseURL}|other-model`)).toBe(false);
  });

  it('falls back to prompt-only JSON with a server that refuses it and a model that answers prose unless constrained', async () => {
    server.responseFormat = 'refuse';
    server.script({ kind: 'structured' }, { kind: 'text', content: '```json\n{"title": "Bread", "points": ["starter"]}\n```' });
    const { value } = await client().json(ask, summary);
    expect(value).toEqual({ title: 'Bread', points: ['starter'] });
    const requests = server.chatRequests();
    expect(requests.map((r) => r.body.response_format !== undefined)).toEqual([true, false, false]);
    // The retry without the format got prose, so the repair turn says why.
    expect(requests[2].body.messages?.at(-1)?.content).toContain('the reply contains no JSON');
  });

  it('a 400 about something else is an error, not a refusal of structured output', async () => {
    server.script({ kind: 'status', status: 400, body: { error: { message: "'messages' must not be empty" } } });
    const capabilities = new EndpointCapabilities();
    await expect(client({ capabilities }).json(ask, summary)).rejects.toThrow("'messages' must not be empty");
    expect(server.chatRequests()).toHaveLength(1);
    expect(capabilities.refusesStructuredOutput(`${server.baseURL}|test-model`)).toBe(false);
  });

  it('an endpoint that ignores it and answers prose falls back to today\'s repair round-trip', async () => {
    server.script({ kind: 'text', content: 'The note is about bread.' }, { kind: 'text', content: '{"title": "Bread", "points": ["starter"]}' });
    const { value } = await client().json(ask, summary);
    expect(value).toEqual({ title: 'Bread', points: ['starter'] });
    const [, repair] = server.chatRequests();
    expect(repair.body.messages?.at(-1)?.content).toContain('the reply contains no JSON');
  });

  it('a schema violation is sent back to the model with its path, for one repair', async () => {
    server.script({ kind: 'text', content: '{"title": "T", "points": [3]}' }, { kind: 'structured' });
    const { value } = await client().json(ask, summary);
    expect(value).toEqual({ title: 'example', points: ['example'] });
    expect(server.chatRequests()[1].body.messages?.at(-1)?.content).toContain('points[0]: expected a string, not 3');
  });
});
