import { Compiler } from '../../../src/core/compile';
import { LintLayout, StructuralLinter } from '../../../src/core/lint';
import { LlmClient } from '../../../src/core/llm';
import { readArticle } from '../../../src/core/plan';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer, startServer } from '../../support/openai-server';
import { wikiModelReply } from './wiki-model';

const clock = { now: () => Date.UTC(2026, 10, 26, 12, 0, 0) };

const RAW = {
  'raw/Levain basics.md': 'A **Levain** is an offshoot of the starter built for one bake. It is mixed 8 to 12 hours before the dough.\n',
  'raw/Fermentation.md': 'During bulk fermentation the dough rises for about 4 hours at 26 degrees.\n',
};

describe("compile keeps a person's edits to an article's properties", () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startServer();
    server.handler = (r) => wikiModelReply(r);
  });

  afterEach(async () => {
    await server.stop();
  });

  function setup() {
    const vault = new MemoryVault(RAW);
    const compiler = new Compiler({
      vault,
      state: new MemoryStateStore(),
      clock,
      llm: new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 }),
      settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 1 },
    });
    return { vault, compiler };
  }

  async function humanEdited(vault: MemoryVault): Promise<{ path: string; message: string }[]> {
    const result = await new StructuralLinter({ vault, layout: new LintLayout() }).run();
    return result.findings.filter((f) => f.kind === 'human-edited').map((f) => ({ path: f.path, message: f.message }));
  }

  it('a new summary: the merge needs review, the summary survives, lint reports the edit', async () => {
    const { vault, compiler } = setup();
    await compiler.apply(await compiler.compile());
    const path = 'wiki/concepts/Levain.md';
    const generated = vault.snapshot()[path];
    expect(readArticle(generated).ownership).toBe('generated');
    expect(await humanEdited(vault)).toEqual([]);

    // A person rewrites the summary in the properties panel; the body is untouched.
    const oldSummary = readArticle(generated).summary ?? '';
    const edited = generated.replace(`summary: ${oldSummary}`, 'summary: My levain, fed twice a day.');
    expect(edited).not.toBe(generated);
    await vault.write(path, edited);
    const findings = await humanEdited(vault);
    expect(findings.map((f) => f.path)).toEqual([path]);
    expect(findings[0].message).toMatch(/properties .* edited by a person/);

    // A source that merges into the same concept.
    await vault.write('raw/Fermentation.md', `${RAW['raw/Fermentation.md']}\nA ripe **Levain** is added at 20 percent of the flour weight.\n`);
    const run = await compiler.compile();
    const change = run.plan.changes.find((c) => c.path === path);
    expect(change?.needsReview).toBe(true);
    expect(change?.reason).toMatch(/a person edited this article/);
    // Even the proposal keeps the person's summary, so accepting it in the preview loses nothing.
    expect(readArticle(change?.after ?? '').summary).toBe('My levain, fed twice a day.');

    await compiler.apply(run);
    expect(vault.snapshot()[path]).toBe(edited);
    // The other source's summary was written as usual.
    expect(vault.snapshot()['wiki/sources/Fermentation.md']).toContain('Levain');
  });

  it('a new title, alias or tag counts as well', async () => {
    const { vault, compiler } = setup();
    await compiler.apply(await compiler.compile());
    const path = 'wiki/concepts/Levain.md';
    const generated = vault.snapshot()[path];
    await vault.write(path, generated.replace('aliases: []', 'aliases:\n  - Leaven').replace('title: Levain', 'title: Levain (my starter)'));
    await vault.write('raw/Fermentation.md', `${RAW['raw/Fermentation.md']}\nA ripe **Levain** is added at 20 percent of the flour weight.\n`);
    const run = await compiler.compile();
    const change = run.plan.changes.find((c) => c.path === path);
    expect(change?.needsReview).toBe(true);
    await compiler.apply(run);
    const after = readArticle(vault.snapshot()[path]);
    expect(after.title).toBe('Levain (my starter)');
    expect(after.aliases).toEqual(['Leaven']);
  });
});
