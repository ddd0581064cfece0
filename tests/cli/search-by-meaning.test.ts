import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { capture, tempVault } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';

let server: OpenAiTestServer;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.models = ['embed-model'];
  server.embeddings.dimension = 512;
  server.embeddings.synonyms = [
    ['automobile', 'car'],
    ['repair', 'fix'],
  ];
  env = { SCRIPTORIUM_EMBED_BASE_URL: server.baseURL, SCRIPTORIUM_EMBED_MODEL: 'embed-model' };
});

afterEach(async () => {
  await server.stop();
});

const files = {
  'garage/Engines.md': '# Engines\nHow to fix a car engine that will not start: check the spark plugs.\n\n# Wheels\nRotate the wheels every season.\n',
  'kitchen/Bread.md': '# Bread\nKnead the dough and bake it until brown.\n',
  'kitchen/Soup.md': '# Soup\nSimmer onions in stock for a good soup.\n',
  'garage/Mechanics.md': '# Mechanics\nA mechanic can fix a car when the engine fails.\n',
};

interface IndexJson {
  vectors: { skipped?: string; stopped?: boolean; embedded: number; [field: string]: unknown };
}
const indexJson = (out: string) => JSON.parse(out) as IndexJson;
const searchJson = (out: string) => JSON.parse(out) as { results: { path: string; snippet: string }[] };

async function run(args: string[], environment: NodeJS.ProcessEnv = env, signal?: AbortSignal) {
  const c = capture();
  const code = await runCli(args, environment, c.io, signal ? { signal } : {});
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

describe('scriptorium index with an embedding endpoint', () => {
  it('asks before the first full run (refusing without a terminal unless --yes), then embeds only what changed', async () => {
    const vault = tempVault('meaning', files);
    const refused = await run(['index', '--vault', vault, '--json']);
    expect(refused.code).toBe(0);
    expect(indexJson(refused.out).vectors.skipped).toMatch(/^5 passages \(about \d+ tokens\) to embed with embed-model at http:\/\/127\.0\.0\.1:\d+\/v1; nothing was embedded\. Pass --yes to embed without a terminal\.$/);
    expect(server.embeddings.requests).toBe(0);

    const built = await run(['index', '--vault', vault, '--json', '--yes']);
    expect(built.code).toBe(0);
    expect(indexJson(built.out).vectors).toMatchObject({ model: 'embed-model', dimension: 512, passages: 5, embedded: 5, sent: 5, left: 0 });
    expect(readdirSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium'))).toContain('search-vectors.bin');

    server.embeddings.inputs.length = 0;
    writeFileSync(path.join(vault, 'kitchen/Bread.md'), '# Bread\nKnead the dough and bake it until golden.\n');
    const updated = await run(['index', '--vault', vault, '--json']);
    expect(indexJson(updated.out).vectors).toMatchObject({ embedded: 5, sent: 1 });
    expect(server.embeddings.inputs).toEqual(['# Bread\nKnead the dough and bake it until golden.']);

    const human = await run(['index', '--vault', vault]);
    expect(human.out).toContain('vectors: 5 of 5 passages (512 dimensions, embed-model); 0 embedded now');
  });

  it('keeps what was embedded when stopped (exit 130) and goes on from there', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 200; i++) many[`n/Note ${i}.md`] = `Note ${i} is about subject ${i}.\n`;
    const vault = tempVault('meaning-stop', many);
    const stop = new AbortController();
    server.embeddings.delayMs = 150;
    const running = run(['index', '--vault', vault, '--json', '--yes'], env, stop.signal);
    // Two batches of 32 answered (the client has two requests in flight), then Ctrl-C.
    while (server.embeddings.inputs.length < 64) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    const stopped = await running;
    expect(stopped.code).toBe(130);
    const value = indexJson(stopped.out).vectors;
    expect(value.stopped).toBe(true);
    expect(value.embedded).toBeGreaterThanOrEqual(64);
    expect(value.embedded).toBeLessThan(200);
    // Requests the stop cut off still reach the server after their delay: let them land first.
    await new Promise((r) => setTimeout(r, 400));
    server.embeddings.delayMs = 0;
    server.embeddings.inputs.length = 0;
    const resumed = await run(['index', '--vault', vault, '--json']);
    expect(indexJson(resumed.out).vectors).toMatchObject({ embedded: 200, left: 0 });
    expect(server.embeddings.inputs).toHaveLength(200 - value.embedded);
  });

  it('reports a failing endpoint with its sentence, exit 1, and keeps the lexical index', async () => {
    const vault = tempVault('meaning-fail', files);
    server.embeddings.fail({ kind: 'status', status: 401, body: { error: { message: 'bad key' } } });
    const failed = await run(['index', '--vault', vault, '--yes']);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('vectors: embedding failed: The endpoint refused the API key (HTTP 401): bad key');
    expect((await run(['search', '--vault', vault, '--json', 'dough'], {})).out).toContain('kitchen/Bread.md');
  });
});

