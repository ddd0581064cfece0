import { NoteGraph, ResearchTools } from '../../../src/core/ask';
import { EmbeddingsClient } from '../../../src/core/llm/embeddings';
import { HybridSearch, VaultIndex } from '../../../src/core/search';
import { VectorIndex } from '../../../src/core/search/vectors';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.models = ['embed-model'];
  server.embeddings.dimension = 512;
  server.embeddings.synonyms = [
    ['automobile', 'car'],
    ['repair', 'fix'],
  ];
});

afterEach(async () => {
  await server.stop();
});

const files = {
  'wiki/Engines.md': '# Engines\nHow to fix a car engine that will not start.\n',
  'wiki/Mechanics.md': '# Mechanics\nA mechanic can fix a car when the engine fails.\n',
  'raw/Bread.md': '# Bread\nKnead the dough and bake it.\n',
};

async function tools(embed = true) {
  const vault = new MemoryVault(files);
  const state = new MemoryStateStore();
  const index = new VaultIndex({ vault, state });
  await index.sync();
  const vectors = new VectorIndex({ vault, state, model: 'embed-model' });
  const embedder = new EmbeddingsClient({ baseURL: server.baseURL, model: 'embed-model', maxRetries: 0 });
  if (embed) await vectors.sync(embedder);
  const search = new HybridSearch({ index, vault, vectors: () => ({ vectors, embedder }) });
  return new ResearchTools({ search, vault, graph: new NoteGraph({ vault }) });
}

describe('ResearchTools with search by meaning', () => {
  it('offers a mode on search and a related tool once the vault has vectors, and not before', async () => {
    const without = await tools(false);
    expect(without.specs.map((t) => t.name)).toEqual(['search', 'read', 'list', 'links', 'index']);
    expect(JSON.stringify(without.specs[0].parameters)).not.toContain('mode');
    expect((await without.run('related', JSON.stringify({ path: 'wiki/Engines.md' }))).content).toBe('Error: there is no tool "related". The tools are: search, read, list, links, index.');

    const withVectors = await tools();
    expect(withVectors.specs.map((t) => t.name)).toEqual(['search', 'read', 'list', 'links', 'index', 'related']);
    expect((withVectors.specs[0].parameters as { properties: Record<string, unknown> }).properties.mode).toMatchObject({ type: 'string', enum: ['lexical', 'semantic', 'hybrid'] });
  });

  it('searches by meaning with mode semantic, and refuses an unknown mode', async () => {
    const t = await tools();
    const found = await t.run('search', JSON.stringify({ query: 'automobile repair', mode: 'semantic', limit: 2 }));
    expect(found.step).toEqual({ tool: 'search', args: { query: 'automobile repair', limit: 2, mode: 'semantic' }, resultSummary: '2 results' });
    expect(found.content).toMatch(/^1\. wiki\/(Engines|Mechanics)\.md § (Engines|Mechanics)/);
    const lexical = await t.run('search', JSON.stringify({ query: 'automobile repair', mode: 'lexical' }));
    expect(lexical.content).toBe('No results for "automobile repair". Try other or fewer keywords.');
    const bad = await t.run('search', JSON.stringify({ query: 'x', mode: 'fuzzy' }));
    expect(bad.step.error).toBe(true);
    expect(bad.content).toContain('mode');
  });

  it('lists related notes with the passage that relates them, without a model call', async () => {
    const t = await tools();
    const before = server.embeddings.requests;
    const related = await t.run('related', JSON.stringify({ path: 'Engines' }));
    expect(related.step).toEqual({ tool: 'related', args: { path: 'wiki/Engines.md', limit: 8 }, resultSummary: '2 notes' });
    expect(related.content.split('\n')[0]).toBe('Notes related to wiki/Engines.md:');
    expect(related.content).toContain('1. wiki/Mechanics.md § Mechanics (lines 1–2; similarity');
    expect(related.content).toContain('closest to its section "Engines"; cite as [[wiki/Mechanics#Mechanics]])\n   A mechanic can fix a car when the engine fails.');
    expect(server.embeddings.requests).toBe(before);
  });
});
