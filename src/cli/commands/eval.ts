import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ResearchAgent } from '../../core/ask';
import { VaultIndex } from '../../core/search';
import { evalText, evaluate, readPairs, type EvalReport, type EvalSummary } from '../../core/synth';
import { ENDPOINT_OPTIONS, flagBool, flagInt, flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import { STOPPED, type CliContext } from '../context';

/** The pairs file of --set: a pairs.jsonl, or a dataset folder holding one. */
function setFile(given: string): string {
  const abs = path.resolve(given);
  if (!existsSync(abs)) throw new UsageError(`--set: "${given}" does not exist; give the pairs.jsonl of a dataset (scriptorium synth --out DIR) or its folder`);
  if (statSync(abs).isDirectory()) {
    const inside = path.join(abs, 'pairs.jsonl');
    if (!existsSync(inside)) throw new UsageError(`--set: the folder "${given}" has no pairs.jsonl; make one with scriptorium synth --out "${given}"`);
    return inside;
  }
  return abs;
}

/** A summary saved by an earlier `eval --json`, to compare with. */
function readSummary(file: string): EvalSummary {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new UsageError(`--compare: "${file}" is not the JSON of an earlier "scriptorium eval --json" (${error instanceof Error ? error.message : String(error)})`);
  }
  const summary = (value as { summary?: EvalSummary } | null)?.summary;
  if (!summary || typeof summary.model !== 'string' || typeof summary.f1 !== 'number') {
    throw new UsageError(`--compare: "${file}" has no summary; save one with scriptorium eval --json > FILE`);
  }
  return summary;
}

async function openIndex(ctx: CliContext): Promise<VaultIndex> {
  const settings = await ctx.settings();
  const index = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings });
  await index.load();
  await index.sync(ctx.signal);
  return index;
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: "Score a model's answers on the wiki against a synth dataset's validation pairs",
  operands: '',
  options: [
    { name: 'set', type: 'string', value: 'FILE', description: 'pairs.jsonl of a dataset made by scriptorium synth, or its folder' },
    { name: 'split', type: 'string', value: 'NAME', default: 'valid', description: 'which pairs: valid, train or all' },
    { name: 'limit', type: 'string', value: 'N', default: '0', description: 'at most N questions (0: all)' },
    { name: 'compare', type: 'string', value: 'FILE', description: 'an earlier eval --json output to show side by side (before and after a fine-tune)' },
    { name: 'no-tools', type: 'boolean', description: 'the model cannot call tools: retrieve excerpts, then answer' },
    { name: 'max-steps', type: 'string', value: 'N', default: '8', description: 'rounds of tool calls before the model must answer' },
    ...ENDPOINT_OPTIONS,
  ],
  details: [
    'The research agent answers each question. Reported: token F1 against the reference answer, the share',
    'of answers the reference\'s cited sections support, citation precision (cited notes that are the',
    "pair's article, its cited notes or their links) and recall, refusal accuracy on unanswerable",
    'questions, false refusals, tokens and time per question. Exit codes: 0 ok, 1 endpoint failure, 2 usage, 130 stopped.',
  ].join('\n'),
  async run(ctx) {
    const given = flagString(ctx.args, 'set');
    if (!given) throw new UsageError('--set FILE is required: the pairs.jsonl of a dataset made by scriptorium synth');
    const split = flagString(ctx.args, 'split') ?? 'valid';
    if (split !== 'valid' && split !== 'train' && split !== 'all') throw new UsageError(`--split must be valid, train or all, not "${split}"`);
    const compare = flagString(ctx.args, 'compare');
    const earlier = compare ? readSummary(compare) : undefined;
    const { pairs, skipped } = readPairs(readFileSync(setFile(given), 'utf8'));
    let items = split === 'all' ? pairs : pairs.filter((p) => p.split === split);
    const limit = flagInt(ctx.args, 'limit', 0);
    if (limit > 0) items = items.slice(0, limit);
    if (items.length === 0) throw new UsageError(`--set: no ${split === 'all' ? '' : `${split} `}pairs in "${given}"${skipped > 0 ? ` (${skipped} lines were not pairs)` : ''}`);
    const settings = await ctx.settings();
    const client = await ctx.llm();
    const agent = new ResearchAgent({
      client,
      search: await openIndex(ctx),
      vault: ctx.vault,
      wikiFolder: settings.wikiFolder,
      rawFolder: settings.rawFolder,
      maxSteps: flagInt(ctx.args, 'max-steps', 8),
      useTools: !flagBool(ctx.args, 'no-tools'),
    });
    let done = 0;
    const report: EvalReport = await evaluate(items, { agent, vault: ctx.vault, wikiFolder: settings.wikiFolder, model: client.model }, {
      signal: ctx.signal,
      onItem: (item) => {
        if (!ctx.json) ctx.io.err(`[${++done}/${items.length}] ${item.kind === 'unanswerable' ? (item.refused ? 'refused ✓' : 'answered ✗') : `F1 ${(item.f1 ?? 0).toFixed(2)}${item.supported ? ' supported' : ''}`}  ${item.question}`);
      },
    });
    ctx.print({ ...report, ...(earlier ? { compare: earlier } : {}) }, () => evalText(earlier ? [earlier, report.summary] : [report.summary]));
    if (report.stopped) {
      ctx.io.err(`scriptorium eval: stopped after ${report.items.length} of ${items.length} questions; the scores above cover those.`);
      return STOPPED;
    }
    return 0;
  },
};
