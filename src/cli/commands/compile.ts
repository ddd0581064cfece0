import { Compiler, CONFIRM_ABOVE, costConfirmation, type CompileEstimate, type CompileRun } from '../../core/compile';
import { LlmError, type LlmClient } from '../../core/llm';
import { PlanError, unifiedDiff, type AppliedPlan } from '../../core/plan';
import { systemClock } from '../../core/ports';
import { ENDPOINT_OPTIONS, flagBool, flagInt, UsageError } from '../args';
import type { Translate } from '../../i18n';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { counted } from '../counted';
import { STOPPED } from '../context';
import { cliSourceEngines } from '../source-engines';
import { confirm } from '../confirm';

function estimateLine(e: CompileEstimate, t: Translate): string {
  return t('cli.compile.estimate', {
    sources: counted(t, e.toCompile.length, 'source'),
    calls: counted(t, e.modelCalls, 'modelCall'),
    prompt: e.promptTokens.toLocaleString('en'),
    completion: e.completionTokens.toLocaleString('en'),
    images: e.images ? t('cli.compile.estimate.more', { what: counted(t, e.images, 'image') }) : '',
    unchanged: e.upToDate.length,
    problems: e.problems.length ? t('cli.compile.estimate.more', { what: counted(t, e.problems.length, 'problem') }) : '',
    skipped: e.skipped.length ? t('cli.compile.estimate.skipped', { count: e.skipped.length }) : '',
  });
}

/** The failed sources in one sentence: "2 of 2 sources failed: raw/a.md: …; raw/b.md: …". */
function failuresLine(run: CompileRun, t: Translate): string {
  const failed = run.sources.filter((s) => s.status === 'failed');
  const list = failed.map((f) => t('cli.compile.failedItem', { path: f.path, error: (f.error ?? t('cli.compile.failedNoReason')).replace(/[.。]$/, '') })).join(t('cli.compile.failedSeparator'));
  return t('cli.compile.failures', { failed: failed.length, sources: counted(t, run.sources.length, 'source'), list });
}

function planText(run: CompileRun, withDiffs: boolean, t: Translate): string[] {
  const lines: string[] = [];
  const plan = run.plan;
  const sign = { create: '+', modify: '~', delete: '-' } as const;
  for (const c of plan.changes) {
    lines.push(t('cli.plan.changeLine', { sign: sign[c.action], path: c.path, mark: c.needsReview ? t('cli.compile.needsReviewMark') : '', reason: c.reason }));
    if (withDiffs) {
      const diff = unifiedDiff(c.path, c.before, c.after);
      if (diff) lines.push(...diff.split('\n').map((l) => `    ${l}`), '');
    }
  }
  return lines;
}

function problemsText(run: CompileRun, t: Translate, except: ReadonlySet<string> = new Set()): string[] {
  return run.plan.problems.filter((p) => !except.has(p.subject)).map((p) => t('cli.plan.problemLine', { subject: p.subject, message: p.message }));
}

/** Files of kinds no reader takes: listed with the reason, never an error. */
function skippedText(run: CompileRun, t: Translate): string[] {
  return run.skipped.map((f) => t('cli.compile.skippedFile', { path: f.path, reason: f.reason }));
}

function usageLine(run: CompileRun, t: Translate): string {
  return t('cli.compile.usage', { calls: counted(t, run.modelCalls, 'modelCall'), prompt: run.usage.promptTokens.toLocaleString('en'), completion: run.usage.completionTokens.toLocaleString('en') });
}

/** The `--help` details, with the confirmation limits filled in. */
function details(t: Translate): string {
  return t('cli.details.compile', { sources: CONFIRM_ABOVE.sources, calls: CONFIRM_ABOVE.modelCalls, tokens: CONFIRM_ABOVE.promptTokens.toLocaleString('en') });
}

