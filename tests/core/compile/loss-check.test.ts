import { Compiler } from '../../../src/core/compile';
import { checkLoss, describeLosses } from '../../../src/core/compile/loss-check';
import { LlmClient } from '../../../src/core/llm';
import { readArticle, renderArticle } from '../../../src/core/plan';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { startServer, type OpenAiTestServer, type RecordedRequest, type ScriptedReply } from '../../support/openai-server';
import { wikiModelReply } from './wiki-model';

const ARTICLE = [
  'A levain is an offshoot of the sourdough starter built for one bake. It is usually mixed 8 to 12 hours before the dough.',
  '',
  '## Feeding',
  '',
  'A young levain tastes mild and sweet [[wiki/sources/Levain basics|Levain basics]]. Bakers feed it flour and water in equal weights.[^1]',
  '',
  '- Keep it at 24 degrees.',
  '- Use it at its peak, see [the guide](https://example.org/levain).',
  '',
  '[^1]: King Arthur, *Levain*, https://example.org/ka',
].join('\n');

describe('checkLoss', () => {
  it('finds nothing lost when the text is unchanged or only added to', () => {
    expect(checkLoss(ARTICLE, ARTICLE)).toEqual([]);
    expect(checkLoss(ARTICLE, `${ARTICLE}\n\nA ripe levain is added at 20 percent of the flour weight [[wiki/sources/Fermentation|Fermentation]].`)).toEqual([]);
  });

  it('reports a left-out paragraph once, as a paragraph, with its line', () => {
    const without = ARTICLE.split('\n').slice(2).join('\n');
    const losses = checkLoss(ARTICLE, without);
    expect(losses).toEqual([{ kind: 'paragraph', text: ARTICLE.split('\n')[0], line: 1 }]);
    expect(describeLosses(losses)).toBe('1 paragraph ("A levain is an offshoot of the sourdough starter built for…")');
  });

  it('does not take a templated sentence with other figures for the one that was dropped', () => {
    const old = 'Observation 1 records that the hub behaves in way number 1 under condition 7.';
    const now = 'Observation 2 records that the hub behaves in way number 2 under condition 1.';
    expect(checkLoss(old, now)).toEqual([{ kind: 'paragraph', text: old, line: 1 }]);
    expect(checkLoss(old, `${now}\n\n${old}`)).toEqual([]);
  });

  it('reports one sentence left out of a paragraph as a sentence', () => {
    const losses = checkLoss(ARTICLE, ARTICLE.replace(' It is usually mixed 8 to 12 hours before the dough.', ''));
    expect(losses).toEqual([{ kind: 'sentence', text: 'It is usually mixed 8 to 12 hours before the dough.', line: 1 }]);
  });

  it('reports a dropped citation, footnote ref, link and heading even when the words stay', () => {
    const changed = ARTICLE.replace(' [[wiki/sources/Levain basics|Levain basics]]', '')
      .replace('equal weights.[^1]', 'equal weights.')
      .replace('[the guide](https://example.org/levain)', 'the guide')
      .replace('## Feeding', '');
    const losses = checkLoss(ARTICLE, changed);
    expect(losses.map((l) => [l.kind, l.text, l.line])).toEqual([
      ['heading', '## Feeding', 3],
      ['citation', '[[wiki/sources/Levain basics|Levain basics]]', 5],
      ['citation', '[^1]', 5],
      ['link', '[the guide](https://example.org/levain)', 8],
    ]);
    expect(describeLosses(losses)).toBe('1 heading ("## Feeding"), 2 citations ([[wiki/sources/Levain basics|Levain basics]], …) and 1 link ([the guide](https://example.org/levain))');
  });

  it('counts repeated citations: citing a source once where it was cited twice loses one', () => {
    const old = 'Alpha rises fast [[S]]. Beta rises slow [[S]].';
    expect(checkLoss(old, 'Alpha rises fast. Beta rises slow [[S]].')).toEqual([{ kind: 'citation', text: '[[S]]', line: 1 }]);
  });

  it('accepts a link written another way to the same file, and a heading at another level', () => {
    const changed = ARTICLE.replace('[[wiki/sources/Levain basics|Levain basics]]', '[[Levain basics]]').replace('## Feeding', '### feeding');
    expect(checkLoss(ARTICLE, changed)).toEqual([]);
  });

  it('accepts light rephrasing: at least 80 % of a sentence\'s content words in one sentence', () => {
    const old = 'The starter holds wild yeast and lactic bacteria that leaven the dough overnight.';
    // Content words: starter holds wild yeast lactic bacteria leaven dough overnight (9); 8 kept.
    expect(checkLoss(old, 'Overnight, wild yeast and lactic bacteria in the starter leaven the dough.')).toEqual([]);
    // 7 of 9 ("holds" and "lactic" gone), under the 8 needed: lost.
    expect(checkLoss(old, 'The starter leavens bread with yeast overnight; wild bacteria help the dough.')).toHaveLength(1);
  });

  it('accepts a sentence split over adjacent sentences, but not words scattered across the article', () => {
    const old = 'The crumb opens when the dough ferments long enough and the oven gives steam early.';
    expect(checkLoss(old, 'The crumb opens when the dough ferments long enough. The oven gives steam early.')).toEqual([]);
    const scattered = ['The crumb is tight.', '', 'Some dough ferments.', '', 'Long enough is fine.', '', 'An oven gives heat.', '', 'Steam comes early.', '', 'It opens.'].join('\n');
    expect(checkLoss(old, scattered).map((l) => l.kind)).toEqual(['paragraph']);
  });

  it('accepts every sentence kept in a new order, with sections reorganised', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Fact number ${i} says the ${['crust', 'crumb', 'levain', 'flour', 'water'][i % 5]} behaves in way ${i * 7}.`);
    const old = [0, 1, 2, 3].map((p) => `## Part ${p}\n\n${sentences.slice(p * 10, p * 10 + 10).join(' ')}`).join('\n\n');
    const shuffled = [...sentences].reverse();
    const now = [3, 2, 1, 0].map((p) => `## Part ${p}\n\n${shuffled.slice((3 - p) * 10, (3 - p) * 10 + 10).join('\n\n')}`).join('\n\n');
    expect(checkLoss(old, now)).toEqual([]);
    expect(checkLoss(old, now.replace(sentences[17], ''))).toEqual([{ kind: 'sentence', text: sentences[17], line: 7 }]);
  });

  it('treats list items and code lines as units, and ignores accents and case', () => {
    const old = 'Steps:\n\n- Mix the levain.\n- Rest the dough.\n\n```\nbake --at 250\n```\n\nThe café crème is nice.';
    expect(checkLoss(old, 'Steps:\n\n- mix the LEVAIN\n- rest the dough\n\n```\nbake --at 250\n```\n\nThe cafe creme is nice.')).toEqual([]);
    expect(checkLoss(old, 'Steps:\n\n- Mix the levain.\n\n```\nbake --at 300\n```\n\nThe café crème is nice.').map((l) => [l.kind, l.text, l.line])).toEqual([
      ['sentence', 'Rest the dough.', 4],
      ['paragraph', 'bake --at 250', 7],
    ]);
  });
});

