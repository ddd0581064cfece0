import { EmbeddingsClient } from '../../../src/core/llm/embeddings';
import type { LlmError } from '../../../src/core/llm';
import { fuseRanks, HybridSearch, ORIGINAL_QUERY_WEIGHT, RRF_K } from '../../../src/core/search/hybrid-search';
import { VaultIndex } from '../../../src/core/search/vault-index';
import { VectorIndex } from '../../../src/core/search/vectors';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.models = ['embed-model'];
  server.embeddings.dimension = 512;
  server.embeddings.synonyms = [
    ['automobile', 'car', 'vehicle'],
    ['repair', 'fix', 'mend'],
    ['physician', 'doctor'],
  ];
});

afterEach(async () => {
  await server.stop();
});

const files: Record<string, string> = {
  'garage/Engines.md': '# Engines\nHow to fix a car engine that will not start: check the spark plugs and the battery.\n',
  'garage/Tyres.md': '# Tyres\nTyre pressure matters for grip and wear. Check tyres monthly.\n',
  'health/Visits.md': '---\ntags: [health]\n---\n# Visits\nSee a doctor when a fever lasts more than three days.\n',
  'kitchen/Bread.md': '# Bread\nKnead the dough, let it rise, and bake it until the crust is brown. Repair nothing.\n',
  'kitchen/Soup.md': '# Soup\nSimmer onions in stock. A good soup needs time.\n',
};

async function setup(options: { embed?: boolean; onFallback?: (e: LlmError) => void } = {}) {
  const vault = new MemoryVault(files);
  const state = new MemoryStateStore();
  const index = new VaultIndex({ vault, state });
  await index.sync();
  const vectors = new VectorIndex({ vault, state, model: 'embed-model', includes: (p) => index.includes(p) });
  const embedder = new EmbeddingsClient({ baseURL: server.baseURL, model: 'embed-model', maxRetries: 0 });
  if (options.embed !== false) await vectors.sync(embedder);
  const search = new HybridSearch({ index, vault, vectors: () => ({ vectors, embedder }), onFallback: options.onFallback });
  return { vault, index, vectors, embedder, search };
}

const queries = ['check', 'engine battery', 'soup onions', 'tag:health fever', 'dough -crust', 'path:garage check', '"spark plugs"', 'tyre'];

