import { planTidy } from '../../core/compile';
import { unifiedDiff } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import { ENDPOINT_OPTIONS, flagBool } from '../args';
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
  options: [{ name: 'dry-run', type: 'boolean', description: 'print the diff; write nothing (the model is still called)' }, ...ENDPOINT_OPTIONS],
  details:
    'NOTE is a concept article in the wiki\'s concepts folder ("wiki/concepts/Tea.md" or "Tea"). The loss check must find every ' +
    'sentence, heading, citation and link of the old text in the tidied one, or the tidy is refused and the article kept. ' +
    'A locked article is refused; a person-edited one is shown for review and not applied. Exit 0 applied (or planned with --dry-run), 1 refused.',
  async run(ctx) {
    const path = await noteArgument(ctx, ctx.args.positional[0]);
    const dryRun = flagBool(ctx.args, 'dry-run');
    const settings = await ctx.settings();
    const writer = await ctx.writer();
    const result = await planTidy({ vault: ctx.vault, writer, llm: await ctx.llm(), clock: systemClock, wikiFolder: settings.wikiFolder, signal: ctx.signal }, path);
    const usage = result.usage ? { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens } : null;
    if (result.status === 'refused') {
      const json: TidyJson = { path: result.path, status: 'refused', message: result.message, planId: null, diff: null, usage };
      ctx.print(json, () => `Refused: ${result.message}`);
      return 1;
    }
    const change = result.plan.changes.find((c) => c.path === result.path);
    const diff = change ? unifiedDiff(change.path, change.before, change.after) : '';
    const review = change?.needsReview === true;
    const apply = !dryRun && !review && change !== undefined;
    if (apply) await writer.apply(result.plan, { signal: ctx.signal });
    const message = review
      ? `${result.path} was edited by a person, so its tidy is only proposed: review the diff and make the change by hand; nothing was written.`
      : change === undefined
        ? `${result.plan.problems.map((p) => p.message).join(' ') || 'nothing to change'}; nothing was written.`
        : apply
          ? `Tidied ${result.path}; nothing of the old text was lost. \`scriptorium undo\` takes it back.`
          : `Would tidy ${result.path} (dry run: nothing written).`;
    const json: TidyJson = { path: result.path, status: apply ? 'applied' : review || change === undefined ? 'refused' : 'planned', message, planId: result.plan.id, diff: diff || null, usage };
    ctx.print(json, () => [...(diff && !apply ? [diff] : []), message].join('\n'));
    return apply || (dryRun && !review && change !== undefined) ? 0 : 1;
  },
};
