import { PlanError, type PlanOperation } from '../../core/plan';
import { flagBool } from '../args';
import type { MessageKey } from '../../i18n';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { counted } from '../counted';

/** What kind of change a plan in the history was, for a person (the log and --json keep the id). */
const OPERATION = {
  compile: 'cli.undo.op.compile',
  'save-answer': 'cli.undo.op.saveAnswer',
  render: 'cli.undo.op.render',
  lint: 'cli.undo.op.lint',
  'lint-fix': 'cli.undo.op.lintFix',
  index: 'cli.undo.op.index',
  'download-images': 'cli.undo.op.downloadImages',
  clip: 'cli.undo.op.clip',
} as const satisfies Record<PlanOperation, MessageKey>;

export const undoCommand: CliCommand = {
  name: 'undo',
  summary: 'Undo the last applied change plan (compile, saved answer, render, lint fix)',
  options: [
    { name: 'list', type: 'boolean', description: en['cli.option.undo.list'], descriptionKey: 'cli.option.undo.list' },
    { name: 'force', type: 'boolean', description: en['cli.option.undo.force'], descriptionKey: 'cli.option.undo.force' },
  ],
  details: (t) => t('cli.details.undo'),
  async run(ctx) {
    const writer = await ctx.writer();
    if (flagBool(ctx.args, 'list')) {
      const history = await writer.history();
      ctx.print(history, () =>
        history.length === 0
          ? ctx.t('cli.undo.nothing')
          : history
              .map((h) =>
                ctx.t('cli.undo.historyLine', {
                  when: new Date(h.appliedAt).toISOString().slice(0, 16).replace('T', ' '),
                  operation: h.operation ? ctx.t(OPERATION[h.operation]) : '',
                  title: h.title,
                  files: counted(ctx.t, h.paths.length, 'file'),
                }),
              )
              .join('\n'),
      );
      return 0;
    }
    // An undo interrupted earlier (killed, a full disk) was just completed by start-up recovery: that
    // was the undo asked for before, so this request is answered by it, not by undoing one plan more.
    const finished = ctx.recovered?.plans.find((p) => p.kind === 'undo' && p.failed.length === 0);
    if (finished) {
      const done = { planId: finished.planId, title: finished.title, appliedAt: finished.appliedAt, paths: finished.paths, operation: finished.operation, removed: finished.removed, completedInterrupted: true };
      ctx.print(done, () => ctx.t('cli.undo.undoneInterrupted', { title: finished.title }));
      return 0;
    }
    try {
      const undone = await writer.undo({ force: flagBool(ctx.args, 'force'), signal: ctx.signal });
      ctx.print(undone, () =>
        [
          ctx.t(undone.completedInterrupted ? 'cli.undo.undoneInterrupted' : 'cli.undo.undone', { title: undone.title }),
          ...undone.paths.map((p) => ctx.t(undone.removed?.includes(p) ? 'cli.undo.removed' : 'cli.undo.restored', { path: p })),
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      if (error instanceof PlanError) {
        ctx.io.err(`scriptorium undo: ${error.kind === 'conflict' ? ctx.t('cli.undo.passForce', { error: error.message }) : error.message}`);
        return error.kind === 'nothing_to_undo' ? 0 : 1;
      }
      throw error;
    }
  },
};