describe('scriptorium search --mode and related', () => {
  it('finds by meaning, keeps lexical ranking in lexical mode, and falls back to lexical with a warning when the endpoint fails', async () => {
    const vault = tempVault('meaning-search', files);
    const lexicalBefore = await run(['search', '--vault', vault, '--json', 'fix engine'], {});
    expect((await run(['index', '--vault', vault, '--yes'])).code).toBe(0);

    const semantic = await run(['search', '--vault', vault, '--json', '--mode', 'semantic', 'automobile', 'repair']);
    expect(semantic.code).toBe(0);
    const results = searchJson(semantic.out).results as { path: string; snippet: string }[];
    expect(results[0].path).toMatch(/^garage\/(Engines|Mechanics)\.md$/);
    expect(Object.keys(results[0])).toEqual(['path', 'title', 'heading', 'line', 'endLine', 'score', 'snippet']);
    expect((await run(['search', '--vault', vault, '--json', 'automobile', 'repair'], {})).out).toContain('"results": []');
    expect(searchJson((await run(['search', '--vault', vault, '--json', 'automobile', 'repair'])).out).results.length).toBeGreaterThan(0);

    const lexical = await run(['search', '--vault', vault, '--json', '--mode', 'lexical', 'fix engine']);
    expect(lexical.err).toBe('');
    expect(lexical.out).toBe(lexicalBefore.out);

    server.embeddings.fail(...Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 503 })));
    const down = await run(['search', '--vault', vault, '--json', 'fix engine']);
    expect(down.code).toBe(0);
    expect(down.out).toBe(lexicalBefore.out);
    expect(down.err).toContain('warning: search by meaning is unavailable (The endpoint failed (HTTP 503)');
  });

  it('refuses a mode it does not know, and meaning without an endpoint', async () => {
    const vault = tempVault('meaning-usage', files);
    const bad = await run(['search', '--vault', vault, '--mode', 'fuzzy', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--mode must be lexical, semantic or hybrid, not "fuzzy"');
    const none = await run(['search', '--vault', vault, '--mode', 'hybrid', 'x'], {});
    expect(none.code).toBe(2);
    expect(none.err).toContain('--mode hybrid needs an embedding endpoint');
  });

  it('lists related notes from stored vectors without calling the model, even without an endpoint configured', async () => {
    const vault = tempVault('meaning-related', files);
    const missing = await run(['related', '--vault', vault, 'garage/Engines.md'], {});
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('No passage vectors are stored');
    await run(['index', '--vault', vault, '--yes']);
    const requests = server.embeddings.requests;
    const related = await run(['related', '--vault', vault, '--json', 'garage/Engines'], {});
    expect(related.code).toBe(0);
    const value = JSON.parse(related.out) as { note: string; model: string; related: { path: string; passage: { snippet: string }; from: { heading: string } }[] };
    expect(value.note).toBe('garage/Engines.md');
    expect(value.model).toBe('embed-model');
    expect(value.related[0].path).toBe('garage/Mechanics.md');
    expect(value.related[0].passage.snippet).toBe('A mechanic can fix a car when the engine fails.');
    expect(value.related[0].from.heading).toBe('Engines');
    expect(value.related.map((r) => r.path)).not.toContain('garage/Engines.md');
    const byTitle = await run(['related', '--vault', vault, 'Mechanics']);
    expect(byTitle.out).toMatch(/^Notes related to garage\/Mechanics\.md:\n1\. garage\/Engines\.md:1-3 {2}Engines › Engines/);
    expect(server.embeddings.requests).toBe(requests);
  });
});