export const compileCommand: CliCommand = {
  name: 'compile',
  summary: 'Compile raw notes into wiki articles (applies the change plan; --dry-run to preview)',
  operands: '[PATHS…]',
  options: [
    { name: 'dry-run', type: 'boolean', description: en['cli.option.compile.dryRun'], descriptionKey: 'cli.option.compile.dryRun' },
    { name: 'yes', type: 'boolean', description: en['cli.option.compile.yes'], descriptionKey: 'cli.option.compile.yes' },
    { name: 'force', type: 'boolean', description: en['cli.option.compile.force'], descriptionKey: 'cli.option.compile.force' },
    { name: 'concurrency', type: 'string', value: 'N', description: en['cli.option.compile.concurrency'], descriptionKey: 'cli.option.compile.concurrency' },
    ...ENDPOINT_OPTIONS,
  ],
  details,
  async run(ctx) {
    const settings = await ctx.settings();
    const dryRun = flagBool(ctx.args, 'dry-run');
    const concurrency = flagInt(ctx.args, 'concurrency', settings.maxConcurrentRequests);
    if (concurrency < 1) throw new UsageError(ctx.t('cli.compile.concurrencyTooSmall'));
    let llm: LlmClient | undefined;
    const compiler = new Compiler({
      vault: ctx.vault,
      state: ctx.state,
      clock: systemClock,
      // Resolved only when a note needs the model: an up-to-date folder needs no endpoint at all.
      llm: () => {
        if (!llm) throw new UsageError(ctx.t('cli.compile.noEndpoint'));
        return llm;
      },
      settings: { ...settings, maxConcurrentRequests: concurrency, vision: ctx.vision(settings) },
      writer: await ctx.writer(),
      engines: cliSourceEngines(),
    });
    const paths = ctx.args.positional;
    const force = flagBool(ctx.args, 'force');
    const estimate = await compiler.estimate(paths, { force });
    const say = (text: string) => {
      if (!ctx.json) ctx.io.err(text);
    };
    say(estimateLine(estimate, ctx.t));
    // A dry run calls the model too, so it asks the same. Counted in calls and tokens, not notes
    // only: one huge note can cost thousands of calls.
    const costly = costConfirmation(estimate);
    if (costly && !flagBool(ctx.args, 'yes')) {
      if (!process.stdin.isTTY) {
        throw new UsageError(ctx.t('cli.compile.tooLargeNoTerminal', { reason: costly }));
      }
      if (!(await confirm(ctx.t('cli.compile.askLarge', { reason: costly }), ctx.signal))) {
        ctx.io.err(ctx.signal.aborted ? `scriptorium compile: ${ctx.t('cli.stop.nothingWritten')}` : ctx.t('cli.compile.nothingCompiled'));
        return ctx.signal.aborted ? STOPPED : 0;
      }
    }
    if (estimate.toCompile.length > 0) llm = await ctx.llm();
    let run: CompileRun | undefined;
    let applied: AppliedPlan | undefined;
    // Another process (the plugin, a second CLI) may write an article this run merges into while the
    // model works: the plan or the apply then refuses with a conflict, and the run is made again
    // once on the new text, so both merges are kept. A second conflict is reported, nothing written.
    for (let attempt = 1; ; attempt++) {
      try {
        let shown = 0;
        run = await compiler.compile(paths, {
          signal: ctx.signal,
          force,
          progress: (u) => {
            // Unchanged notes cost nothing and were counted in the estimate line already, so the
            // counter runs over the notes that needed the model (told by the update, not by its text,
            // which is in the interface language).
            if (u.done > 0 && !u.idle) say(`[${++shown}/${estimate.toCompile.length}] ${u.message ?? ''}`);
          },
        });
        if (dryRun) break;
        // Stopped between planning and writing: write nothing. Once apply starts it is not cut short.
        if (ctx.signal.aborted) {
          ctx.io.err(`scriptorium compile: ${ctx.t('cli.stop.nothingWritten')}`);
          return STOPPED;
        }
        // The signal only stops a wait for another process's lock; writing, once begun, finishes or rolls back.
        applied = await compiler.apply(run, { signal: ctx.signal });
        break;
      } catch (error) {
        if (ctx.signal.aborted || (error instanceof LlmError && error.kind === 'aborted')) {
          ctx.io.err(`scriptorium compile: ${ctx.t('cli.stop.nothingWritten')}`);
          return STOPPED;
        }
        if (error instanceof PlanError && error.kind === 'conflict' && attempt === 1) {
          say(ctx.t(error.paths.length === 1 ? 'cli.compile.conflictOne' : 'cli.compile.conflict', { paths: error.paths.join(', ') }));
          continue;
        }
        if (error instanceof PlanError) {
          ctx.io.err(`scriptorium compile: ${error.message}`);
          return 1;
        }
        throw error;
      }
    }
    // Any note that could not be compiled (or a refused write) is a failure the caller must see.
    const code = run.plan.problems.length > 0 ? 1 : 0;
    if (dryRun || !applied) {
      ctx.print({ dryRun: true, estimate, plan: run.plan, sources: run.sources, skipped: run.skipped, usage: run.usage, modelCalls: run.modelCalls }, () =>
        [
          ctx.t('cli.compile.dryRunPlan', { title: run.plan.title, changes: counted(ctx.t, run.plan.changes.length, 'change') }),
          ...planText(run, true, ctx.t),
          ...problemsText(run, ctx.t),
          ...skippedText(run, ctx.t),
          usageLine(run, ctx.t),
        ].join('\n'),
      );
      return code;
    }
    const review = run.plan.changes.filter((c) => c.needsReview);
    ctx.print({ applied, plan: run.plan, sources: run.sources, skipped: run.skipped, usage: run.usage, modelCalls: run.modelCalls }, () => {
      const lines: string[] = [];
      const failed = run.sources.filter((s) => s.status === 'failed').length;
      if (applied.paths.length === 0 && failed > 0) lines.push(ctx.t('cli.compile.allFailed', { failures: failuresLine(run, ctx.t) }));
      else if (applied.paths.length === 0 && review.length > 0) lines.push(ctx.t('cli.compile.allNeedReview'));
      else if (applied.paths.length === 0) lines.push(ctx.t('cli.compile.upToDate'));
      else {
        lines.push(ctx.t('cli.compile.applied', { title: run.plan.title, files: counted(ctx.t, applied.paths.length, 'file') }));
        const byPath = new Map(run.plan.changes.map((c) => [c.path, c]));
        for (const p of applied.paths) {
          const c = byPath.get(p);
          lines.push(ctx.t(c?.action === 'create' ? 'cli.compile.created' : c?.action === 'delete' ? 'cli.compile.deleted' : 'cli.compile.updated', { path: p }));
        }
      }
      for (const c of review) lines.push(ctx.t('cli.compile.needsReview', { path: c.path }));
      if (applied.paths.length > 0 && failed > 0) lines.push(ctx.t('cli.compile.someFailed', { failures: failuresLine(run, ctx.t) }));
      // Failed sources were listed with their reasons just above.
      lines.push(...problemsText(run, ctx.t, new Set(run.sources.filter((s) => s.status === 'failed').map((s) => s.path))), ...skippedText(run, ctx.t), usageLine(run, ctx.t));
      return lines.join('\n');
    });
    return code;
  },
};
