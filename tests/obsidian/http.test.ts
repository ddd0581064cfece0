import type { RequestUrlParam, RequestUrlResponse } from 'obsidian';
import { LlmClient } from '../../src/core/llm';
import { pluginFetch, requestUrlFetch } from '../../src/obsidian/http';
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
