import { Compiler, CONFIRM_ABOVE, costConfirmation, type CompileEstimate, type CompileRun } from '../../core/compile';
import { LlmError, type LlmClient } from '../../core/llm';
import { PlanError, unifiedDiff, type AppliedPlan } from '../../core/plan';
import { systemClock } from '../../core/ports';
import { ENDPOINT_OPTIONS, flagBool, flagInt, UsageError } from '../args';
import type { CliCommand } from '../command';
import { STOPPED } from '../context';
import { cliSourceEngines } from '../source-engines';
import { confirm } from '../confirm';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function estimateLine(e: CompileEstimate): string {
  return `${plural(e.toCompile.length, 'source')} to compile (~${plural(e.modelCalls, 'model call')}, ~${e.promptTokens.toLocaleString('en')} prompt + ~${e.completionTokens.toLocaleString('en')} completion tokens${e.images ? `, ${plural(e.images, 'image')}` : ''}), ${e.upToDate.length} unchanged${e.problems.length ? `, ${plural(e.problems.length, 'problem')}` : ''}${e.skipped.length ? `, ${e.skipped.length} skipped (not a kind Scriptorium compiles)` : ''}`;
}

/** The failed sources in one sentence: "2 of 2 sources failed: raw/a.md: …; raw/b.md: …". */
function failuresLine(run: CompileRun): string {
  const failed = run.sources.filter((s) => s.status === 'failed');
  return `${failed.length} of ${plural(run.sources.length, 'source')} failed: ${failed.map((f) => `${f.path}: ${(f.error ?? 'failed').replace(/\.$/, '')}`).join('; ')}`;
}

function planText(run: CompileRun, withDiffs: boolean): string[] {
  const lines: string[] = [];
  const plan = run.plan;
  const sign = { create: '+', modify: '~', delete: '-' } as const;
  for (const c of plan.changes) {
    lines.push(`${sign[c.action]} ${c.path}${c.needsReview ? '  [needs review: a person edited it]' : ''}  (${c.reason})`);
    if (withDiffs) {
      const diff = unifiedDiff(c.path, c.before, c.after);
      if (diff) lines.push(...diff.split('\n').map((l) => `    ${l}`), '');
    }
  }
  return lines;
}

function problemsText(run: CompileRun, except: ReadonlySet<string> = new Set()): string[] {
  return run.plan.problems.filter((p) => !except.has(p.subject)).map((p) => `! ${p.subject}: ${p.message}`);
}

/** Files of kinds no reader takes: listed with the reason, never an error. */
function skippedText(run: CompileRun): string[] {
  return run.skipped.map((f) => `- skipped ${f.path}: ${f.reason}`);
}

function usageLine(run: CompileRun): string {
  return `${plural(run.modelCalls, 'model call')}, ${run.usage.promptTokens.toLocaleString('en')} prompt + ${run.usage.completionTokens.toLocaleString('en')} completion tokens`;
}