describe('the loss check in compile\'s merge', () => {
  const CONCEPT = 'wiki/concepts/Levain.md';
  const CITE = '[[wiki/sources/Levain basics|Levain basics]]';
  const PARAGRAPHS = [
    'A levain is an offshoot of the sourdough starter built for one bake. It is usually mixed 8 to 12 hours before the dough.',
    `A young levain tastes mild and sweet ${CITE}. An old one turns sour and smells of acetone.`,
    'Bakers feed it flour and water in equal weights, then wait until it doubles and domes on top.',
    'A levain past its peak collapses and leaves streaks on the jar; it still leavens, but the bread tastes sharper.',
  ];
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    await server.stop();
  });

  /** A vault with one generated concept article (and its source) and a new raw note naming it. */
  function setup(paragraphs: string[] = PARAGRAPHS) {
    const levain = renderArticle(
      { title: 'Levain', summary: 'An offshoot of the starter for one bake.', type: 'concept', sources: ['raw/Levain basics.md'], sourceHashes: { 'raw/Levain basics.md': 'abc' }, aliases: [], tags: [], updated: '2026-11-01' },
      `# Levain\n\n${paragraphs.join('\n\n')}\n\n## Sources\n\n- ${CITE}\n`,
    );
    const summary = renderArticle(
      { title: 'Levain basics', summary: 'What a levain is.', type: 'source', sources: ['raw/Levain basics.md'], sourceHashes: { 'raw/Levain basics.md': 'abc' }, aliases: [], tags: ['source'], updated: '2026-11-01' },
      `# Levain basics\n\nWhat a levain is.\n\n## Concepts\n\n- [[${CONCEPT.replace(/\.md$/, '')}|Levain]]\n`,
    );
    const vault = new MemoryVault({
      [CONCEPT]: levain,
      'wiki/sources/Levain basics.md': summary,
      'raw/Fermentation.md': 'During bulk fermentation the **Wild yeast** produces gas. A ripe **Levain** is added at 20 percent of the flour weight.\n',
    });
    const compiler = new Compiler({
      vault,
      state: new MemoryStateStore(),
      clock: { now: () => Date.UTC(2026, 10, 26, 12) },
      llm: new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 }),
      settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 1 },
    });
    expect(readArticle(levain).ownership).toBe('generated');
    return { vault, compiler, levain };
  }

  /** The scripted wiki model, with its merge replies' bodies passed through `edit`. */
  function mergeModel(edit: (body: string) => string): (r: RecordedRequest) => ScriptedReply {
    return (request) => {
      const reply = wikiModelReply(request);
      const system = request.body.messages?.find((m) => m.role === 'system')?.content ?? '';
      if (reply.kind !== 'text' || !system.startsWith('You maintain the wiki article')) return reply;
      const value = JSON.parse(reply.content) as { body: string };
      return { ...reply, content: JSON.stringify({ ...value, body: edit(value.body) }) };
    };
  }

  // A generated article is merged by edit operations (merge-ops.ts): the model never re-sends it,
  // so a rewrite that leaves out a paragraph or a citation cannot happen there; the loss check
  // stays as a guard and passes. Person-edited articles still get a rewrite, for review:
  it('merges a generated article by adding: every old paragraph and citation kept, nothing refused', async () => {
    const { vault, compiler } = setup();
    server.handler = (r) => wikiModelReply(r);
    const run = await compiler.compile(['raw/Fermentation.md']);
    expect(run.plan.problems).toEqual([]);
    expect(run.plan.changes.find((c) => c.path === CONCEPT)?.reason).toBe('merge raw/Fermentation.md into the existing concept');
    const merge = server.chatRequests().find((r) => r.body.messages?.[0]?.content?.includes('edit operations'));
    expect(merge).toBeDefined();
    await compiler.apply(run);
    const after = vault.snapshot()[CONCEPT];
    for (const p of PARAGRAPHS) expect(after).toContain(p);
    expect(after).toContain('A ripe Levain is added at 20 percent of the flour weight. [[wiki/sources/Fermentation|Fermentation]]');
  });

  it('proposes the rewrite of a person-edited article for review, listing what it would remove', async () => {
    const { vault, compiler } = setup();
    const edited = vault.snapshot()[CONCEPT].replace('## Sources', 'My note: I feed mine twice a day.\n\n## Sources');
    await vault.write(CONCEPT, edited);
    server.handler = mergeModel((body) => body.split('\n\n').slice(1).join('\n\n'));
    const run = await compiler.compile(['raw/Fermentation.md']);
    const change = run.plan.changes.find((c) => c.path === CONCEPT);
    expect(change?.needsReview).toBe(true);
    expect(change?.reason).toContain('merge raw/Fermentation.md into the existing concept; the rewrite would remove 1 paragraph ("A levain is an offshoot of the sourdough starter built for…")');
    expect(run.plan.problems).toEqual([]);
    await compiler.apply(run);
    expect(vault.snapshot()[CONCEPT]).toBe(edited);
  });
});
