import { Notice } from 'obsidian';
import type { AppliedPlan, ApplyOptions, ChangePlan } from '../core/plan';
import type { PluginContext } from '../obsidian/plugin-context';
import type { Task } from './task-runner';
import { t } from '../i18n/plugin';

export interface ApplyPlanOptions {
  /**
   * How the plan is written: a compile run's own apply (it records compile state under the writer
   * lock), a health check fix's. Default: the shared writer's apply of the plan.
   */
  apply?: (options: ApplyOptions) => Promise<AppliedPlan>;
  /** The progress line shown while writing; none when omitted. */
  writing?: string;
  /**
   * The notice when the person cancels the preview. Default "nothing was written"; null for none
   * (a render that is not written says nothing).
   */
  cancelled?: string | null;
  /**
   * Paths the person already chose, written without a preview (a health check's index fix: the
   * click on the fix is the consent, and the preview would have nothing to tick).
   */
  chosen?: string[];
  /**
   * Writes even when the task was stopped: a stopped training-data run keeps the pairs it made.
   * Default false: a stop before writing (during the preview, say) writes nothing.
   */
  writeAfterStop?: boolean;
}

/**
 * The end of every command that writes a change plan: the preview unless auto-apply is on (its
 * ticks are what is written), a notice when the person cancels, the stop check, the "writing"
 * progress line, then the apply. Resolves with what was applied, or null when the preview was
 * cancelled (the notice has been shown); a stop rejects as the apply would, for the task's
 * `onError`. The caller keeps its own notice of what was written.
 */
export async function applyPlan(ctx: PluginContext, task: Task, plan: ChangePlan, options: ApplyPlanOptions = {}): Promise<AppliedPlan | null> {
  const { signal, progress } = task;
  let selected = options.chosen;
  if (!selected && !ctx.settings().autoApplyPlans) {
    const ticked = await ctx.preview(plan);
    if (ticked === null) {
      const cancelled = options.cancelled === undefined ? t('common.nothingWritten') : options.cancelled;
      if (cancelled !== null) new Notice(cancelled);
      return null;
    }
    selected = ticked;
  }
  if (!options.writeAfterStop) signal.throwIfAborted();
  if (options.writing !== undefined) progress(options.writing);
  const applyOptions: ApplyOptions = { signal, ...(selected ? { selectedPaths: selected } : {}) };
  return options.apply ? options.apply(applyOptions) : ctx.writer.apply(plan, applyOptions);
}
