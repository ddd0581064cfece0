import { planTidy } from '../../core/compile';
import { unifiedDiff } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import { ENDPOINT_OPTIONS, flagBool } from '../args';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { noteArgument } from './slides';

/** The `--json` shape of tidy. */
export interface TidyJson {
  path: string;
  status: 'applied' | 'planned' | 'refused';
  message: string;
  planId: string | null;
  diff: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

export const tidyCommand: CliCommand = {
  name: 'tidy',
  summary: 'Reorganise a grown concept article under clear headings; refused if the model drops any text',
  operands: 'NOTE',
  options: [{ name: 'dry-run', type: 'boolean', description: en['cli.option.tidy.dryRun'], descriptionKey: 'cli.option.tidy.dryRun' }, ...ENDPOINT_OPTIONS],
  details: (t) => t('cli.details.tidy'),
  async run(ctx) {
    const path = await noteArgument(ctx, ctx.args.positional[0]);
    const dryRun = flagBool(ctx.args, 'dry-run');
    const settings = await ctx.settings();
    const writer = await ctx.writer();
    const result = await planTidy({ vault: ctx.vault, writer, llm: await ctx.llm(), clock: systemClock, wikiFolder: settings.wikiFolder, signal: ctx.signal }, path);
    const usage = result.usage ? { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens } : null;
    if (result.status === 'refused') {
      const json: TidyJson = { path: result.path, status: 'refused', message: result.message, planId: null, diff: null, usage };
      ctx.print(json, () => ctx.t('cli.tidy.refused', { message: result.message }));
      return 1;
    }
    const change = result.plan.changes.find((c) => c.path === result.path);
    const diff = change ? unifiedDiff(change.path, change.before, change.after) : '';
    const review = change?.needsReview === true;
    const apply = !dryRun && !review && change !== undefined;
    if (apply) await writer.apply(result.plan, { signal: ctx.signal });
    const message = review
      ? ctx.t('cli.tidy.review', { path: result.path })
      : change === undefined
        ? ctx.t('cli.tidy.notChanged', { problems: result.plan.problems.map((p) => p.message).join(' ') || ctx.t('cli.tidy.nothingToChange') })
        : apply
          ? ctx.t('cli.tidy.applied', { path: result.path })
          : ctx.t('cli.tidy.dryRun', { path: result.path });
    const json: TidyJson = { path: result.path, status: apply ? 'applied' : review || change === undefined ? 'refused' : 'planned', message, planId: result.plan.id, diff: diff || null, usage };
    ctx.print(json, () => [...(diff && !apply ? [diff] : []), message].join('\n'));
    return apply || (dryRun && !review && change !== undefined) ? 0 : 1;
  },
};
