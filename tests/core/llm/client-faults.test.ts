import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmClient } from '../../../src/core/llm';
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
  return new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'sk-test-secret-key', maxRetries: 2, ...options });
}

const ask = { messages: [{ role: 'user' as const, content: 'q' }] };
const slowDown = (seconds: string) => ({ kind: 'status' as const, status: 429, headers: { 'retry-after': seconds }, body: { error: { message: 'slow down' } } });

/** Resolves once the server has received `n` chat requests. */
async function requestsReach(n: number): Promise<void> {
  const until = Date.now() + 5000;
  while (server.chatRequests().length < n) {
    if (Date.now() > until) throw new Error(`the server saw ${server.chatRequests().length} requests, not ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('LlmClient retry waits', () => {
  it('fails at once, saying why, when a 429 asks for longer than the limit', async () => {
    server.script(slowDown('200'), { kind: 'text', content: 'too late' });
    const started = Date.now();
    const error = await failure(client().chat(ask));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfter).toBe(200);
    expect(error.message).toContain('the server asked to wait 200 s, more than the 60 s limit; try again later or raise the limit in settings');
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('takes the limit and where to raise it from its options', async () => {
    server.script(slowDown('3'));
    const error = await failure(client({ maxRetryWaitSeconds: 2, retryWaitSetting: 'with SCRIPTORIUM_MAX_RETRY_WAIT' }).stream(ask).next());
    expect(error.kind).toBe('rate_limit');
    expect(error.message).toContain('the server asked to wait 3 s, more than the 2 s limit; try again later or raise the limit with SCRIPTORIUM_MAX_RETRY_WAIT');
  });

  it('honours retry-after-ms', async () => {
    server.script({ kind: 'status', status: 503, headers: { 'retry-after-ms': '300' } }, { kind: 'text', content: 'ok' });
    const result = await client().chat(ask);
    const [first, second] = server.chatRequests();
    expect(result.content).toBe('ok');
    expect(second.at - first.at).toBeGreaterThanOrEqual(280);
  });

  it('stops a retry wait the moment the caller aborts', async () => {
    server.script(slowDown('30'), { kind: 'text', content: 'never asked for' });
    const controller = new AbortController();
    const pending = failure(client().chat({ ...ask, signal: controller.signal }));
    await requestsReach(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = Date.now();
    controller.abort();
    const error = await pending;
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(error.kind).toBe('aborted');
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('stops a stream’s retry wait, and a back-off, when the client’s own signal aborts', async () => {
    server.script(slowDown('30'), { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const controller = new AbortController();
    const c = client({ signal: controller.signal });
    const pending = failure(drain(c.stream(ask)));
    await requestsReach(1);
    let abortedAt = Date.now();
    controller.abort();
    expect((await pending).kind).toBe('aborted');
    expect(Date.now() - abortedAt).toBeLessThan(100);

    // A 500 has no retry-after: the back-off (0.5 s, then 1 s) is just as stoppable.
    const again = new AbortController();
    const backingOff = failure(client().chat({ ...ask, signal: again.signal }));
    await requestsReach(3);
    abortedAt = Date.now();
    again.abort();
    expect((await backingOff).kind).toBe('aborted');
    expect(Date.now() - abortedAt).toBeLessThan(100);
  });
});

const page = '<!DOCTYPE html>\n<html><head><title>Open WebUI</title></head><body><div id="app"></div></body></html>\n';

describe('LlmClient replies that are not a model’s', () => {
  it('says a 200 web page is a wrong base URL, not an empty answer, without streaming', async () => {
    server.script({ kind: 'raw', body: page, contentType: 'text/html; charset=utf-8' }, { kind: 'raw', body: page, contentType: 'application/json' });
    const c = client();
    for (let i = 0; i < 2; i++) {
      const error = await failure(c.chat(ask));
      expect(error.kind).toBe('unusable_output');
      expect(error.message).toBe(`The server at ${server.baseURL} answered with a web page, not a model reply: check the base URL (it usually ends in /v1).`);
    }
    // Not retried: the same page would come back.
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('says the same of a web page where a stream was expected', async () => {
    server.script({ kind: 'raw', body: page, contentType: 'text/html' });
    const error = await failure(drain(client().stream(ask)));
    expect(error.kind).toBe('unusable_output');
    expect(error.message).toContain('answered with a web page, not a model reply: check the base URL (it usually ends in /v1)');
  });

  it('treats a stream with no events at all as unusable output, not an empty answer', async () => {
    server.script({ kind: 'raw', body: '', contentType: 'text/event-stream' }, { kind: 'raw', body: page, contentType: 'text/plain' });
    const c = client();
    const empty = await failure(drain(c.stream(ask)));
    expect(empty.kind).toBe('unusable_output');
    expect(empty.message).toContain('ended the stream without sending any model reply');
    const plain = await failure(drain(c.stream(ask)));
    expect(plain.kind).toBe('unusable_output');
    expect(plain.message).toContain('(it sent text/plain)');
  });
});

describe('LlmClient dropped connections', () => {
  it('tells a connection closed before any answer from one that cannot be made', async () => {
    server.script({ kind: 'cut', content: '', afterChunks: 0 });
    const closed = await failure(client({ maxRetries: 0 }).chat(ask));
    expect(closed.kind).toBe('connection');
    expect(closed.message).toContain('accepted the connection, then closed it before answering');
    expect(closed.hint).not.toMatch(/base URL/);

    const refused = await failure(new LlmClient({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 }).chat(ask));
    expect(refused.message).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
    expect(refused.hint).toMatch(/base URL/);
  });

  it('says a stream cut mid-answer dropped, keeping the text that arrived, and does not blame the base URL', async () => {
    server.script({ kind: 'cut', content: 'half of an answer that never ends', afterChunks: 3 });
    const texts: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of client().stream(ask)) if (delta.type === 'text') texts.push(delta.text);
      })(),
    );
    expect(texts.join('')).toBe('half of an ');
    expect(error.kind).toBe('connection');
    expect(error.message).toContain('dropped mid-answer');
    expect(error.message).not.toContain('Cannot reach');
    expect(error.hint).not.toMatch(/base URL/);
    // Text had been handed over: the stream is not silently retried.
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('retries a connection the server closed before answering', async () => {
    server.script({ kind: 'cut', content: '', afterChunks: 0 }, { kind: 'text', content: 'second time lucky' });
    expect((await client().chat(ask)).content).toBe('second time lucky');
  });
});

describe('LlmClient against a server that is not the loopback script', () => {
  it('reads a proxy’s HTML error page sent with status 200 as a wrong base URL', async () => {
    const proxy = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const baseURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const error = await failure(new LlmClient({ baseURL, model: 'm', maxRetries: 0 }).chat(ask));
      expect(error.message).toContain(`The server at ${baseURL} answered with a web page`);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('LlmClient streams cut the way a browser reports it', () => {
  it('says a stream that fails with a bare "network error" after text dropped mid-answer', async () => {
    server.script({ kind: 'text', content: 'one two three four five six', chunkDelayMs: 30 });
    // Chromium (Obsidian's renderer) fails a cut body with TypeError("network error"), no cause.
    const browserLike = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const real = await fetch(input, init);
      const reader = real.body!.getReader();
      let reads = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (reads++ === 3) return controller.error(new TypeError('network error'));
          const { value, done } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
      });
      return new Response(body, { status: real.status, headers: real.headers });
    };
    const texts: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of client({ fetch: browserLike }).stream(ask)) if (delta.type === 'text') texts.push(delta.text);
      })(),
    );
    expect(texts.length).toBeGreaterThan(0);
    expect(error.kind).toBe('connection');
    expect(error.message).toBe(`The connection to ${server.baseURL} dropped mid-answer (network error).`);
    expect(error.hint).not.toMatch(/base URL/);
  });

  it('says the same of a complete reply whose body fails half-read, and retries it', async () => {
    server.script({ kind: 'text', content: 'first try' }, { kind: 'text', content: 'second try' });
    let calls = 0;
    const cutFirst = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const real = await fetch(input, init);
      if (calls++ > 0) return real;
      const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new TypeError('network error')) });
      return new Response(body, { status: real.status, headers: real.headers });
    };
    expect((await client({ fetch: cutFirst }).chat(ask)).content).toBe('second try');
    calls = 0;
    server.script({ kind: 'text', content: 'only try' });
    const error = await failure(client({ fetch: cutFirst, maxRetries: 0 }).chat(ask));
    expect(error.message).toBe(`The connection to ${server.baseURL} dropped mid-answer (network error).`);
  });
});

describe('LlmClient replies that are not JSON at all', () => {
  it('names what came instead of a model reply', async () => {
    server.script({ kind: 'raw', body: 'Bad Gateway', contentType: 'text/plain' }, { kind: 'raw', body: '', contentType: 'application/json' });
    const c = client();
    const plain = await failure(c.chat(ask));
    expect(plain.kind).toBe('unusable_output');
    expect(plain.message).toBe(`The server at ${server.baseURL} answered with something that is not JSON (text/plain: "Bad Gateway"), not a model reply: check the base URL (it usually ends in /v1).`);
    const empty = await failure(c.chat(ask));
    expect(empty.message).toContain('answered with an empty body, not a model reply');
  });
});
