import { Compiler } from '../../../src/core/compile';
import { applyMergeOperations, mergeView, MERGE_OPERATIONS_REPLY } from '../../../src/core/compile/merge-ops';
import { LlmClient } from '../../../src/core/llm';
import { VaultIndex } from '../../../src/core/search';
import { readArticle, renderArticle } from '../../../src/core/plan';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { startServer, type OpenAiTestServer, type RecordedRequest, type ScriptedReply } from '../../support/openai-server';
import { wikiModelReply } from './wiki-model';

const CONCEPT = 'wiki/concepts/Levain.md';
const OLD_CITE = '[[wiki/sources/Levain basics|Levain basics]]';
const NEW_CITE = '[[wiki/sources/Fermentation|Fermentation]]';
const PROSE = [
  'A levain is an offshoot of the sourdough starter built for one bake.',
  '',
  '## Feeding',
  '',
  `Bakers feed it flour and water in equal weights ${OLD_CITE}.`,
  '',
  'A young levain tastes mild and sweet.',
  '',
  '## Timing',
  '',
  'It is usually mixed 8 to 12 hours before the dough.',
].join('\n');

describe('applyMergeOperations', () => {
  it('adds under a heading, adds a section, notes a disagreement after the quoted paragraph, each cited', () => {
    const { prose, problems } = applyMergeOperations(
      PROSE,
      [
        { op: 'add_paragraph', heading: 'feeding', text: 'Some bakers feed it twice a day.' },
        { op: 'add_section', title: 'Storage', paragraphs: ['A levain keeps a week in the fridge.'] },
        { op: 'note_disagreement', quote: 'It is usually mixed', heading: null, text: 'The new source mixes it 4 hours before.' },
        { op: 'add_paragraph', heading: null, text: 'It is also called a leaven.' },
      ],
      NEW_CITE,
    );
    expect(problems).toEqual([]);
    expect(prose).toBe(
      [
        'A levain is an offshoot of the sourdough starter built for one bake.',
        '',
        `It is also called a leaven. ${NEW_CITE}`,
        '',
        '## Feeding',
        '',
        `Bakers feed it flour and water in equal weights ${OLD_CITE}.`,
        '',
        'A young levain tastes mild and sweet.',
        '',
        `Some bakers feed it twice a day. ${NEW_CITE}`,
        '',
        '## Timing',
        '',
        'It is usually mixed 8 to 12 hours before the dough.',
        '',
        '> [!note] Sources disagree',
        `> The new source mixes it 4 hours before. ${NEW_CITE}`,
        '',
        '## Storage',
        '',
        `A levain keeps a week in the fridge. ${NEW_CITE}`,
      ].join('\n'),
    );
  });

  it('puts a paragraph under an unknown heading in a new section at the end, and a note quoting nothing at the end of the nearest section with a problem', () => {
    const { prose, problems } = applyMergeOperations(
      PROSE,
      [
        { op: 'add_paragraph', heading: 'History', text: 'Levains were used in Roman bakeries.' },
        { op: 'note_disagreement', quote: 'Bakers never feed it', heading: null, text: 'The new source feeds it flour, water and honey in equal weights.' },
      ],
      NEW_CITE,
    );
    expect(prose.endsWith(`## History\n\nLevains were used in Roman bakeries. ${NEW_CITE}`)).toBe(true);
    expect(prose).toContain(`A young levain tastes mild and sweet.\n\n> [!note] Sources disagree\n> The new source feeds it flour, water and honey in equal weights. ${NEW_CITE}\n\n## Timing`);
    expect(problems).toEqual([
      'The model\'s note that sources disagree quotes a paragraph ("Bakers never feed it") the article does not have, so it was put at the end of the section "Feeding"; check that it sits next to the paragraph it is about and move it if not.',
    ]);
    // Every old line is still there, in order.
    const old = PROSE.split('\n').filter((l) => l.trim());
    const lines = prose.split('\n');
    let at = 0;
    for (const l of lines) if (l === old[at]) at++;
    expect(at).toBe(old.length);
  });

  it('reads a near-miss reply: a section given as one text, operations without text dropped', () => {
    const parsed = MERGE_OPERATIONS_REPLY.parse({
      operations: [{ op: 'add section', title: 'Storage', text: 'Cold slows it.' }, { op: 'add_paragraph', heading: 'Feeding' }],
      aliases: ['Leaven', 'leaven'],
    });
    expect(parsed).toEqual({ summary: '', operations: [{ op: 'add_section', title: 'Storage', paragraphs: ['Cold slows it.'] }], aliases: ['Leaven'] });
  });

  it('shows a bounded view: outline lines for every section, only the sections the material shares words with', () => {
    const view = mergeView(PROSE, 'How long before the dough is the levain mixed? Hours matter.');
    expect(view.outline).toBe(['(opening text)', '- A levain is an offshoot of the sourdough …', '## Feeding', `- Bakers feed it flour and water in equal …`, '- A young levain tastes mild and sweet.', '## Timing', '- It is usually mixed 8 to 12 hours …'].join('\n'));
    expect(view.sections).toContain('## Timing\n\nIt is usually mixed 8 to 12 hours before the dough.');
    expect(view.sections).not.toContain('## Feeding');
  });

  it('shows first the sections the search index ranked for the material, even without shared words', () => {
    const view = mergeView(PROSE, 'Wholly unrelated words here.', ['Feeding']);
    expect(view.sections).toContain('## Feeding');
    expect(view.sections).not.toContain('## Timing');
  });
});