describe('scriptorium ask with search by meaning', () => {
  it('gives the agent a search mode and the related tool once vectors are stored', async () => {
    const vault = tempVault('meaning-ask', files);
    await run(['index', '--vault', vault, '--yes']);
    server.models = ['embed-model', 'test-model'];
    server.script(
      { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'automobile repair', mode: 'semantic' } }] },
      { kind: 'tools', calls: [{ name: 'related', arguments: { path: 'garage/Engines.md' } }] },
      { kind: 'text', content: 'See [[garage/Mechanics#Mechanics]].' },
    );
    const asked = await run(['ask', '--vault', vault, '--json', 'Who can repair my automobile?'], { ...env, SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' });
    expect(asked.err).toBe('');
    expect(asked.code).toBe(0);
    const steps = (JSON.parse(asked.out) as { steps: { tool: string; args: Record<string, unknown>; resultSummary: string }[] }).steps;
    expect(steps[0]).toMatchObject({ tool: 'search', args: { query: 'automobile repair', mode: 'semantic' } });
    expect(steps[0].resultSummary).toMatch(/^[1-9]\d* results?$/);
    expect(steps[1]).toEqual({ tool: 'related', args: { path: 'garage/Engines.md', limit: 8 }, resultSummary: '3 notes' });
    const offered = server.chatRequests()[0].body.tools?.map((t) => t.function.name);
    expect(offered).toContain('related');
  });
});

describe('scriptorium related --unlinked', () => {
  it('suggests pairs of articles close in meaning that link to each other in neither direction', async () => {
    const vault = tempVault('meaning-unlinked', {
      'wiki/Engines.md': '# Engines\nHow to fix a car engine that will not start.\n',
      'wiki/Mechanics.md': '# Mechanics\nA mechanic can fix an automobile engine.\n',
      'wiki/Garages.md': '# Garages\nA garage can fix a car engine too. See [[Engines]].\n',
      'wiki/Bread.md': '# Bread\nKnead the dough and bake it.\n',
      'raw/Car notes.md': 'Fix the car engine.\n',
    });
    await run(['index', '--vault', vault, '--yes']);
    const requests = server.embeddings.requests;
    const result = await run(['related', '--vault', vault, '--json', '--unlinked', '--min-score', '0.3'], {});
    expect(result.code).toBe(0);
    const value = JSON.parse(result.out) as { folder: string; suggestions: { a: string; b: string; score: number; passage: { snippet: string } }[] };
    expect(value.folder).toBe('wiki');
    const pairs = value.suggestions.map((s) => [s.a, s.b].sort().join(' ↔ '));
    expect(pairs).toContain('wiki/Engines.md ↔ wiki/Mechanics.md');
    // Linked one way (Garages → Engines): not suggested. Outside the folder: not considered.
    expect(pairs).not.toContain('wiki/Engines.md ↔ wiki/Garages.md');
    expect(pairs.some((p) => p.includes('raw/'))).toBe(false);
    expect(new Set(pairs).size).toBe(pairs.length);
    const scores = value.suggestions.map((s) => s.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(server.embeddings.requests).toBe(requests);
    const bad = await run(['related', '--vault', vault, '--unlinked', 'wiki/Engines.md'], {});
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('give either a NOTE or --unlinked, not both');
  });
});

describe('scriptorium doctor with an embedding endpoint', () => {
  it('reports the embedding endpoint and its vector size, and fails with its sentence when it does not work', async () => {
    const vault = tempVault('meaning-doctor', files);
    server.models = ['embed-model', 'test-model'];
    const chat = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
    server.script({ kind: 'text', content: 'ok' }, { kind: 'text', content: 'ok' }, { kind: 'text', content: 'ok' });
    const ok = await run(['doctor', '--vault', vault, '--json'], { ...env, ...chat });
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.out) as { embeddings: unknown }).embeddings).toEqual({
      baseURL: server.baseURL,
      model: 'embed-model',
      sources: { baseURL: 'SCRIPTORIUM_EMBED_BASE_URL', model: 'SCRIPTORIUM_EMBED_MODEL', apiKey: 'unset (the chat key)' },
      dimensions: 512,
    });
    const human = await run(['doctor', '--vault', vault], { ...env, ...chat });
    expect(human.out).toContain('ok: "embed-model" returns vectors of 512 dimensions');
    const missing = await run(['doctor', '--vault', vault, '--embed-model', 'nope'], { ...env, ...chat });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^doctor: the embedding endpoint failed: Model "nope" not found at http:\/\/127\.0\.0\.1:\d+\/v1 \(HTTP 404\)/);
    const none = await run(['doctor', '--vault', vault, '--json'], chat);
    expect(JSON.parse(none.out)).not.toHaveProperty('embeddings');
  });
});