describe('fuseRanks', () => {
  it('adds weight / (k + rank) over the lists, with the top-rank bonus', () => {
    const fused = fuseRanks([
      { ids: ['a', 'b', 'c'], weight: 2 },
      { ids: ['c', 'd'], weight: 2 },
    ]);
    const score = Object.fromEntries(fused.map((f) => [f.id, f.score]));
    expect(score.a).toBeCloseTo(2 / (RRF_K + 1) + 0.05, 10);
    expect(score.c).toBeCloseTo(2 / (RRF_K + 3) + 2 / (RRF_K + 1) + 0.05, 10);
    expect(score.d).toBeCloseTo(2 / (RRF_K + 2) + 0.02, 10);
    expect(fused.map((f) => f.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(ORIGINAL_QUERY_WEIGHT).toBe(2);
  });
});

describe('HybridSearch', () => {
  it('finds by meaning a note that shares no word with the query, where words alone find nothing', async () => {
    const { index, search } = await setup();
    // Words alone find only the note that says "repair" in passing.
    expect((await index.search('automobile repair')).map((h) => h.path)).toEqual(['kitchen/Bread.md']);
    expect(await index.search('physician')).toEqual([]);
    const hybrid = await search.search('automobile repair', { limit: 3 });
    expect(hybrid.slice(0, 2).map((h) => h.path).sort()).toEqual(['garage/Engines.md', 'kitchen/Bread.md']);
    const semantic = await search.search('automobile repair', { mode: 'semantic', limit: 3 });
    expect(semantic[0]).toMatchObject({ path: 'garage/Engines.md', title: 'Engines', heading: 'Engines', line: 1, endLine: 2, score: 1 });
    expect(semantic[0].snippet).toBe('How to fix a car engine that will not start: check the spark plugs and the battery.');
    const doctor = await search.search('physician', { limit: 1 });
    expect(doctor[0].path).toBe('health/Visits.md');
  });

  it('is hybrid by default once vectors exist, and lexical by default (the index’s search exactly) when none exist', async () => {
    const built = await setup();
    expect(built.search.defaultMode()).toBe('hybrid');
    const none = await setup({ embed: false });
    expect(none.search.defaultMode()).toBe('lexical');
    const before = server.embeddings.requests;
    for (const q of queries) {
      expect(await none.search.search(q, { limit: 5 })).toEqual(await none.index.search(q, { limit: 5 }));
      expect(await built.search.search(q, { limit: 5, mode: 'lexical' })).toEqual(await built.index.search(q, { limit: 5 }));
      expect(await built.search.search(q, { limit: 5, notes: true, mode: 'lexical' })).toEqual(await built.index.search(q, { limit: 5, notes: true }));
    }
    expect(server.embeddings.requests).toBe(before);
  });

  it('answers lexically, exactly as the index does, when the embedding endpoint fails, and says so once', async () => {
    const failures: LlmError[] = [];
    const { index, search } = await setup({ onFallback: (e) => failures.push(e) });
    server.embeddings.fail(...Array.from({ length: 20 }, () => ({ kind: 'status' as const, status: 500 })));
    for (const q of queries) expect(await search.search(q, { limit: 5 })).toEqual(await index.search(q, { limit: 5 }));
    expect(await search.search('physician', { mode: 'semantic' })).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toContain('HTTP 500');
    expect(search.lastFailure?.kind).toBe('server');
  });

  it('answers lexically when the endpoint is unreachable or too slow', async () => {
    const { index, vault, vectors } = await setup();
    const gone = new HybridSearch({ index, vault, vectors: () => ({ vectors, embedder: new EmbeddingsClient({ baseURL: 'http://127.0.0.1:1/v1', model: 'embed-model', maxRetries: 0 }) }) });
    expect(await gone.search('engine battery')).toEqual(await index.search('engine battery'));
    expect(gone.lastFailure?.kind).toBe('connection');
    server.embeddings.fail({ kind: 'delay', ms: 1500 });
    const slow = new HybridSearch({ index, vault, queryTimeoutMs: 200, vectors: () => ({ vectors, embedder: new EmbeddingsClient({ baseURL: server.baseURL, model: 'embed-model', maxRetries: 0 }) }) });
    const started = Date.now();
    expect(await slow.search('soup onions')).toEqual(await index.search('soup onions'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(slow.lastFailure?.message).toContain('did not embed the query within');
  });

  it('keeps the query’s filters for passages found by meaning, and one result per note with `notes`', async () => {
    const { search } = await setup();
    const inKitchen = await search.search('automobile repair', { mode: 'semantic', folder: 'kitchen', limit: 10 });
    expect(inKitchen.length).toBeGreaterThan(0);
    expect(inKitchen.every((h) => h.path.startsWith('kitchen/'))).toBe(true);
    const tagged = await search.search('tag:health automobile', { mode: 'semantic', limit: 10 });
    expect(tagged.map((h) => h.path)).toEqual(['health/Visits.md']);
    const notPath = await search.search('-path:garage automobile repair', { limit: 10 });
    expect(notPath.some((h) => h.path.startsWith('garage/'))).toBe(false);
    const byNote = await search.search('check', { notes: true, limit: 10 });
    expect(new Set(byNote.map((h) => h.path)).size).toBe(byNote.length);
    const scores = byNote.map((h) => h.score);
    expect(scores[0]).toBe(1);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('as you type, embeds the query once typing pauses: searches superseded by a newer keystroke answer lexically', async () => {
    const { index, search } = await setup();
    const before = server.embeddings.requests;
    const typed = ['a', 'au', 'aut', 'auto', 'automobile'];
    const results = await Promise.all(typed.map((q) => search.search(q, { prefix: true, mode: 'semantic' })));
    for (let i = 0; i < typed.length - 1; i++) expect(results[i]).toEqual(await index.search(typed[i], { prefix: true }));
    expect(results.at(-1)![0].path).toBe('garage/Engines.md');
    expect(server.embeddings.requests).toBe(before + 1);
    expect(server.embeddings.inputs.at(-1)).toBe('automobile');
  });

  it('embeds a repeated query once', async () => {
    const { search } = await setup();
    const before = server.embeddings.requests;
    await search.search('automobile repair');
    await search.search('automobile repair');
    expect(server.embeddings.requests).toBe(before + 1);
  });
});
