import { planTidy, TIDY_SYSTEM_START } from '../../../src/core/compile';
import { LlmClient } from '../../../src/core/llm';
import { readArticle, renderArticle, WikiWriter } from '../../../src/core/plan';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';

const NOON = Date.UTC(2026, 10, 26, 12, 0, 0);
const clock = { now: () => NOON };
const PATH = 'wiki/concepts/Levain.md';

const P1 = 'A levain is an offshoot of the sourdough starter built for one bake [[wiki/sources/Levain basics|Levain basics]].';
const P2 = 'Bakers add the ripe levain at 20 percent of the flour weight [^1].';
const P3 = 'A young levain tastes mild and sweet, see [the guide](https://example.org/levain).';
const P4 = 'A levain is usually mixed 8 to 12 hours before the dough.';
const PROSE = [P1, P2, P3, P4, '[^1]: Fermentation notes, page 4.'].join('\n\n');
const TIDY = ['## What it is', '', P1, '', P3, '', '## Using it', '', P4, '', P2, '', '[^1]: Fermentation notes, page 4.'].join('\n');

function article(ownership: 'generated' | 'locked' | 'edited' = 'generated'): string {
  const text = renderArticle(
    { title: 'Levain', summary: 'A starter offshoot for one bake.', type: 'concept', sources: ['raw/Levain basics.md'], aliases: [], tags: [], updated: '2026-11-01' },
    `# Levain\n\n${PROSE}\n\n## Sources\n\n- [[wiki/sources/Levain basics|Levain basics]]\n`,
  );
  if (ownership === 'locked') return text.replace('scriptorium: generated', 'scriptorium: locked');
  if (ownership === 'edited') return text.replace(P4, `${P4} A person added this.`);
  return text;
}

describe('planTidy ("Tidy this article")', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  function setup(text: string) {
    const vault = new MemoryVault({ [PATH]: text });
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock });
    const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 });
    return { vault, writer, options: { vault, writer, llm, clock, wikiFolder: 'wiki' } };
  }

  it('applies a faithful reorganisation as a change plan and undo restores the exact bytes', async () => {
    const before = article();
    const { vault, writer, options } = setup(before);
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY }) });
    const result = await planTidy(options, PATH);
    if (result.status !== 'planned') throw new Error(result.message);
    const system = server.requests[0].body.messages?.[0]?.content ?? '';
    expect(system.startsWith(TIDY_SYSTEM_START)).toBe(true);
    expect(server.requests[0].body.messages?.[1]?.content).toContain(P1);
    const change = result.plan.changes.find((c) => c.path === PATH);
    expect(change?.needsReview).toBeFalsy();
    await writer.apply(result.plan);
    const after = await vault.read(PATH);
    expect(after).toContain('## What it is\n\n' + P1);
    expect(after).toContain('## Sources\n\n- [[wiki/sources/Levain basics|Levain basics]]');
    expect(readArticle(after).ownership).toBe('generated');
    await writer.undo();
    expect(await vault.read(PATH)).toBe(before);
  });

  it('refuses a reply that leaves out a paragraph, keeps the old bytes and says what was dropped', async () => {
    const before = article();
    const { vault, options } = setup(before);
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY.replace(`${P3}\n\n`, '') }) });
    const result = await planTidy(options, PATH);
    expect(result.status).toBe('refused');
    if (result.status !== 'refused') return;
    expect(result.message).toMatch(/^The model's tidy of wiki\/concepts\/Levain\.md dropped .*1 paragraph.*young levain tastes mild.*; the article was left as it was\./);
    expect(await vault.read(PATH)).toBe(before);
  });

  it('refuses a reply that drops a citation', async () => {
    const before = article();
    const { vault, options } = setup(before);
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY.replace(' [[wiki/sources/Levain basics|Levain basics]]', '') }) });
    const result = await planTidy(options, PATH);
    expect(result.status).toBe('refused');
    if (result.status === 'refused') expect(result.message).toMatch(/dropped .*citation.*Levain basics.*the article was left as it was/);
    expect(await vault.read(PATH)).toBe(before);
  });

  it('refuses a locked article without asking the model, and proposes a person-edited one for review', async () => {
    const locked = setup(article('locked'));
    const refused = await planTidy(locked.options, PATH);
    expect(refused).toMatchObject({ status: 'refused' });
    if (refused.status === 'refused') expect(refused.message).toContain('locked');
    expect(server.requests).toHaveLength(0);

    const edited = setup(article('edited'));
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY.replace(P4, `${P4} A person added this.`) }) });
    const result = await planTidy(edited.options, PATH);
    if (result.status !== 'planned') throw new Error(result.message);
    expect(result.plan.changes.find((c) => c.path === PATH)?.needsReview).toBe(true);
  });

  it('refuses a note outside the concepts folder', async () => {
    const { options } = setup(article());
    const result = await planTidy(options, 'raw/Levain basics.md');
    expect(result.status).toBe('refused');
    expect(server.requests).toHaveLength(0);
  });
});