describe('compile merges by edit operations over the loopback server', () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    await server.stop();
  });

  function setup(files: Record<string, string>) {
    const levain = renderArticle(
      { title: 'Levain', summary: 'An offshoot of the starter for one bake.', type: 'concept', sources: ['raw/Levain basics.md'], sourceHashes: { 'raw/Levain basics.md': 'abc' }, aliases: [], tags: [], updated: '2026-11-01' },
      `# Levain\n\n${PROSE}\n\n## Sources\n\n- ${OLD_CITE}\n`,
    );
    const vault = new MemoryVault({ [CONCEPT]: levain, ...files });
    const compiler = new Compiler({
      vault,
      state: new MemoryStateStore(),
      clock: { now: () => Date.UTC(2026, 10, 26, 12) },
      llm: new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 }),
      settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 1 },
    });
    return { vault, compiler };
  }

  it('applies the model\'s operations in the right places with the new source\'s citation, and adds its aliases', async () => {
    const { vault, compiler } = setup({ 'raw/Fermentation.md': 'A ripe **Levain** is mixed 4 hours before the dough and fed twice a day.\n' });
    const ops = {
      summary: 'ignored',
      operations: [
        { op: 'add_paragraph', heading: 'Feeding', text: 'Some bakers feed it twice a day.', title: null, paragraphs: null, quote: null },
        { op: 'note_disagreement', quote: 'It is usually mixed 8 to 12', heading: 'Timing', text: 'Fermentation mixes it 4 hours before the dough.', title: null, paragraphs: null },
      ],
      aliases: ['Leaven'],
    };
    server.handler = (r: RecordedRequest): ScriptedReply =>
      r.body.messages?.[0]?.content?.includes('edit operations') ? { kind: 'text', content: JSON.stringify(ops) } : wikiModelReply(r);
    const run = await compiler.compile(['raw/Fermentation.md']);
    expect(run.plan.problems).toEqual([]);
    const merge = server.chatRequests().find((r) => r.body.messages?.[0]?.content?.includes('edit operations'));
    const prompt = merge?.body.messages?.map((m) => m.content).join('\n') ?? '';
    expect(prompt).toContain('<outline>');
    expect(prompt).toContain('It is usually mixed 8 to 12 hours before the dough.');
    expect((merge?.body.response_format as { json_schema?: { name?: string } }).json_schema?.name).toBe('merge_operations');
    await compiler.apply(run);
    const article = readArticle(vault.snapshot()[CONCEPT]);
    expect(article.body).toContain(`A young levain tastes mild and sweet.\n\nSome bakers feed it twice a day. ${NEW_CITE}\n\n## Timing`);
    expect(article.body).toContain(`It is usually mixed 8 to 12 hours before the dough.\n\n> [!note] Sources disagree\n> Fermentation mixes it 4 hours before the dough. ${NEW_CITE}`);
    for (const line of PROSE.split('\n').filter((l) => l.trim())) expect(article.body).toContain(line);
    expect(article.aliases).toEqual(['Leaven']);
    expect(article.summary).toBe('An offshoot of the starter for one bake.');
    expect(article.body).toContain(`- ${NEW_CITE}`);
  });

  it('200 merges into one article lose no sentence of any earlier version, and the 200th prompt is within 1.5x of the 1st', async () => {
    const { vault, compiler } = setup({});
    server.handler = (r) => wikiModelReply(r);
    const sentencesOf = (body: string) => body.split('\n').filter((l) => l.trim() && !l.startsWith('#')).flatMap((l) => l.match(/[^.!?]+[.!?]+/g) ?? [l]).map((s) => s.trim());
    const seen = new Set<string>(sentencesOf(readArticle(vault.snapshot()[CONCEPT]).body));
    const sizes: number[] = [];
    for (let i = 1; i <= 200; i++) {
      await vault.write(`raw/Note ${i}.md`, `Baker ${i} keeps the **Levain** at ${20 + (i % 9)} degrees and feeds it every ${i} hours with rye flour number ${i * 7}.\n`);
      const before = server.chatRequests().length;
      const run = await compiler.compile([`raw/Note ${i}.md`]);
      expect(run.plan.problems).toEqual([]);
      await compiler.apply(run);
      const merge = server.chatRequests().slice(before).find((r) => r.body.messages?.[0]?.content?.includes('edit operations'));
      sizes.push((merge?.body.messages ?? []).reduce((n, m) => n + (m.content?.length ?? 0), 0));
      const body = readArticle(vault.snapshot()[CONCEPT]).body;
      for (const s of seen) expect(body.includes(s) ? '' : s).toBe('');
      for (const s of sentencesOf(body)) seen.add(s);
    }
    const body = readArticle(vault.snapshot()[CONCEPT]).body;
    expect(body).toContain(`feeds it every 200 hours with rye flour number 1400. [[wiki/sources/Note 200|Note 200]]`);
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[199] / sizes[0]).toBeLessThanOrEqual(1.5);
  }, 400_000);
});

