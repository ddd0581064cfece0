import { ResearchAgent, SavedAnswer, type AskResult, type AskStep } from '../../core/ask';
import { systemClock } from '../../core/ports/clock';
import { VaultIndex } from '../../core/search';
import { flagBool, flagInt, UsageError } from '../args';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';

/** The `--json` shape, exactly as documented: programs rely on it. */
interface AskJson {
  answer: string;
  citations: { link: string; path: string | null; heading: string | null; valid: boolean }[];
  steps: { tool: string; args: Record<string, unknown>; resultSummary: string }[];
  usage: { promptTokens: number; completionTokens: number };
}

export function askJson(result: AskResult): AskJson {
  return {
    answer: result.answer,
    citations: result.citations.map((c) => ({ link: c.link, path: c.path, heading: c.heading, valid: c.valid })),
    steps: result.steps.map((s) => ({ tool: s.tool, args: s.args, resultSummary: s.resultSummary })),
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
  };
}

function stepLine(step: AskStep): string {
  const args = Object.entries(step.args)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`)
    .join(' ');
  return `  ${step.tool}${args ? ` ${args}` : ''} → ${step.resultSummary}`;
}

/** The index as the plugin left it (cache), brought up to date with the files on disk. */
async function openIndex(ctx: CliContext): Promise<VaultIndex> {
  const settings = await ctx.settings();
  const index = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings });
  await index.load();
  const report = await index.sync();
  // Saving the refreshed cache makes the next run (or the plugin's start-up) cheaper.
  if (report.added + report.updated + report.removed > 0) await index.persist().catch(() => undefined);
  return index;
}

export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'Ask a question; the model researches the vault and answers with checked citations',
  usage: [
    'scriptorium ask --vault DIR [--json] [--no-tools] [--max-steps N] [--save] QUESTION',
    '',
    '  --no-tools     the model cannot call tools: retrieve excerpts, then answer',
    '  --max-steps N  rounds of tool calls before the model must answer (default 8)',
    '  --save         file the answer into the wiki (wiki/outputs/, index and log)',
    '',
    'Exit codes: 0 answered, 1 endpoint failure or incomplete answer, 2 usage error.',
  ].join('\n'),
  async run(ctx) {
    const words = [...ctx.args.positional];
    const question = words.join(' ').trim();
    if (!question) throw new UsageError('give the question, e.g. scriptorium ask --vault . "How does X work?"');
    const settings = await ctx.settings();
    const client = await ctx.llm();
    const search = await openIndex(ctx);
    const agent = new ResearchAgent({
      client,
      search,
      vault: ctx.vault,
      wikiFolder: settings.wikiFolder,
      rawFolder: settings.rawFolder,
      maxSteps: flagInt(ctx.args, 'max-steps', 8),
      useTools: !flagBool(ctx.args, 'no-tools'),
    });
    const verbose = !ctx.json && !ctx.args.flags.has('quiet');
    const result = await agent.ask({
      question,
      onEvent: (event) => {
        if (verbose && event.type === 'step') ctx.io.err(stepLine(event.step));
        if (verbose && event.type === 'mode' && event.mode === 'retrieve') ctx.io.err('  (the model cannot call tools here: answering from search results)');
      },
    });

    let savedTo: string | undefined;
    if (flagBool(ctx.args, 'save') && result.answer.trim() !== '') {
      const writer = await ctx.writer();
      const plan = await new SavedAnswer({ writer, vault: ctx.vault, clock: systemClock }).plan(result);
      const applied = await writer.apply(plan);
      savedTo = applied.paths.find((p) => p.startsWith(`${settings.wikiFolder}/outputs/`));
    }

    if (ctx.json) {
      ctx.io.out(JSON.stringify(askJson(result), null, 2));
    } else {
      const valid = result.citations.filter((c) => c.valid);
      const invalid = result.citations.filter((c) => !c.valid);
      const lines = [result.answer.trim()];
      if (valid.length > 0) lines.push('', 'Sources:', ...valid.map((c) => `  ${c.path}${c.heading ? ` § ${c.heading}` : ''}`));
      if (invalid.length > 0) lines.push('', 'Unverified (not found in the vault):', ...invalid.map((c) => `  ${c.link}`));
      lines.push('', `${result.steps.length} steps, ${result.usage.promptTokens} prompt + ${result.usage.completionTokens} completion tokens`);
      if (savedTo) lines.push(`Saved to ${savedTo}`);
      ctx.io.out(lines.join('\n'));
    }
    if (result.incomplete) {
      ctx.io.err(`scriptorium ask: the answer is incomplete: ${result.error ?? 'stopped'}`);
      return 1;
    }
    return 0;
  },
};
