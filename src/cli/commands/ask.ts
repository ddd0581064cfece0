import { ResearchAgent, SavedAnswer, saveRefusal, type AskResult, type AskStep, type ResearchAgentOptions, type SaveRefusal } from '../../core/ask';
import { systemClock } from '../../core/ports/clock';
import { VaultIndex } from '../../core/search';
import { ENDPOINT_OPTIONS, flagBool, flagInt, UsageError } from '../args';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { counted } from '../counted';
import { STOPPED, type CliContext } from '../context';
import { cliWeb, WEB_OPTIONS } from './clip';
import { EMBED_OPTIONS, searchWithMeaning } from '../embeddings';

/** The `--json` shape, exactly as documented: programs rely on it. */
interface AskJson {
  answer: string;
  citations: { link: string; path: string | null; heading: string | null; valid: boolean }[];
  steps: { tool: string; args: Record<string, unknown>; resultSummary: string }[];
  usage: { promptTokens: number; completionTokens: number };
  /** With --web only: the web addresses the answer cites, each valid when the research read that page. */
  webCitations?: { url: string; valid: boolean }[];
}

export function askJson(result: AskResult): AskJson {
  return {
    answer: result.answer,
    citations: result.citations.map((c) => ({ link: c.link, path: c.path, heading: c.heading, valid: c.valid })),
    steps: result.steps.map((s) => ({ tool: s.tool, args: s.args, resultSummary: s.resultSummary })),
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
    ...(result.webCitations ? { webCitations: result.webCitations.map((c) => ({ url: c.url, valid: c.valid })) } : {}),
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
  const report = await index.sync(ctx.signal);
  // Saving the refreshed cache makes the next run (or the plugin's start-up) cheaper.
  if (report.added + report.updated + report.removed > 0) await index.persist().catch(() => undefined);
  return index;
}

export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'Ask a question; the model researches the vault and answers with checked citations',
  operands: 'QUESTION',
  options: [
    { name: 'no-tools', type: 'boolean', description: en['cli.option.ask.noTools'], descriptionKey: 'cli.option.ask.noTools' },
    { name: 'max-steps', type: 'string', value: 'N', default: '8', description: en['cli.option.ask.maxSteps'], descriptionKey: 'cli.option.ask.maxSteps' },
    { name: 'save', type: 'boolean', description: en['cli.option.ask.save'], descriptionKey: 'cli.option.ask.save' },
    { name: 'quiet', type: 'boolean', description: en['cli.option.ask.quiet'], descriptionKey: 'cli.option.ask.quiet' },
    { name: 'web', type: 'boolean', description: en['cli.option.ask.web'], descriptionKey: 'cli.option.ask.web' },
    ...WEB_OPTIONS,
    ...EMBED_OPTIONS,
    ...ENDPOINT_OPTIONS,
  ],
  details: (t) => t('cli.details.ask'),
  async run(ctx) {
    const words = [...ctx.args.positional];
    const question = words.join(' ').trim();
    if (!question) throw new UsageError(ctx.t('cli.ask.noQuestion'));
    const settings = await ctx.settings();
    let web: ResearchAgentOptions['web'];
    if (flagBool(ctx.args, 'web')) {
      if (flagBool(ctx.args, 'no-tools')) throw new UsageError(ctx.t('cli.ask.webNoTools'));
      const found = await cliWeb(ctx);
      if (!found.provider) throw new UsageError(ctx.t('cli.ask.webNoProvider'));
      web = { provider: found.provider, reader: found.reader, maxCalls: found.settings.maxCallsPerRun };
    }
    const client = await ctx.llm();
    const search = await searchWithMeaning(ctx, await openIndex(ctx));
    const agent = new ResearchAgent({
      client,
      search,
      vault: ctx.vault,
      wikiFolder: settings.wikiFolder,
      rawFolder: settings.rawFolder,
      maxSteps: flagInt(ctx.args, 'max-steps', 8),
      useTools: !flagBool(ctx.args, 'no-tools'),
      ...(web ? { web } : {}),
    });
    const verbose = !ctx.json && !ctx.args.flags.has('quiet');
    const result = await agent.ask({
      signal: ctx.signal,
      question,
      onEvent: (event) => {
        if (verbose && event.type === 'step') ctx.io.err(stepLine(event.step));
        if (verbose && event.type === 'mode' && event.mode === 'retrieve') ctx.io.err(ctx.t('cli.ask.retrieveMode'));
      },
    });

    const save = flagBool(ctx.args, 'save');
    // An incomplete answer is shown, marked as such, and never filed into the wiki.
    const refusal = save ? saveRefusal(result) : null;
    const incomplete = result.incomplete ? (saveRefusal(result) as SaveRefusal) : null;
    const limitNote =
      result.limited === 'steps'
        ? ctx.t('cli.ask.limitSteps')
        : result.limited === 'tokens'
          ? ctx.t('cli.ask.limitTokens')
          : null;

    if (ctx.json) {
      ctx.io.out(JSON.stringify(askJson(result), null, 2));
    } else {
      const valid = result.citations.filter((c) => c.valid);
      const invalid = result.citations.filter((c) => !c.valid);
      const lines = [result.answer.trim() === '' ? ctx.t('cli.ask.noAnswer') : result.answer.trim()];
      if (incomplete) lines.push('', ctx.t('cli.ask.incomplete', { message: incomplete.message }));
      else if (limitNote) lines.push('', ctx.t('cli.ask.possiblyIncomplete', { note: limitNote }));
      if (valid.length > 0) lines.push('', ctx.t('cli.ask.sources'), ...valid.map((c) => `  ${c.path}${c.heading ? ` § ${c.heading}` : ''}`));
      if (invalid.length > 0) lines.push('', ctx.t('cli.ask.unverified'), ...invalid.map((c) => `  ${c.link}`));
      const webRead = (result.webCitations ?? []).filter((c) => c.valid);
      const webUnread = (result.webCitations ?? []).filter((c) => !c.valid);
      if (webRead.length > 0) lines.push('', ctx.t('cli.ask.webRead'), ...webRead.map((c) => `  ${c.url}`));
      if (webUnread.length > 0) lines.push('', ctx.t('cli.ask.webUnread'), ...webUnread.map((c) => `  ${c.url}`));
      lines.push('', ctx.t('cli.ask.usage', { steps: counted(ctx.t, result.steps.length, 'step'), prompt: result.usage.promptTokens, completion: result.usage.completionTokens }));
      ctx.io.out(lines.join('\n'));
    }

    if (result.incomplete === 'stopped') {
      ctx.io.err(`scriptorium ask: ${ctx.t(save ? 'cli.ask.stoppedNotSaved' : 'cli.ask.stopped')}`);
      return STOPPED;
    }
    if (refusal) {
      const advice = refusal.reason === 'steps' ? ctx.t('cli.ask.adviceSteps') : refusal.advice;
      ctx.io.err(`scriptorium ask: ${ctx.t(incomplete ? 'cli.ask.incompleteNotSaved' : 'cli.ask.notSavedBecause', { message: refusal.message, advice })}`);
      return 1;
    }
    if (incomplete) {
      const again = ctx.t(result.incomplete === 'connection' ? 'cli.ask.againConnection' : 'cli.ask.again');
      ctx.io.err(`scriptorium ask: ${ctx.t('cli.ask.incompleteAnswer', { message: incomplete.message, again })}`);
      return 1;
    }
    if (save) {
      try {
        const writer = await ctx.writer();
        const saved = await new SavedAnswer({ writer, vault: ctx.vault, clock: systemClock }).save(result, { signal: ctx.signal });
        const line = !saved.written
          ? ctx.t('cli.ask.alreadySaved', { path: saved.path })
          : saved.earlier.length > 0
            ? ctx.t('cli.ask.savedEarlier', { path: saved.path, earlier: saved.earlier.join(', ') })
            : ctx.t('cli.ask.saved', { path: saved.path });
        if (ctx.json) ctx.io.err(line);
        else ctx.io.out(line);
      } catch (error) {
        // The answer is printed above either way; say plainly that it is not in the wiki.
        const message = error instanceof Error ? error.message : String(error);
        ctx.io.err(`scriptorium ask: ${ctx.t('cli.ask.notSaved', { error: message })}`);
        return 1;
      }
    }
    return 0;
  },
};
