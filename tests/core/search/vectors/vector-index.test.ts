import { EmbeddingsClient } from '../../../../src/core/llm/embeddings';
import type { StateStore } from '../../../../src/core/ports/state-store';
import { decodeVectorFile, dotInt8, encodeVectorFile, passagesForEmbedding, quantize, unit, VectorIndex } from '../../../../src/core/search/vectors';
import { MemoryStateStore, MemoryVault } from '../../../support/memory-vault';
import { OpenAiTestServer } from '../../../support/openai-server';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.models = ['embed-model', 'other-embed-model'];
  server.embeddings.dimension = 256;
});

afterEach(async () => {
  await server.stop();
});

const client = (model = 'embed-model', options: Partial<ConstructorParameters<typeof EmbeddingsClient>[0]> = {}) =>
  new EmbeddingsClient({ baseURL: server.baseURL, model, maxRetries: 0, batchSize: 4, ...options });

const notes: Record<string, string> = {
  'garden/Tomatoes.md': '# Tomatoes\nTomatoes need sun, warm soil and steady watering.\n\n## Pests\nAphids and hornworms eat tomato leaves.\n',
  'garden/Peppers.md': '# Peppers\nPeppers need sun and warm soil, like tomatoes.\n',
  'kitchen/Bread.md': '---\ntitle: Sourdough bread\n---\nFlour, water, salt and a starter make sourdough.\n\n# Baking\nBake the loaf in a hot oven with steam.\n',
  'kitchen/Soup.md': 'A soup of onions, stock and thyme simmers slowly.\n',
};

function setup(files: Record<string, string> = notes, state: StateStore = new MemoryStateStore()) {
  const vault = new MemoryVault(files);
  const index = new VectorIndex({ vault, state, model: 'embed-model' });
  return { vault, state, index };
}

describe('passagesForEmbedding', () => {
  it('gives the lexical index’s passages and line ranges, without frontmatter or anything of the path', () => {
    const passages = passagesForEmbedding('kitchen/Bread.md', notes['kitchen/Bread.md'], 'm');
    expect(passages.map((p) => [p.heading, p.line, p.endLine])).toEqual([
      [null, 4, 5],
      ['Baking', 6, 7],
    ]);
    expect(passages[0].text).toBe('Sourdough bread\nFlour, water, salt and a starter make sourdough.');
    expect(passages[1].text).toBe('# Baking\nBake the loaf in a hot oven with steam.');
    const moved = passagesForEmbedding('elsewhere/Renamed.md', notes['kitchen/Bread.md'], 'm');
    expect(moved.map((p) => p.key)).toEqual(passages.map((p) => p.key));
    expect(passagesForEmbedding('kitchen/Bread.md', notes['kitchen/Bread.md'], 'other-model')[0].key).not.toBe(passages[0].key);
  });
});

describe('int8 quantisation', () => {
  it('keeps the cosine of 768-dimension vectors within 0.01 and takes 1 byte per dimension plus a 4-byte scale', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const data = new Int8Array(768);
    let worst = 0;
    for (let t = 0; t < 200; t++) {
      const a = Array.from({ length: 768 }, random);
      const b = a.map((x) => x + random() * (t % 5));
      const scale = quantize(b, data, 0);
      const exact = [...unit(a)].reduce((s, x, i) => s + x * unit(b)[i], 0);
      worst = Math.max(worst, Math.abs(dotInt8(unit(a), data, 0, 768) * scale - exact));
    }
    expect(worst).toBeLessThan(0.01);
  });
});

