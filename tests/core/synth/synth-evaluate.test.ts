import { ResearchAgent } from '../../../src/core/ask';
import { LlmClient } from '../../../src/core/llm';
import { VaultIndex } from '../../../src/core/search';
import { evalReportNote, evalText, evaluate, tokenF1, type ExportedPair } from '../../../src/core/synth';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer, type RecordedRequest, type ScriptedReply } from '../../support/openai-server';
import { WIKI } from './synth-support';

const SET: ExportedPair[] = [
  { question: 'When do bakers mix the levain?', answer: 'Bakers mix the levain 8 to 12 hours before the dough.', citations: ['[[wiki/concepts/Levain#Timing]]'], article: 'wiki/concepts/Levain.md', kind: 'factual', split: 'valid' },
  {
    question: 'How does feeding differ between the counter and the refrigerator?',
    answer: 'At room temperature a starter is fed every day; kept in the refrigerator it needs feeding only once a week.',
    citations: ['[[wiki/concepts/Starter#Feeding]]', '[[wiki/concepts/Starter#Storage]]'],
    article: 'wiki/concepts/Starter.md',
    kind: 'comparison',
    split: 'valid',
  },
  { question: 'Who invented the levain?', answer: 'The wiki does not say who invented the levain.', citations: [], article: 'wiki/concepts/Levain.md', kind: 'unanswerable', split: 'valid' },
];

/** test-model answers from the wiki with the right sections; other-model guesses and cites the wrong note. */
const ANSWERS: Record<string, Record<string, string>> = {
  'test-model': {
    [SET[0].question]: 'Bakers mix the levain 8 to 12 hours before the dough [[wiki/concepts/Levain#Timing]].',
    [SET[1].question]: 'A starter at room temperature is fed every day [[wiki/concepts/Starter#Feeding]]; in the refrigerator it needs feeding only once a week [[wiki/concepts/Starter#Storage]].',
    [SET[2].question]: 'The wiki does not say who invented the levain.',
  },
  'other-model': {
    [SET[0].question]: 'Usually the night before baking, around midnight [[wiki/concepts/Hydration#Definition]].',
    [SET[1].question]: 'There is no difference in feeding [[wiki/concepts/Autolyse#Method]].',
    [SET[2].question]: 'French monks invented it in 1200.',
  },
};

function scriptedModel(request: RecordedRequest): ScriptedReply {
  const messages = request.body.messages ?? [];
  const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const model = request.body.model ?? 'test-model';
  const answer = Object.entries(ANSWERS[model]).find(([q]) => question.includes(q))?.[1] ?? 'No idea.';
  return { kind: 'text', content: answer, usage: { prompt_tokens: 100, completion_tokens: 20 } };
}

describe('evaluate: the research agent over the validation split', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  async function runFor(model: string) {
    const vault = new MemoryVault(WIKI);
    const search = new VaultIndex({ vault, state: new MemoryStateStore() });
    await search.sync();
    const client = new LlmClient({ baseURL: server.baseURL, model, fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 });
    const agent = new ResearchAgent({ client, search, vault });
    let t = 0;
    return evaluate(SET, { agent, vault, model, now: () => (t += 50) });
  }

  it('scores a model that answers from the wiki and one that guesses, side by side', async () => {
    server.handler = scriptedModel;
    const good = await runFor('test-model');
    const poor = await runFor('other-model');
    expect(good.summary).toMatchObject({ questions: 3, answerable: 2, unanswerable: 1, supportRate: 1, citationPrecision: 1, citationRecall: 1, refusalAccuracy: 1, falseRefusals: 0, tokensPerQuestion: 120, msPerQuestion: 50 });
    expect(good.summary.f1).toBeGreaterThan(0.6);
    expect(good.items[0].f1).toBe(1);
    expect(poor.summary).toMatchObject({ supportRate: 0, citationPrecision: 0, citationRecall: 0, refusalAccuracy: 0 });
    expect(poor.summary.f1).toBeLessThan(0.2);

    const text = evalText([good.summary, poor.summary]);
    expect(text.split('\n')[0]).toMatch(/test-model\s+other-model$/);
    expect(text).toMatch(/Refusal accuracy\s+1\.00\s+0\.00/);
    const note = evalReportNote([poor, good], 'Model evaluation', '2026-12-05');
    expect(note).toContain('| Supported answers | 0.00 | 1.00 |');
    expect(note).toContain('████████████████████ 1.00');
    expect(note).toContain('**Who invented the levain?** (unanswerable, [[wiki/concepts/Levain]])');
  });

  it('computes SQuAD token F1', () => {
    expect(tokenF1('The levain is mixed [[wiki/a#b]].', 'levain is mixed')).toBe(1);
    expect(tokenF1('mixed at night', 'mixed 8 hours before')).toBeCloseTo(2 / 7, 5);
    expect(tokenF1('', 'x')).toBe(0);
  });
});
