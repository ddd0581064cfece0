import { Notice, TFile, normalizePath } from 'obsidian';
import { Compiler, type CompileState } from '../../core/compile';
import { deepShortfall, HealthCheck, INFO_KINDS, KIND_ORDER, kindLabel, LintLayout, type CompileSources, type HealthCheckResult, type LintFix, type StructuralCheck } from '../../core/lint';
import { PlanError } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import type { VaultSearch } from '../../core/search/types';
import type { PluginContext } from '../../obsidian/plugin-context';
import { confirmDeepChecks } from './deep-estimate-modal';
import { FixSuggestModal } from './fix-suggest-modal';
import { obsidianSourceEngines } from '../../obsidian/source-engines';
import { applyPlan } from '../apply-plan';
import { failureText } from '../failure-text';
import { t } from '../../i18n/plugin';
import { joinSentences } from '../../i18n';

export interface LintFeatureOptions {
  /** Compile's state, so compile fixes keep the editor badge current. */
  compileState?: CompileState;
  /** The vault index, for compile fixes' candidate articles. */
  search?: () => VaultSearch | undefined;
  /** Checks run after the built-in ones (the unlinked-related check while search by meaning has vectors). */
  extraChecks?: () => StructuralCheck[];
}

/** The `obsidian://` action behind the report's "Apply" links. */
export const FIX_ACTION = 'scriptorium-lint-fix';

function summary(result: HealthCheckResult): string {
  const info = result.findings.filter((f) => INFO_KINDS.has(f.kind)).length;
  const problems = result.counts.total - info;
  if (problems === 0) return t('lint.summary.clean', { count: result.snapshot.notes.size });
  // The kinds' names come from the core, in the interface language.
  const kinds = KIND_ORDER.filter((k) => !INFO_KINDS.has(k) && (result.counts[k] ?? 0) > 0).map((k) => t('core.lint.report.kindCount', { count: result.counts[k] ?? 0, kind: kindLabel(k).toLowerCase() }));
  const separator = t('core.lint.listSeparator');
  const listed = `${kinds.slice(0, 4).join(separator)}${kinds.length > 4 ? `${separator}…` : ''}`;
  return problems === 1 ? t('lint.summary.problems.one', { kinds: listed }) : t('lint.summary.problems.other', { count: problems, kinds: listed });
}

/**
 * Registers the health checks: "Run health checks" (structural, no model), "Run deep health
 * checks" (cost estimate first), "Apply a health check fix", and the `obsidian://scriptorium-lint-fix`
 * handler behind the report's "Apply" links. Checks and fixes run as the plugin's one task
 * (progress and stop); every write (the report, each fix) is a change plan through the shared
 * writer, and fixes show the shared preview unless auto-apply is on.
 */