describe('VectorIndex', () => {
  it('embeds every passage once, finds passages by meaning, and loads them back without a model call', async () => {
    const { vault, state, index } = setup();
    const plan = await index.plan();
    expect(plan).toMatchObject({ notes: 4, passages: 6, firstRun: true });
    expect(plan.tokens).toBeGreaterThan(20);
    const report = await index.embed(client());
    expect(report).toMatchObject({ embedded: 6, left: 0 });
    expect(server.embeddings.inputs).toHaveLength(6);
    await index.persist();

    const query = await client().embedOne('warm soil sun');
    const hits = index.search(query, { limit: 3 });
    expect(hits[0].path).toBe('garden/Peppers.md');
    expect(hits.map((h) => h.path)).toContain('garden/Tomatoes.md');
    expect(index.search(query, { limit: 5, folder: 'kitchen' }).every((h) => h.path.startsWith('kitchen/'))).toBe(true);
    const byNote = index.search(query, { limit: 10, notes: true });
    expect(new Set(byNote.map((h) => h.path)).size).toBe(byNote.length);

    const requests = server.embeddings.requests;
    const again = new VectorIndex({ vault, state, model: 'embed-model' });
    expect(await again.load()).toBe(true);
    expect(await again.plan()).toMatchObject({ notes: 0, passages: 0 });
    expect(again.search(query, { limit: 3 })).toEqual(hits);
    expect(server.embeddings.requests).toBe(requests);
    const stats = again.stats();
    expect(stats).toMatchObject({ notes: 4, passages: 6, embedded: 6, rows: 6, dimension: 256 });
    expect(stats.bytes / (stats.rows * stats.dimension)).toBeLessThanOrEqual(1.1);
  });

  it('re-embeds only the passage an edit changed, and nothing after a rename', async () => {
    const { vault, index } = setup();
    await index.sync(client());
    server.embeddings.inputs.length = 0;
    await vault.write('garden/Tomatoes.md', notes['garden/Tomatoes.md'].replace('hornworms', 'whiteflies'));
    await index.sync(client());
    expect(server.embeddings.inputs).toEqual(['## Pests\nAphids and whiteflies eat tomato leaves.']);
    server.embeddings.inputs.length = 0;
    await vault.rename('kitchen/Soup.md', 'kitchen/Onion soup.md');
    await vault.rename('garden/Peppers.md', 'archive/Peppers.md');
    const report = await index.sync(client());
    expect(report.embedded).toBe(0);
    expect(server.embeddings.inputs).toEqual([]);
    const hits = index.search(await client().embedOne('onions stock thyme'), { limit: 1 });
    expect(hits[0].path).toBe('kitchen/Onion soup.md');
  });

  it('keeps what was embedded when stopped, and the next run embeds only the rest', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`n/Note ${i}.md`] = `Note ${i} talks about subject ${i} and item ${i * 7}.`;
    const { vault, state, index } = setup(files);
    await index.plan();
    const controller = new AbortController();
    server.embeddings.fail({ kind: 'delay', ms: 0 }, { kind: 'delay', ms: 3000 });
    const run = index.embed(client('embed-model', { concurrency: 1 }), {
      signal: controller.signal,
      progress: ({ done }) => {
        if (done === 4) controller.abort();
      },
    });
    await expect(run).rejects.toThrow('Request stopped.');
    await index.persist();
    const resumed = new VectorIndex({ vault, state, model: 'embed-model' });
    expect(await resumed.load()).toBe(true);
    expect(await resumed.plan()).toMatchObject({ passages: 8, firstRun: false });
    server.embeddings.inputs.length = 0;
    expect((await resumed.embed(client())).embedded).toBe(8);
    expect(server.embeddings.inputs).toHaveLength(8);
    expect(resumed.stats()).toMatchObject({ passages: 12, embedded: 12 });
  });

  it('drops the stored vectors cleanly when the model changes', async () => {
    const { vault, state, index } = setup();
    await index.sync(client());
    await index.persist();
    const other = new VectorIndex({ vault, state, model: 'other-embed-model' });
    expect(await other.load()).toBe(false);
    expect(await state.getBytes!('search-vectors.bin')).toBeNull();
    expect(await other.plan()).toMatchObject({ passages: 6, firstRun: true });
    expect((await other.embed(client('other-embed-model'))).embedded).toBe(6);
  });

  it('drops the vectors when the endpoint starts answering another vector size under the same model name', async () => {
    const { vault, index } = setup();
    await index.sync(client());
    expect(index.dimension).toBe(256);
    server.embeddings.dimension = 128;
    await vault.write('kitchen/Soup.md', 'A soup of leeks.\n');
    await index.sync(client());
    expect(index.dimension).toBe(128);
    await index.sync(client());
    expect(index.stats()).toMatchObject({ passages: 6, embedded: 6, rows: 6, dimension: 128 });
  });

  it('rebuilds from a damaged, cut or foreign file instead of failing', async () => {
    const { vault, state, index } = setup();
    await index.sync(client());
    await index.persist();
    const good = (await (state as MemoryStateStore).getBytes('search-vectors.bin'))!;
    const damaged = [
      good.slice(0, good.length - 4),
      good.slice(0, 10),
      new Uint8Array(0),
      Uint8Array.from(good, (b, i) => (i === good.length - 3 ? b ^ 0x40 : b)),
      Uint8Array.from(good, (b, i) => (i === 30 ? b ^ 0x01 : b)),
      Uint8Array.from(good, (b, i) => (i === 4 ? 9 : b)),
      new TextEncoder().encode('{"not":"vectors"}   '),
    ];
    for (const bytes of damaged) {
      await (state as MemoryStateStore).setBytes('search-vectors.bin', bytes);
      const fresh = new VectorIndex({ vault, state, model: 'embed-model' });
      expect(await fresh.load()).toBe(false);
      expect(await fresh.plan()).toMatchObject({ passages: 6 });
    }
    // The file decodes as views over its bytes, at any alignment of the buffer it came in.
    const shifted = new Uint8Array(good.length + 1).subarray(1);
    shifted.set(good);
    expect(decodeVectorFile(shifted)?.header.keys).toHaveLength(6);
    expect(decodeVectorFile(encodeVectorFile(decodeVectorFile(good)!))).toEqual(decodeVectorFile(good));
  });

  it('stores the file as base-64 text in a state store without bytes methods', async () => {
    const memory = new MemoryStateStore();
    const textOnly: StateStore = {
      get: (k) => memory.get(k),
      set: (k, v) => memory.set(k, v),
      delete: (k) => memory.delete(k),
      createExclusive: (k, v) => memory.createExclusive(k, v),
    };
    const { vault, index } = setup(notes, textOnly);
    await index.sync(client());
    await index.persist();
    expect(memory.values.get('search-vectors.bin')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const again = new VectorIndex({ vault, state: textOnly, model: 'embed-model' });
    expect(await again.load()).toBe(true);
    expect(again.stats().embedded).toBe(6);
    await memory.set('search-vectors.bin', 'not base 64 ***');
    expect(await new VectorIndex({ vault, state: textOnly, model: 'embed-model' }).load()).toBe(false);
  });

  it('lists related notes from stored vectors, with the passages that relate them, without a model call', async () => {
    const { index } = setup();
    await index.sync(client());
    const requests = server.embeddings.requests;
    const related = index.related('garden/Tomatoes.md', 3);
    expect(related[0].path).toBe('garden/Peppers.md');
    expect(related[0].passage).toMatchObject({ path: 'garden/Peppers.md', line: 1 });
    expect(related[0].from).toMatchObject({ heading: 'Tomatoes', line: 1 });
    expect(related.map((r) => r.path)).not.toContain('garden/Tomatoes.md');
    expect(related[0].score).toBeGreaterThan(related[related.length - 1].score);
    expect(index.related('no/such note.md')).toEqual([]);
    expect(server.embeddings.requests).toBe(requests);
  });
});

