import type { App, RequestUrlParam, RequestUrlResponse } from 'obsidian';
import { LlmClient } from '../../src/core/llm';
import { DEFAULT_SETTINGS, type ScriptoriumSettings } from '../../src/core/settings';
import { NetworkSession, pluginFetch, requestUrlFetch } from '../../src/obsidian/http';
import { createLlmClient } from '../../src/obsidian/llm-factory';
import { OpenAiTestServer } from '../support/openai-server';

/**
 * Stands in for Obsidian's requestUrl with the same contract (whole body buffered, status kept
 * when `throw: false`), implemented over real HTTP so the loopback server sees real requests.
 */
async function requestUrlOverHttp(request: RequestUrlParam): Promise<RequestUrlResponse> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  if (request.throw !== false && response.status >= 400) throw new Error(`Request failed, status ${response.status}`);
  const arrayBuffer = await response.arrayBuffer();
  const text = new TextDecoder().decode(arrayBuffer);
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  return {
    status: response.status,
    headers,
    arrayBuffer,
    text,
    get json(): unknown {
      return JSON.parse(text) as unknown;
    },
  };
}

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await new OpenAiTestServer().start();
});
afterEach(async () => {
  await server.stop();
});

describe('requestUrlFetch', () => {
  it('carries a chat request and its answer through Obsidian’s network layer', async () => {
    server.script({ kind: 'text', content: 'via requestUrl' });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'k-123456', fetch: requestUrlFetch(requestUrlOverHttp), maxRetries: 0 });
    const result = await client.chat({ messages: [{ role: 'user', content: 'q' }] });
    expect(result.content).toBe('via requestUrl');
    expect(server.chatRequests()[0].headers.authorization).toBe('Bearer k-123456');
  });

  it('delivers a streamed answer whole (no streaming, same result)', async () => {
    server.script({ kind: 'text', content: 'all at once' });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: requestUrlFetch(requestUrlOverHttp), maxRetries: 0 });
    let text = '';
    for await (const d of client.stream({ messages: [{ role: 'user', content: 'q' }] })) if (d.type === 'text') text += d.text;
    expect(text).toBe('all at once');
  });

  it('keeps HTTP errors as statuses so the client maps them', async () => {
    server.script({ kind: 'status', status: 401, body: { error: { message: 'bad key' } } });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: requestUrlFetch(requestUrlOverHttp), maxRetries: 0 });
    await expect(client.chat({ messages: [{ role: 'user', content: 'q' }] })).rejects.toMatchObject({ kind: 'auth' });
  });
});

describe('pluginFetch', () => {
  it('falls back to the network layer once the renderer’s fetch fails like a CORS block, and says so once', async () => {
    server.script({ kind: 'text', content: 'first' }, { kind: 'text', content: 'second' });
    const told: string[] = [];
    let rendererCalls = 0;
    const blocked = () => {
      rendererCalls++;
      return Promise.reject(new TypeError('Failed to fetch'));
    };
    const f = pluginFetch({ mode: 'fetch', fetch: blocked, request: requestUrlOverHttp, onFallback: (r) => told.push(r) });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: f, maxRetries: 0 });
    expect((await client.chat({ messages: [{ role: 'user', content: 'q' }] })).content).toBe('first');
    expect((await client.chat({ messages: [{ role: 'user', content: 'q' }] })).content).toBe('second');
    expect(told).toEqual(['Failed to fetch']);
    expect(rendererCalls).toBe(1);
  });

  it('streams through the renderer’s fetch when it works', async () => {
    server.script({ kind: 'text', content: 'a b c' });
    let networkLayerCalls = 0;
    const f = pluginFetch({
      mode: 'fetch',
      fetch: (input, init) => fetch(input, init),
      request: (r) => {
        networkLayerCalls++;
        return requestUrlOverHttp(r);
      },
    });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: f, maxRetries: 0 });
    const pieces: string[] = [];
    for await (const d of client.stream({ messages: [{ role: 'user', content: 'q' }] })) if (d.type === 'text') pieces.push(d.text);
    expect(pieces).toEqual(['a ', 'b ', 'c']);
    expect(networkLayerCalls).toBe(0);
  });

  it('does not fall back when the user stopped the request', async () => {
    server.script({ kind: 'hang' });
    let networkLayerCalls = 0;
    const f = pluginFetch({
      mode: 'fetch',
      fetch: (input, init) => fetch(input, init),
      request: (r) => {
        networkLayerCalls++;
        return requestUrlOverHttp(r);
      },
    });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: f, maxRetries: 0 });
    const controller = new AbortController();
    const pending = client.chat({ messages: [{ role: 'user', content: 'q' }], signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    expect(networkLayerCalls).toBe(0);
  });

  it('uses the network layer from the start in "obsidian" mode', async () => {
    server.script({ kind: 'text', content: 'x' });
    let rendererCalls = 0;
    const f = pluginFetch({
      mode: 'obsidian',
      fetch: (input, init) => {
        rendererCalls++;
        return fetch(input, init);
      },
      request: requestUrlOverHttp,
    });
    await new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: f, maxRetries: 0 }).chat({ messages: [{ role: 'user', content: 'q' }] });
    expect(rendererCalls).toBe(0);
  });
});

