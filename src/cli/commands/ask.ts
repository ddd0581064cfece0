import { ResearchAgent, SavedAnswer, saveRefusal, type AskResult, type AskStep, type ResearchAgentOptions, type SaveRefusal } from '../../core/ask';
import { systemClock } from '../../core/ports/clock';
import { VaultIndex } from '../../core/search';
import { ENDPOINT_OPTIONS, flagBool, flagInt, UsageError } from '../args';
import type { CliCommand } from '../command';
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
    { name: 'no-tools', type: 'boolean', description: 'the model cannot call tools: retrieve excerpts, then answer' },
    { name: 'max-steps', type: 'string', value: 'N', default: '8', description: 'rounds of tool calls before the model must answer' },
    {
      name: 'save',
      type: 'boolean',
      description: [
        'file the answer into the wiki (wiki/outputs/, index and log). Only a complete',
        'answer is saved: not one cut off by the network or an error, stopped, or ended',
        'by --max-steps, and not one whose cited links all miss. A different note at the',
        'same name (even an earlier answer to the same question) is kept: the answer',
        'gets a numbered name, "<question> (2).md".',
      ].join('\n'),
    },
    { name: 'quiet', type: 'boolean', description: 'do not print the research steps on stderr' },
    { name: 'web', type: 'boolean', description: 'let the research search and read the web too (needs a web search provider)' },
    ...WEB_OPTIONS,
    ...EMBED_OPTIONS,
    ...ENDPOINT_OPTIONS,
  ],
  details: [
    'Exit codes: 0 answered (and saved, with --save), 1 endpoint failure, incomplete answer or answer not saved, 2 usage error, 130 stopped (Ctrl-C).',
  ].join('\n'),
  async run(ctx) {
    const words = [...ctx.args.positional];
    const question = words.join(' ').trim();
    if (!question) throw new UsageError('give the question, e.g. scriptorium ask --vault . "How does X work?"');
    const settings = await ctx.settings();
    let web: ResearchAgentOptions['web'];
    if (flagBool(ctx.args, 'web')) {
      if (flagBool(ctx.args, 'no-tools')) throw new UsageError('--web needs the model to call tools (web_search, web_read); leave out --no-tools');
      const found = await cliWeb(ctx);
      if (!found.provider) throw new UsageError('--web needs a web search provider: pass --web-provider (searxng, brave, tavily, custom) and --web-url, set SCRIPTORIUM_WEB_PROVIDER, or choose one in Settings → Scriptorium → Web');
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
        if (verbose && event.type === 'mode' && event.mode === 'retrieve') ctx.io.err('  (the model cannot call tools here: answering from search results)');
      },
    });

    const save = flagBool(ctx.args, 'save');
    // An incomplete answer is shown, marked as such, and never filed into the wiki.
    const refusal = save ? saveRefusal(result) : null;
    const incomplete = result.incomplete ? (saveRefusal(result) as SaveRefusal) : null;
    const limitNote =
      result.limited === 'steps'
        ? 'The research reached its step limit (--max-steps) before the model was done: the answer may leave out what it had not read yet.'
        : result.limited === 'tokens'
          ? 'The research used up its token budget before the model was done: the answer may leave out what it had not read yet.'
          : null;

    if (ctx.json) {
      ctx.io.out(JSON.stringify(askJson(result), null, 2));
    } else {
      const valid = result.citations.filter((c) => c.valid);
      const invalid = result.citations.filter((c) => !c.valid);
      const lines = [result.answer.trim() === '' ? '(no answer)' : result.answer.trim()];
      if (incomplete) lines.push('', `[Incomplete answer] ${incomplete.message}`);
      else if (limitNote) lines.push('', `[Possibly incomplete] ${limitNote}`);
      if (valid.length > 0) lines.push('', 'Sources:', ...valid.map((c) => `  ${c.path}${c.heading ? ` § ${c.heading}` : ''}`));
      if (invalid.length > 0) lines.push('', 'Unverified (not found in the vault):', ...invalid.map((c) => `  ${c.link}`));
      const webRead = (result.webCitations ?? []).filter((c) => c.valid);
      const webUnread = (result.webCitations ?? []).filter((c) => !c.valid);
      if (webRead.length > 0) lines.push('', 'Web sources (read):', ...webRead.map((c) => `  ${c.url}`));
      if (webUnread.length > 0) lines.push('', 'Unverified web addresses (not read by the research):', ...webUnread.map((c) => `  ${c.url}`));
      lines.push('', `${result.steps.length} step${result.steps.length === 1 ? '' : 's'}, ${result.usage.promptTokens} prompt + ${result.usage.completionTokens} completion tokens`);
      ctx.io.out(lines.join('\n'));
    }

    if (result.incomplete === 'stopped') {
      ctx.io.err(`scriptorium ask: stopped before the answer was complete; ${save ? 'it was not saved, ' : ''}nothing was written.`);
      return STOPPED;
    }
    if (refusal) {
      const advice = refusal.reason === 'steps' ? 'Ask again with a higher --max-steps, or a narrower question.' : refusal.advice;
      const what = incomplete ? `the answer is incomplete and was not saved: ${refusal.message}` : `the answer was not saved: ${refusal.message}`;
      ctx.io.err(`scriptorium ask: ${what} Nothing was written. ${advice}`);
      return 1;
    }
    if (incomplete) {
      const again = result.incomplete === 'connection' ? 'Ask the question again; if it keeps happening, check that the model server is still running.' : 'Ask the question again.';
      ctx.io.err(`scriptorium ask: the answer is incomplete: ${incomplete.message} ${again}`);
      return 1;
    }
    if (save) {
      try {
        const writer = await ctx.writer();
        const saved = await new SavedAnswer({ writer, vault: ctx.vault, clock: systemClock }).save(result, { signal: ctx.signal });
        const earlier = saved.earlier.length > 0 ? ` (an earlier, different answer to this question stays in ${saved.earlier.join(', ')})` : '';
        const line = saved.written ? `Saved to ${saved.path}${earlier}` : `Already saved: ${saved.path} holds this same answer; nothing was written.`;
        if (ctx.json) ctx.io.err(line);
        else ctx.io.out(line);
      } catch (error) {
        // The answer is printed above either way; say plainly that it is not in the wiki.
        const message = error instanceof Error ? error.message : String(error);
        ctx.io.err(`scriptorium ask: the answer was not saved: ${message}`);
        return 1;
      }
    }
    return 0;
  },
};