describe('VectorIndex scans with WebAssembly SIMD where it can', () => {
  it('gives exactly the scores of the JavaScript loop, through growth, compaction and a reload', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`n/Note ${i}.md`] = `# Note ${i}\nWords ${i % 7} and ${i % 11} and topic ${i % 13}.\n\n# More\nSecond part ${i % 5}.\n`;
    const vault = new MemoryVault(files);
    const withSimd = new VectorIndex({ vault, state: new MemoryStateStore(), model: 'embed-model' });
    const state = new MemoryStateStore();
    const withoutSimd = new VectorIndex({ vault, state, model: 'embed-model', simd: false });
    await withSimd.sync(client());
    await withoutSimd.sync(client());
    expect(withSimd.simdActive).toBe(true);
    expect(withoutSimd.simdActive).toBe(false);
    const queries = await client().embed(['words 3 and 4', 'topic 9', 'second part 2']);
    for (const q of queries) {
      expect(withSimd.search(q, { limit: 20 })).toEqual(withoutSimd.search(q, { limit: 20 }));
      expect(withSimd.search(q, { limit: 20, notes: true })).toEqual(withoutSimd.search(q, { limit: 20, notes: true }));
    }
    expect(withSimd.related('n/Note 3.md', 5)).toEqual(withoutSimd.related('n/Note 3.md', 5));
    // Edits leave unused rows; saving compacts them away in place.
    for (let i = 0; i < 40; i++) await vault.write(`n/Note ${i}.md`, `# Note ${i}\nRewritten ${i}.\n`);
    await withSimd.sync(client());
    await withoutSimd.sync(client());
    await withSimd.persist();
    await withoutSimd.persist();
    expect(withSimd.stats().rows).toBe(withoutSimd.stats().rows);
    for (const q of queries) expect(withSimd.search(q, { limit: 20 })).toEqual(withoutSimd.search(q, { limit: 20 }));
    const reloaded = new VectorIndex({ vault, state, model: 'embed-model' });
    expect(await reloaded.load()).toBe(true);
    expect(reloaded.simdActive).toBe(true);
    for (const q of queries) expect(reloaded.search(q, { limit: 20 })).toEqual(withoutSimd.search(q, { limit: 20 }));
  });

  it('uses the JavaScript loop for a dimension that is not a multiple of 16', async () => {
    server.embeddings.dimension = 100;
    const { index } = setup();
    await index.sync(client());
    expect(index.simdActive).toBe(false);
    expect(index.search(await client().embedOne('warm soil sun'), { limit: 1 })[0].path).toBe('garden/Peppers.md');
  });
});