describe('requestUrlFetch with the model client’s own retries', () => {
  const ask = { messages: [{ role: 'user' as const, content: 'q' }] };

  it('fails at once when the server asks to wait longer than the limit', async () => {
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '200' }, body: { error: { message: 'slow down' } } });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: requestUrlFetch(requestUrlOverHttp), maxRetries: 2, maxRetryWaitSeconds: 60 });
    const started = Date.now();
    await expect(client.chat(ask)).rejects.toMatchObject({
      kind: 'rate_limit',
      message: expect.stringContaining('the server asked to wait 200 s, more than the 60 s limit; try again later or raise the limit in settings') as unknown,
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops a retry wait when the request is stopped', async () => {
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: requestUrlFetch(requestUrlOverHttp), maxRetries: 2 });
    const controller = new AbortController();
    const pending = client.chat({ ...ask, signal: controller.signal });
    while (server.chatRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stoppedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    expect(Date.now() - stoppedAt).toBeLessThan(100);
  });

  it('reports a web page answered with 200 as a wrong base URL, streamed or not', async () => {
    const page = '<!doctype html><html><body>LM Studio</body></html>';
    server.script({ kind: 'raw', body: page, contentType: 'text/html' }, { kind: 'raw', body: page, contentType: 'text/html' });
    const client = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: requestUrlFetch(requestUrlOverHttp), maxRetries: 0 });
    await expect(client.chat(ask)).rejects.toMatchObject({ kind: 'unusable_output', message: expect.stringContaining('answered with a web page') as unknown });
    const streamed = (async () => {
      for await (const delta of client.stream(ask)) void delta;
    })();
    await expect(streamed).rejects.toMatchObject({ kind: 'unusable_output', message: expect.stringContaining('check the base URL (it usually ends in /v1)') as unknown });
  });
});

/** A loopback address where nothing listens (a server started, then stopped): "server not running". */
async function deadBaseURL(): Promise<string> {
  const gone = await new OpenAiTestServer().start();
  const url = gone.baseURL;
  await gone.stop();
  return url;
}

const settingsFor = (baseURL: string, change: Partial<ScriptoriumSettings> = {}): ScriptoriumSettings => ({ ...DEFAULT_SETTINGS, baseURL, model: 'test-model', ...change });
// readSecret needs only the secret storage; there is no key in it.
const app = { secretStorage: { getSecret: () => null } } as unknown as App;
const ask = { messages: [{ role: 'user' as const, content: 'q' }] };

async function streamed(client: LlmClient): Promise<string> {
  let text = '';
  for await (const d of client.stream(ask)) if (d.type === 'text') text += d.text;
  return text;
}