describe('the merge view chosen with the search index', () => {
  it('a compile with the vault index sends the article section the index ranks for the new material', async () => {
    const server = await startServer();
    try {
      server.handler = (r) => wikiModelReply(r);
      const article = renderArticle(
        { title: 'Levain', summary: 'An offshoot of the starter.', type: 'concept', updated: '2026-11-26' },
        '# Levain\n\nA levain is an offshoot of the sourdough starter.\n\n## Storage\n\nA levain keeps for days in the fridge at four degrees, covered.\n\n## Timing\n\nIt is usually mixed the evening before.\n',
      );
      const files = { 'wiki/concepts/Levain.md': article, 'raw/Cold.md': 'A **Levain** keeps for days in the fridge at four degrees.\n' };
      const vault = new MemoryVault(files);
      const state = new MemoryStateStore();
      const index = new VaultIndex({ vault, state });
      await index.rebuild();
      const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0 });
      const compiler = new Compiler({ vault, state, clock: { now: () => Date.UTC(2026, 10, 26) }, llm, search: index, settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 1 } });
      await compiler.compile(['raw/Cold.md']);
      const merge = server.chatRequests().find((r) => (r.body.messages?.[0]?.content ?? '').startsWith('You maintain the wiki article'));
      const user = merge?.body.messages?.find((m) => m.role === 'user')?.content ?? '';
      const sections = /<sections>\n([\s\S]*?)<\/sections>/.exec(user)?.[1] ?? '';
      // The title is indexed with the article's first passage only, so a section that shares no word
      // with the material (Timing) is not ranked for it by the title alone.
      expect(sections).toContain('## Storage\n\nA levain keeps for days in the fridge');
      expect(sections).not.toContain('## Timing');
    } finally {
      await server.stop();
    }
  });
});