export const compileCommand: CliCommand = {
  name: 'compile',
  summary: 'Compile raw notes into wiki articles (applies the change plan; --dry-run to preview)',
  operands: '[PATHS…]',
  options: [
    { name: 'dry-run', type: 'boolean', description: 'print the plan with diffs; write nothing (the model is still called)' },
    { name: 'yes', type: 'boolean', description: 'run a large compile without asking (needed when not on a terminal)' },
    { name: 'force', type: 'boolean', description: 'compile notes even when they are unchanged' },
    { name: 'concurrency', type: 'string', value: 'N', description: "model requests at once (default: the vault's setting)" },
    ...ENDPOINT_OPTIONS,
  ],
  details: [
    'PATHS are files or folders relative to the vault (default: the raw folder): markdown notes, PDF',
    'papers, images, datasets (CSV, TSV, JSON, JSON Lines) and saved web pages (.html); a folder holding',
    'a code repository (a manifest such as package.json, with its README) compiles as one source. Other files',
    'are listed as skipped. Unchanged sources are skipped without a model call. The plan is applied',
    'unless --dry-run, which prints it with diffs. --json names each source\'s kind and status.',
    `A run of more than ${CONFIRM_ABOVE.sources} notes, ${CONFIRM_ABOVE.modelCalls} estimated model calls or`,
    `${CONFIRM_ABOVE.promptTokens.toLocaleString('en')} prompt tokens (dry run included: it calls the model too) asks for`,
    'confirmation on a terminal; elsewhere it needs --yes. A note over the size limit (maxSourceKB in the',
    "vault's plugin settings, default 2048) is skipped and reported.",
    'Articles a person edited are never overwritten: their merge is listed as "needs review" and left',
    'for the preview in Obsidian. Exit codes: 0 ok, 1 some notes failed (the vault keeps nothing of',
    'them), 2 usage, 130 stopped.',
  ].join('\n'),
  async run(ctx) {
    const settings = await ctx.settings();
    const dryRun = flagBool(ctx.args, 'dry-run');
    const concurrency = flagInt(ctx.args, 'concurrency', settings.maxConcurrentRequests);
    if (concurrency < 1) throw new UsageError('--concurrency must be at least 1');
    let llm: LlmClient | undefined;
    const compiler = new Compiler({
      vault: ctx.vault,
      state: ctx.state,
      clock: systemClock,
      // Resolved only when a note needs the model: an up-to-date folder needs no endpoint at all.
      llm: () => {
        if (!llm) throw new UsageError('no model endpoint configured');
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
    say(estimateLine(estimate));
    // A dry run calls the model too, so it asks the same. Counted in calls and tokens, not notes
    // only: one huge note can cost thousands of calls.
    const costly = costConfirmation(estimate);
    if (costly && !flagBool(ctx.args, 'yes')) {
      if (!process.stdin.isTTY) {
        throw new UsageError(`${costly}; nothing was sent to the model. Pass --yes to run it without a terminal, or compile fewer notes`);
      }
      if (!(await confirm(`${costly}. Compile them?`, ctx.signal))) {
        ctx.io.err(ctx.signal.aborted ? 'scriptorium compile: stopped; nothing was written.' : 'Nothing compiled.');
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
            // counter runs over the notes that needed the model.
            if (u.done > 0 && !u.message?.startsWith('Unchanged')) say(`[${++shown}/${estimate.toCompile.length}] ${u.message ?? ''}`);
          },
        });
        if (dryRun) break;
        // Stopped between planning and writing: write nothing. Once apply starts it is not cut short.
        if (ctx.signal.aborted) {
          ctx.io.err('scriptorium compile: stopped; nothing was written.');
          return STOPPED;
        }
        // The signal only stops a wait for another process's lock; writing, once begun, finishes or rolls back.
        applied = await compiler.apply(run, { signal: ctx.signal });
        break;
      } catch (error) {
        if (ctx.signal.aborted || (error instanceof LlmError && error.kind === 'aborted')) {
          ctx.io.err('scriptorium compile: stopped; nothing was written.');
          return STOPPED;
        }
        if (error instanceof PlanError && error.kind === 'conflict' && attempt === 1) {
          say(`${error.paths.join(', ')} changed while this compile ran (another Scriptorium run or a person wrote ${error.paths.length === 1 ? 'it' : 'them'}); compiling again on the new text…`);
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
          `Plan: ${run.plan.title} — ${plural(run.plan.changes.length, 'change')} (dry run, nothing written)`,
          ...planText(run, true),
          ...problemsText(run),
          ...skippedText(run),
          usageLine(run),
        ].join('\n'),
      );
      return code;
    }
    const review = run.plan.changes.filter((c) => c.needsReview);
    ctx.print({ applied, plan: run.plan, sources: run.sources, skipped: run.skipped, usage: run.usage, modelCalls: run.modelCalls }, () => {
      const lines: string[] = [];
      const failed = run.sources.filter((s) => s.status === 'failed').length;
      if (applied.paths.length === 0 && failed > 0) lines.push(`${failuresLine(run)}; nothing was written.`);
      else if (applied.paths.length === 0 && review.length > 0) lines.push('Nothing written: every change needs review.');
      else if (applied.paths.length === 0) lines.push('Nothing to write: the wiki is up to date.');
      else {
        lines.push(`Applied: ${run.plan.title} — ${plural(applied.paths.length, 'file')} written (undo with: scriptorium undo --vault DIR)`);
        const byPath = new Map(run.plan.changes.map((c) => [c.path, c]));
        for (const p of applied.paths) {
          const c = byPath.get(p);
          lines.push(`  ${c?.action === 'create' ? 'created' : c?.action === 'delete' ? 'deleted' : 'updated'} ${p}`);
        }
      }
      for (const c of review) lines.push(`  needs review (not written): ${c.path} — open the compile preview in Obsidian to merge it`);
      if (applied.paths.length > 0 && failed > 0) lines.push(`${failuresLine(run)}; nothing of them was written (fix them and compile again).`);
      // Failed sources were listed with their reasons just above.
      lines.push(...problemsText(run, new Set(run.sources.filter((s) => s.status === 'failed').map((s) => s.path))), ...skippedText(run), usageLine(run));
      return lines.join('\n');
    });
    return code;
  },
};
