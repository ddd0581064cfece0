import { LlmClient } from '../../../src/core/llm';
import { buildDataset, readPrevious, splitArticles, SynthGenerator, type SynthRun } from '../../../src/core/synth';
import { MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';
import { articleOf, pairWriter, WIKI } from './synth-support';

describe('SynthGenerator against a scripted model', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  const client = () => new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 });

  async function run(vault: MemoryVault, options: Partial<ConstructorParameters<typeof SynthGenerator>[0]> = {}, previous?: ReturnType<typeof readPrevious>): Promise<SynthRun> {
    return new SynthGenerator({ llm: client(), vault, ...options }).run({ previous });
  }

  it('keeps only grounded pairs and counts generated, unsupported, duplicate and kept', async () => {
    server.handler = pairWriter();
    const result = await run(new MemoryVault(WIKI));
    // Index, log, outputs and raw notes are not articles.
    expect(result.articles.map((a) => a.path)).toEqual(['wiki/concepts/Autolyse.md', 'wiki/concepts/Hydration.md', 'wiki/concepts/Levain.md', 'wiki/concepts/Starter.md']);
    expect(result.counts).toEqual({ generated: 16, unsupported: 4, duplicate: 1, kept: 11 });
    const levain = result.articles.find((a) => a.path === 'wiki/concepts/Levain.md');
    expect(levain?.pairs.map((p) => p.question)).toEqual([
      'When do bakers mix the levain?',
      'How much levain goes into a dough?',
      'What is the levain made from, and how is that fed?',
      'Who invented the levain?',
    ]);
    expect(levain?.rejected.map((r) => r.reason).sort()).toEqual(['citation', 'citation', 'duplicate', 'refusal', 'unsupported']);
    // A citation by name is normalised to the article's path.
    expect(levain?.pairs[1].citations).toEqual(['[[wiki/concepts/Levain#Amount]]']);
    expect(levain?.pairs[2].citations).toEqual(['[[wiki/concepts/Levain]]', '[[wiki/concepts/Starter#Feeding]]']);
    const hostile = levain?.rejected.find((r) => r.question.startsWith('Ignore'));
    expect(hostile?.detail).toMatch(/names no article of the wiki/);
    const invented = levain?.rejected.find((r) => r.question === 'Why does a levain rise?');
    expect(invented?.detail).toMatch(/has no heading "Chemistry"/);
    // The linked article goes into the prompt for multi-hop pairs.
    const levainRequest = server.chatRequests().find((r) => articleOf(r) === 'wiki/concepts/Levain');
    expect(levainRequest?.body.messages?.[1].content).toContain('Linked article: wiki/concepts/Starter');
    expect(levainRequest?.body.response_format).toMatchObject({ type: 'json_schema' });
    expect(result.usage.promptTokens).toBeGreaterThan(0);
  });

  it('repairs malformed JSON, leaves out an article whose reply stays cut off, and falls back without structured output', async () => {
    server.responseFormat = 'refuse';
    const cut = '{"pairs": [{"kind": "factual", "question": "What is hydration?", "answer": "Hydration is the wei';
    server.handler = pairWriter({
      'wiki/concepts/Autolyse': [{ kind: 'text', content: 'Here are the pairs: {"pairs": [{"kind": "factual",, }' }],
      'wiki/concepts/Hydration': [
        { kind: 'text', content: cut, finishReason: 'length' },
        { kind: 'text', content: cut, finishReason: 'length' },
      ],
    });
    const result = await run(new MemoryVault(WIKI));
    expect(result.failures.map((f) => f.article)).toEqual(['wiki/concepts/Hydration.md']);
    expect(result.failures[0].message).toMatch(/not usable JSON after one repair attempt.*output token limit/);
    expect(result.articles.map((a) => a.path)).not.toContain('wiki/concepts/Hydration.md');
    expect(result.articles.find((a) => a.path === 'wiki/concepts/Autolyse.md')?.pairs).toHaveLength(2);
    // The repair round shows the model its broken reply.
    const autolyse = server.chatRequests().filter((r) => articleOf(r) === 'wiki/concepts/Autolyse');
    expect(autolyse.at(-1)?.body.messages?.at(-1)?.content).toMatch(/could not be used/);
    const dataset = buildDataset(result, { name: 'bread', seed: 1, createdAt: '2026-12-05T10:00:00Z' });
    expect(Object.keys(dataset.manifest.articles)).not.toContain('wiki/concepts/Hydration.md');
  });

  it('exports splits by article, deterministic per seed, in the chat fine-tuning format', async () => {
    server.handler = pairWriter();
    const result = await run(new MemoryVault(WIKI));
    const a = buildDataset(result, { name: 'bread', seed: 7, createdAt: '2026-12-05T10:00:00Z' });
    const b = buildDataset(result, { name: 'bread', seed: 7, createdAt: '2026-12-05T10:00:00Z' });
    expect(b.files).toEqual(a.files);
    const trainArticles = new Set(a.pairs.filter((p) => p.split === 'train').map((p) => p.article));
    const validArticles = new Set(a.pairs.filter((p) => p.split === 'valid').map((p) => p.article));
    expect(validArticles.size).toBe(1);
    expect([...validArticles].filter((x) => trainArticles.has(x))).toEqual([]);
    for (const name of ['train.jsonl', 'valid.jsonl'] as const) {
      const lines = a.files[name].trim().split('\n');
      expect(lines.length).toBe(name === 'train.jsonl' ? a.manifest.counts.train : a.manifest.counts.valid);
      for (const line of lines) {
        const record = JSON.parse(line) as { messages: { role: string; content: string }[] };
        expect(Object.keys(record)).toEqual(['messages']);
        expect(record.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
        for (const m of record.messages) expect(typeof m.content === 'string' && m.content.trim() !== '').toBe(true);
      }
    }
    expect(a.manifest.counts).toMatchObject({ articles: 4, kept: 11, generated: 16, unsupported: 4, duplicate: 1 });
    expect(a.manifest.articles['wiki/concepts/Levain.md'].hash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.files['README.md']).toContain('Kept: 11');
    // Seeds change the split, each one deterministically.
    const paths = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md', 'f.md', 'g.md', 'h.md', 'i.md', 'j.md'];
    const splits = [1, 2, 3, 4].map((seed) => [...splitArticles(paths, seed)].filter(([, s]) => s === 'valid').map(([p]) => p).join());
    expect(new Set(splits).size).toBeGreaterThan(1);
    expect(splitArticles(paths, 3)).toEqual(splitArticles([...paths].reverse(), 3));
  });

  it('re-runs only the articles whose text changed', async () => {
    server.handler = pairWriter();
    const vault = new MemoryVault(WIKI);
    const first = buildDataset(await run(vault), { name: 'bread', seed: 1, createdAt: '2026-12-05T10:00:00Z' });
    const before = server.chatRequests().length;
    await vault.write('wiki/concepts/Starter.md', `${WIKI['wiki/concepts/Starter.md']}\nA person added a line.\n`);
    const previous = readPrevious(first.files['manifest.json'], first.files['pairs.jsonl']);
    const second = await run(vault, {}, previous);
    const asked = server.chatRequests().slice(before).map(articleOf);
    expect(asked).toEqual(['wiki/concepts/Starter']);
    expect(second.articles.filter((a) => !a.reused).map((a) => a.path)).toEqual(['wiki/concepts/Starter.md']);
    const again = buildDataset(second, { name: 'bread', seed: 1, createdAt: '2026-12-05T11:00:00Z' });
    expect(again.manifest.counts.kept).toBe(first.manifest.counts.kept);
    expect(again.files['train.jsonl']).toBe(first.files['train.jsonl']);
    expect(again.manifest.articles['wiki/concepts/Starter.md'].hash).not.toBe(first.manifest.articles['wiki/concepts/Starter.md'].hash);
  });

  it('stops between articles, keeps the finished ones and caps a run', async () => {
    const stop = new AbortController();
    server.handler = (request) => {
      const reply = pairWriter()(request);
      if (articleOf(request) === 'wiki/concepts/Hydration') stop.abort();
      return reply;
    };
    const generator = new SynthGenerator({ llm: client(), vault: new MemoryVault(WIKI) });
    const result = await generator.run({ signal: stop.signal });
    expect(result.stopped).toBe(true);
    expect(result.articles.map((a) => a.path)).toEqual(['wiki/concepts/Autolyse.md']);
    const capped = await new SynthGenerator({ llm: client(), vault: new MemoryVault(WIKI), maxArticles: 2, folder: 'wiki/concepts' }).estimate();
    expect(capped.toGenerate).toEqual(['wiki/concepts/Autolyse.md', 'wiki/concepts/Hydration.md']);
    expect(capped.deferred).toEqual(['wiki/concepts/Levain.md', 'wiki/concepts/Starter.md']);
    expect(capped.promptTokens).toBeGreaterThan(0);
  });

  it('lets a judge reject pairs the lexical check passed', async () => {
    server.handler = (request) => {
      const system = request.body.messages?.[0]?.content ?? '';
      if (system.startsWith('You check')) return { kind: 'text', content: JSON.stringify({ verdicts: [{ index: 0, supported: false }, { index: 1, supported: true }] }) };
      return pairWriter()(request);
    };
    const result = await new SynthGenerator({ llm: client(), vault: new MemoryVault(WIKI), folder: 'wiki/concepts', judge: true }).run();
    const hydration = result.articles.find((a) => a.path === 'wiki/concepts/Hydration.md');
    expect(hydration?.pairs.map((p) => p.question)).toEqual(['How does 80 percent hydration change a dough?']);
    expect(hydration?.rejected.map((r) => r.reason)).toEqual(['judge']);
  });
});
