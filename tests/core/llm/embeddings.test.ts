import { EmbeddingsClient } from '../../../src/core/llm/embeddings';
import { LlmError } from '../../../src/core/llm';
import { OpenAiTestServer } from '../../support/openai-server';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.models = ['embed-model', 'test-model'];
});

afterEach(async () => {
  await server.stop();
});

function client(options: Partial<ConstructorParameters<typeof EmbeddingsClient>[0]> = {}): EmbeddingsClient {
  return new EmbeddingsClient({ baseURL: server.baseURL, model: 'embed-model', apiKey: 'sk-embed-secret', maxRetries: 2, ...options });
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('EmbeddingsClient over the loopback /v1/embeddings', () => {
  it('returns one vector per text, in order, in batches of batchSize with at most `concurrency` requests in flight', async () => {
    server.embeddings.delayMs = 40;
    const texts = Array.from({ length: 70 }, (_, i) => `passage number ${i} about topic ${i % 7}`);
    let inFlight = 0;
    let most = 0;
    const original = server.embeddings.answer.bind(server.embeddings);
    server.embeddings.answer = async (...args) => {
      most = Math.max(most, ++inFlight);
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    };
    const seen: number[] = [];
    const vectors = await client({ batchSize: 16, concurrency: 2 }).embed(texts, { onBatch: (offset, batch) => seen.push(offset, batch.length) });
    expect(vectors).toHaveLength(70);
    for (let i = 0; i < texts.length; i++) expect(Array.from(vectors[i])).toEqual(server.embeddings.vector(texts[i]).map((x) => Math.fround(x)));
    expect(server.embeddings.requests).toBe(5);
    expect(most).toBe(2);
    expect(seen.filter((_, i) => i % 2 === 0).sort((a, b) => a - b)).toEqual([0, 16, 32, 48, 64]);
    expect(server.requests.at(-1)?.body).toMatchObject({ model: 'embed-model', encoding_format: 'float' });
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer sk-embed-secret');
  });

  it('reports the vector size for "Test connection"', async () => {
    server.embeddings.dimension = 96;
    expect(await client().dimensions()).toBe(96);
  });

  it('gives close vectors to texts that share words or synonyms', async () => {
    server.embeddings.dimension = 256;
    server.embeddings.synonyms = [['car', 'automobile']];
    const [car, automobile, fish] = await client().embed(['car', 'automobile', 'fish']);
    expect(cosine(car, automobile)).toBeCloseTo(1, 5);
    expect(Math.abs(cosine(car, fish))).toBeLessThan(0.2);
  });

  it('retries a 429 after the wait the server asked for, and a 500, then succeeds', async () => {
    server.embeddings.fail({ kind: 'status', status: 429, headers: { 'retry-after-ms': '200' } }, { kind: 'status', status: 500 });
    const started = Date.now();
    const [vector] = await client().embed(['hello']);
    expect(vector.length).toBe(64);
    expect(server.embeddings.requests).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('fails with the chat client’s sentences when retries run out, a wait is too long, the key is refused or the model is missing', async () => {
    server.embeddings.fail({ kind: 'status', status: 503 }, { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const down = await failure(client({ maxRetries: 2 }).embed(['x']));
    expect(down.kind).toBe('server');
    expect(down.message).toContain('HTTP 503');

    server.embeddings.fail({ kind: 'status', status: 429, headers: { 'retry-after': '600' }, body: { error: { message: 'slow down' } } });
    const busy = await failure(client().embed(['x']));
    expect(busy.kind).toBe('rate_limit');
    expect(busy.message).toContain('the server asked to wait 600 s, more than the 60 s limit');

    server.requiredKey = 'right-key';
    const refused = await failure(client().embed(['x']));
    expect(refused.kind).toBe('auth');
    expect(refused.message).not.toContain('sk-embed-secret');
    server.requiredKey = undefined;

    const missing = await failure(client({ model: 'no-such-model' }).embed(['x']));
    expect(missing.kind).toBe('model_not_found');
    expect(missing.message).toContain('no-such-model');
  });

  it('says so when the model cannot embed, when the server is unreachable, and when the vector size changes', async () => {
    server.embeddings.mode = 'refuse';
    const refused = await failure(client().embed(['x']));
    expect(refused.kind).toBe('bad_request');
    expect(refused.message).toContain('does not support embeddings');
    server.embeddings.mode = 'accept';

    const c = client();
    await c.embed(['first']);
    server.embeddings.fail({ kind: 'dimension', dimension: 32 });
    const changed = await failure(c.embed(['second']));
    expect(changed.kind).toBe('unusable_output');
    expect(changed.message).toMatch(/vector of 32 dimensions after vectors of 64/);

    const gone = await failure(new EmbeddingsClient({ baseURL: 'http://127.0.0.1:1/v1', model: 'embed-model', maxRetries: 0 }).embed(['x']));
    expect(gone.kind).toBe('connection');
    expect(gone.message).toContain('Cannot reach http://127.0.0.1:1/v1');
  });

  it('stops at once on abort, keeping the batches that finished', async () => {
    const texts = Array.from({ length: 8 }, (_, i) => `text ${i}`);
    server.embeddings.fail({ kind: 'delay', ms: 0 }, { kind: 'delay', ms: 0 }, { kind: 'delay', ms: 1500 });
    const controller = new AbortController();
    const kept: number[] = [];
    const run = client({ batchSize: 2, concurrency: 1 }).embed(texts, {
      signal: controller.signal,
      onBatch: (offset) => {
        kept.push(offset);
        if (kept.length === 2) setTimeout(() => controller.abort(), 50);
      },
    });
    const started = Date.now();
    const error = await failure(run);
    expect(error.kind).toBe('aborted');
    expect(kept).toEqual([0, 2]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a client without a model or base URL with a sentence', () => {
    expect(() => new EmbeddingsClient({ baseURL: '', model: 'm' })).toThrow('Embeddings: no base URL configured.');
    expect(() => new EmbeddingsClient({ baseURL: server.baseURL, model: '' })).toThrow('Embeddings: no embedding model configured.');
  });
});
