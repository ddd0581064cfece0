import { PlanError } from '../../core/plan';
import { flagBool } from '../args';
import type { CliCommand } from '../command';

export const undoCommand: CliCommand = {
  name: 'undo',
  summary: 'Undo the last applied change plan (compile, saved answer, render, lint fix)',
  options: [
    { name: 'list', type: 'boolean', description: 'show the plans that can be undone' },
    { name: 'force', type: 'boolean', description: 'undo even when a file changed since the plan wrote it' },
  ],
  details: [
    'Restores the exact previous bytes of every file the last plan wrote (created files are removed).',
    'Refuses when one of them changed since, unless --force. --list shows the plans that can be undone.',
  ].join('\n'),
  async run(ctx) {
    const writer = await ctx.writer();
    if (flagBool(ctx.args, 'list')) {
      const history = await writer.history();
      ctx.print(history, () =>
        history.length === 0
          ? 'Nothing to undo.'
          : history.map((h) => `${new Date(h.appliedAt).toISOString().slice(0, 16).replace('T', ' ')}  ${h.operation ?? ''}  ${h.title}  (${h.paths.length} files)`).join('\n'),
      );
      return 0;
    }
    // An undo interrupted earlier (killed, a full disk) was just completed by start-up recovery: that
    // was the undo asked for before, so this request is answered by it, not by undoing one plan more.
    const finished = ctx.recovered?.plans.find((p) => p.kind === 'undo' && p.failed.length === 0);
    if (finished) {
      const done = { planId: finished.planId, title: finished.title, appliedAt: finished.appliedAt, paths: finished.paths, operation: finished.operation, removed: finished.removed, completedInterrupted: true };
      ctx.print(done, () => `Undone: ${finished.title} (the undo that was interrupted earlier is now complete; no other plan was undone)`);
      return 0;
    }
    try {
      const undone = await writer.undo({ force: flagBool(ctx.args, 'force'), signal: ctx.signal });
      ctx.print(undone, () => [`Undone: ${undone.title}${undone.completedInterrupted ? ' (the undo that was interrupted earlier is now complete; no other plan was undone)' : ''}`, ...undone.paths.map((p) => `  ${undone.removed?.includes(p) ? 'removed' : 'restored'} ${p}`)].join('\n'));
      return 0;
    } catch (error) {
      if (error instanceof PlanError) {
        ctx.io.err(`scriptorium undo: ${error.message}${error.kind === 'conflict' ? ' Pass --force to undo anyway.' : ''}`);
        return error.kind === 'nothing_to_undo' ? 0 : 1;
      }
      throw error;
    }
  },
};