export function registerLint(ctx: PluginContext, options: LintFeatureOptions = {}): void {
  const { plugin, app } = ctx;

  const compile: CompileSources = async (request) => {
    const compiler = new Compiler({
      engines: obsidianSourceEngines(),
      vault: ctx.vault,
      state: ctx.state,
      clock: systemClock,
      llm: () => ctx.client(),
      settings: ctx.settings(),
      search: options.search?.(),
      writer: ctx.writer,
      ...(options.compileState ? { compileState: options.compileState } : {}),
    });
    // A missing article's referrers are usually up to date: recompile them so the concept can be extracted.
    const run = await compiler.compile(request.sources, { signal: request.signal, progress: request.progress, force: request.concept !== undefined });
    return { plan: run.plan, apply: (o) => compiler.apply(run, o) };
  };

  const healthCheck = (withModel: boolean): HealthCheck => {
    const s = ctx.settings();
    return new HealthCheck({
      vault: ctx.vault,
      writer: ctx.writer,
      layout: new LintLayout({ rawFolder: s.rawFolder, wikiFolder: s.wikiFolder, splitArticleWords: s.splitArticleWords, attachmentsFolder: s.attachmentsFolder }),
      clock: systemClock,
      llm: withModel ? ctx.client() : undefined,
      compile,
      deep: { contextTokens: s.contextTokens },
      extraChecks: options.extraChecks?.() ?? [],
    });
  };

  const fixLink = (fix: LintFix) => `obsidian://${FIX_ACTION}?vault=${encodeURIComponent(app.vault.getName())}&id=${encodeURIComponent(fix.id)}`;

  /** Runs `work` as the plugin's one task; `failed` hears whether the person stopped it. */
  const exclusively = async (work: (signal: AbortSignal, progress: (text: string | null) => void) => Promise<void>, failed: (error: unknown, stopped: boolean) => void): Promise<void> => {
    await ctx.tasks.run(t('lint.task'), ({ signal, progress }) => work(signal, progress), { onError: failed });
  };

  /** Runs the checks with progress and stop, writes the report through a change plan, opens it. Never throws. */
  const runChecks = (deep: boolean): Promise<void> =>
    exclusively(
      async (signal, showProgress) => {
        const check = healthCheck(deep);
        const structural = await check.structural({
          signal,
          progress: (u) => showProgress(t('lint.progress.structural', { step: u.message?.toLowerCase() ?? t('lint.progress.reading'), done: u.done, total: u.total ?? '?' })),
        });
        let deepResult;
        if (deep) {
          const estimate = check.estimateDeep(structural.snapshot);
          showProgress(null);
          if (estimate.calls === 0) new Notice(t('lint.noLinkedArticles'));
          else if (!(await confirmDeepChecks(app, estimate))) return;
          else {
            showProgress(t('lint.progress.model', { done: 0, total: estimate.calls }));
            deepResult = await check.deep(structural.snapshot, {
              signal,
              progress: (u) => showProgress(t('lint.progress.model', { done: u.done, total: u.total ?? estimate.calls })),
            });
          }
        }
        const result = check.combine(structural, deepResult);
        const plan = await check.planReport(result, { fixLink });
        // The report is Scriptorium's own new note in the outputs folder: applied without a preview, undoable.
        const applied = await ctx.writer.apply(plan, { signal });
        const reportPath = plan.changes.find((c) => !c.derived)?.path;
        const usage = result.deep ? t('lint.usage', { calls: result.deep.calls, tokens: result.deep.usage.totalTokens.toLocaleString() }) : '';
        const fixes = result.fixes.length === 0 ? '' : result.fixes.length === 1 ? t('lint.fixes.one') : t('lint.fixes.other', { count: result.fixes.length });
        const shortfall = result.deep ? deepShortfall(result.deep) : null;
        new Notice(`${joinSentences([t('lint.found', { summary: summary(result) }), usage, fixes])}${shortfall ? `\n${shortfall.message}` : ''}`, shortfall ? 15000 : 8000);
        if (reportPath && applied.paths.includes(reportPath)) {
          const file = app.vault.getAbstractFileByPath(normalizePath(reportPath));
          if (file instanceof TFile) await app.workspace.getLeaf('tab').openFile(file);
        }
      },
      (error, stopped) => {
        if (stopped) new Notice(t('lint.stopped'));
        else new Notice(t('lint.failed', { error: failureText(error) }), 10000);
      },
    );

  /** Re-checks the vault, finds the fix by id, shows its plan, applies it. Never throws. */
  const applyFix = (id: string | undefined, chosen?: LintFix): Promise<void> =>
    exclusively(
      async (signal, showProgress) => {
        const check = healthCheck(false);
        let fix = chosen;
        if (!fix) {
          showProgress(t('lint.fix.checking'));
          const result = check.combine(await check.structural({ signal }));
          fix = result.fixes.find((f) => f.id === id);
        }
        if (!fix) {
          new Notice(t('lint.fix.gone'), 8000);
          return;
        }
        showProgress(t('lint.fix.planning', { fix: fix.label }));
        const planned = await check.fixer.plan(fix, {
          signal,
          progress: (u) => showProgress(t('lint.fix.compiling', { done: u.done, total: u.total ?? '?' })),
        });
        showProgress(null);
        if (planned.plan.changes.filter((c) => !c.derived).length === 0 && planned.plan.operation !== 'index') {
          new Notice(joinSentences([t('lint.fix.nothingToChange', { fix: fix.label }), ...planned.plan.problems.map((p) => p.message)]), 8000);
          return;
        }
        const applied = await applyPlan(ctx, { signal, progress: showProgress }, planned.plan, {
          apply: (o) => planned.apply(o),
          // The index is derived from the articles (the preview has nothing to tick): the user's click
          // on this fix is the consent, and undo takes it back.
          ...(planned.plan.operation === 'index' ? { chosen: planned.plan.changes.map((c) => c.path) } : {}),
        });
        if (!applied) return;
        new Notice(
          applied.paths.length === 0
            ? t('lint.fix.nothingWritten', { fix: fix.label })
            : applied.paths.length === 1
              ? t('lint.fix.done.one', { fix: fix.label, undo: t('command.undoLastChangePlan') })
              : t('lint.fix.done.other', { fix: fix.label, count: applied.paths.length, undo: t('command.undoLastChangePlan') }),
          8000,
        );
      },
      (error, stopped) => {
        if (stopped) new Notice(t('common.stopped'));
        else if (error instanceof PlanError) new Notice(t('common.error', { error: error.message }), 10000);
        else new Notice(t('lint.fix.failed', { error: failureText(error) }), 10000);
      },
    );

  plugin.addCommand({ id: 'run-health-checks', name: t('command.runHealthChecks'), callback: () => void runChecks(false) });
  plugin.addCommand({ id: 'run-deep-health-checks', name: t('command.runDeepHealthChecks'), callback: () => void runChecks(true) });
  plugin.addCommand({
    id: 'apply-health-check-fix',
    name: t('command.applyHealthCheckFix'),
    callback: () => {
      void (async () => {
        try {
          const check = healthCheck(false);
          const result = check.combine(await check.structural());
          if (result.fixes.length === 0) {
            new Notice(t('lint.fix.none'));
            return;
          }
          new FixSuggestModal(app, result.fixes, (fix) => void applyFix(fix.id, fix)).open();
        } catch (error) {
          new Notice(t('lint.failed', { error: failureText(error) }), 10000);
        }
      })();
    },
  });
  plugin.registerObsidianProtocolHandler(FIX_ACTION, (params) => void applyFix(params.id));
}
