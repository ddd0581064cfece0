import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ResearchAgent } from '../../core/ask';
import { VaultIndex } from '../../core/search';
import { evalText, evaluate, readPairs, type EvalReport, type EvalSummary } from '../../core/synth';
import { ENDPOINT_OPTIONS, flagBool, flagInt, flagString, UsageError } from '../args';
import { createTranslator, type Translate } from '../../i18n';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { STOPPED, type CliContext } from '../context';

/** The pairs file of --set: a pairs.jsonl, or a dataset folder holding one. */
function setFile(given: string, t: Translate = createTranslator('en')): string {
  const abs = path.resolve(given);
  if (!existsSync(abs)) throw new UsageError(t('cli.eval.setMissing', { set: given }));
  if (statSync(abs).isDirectory()) {
    const inside = path.join(abs, 'pairs.jsonl');
    if (!existsSync(inside)) throw new UsageError(t('cli.eval.setNoPairs', { set: given }));
    return inside;
  }
  return abs;
}

/** A summary saved by an earlier `eval --json`, to compare with. */
function readSummary(file: string, t: Translate = createTranslator('en')): EvalSummary {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new UsageError(t('cli.eval.compareNotJson', { file, error: error instanceof Error ? error.message : String(error) }));
  }
  const summary = (value as { summary?: EvalSummary } | null)?.summary;
  if (!summary || typeof summary.model !== 'string' || typeof summary.f1 !== 'number') {
    throw new UsageError(t('cli.eval.compareNoSummary', { file }));
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
    { name: 'set', type: 'string', value: 'FILE', description: en['cli.option.eval.set'], descriptionKey: 'cli.option.eval.set' },
    { name: 'split', type: 'string', value: 'NAME', default: 'valid', description: en['cli.option.eval.split'], descriptionKey: 'cli.option.eval.split' },
    { name: 'limit', type: 'string', value: 'N', default: '0', description: en['cli.option.eval.limit'], descriptionKey: 'cli.option.eval.limit' },
    { name: 'compare', type: 'string', value: 'FILE', description: en['cli.option.eval.compare'], descriptionKey: 'cli.option.eval.compare' },
    { name: 'no-tools', type: 'boolean', description: en['cli.option.ask.noTools'], descriptionKey: 'cli.option.ask.noTools' },
    { name: 'max-steps', type: 'string', value: 'N', default: '8', description: en['cli.option.ask.maxSteps'], descriptionKey: 'cli.option.ask.maxSteps' },
    ...ENDPOINT_OPTIONS,
  ],
  details: (t) => t('cli.details.eval'),
  async run(ctx) {
    const given = flagString(ctx.args, 'set');
    if (!given) throw new UsageError(ctx.t('cli.eval.setRequired'));
    const split = flagString(ctx.args, 'split') ?? 'valid';
    if (split !== 'valid' && split !== 'train' && split !== 'all') throw new UsageError(ctx.t('cli.eval.badSplit', { split }));
    const compare = flagString(ctx.args, 'compare');
    const earlier = compare ? readSummary(compare, ctx.t) : undefined;
    const { pairs, skipped } = readPairs(readFileSync(setFile(given, ctx.t), 'utf8'));
    let items = split === 'all' ? pairs : pairs.filter((p) => p.split === split);
    const limit = flagInt(ctx.args, 'limit', 0);
    if (limit > 0) items = items.slice(0, limit);
    if (items.length === 0) {
      const which = split === 'all' ? (skipped > 0 ? ctx.t('cli.eval.noPairsSkipped', { set: given, skipped }) : ctx.t('cli.eval.noPairs', { set: given })) : skipped > 0 ? ctx.t('cli.eval.noSplitPairsSkipped', { set: given, split, skipped }) : ctx.t('cli.eval.noSplitPairs', { set: given, split });
      throw new UsageError(which);
    }
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
        if (ctx.json) return;
        const f1 = (item.f1 ?? 0).toFixed(2);
        const score = item.kind === 'unanswerable' ? ctx.t(item.refused ? 'cli.eval.refused' : 'cli.eval.answered') : ctx.t(item.supported ? 'cli.eval.f1Supported' : 'cli.eval.f1', { f1 });
        ctx.io.err(`[${++done}/${items.length}] ${score}  ${item.question}`);
      },
    });
    ctx.print({ ...report, ...(earlier ? { compare: earlier } : {}) }, () => evalText(earlier ? [earlier, report.summary] : [report.summary]));
    if (report.stopped) {
      ctx.io.err(`scriptorium eval: ${ctx.t('cli.eval.stopped', { done: report.items.length, total: items.length })}`);
      return STOPPED;
    }
    return 0;
  },
};