describe('Obsidian’s network layer in the plugin', () => {
  it('waits for a whole answer up to the request timeout instead of failing when the stream would have gone silent', async () => {
    // The answer takes 0.6 s; a stream may be silent for 0.2 s. Through requestUrl nothing
    // arrives until the end, so only the total timeout (here 5 s) may apply.
    server.script({ kind: 'text', content: 'slow but whole', delayMs: 600 }, { kind: 'text', content: 'again', delayMs: 600 });
    const options = { app, settings: () => settingsFor(server.baseURL, { networkMode: 'obsidian', requestTimeoutSeconds: 5 }), request: requestUrlOverHttp, streamIdleMs: 200 };
    expect(await streamed(createLlmClient(options))).toBe('slow but whole');
    expect((await createLlmClient(options).chat(ask)).content).toBe('again');
  });

  it('still fails an answer that takes longer than the request timeout, saying how long it waited', async () => {
    server.script({ kind: 'text', content: 'too late', delayMs: 3000 });
    const client = createLlmClient({ app, settings: () => settingsFor(server.baseURL, { networkMode: 'obsidian', requestTimeoutSeconds: 1 }), request: requestUrlOverHttp });
    await expect(streamed(client)).rejects.toMatchObject({ kind: 'timeout', message: expect.stringContaining('1 s') as unknown });
  });

  it('keeps a fallback found by one question for the next ones (one session, a new client per question), and says so once', async () => {
    server.script({ kind: 'text', content: 'one', delayMs: 400 }, { kind: 'text', content: 'two', delayMs: 400 }, { kind: 'text', content: 'three', delayMs: 400 });
    const told: string[] = [];
    const session = new NetworkSession((origin, reason) => told.push(`${origin} ${reason}`));
    let rendererCalls = 0;
    const corsBlocked = () => {
      rendererCalls++;
      return Promise.reject(new TypeError('Failed to fetch'));
    };
    const options = { app, settings: () => settingsFor(server.baseURL), session, fetch: corsBlocked, request: requestUrlOverHttp, streamIdleMs: 200 };
    expect(await streamed(createLlmClient(options))).toBe('one');
    // Later questions go straight to the network layer, with its total timeout (0.4 s > 0.2 s idle).
    expect(await streamed(createLlmClient(options))).toBe('two');
    expect((await createLlmClient(options).chat(ask)).content).toBe('three');
    expect(rendererCalls).toBe(1);
    expect(told).toEqual([`${new URL(server.baseURL).origin} Failed to fetch`]);
  });

  it('streams with the minute-long silence limit once the renderer’s fetch is known to work', async () => {
    server.script({ kind: 'text', content: 'first' }, { kind: 'text', content: 'a b c d', chunkDelayMs: 400 });
    const session = new NetworkSession();
    const options = { app, settings: () => settingsFor(server.baseURL), session, fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init), request: requestUrlOverHttp, streamIdleMs: 200 };
    expect(await streamed(createLlmClient(options))).toBe('first');
    expect(session.layerFor(server.baseURL)).toBe('stream');
    // A stream silent for 0.4 s between chunks breaks the 0.2 s silence limit.
    await expect(streamed(createLlmClient(options))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('says a server that is not running is not running, without switching layers or blaming CORS', async () => {
    const dead = await deadBaseURL();
    const told: string[] = [];
    let networkLayerCalls = 0;
    const session = new NetworkSession((origin, reason) => told.push(`${origin} ${reason}`));
    const f = pluginFetch({
      mode: 'fetch',
      fetch: (input, init) => fetch(input, init),
      request: (r) => {
        networkLayerCalls++;
        return requestUrlOverHttp(r);
      },
      session,
    });
    const client = new LlmClient({ baseURL: dead, model: 'test-model', fetch: f, maxRetries: 0 });
    await expect(client.chat(ask)).rejects.toMatchObject({
      kind: 'connection',
      message: expect.stringMatching(/^Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1: neither streaming nor Obsidian’s network layer could connect, so this is not a CORS block \(.*ECONNREFUSED.*\)\. Check that the server at http:\/\/127\.0\.0\.1:\d+ is running and that the base URL is right\.$/) as unknown,
    });
    expect(told).toEqual([]);
    expect(session.layerFor(dead)).toBeUndefined();
    expect(networkLayerCalls).toBe(1);
  });

  it('says so when Obsidian’s network layer cannot connect either in "obsidian" mode', async () => {
    const dead = await deadBaseURL();
    const client = new LlmClient({ baseURL: dead, model: 'test-model', fetch: pluginFetch({ mode: 'obsidian', fetch: () => Promise.reject(new Error('unused')), request: requestUrlOverHttp }), maxRetries: 0 });
    await expect(client.chat(ask)).rejects.toMatchObject({
      kind: 'connection',
      message: expect.stringMatching(/Obsidian’s network layer could not connect \(.*ECONNREFUSED.*\)\. Check that the server at .* is running/) as unknown,
    });
  });

  it.each([204, 205, 304])('hands back a %i reply with no body instead of throwing', async (status) => {
    server.script({ kind: 'raw', status, body: '' });
    const response = await requestUrlFetch(requestUrlOverHttp)(`${server.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(status);
    expect(await response.text()).toBe('');
  });
});