describe('scriptorium lint with stored vectors', () => {
  it('reports articles close in meaning that do not link each other, as information, only where vectors exist', async () => {
    const vault = tempVault('meaning-lint', {
      'wiki/Engines.md': '# Engines\nFix a car engine: check the spark plugs and the battery first.\n',
      'wiki/Mechanics.md': '# Mechanics\nFix an automobile engine: check the spark plugs and the battery first.\n',
      'wiki/Garages.md': '# Garages\nFix a car engine: check the spark plugs and the battery first. [[Engines]]\n',
      'wiki/Bread.md': '# Bread\nKnead the dough and bake it.\n',
    });
    type LintJson = { findings: { kind: string; path: string; target: string | null; message: string }[] };
    const before = JSON.parse((await run(['lint', '--vault', vault, '--json'], {})).out) as LintJson;
    expect(before.findings.filter((f) => f.kind === 'unlinked-related')).toEqual([]);
    await run(['index', '--vault', vault, '--yes']);
    const requests = server.embeddings.requests;
    const after = JSON.parse((await run(['lint', '--vault', vault, '--json'], {})).out) as LintJson;
    const related = after.findings.filter((f) => f.kind === 'unlinked-related');
    const pairs = related.map((f) => [f.path, f.target].sort().join(' ↔ '));
    expect(pairs).toContain('wiki/Engines.md ↔ wiki/Mechanics.md');
    expect(pairs).toContain('wiki/Garages.md ↔ wiki/Mechanics.md');
    // Garages links to Engines: that pair is not reported.
    expect(pairs).not.toContain('wiki/Engines.md ↔ wiki/Garages.md');
    expect(pairs.some((p) => p.includes('Bread'))).toBe(false);
    expect(related.find((f) => [f.path, f.target].sort().join() === 'wiki/Engines.md,wiki/Mechanics.md')?.message).toMatch(
      /^"(Engines|Mechanics)" and "(Engines|Mechanics)" are close in meaning \(0\.\d\d, its section "(Engines|Mechanics)"\) but neither links to the other\.$/,
    );
    // Everything else is as before, and no model was called.
    expect(after.findings.filter((f) => f.kind !== 'unlinked-related')).toEqual(before.findings);
    expect(server.embeddings.requests).toBe(requests);
    const human = await run(['lint', '--vault', vault], {});
    expect(human.out).toContain('Related articles that do not link each other (informational)');
  });
});
