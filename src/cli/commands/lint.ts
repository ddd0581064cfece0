import { Compiler } from '../../core/compile';
import {
  HealthCheck,
  INFO_KINDS,
  KIND_LABELS,
  KIND_ORDER,
  LintError,
  LintLayout,
  deepShortfall,
  unlinkedRelatedCheck,
  type CompileSources,
  type DeepShortfall,
  type Finding,
  type HealthCheckResult,
  type LintFix,
} from '../../core/lint';
import { LlmError, type LlmClient } from '../../core/llm';
import { PlanError, WikiWriter, unifiedDiff } from '../../core/plan';
import { systemClock } from '../../core/ports';
import { ENDPOINT_OPTIONS, flagBool, flagInt, flagString, UsageError } from '../args';
import type { Translate } from '../../i18n';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { counted } from '../counted';
import { EMBED_OPTIONS, storedVectors } from '../embeddings';
import { STOPPED, type CliContext } from '../context';
import { cliSourceEngines } from '../source-engines';
import { runWebSourcesFix, WEB_OPTIONS, WEB_SOURCES_FIX, webSourcesFix } from './clip';

/** The stable JSON shape: exactly these five keys per finding. */
function jsonFinding(f: Finding) {
  return { kind: f.kind, path: f.path, line: f.line, target: f.target, message: f.message };
}

function textReport(result: HealthCheckResult, shortfall: DeepShortfall | null, t: Translate): string {
  const lines: string[] = [];
  for (const kind of KIND_ORDER) {
    const items = result.findings.filter((f) => f.kind === kind);
    if (items.length === 0) continue;
    lines.push(t('cli.lint.kindFindings', { kind: KIND_LABELS[kind], count: items.length }));
    for (const f of items) lines.push(`  ${f.path}${f.line !== null ? `:${f.line}` : ''}  ${f.message}`);
    lines.push('');
  }
  const info = result.findings.filter((f) => INFO_KINDS.has(f.kind)).length;
  const problems = result.counts.total - info;
  const some = problems === 0 ? t('cli.lint.noProblems') : counted(t, problems, 'problem');
  const found = info > 0 ? t('cli.lint.withInfo', { problems: some, info }) : some;
  const notes = counted(t, result.snapshot.notes.size, 'note');
  // With deep checks missing, "no problems" would claim more than was checked.
  lines.push(
    shortfall
      ? t('cli.lint.foundShort', { found, notes, missing: shortfall.missing, of: shortfall.of })
      : t('cli.lint.found', { found, notes }),
  );
  if (result.deep) {
    const u = result.deep.usage;
    const usage = { calls: counted(t, result.deep.calls, 'call'), prompt: u.promptTokens, completion: u.completionTokens };
    lines.push(shortfall ? t('cli.lint.modelUsageShort', { ...usage, missing: shortfall.missing }) : t('cli.lint.modelUsage', usage));
  }
  if (result.fixes.length > 0) {
    lines.push('', t('cli.lint.fixesHeading'));
    for (const fix of result.fixes) lines.push(`  ${fix.id.padEnd(21)} ${fix.label}`);
  }
  return lines.join('\n');
}

/** Compile fixes in the CLI: the real compiler, with the model resolved only when a fix needs it. */
function cliCompile(ctx: CliContext, settings: Awaited<ReturnType<CliContext['settings']>>, writer: WikiWriter): CompileSources {
  let llm: LlmClient | undefined;
  return async (request) => {
    llm ??= await ctx.llm();
    const model = llm;
    const compiler = new Compiler({ vault: ctx.vault, state: ctx.state, clock: systemClock, llm: () => model, settings, writer, engines: cliSourceEngines() });
    // A missing article's referrers are usually up to date; recompile them anyway so the concept can be extracted.
    const run = await compiler.compile(request.sources, { signal: request.signal, progress: request.progress, force: request.concept !== undefined });
    return { plan: run.plan, apply: (options) => compiler.apply(run, options) };
  };
}

async function applyFix(ctx: CliContext, check: HealthCheck, fix: LintFix, signal: AbortSignal): Promise<number> {
  const planned = await check.fixer.plan(fix, { signal, progress: (u) => ctx.io.err(`[${u.done}/${u.total ?? '?'}] ${u.message ?? ''}`) });
  const { plan } = planned;
  const dryRun = flagBool(ctx.args, 'dry-run');
  const everything = flagBool(ctx.args, 'yes');
  const review = plan.changes.filter((c) => c.needsReview && !c.derived);
  if (dryRun) {
    ctx.print({ fix: { id: fix.id, label: fix.label }, plan }, () =>
      [ctx.t('cli.lint.fixDryRun', { label: fix.label }), ...plan.changes.map((c) => unifiedDiff(c.path, c.before, c.after)), ...plan.problems.map((p) => ctx.t('cli.plan.problemLine', { subject: p.subject, message: p.message }))].join('\n'),
    );
    return 0;
  }
  const selectedPaths = everything ? plan.changes.map((c) => c.path) : undefined;
  const applied = await planned.apply({ ...(selectedPaths ? { selectedPaths } : {}), signal });
  ctx.print({ fix: { id: fix.id, label: fix.label }, applied, problems: plan.problems }, () => {
    const lines = [ctx.t(applied.paths.length > 0 ? 'cli.lint.fixApplied' : 'cli.lint.fixNothing', { label: fix.label })];
    for (const p of applied.paths) lines.push(ctx.t('cli.lint.wrote', { path: p }));
    if (!everything) for (const c of review) lines.push(ctx.t('cli.lint.needsReview', { path: c.path }));
    for (const p of plan.problems) lines.push(`  ${ctx.t('cli.plan.problemLine', { subject: p.subject, message: p.message })}`);
    return lines.join('\n');
  });
  // A fix that did not do what it said is not a success: say so, and what to do.
  const problems = plan.problems.length;
  if (applied.paths.length === 0 && problems > 0) {
    const advice = ctx.t(fix.kind === 'compile' ? 'cli.lint.adviceCompile' : 'cli.lint.adviceOther');
    ctx.io.err(`scriptorium lint: ${ctx.t('cli.lint.fixFailed', { problems: counted(ctx.t, problems, 'problem'), advice })}`);
    return 2;
  }
  if (applied.paths.length === 0 && review.length > 0 && !everything) {
    ctx.io.err(`scriptorium lint: ${ctx.t('cli.lint.fixAllReview')}`);
    return 1;
  }
  if (problems > 0) {
    ctx.io.err(`scriptorium lint: ${ctx.t('cli.lint.fixPartial', { problems: counted(ctx.t, problems, 'problem') })}`);
    return 1;
  }
  return 0;
}

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'Run health checks on the wiki (broken links, orphans, stale articles, …; --deep adds model checks)',
  options: [
    { name: 'deep', type: 'boolean', description: en['cli.option.lint.deep'], descriptionKey: 'cli.option.lint.deep' },
    { name: 'max-calls', type: 'string', value: 'N', default: '8', description: en['cli.option.lint.maxCalls'], descriptionKey: 'cli.option.lint.maxCalls' },
    { name: 'report', type: 'boolean', description: en['cli.option.lint.report'], descriptionKey: 'cli.option.lint.report' },
    { name: 'fix', type: 'string', value: 'ID', description: en['cli.option.lint.fix'], descriptionKey: 'cli.option.lint.fix' },
    { name: 'dry-run', type: 'boolean', description: en['cli.option.lint.dryRun'], descriptionKey: 'cli.option.lint.dryRun' },
    { name: 'yes', type: 'boolean', description: en['cli.option.lint.yes'], descriptionKey: 'cli.option.lint.yes' },
    { name: 'web', type: 'boolean', description: en['cli.option.lint.web'], descriptionKey: 'cli.option.lint.web' },
    ...WEB_OPTIONS,
    ...ENDPOINT_OPTIONS,
    ...EMBED_OPTIONS,
  ],
  details: (t) => t('cli.details.lint'),
  async run(ctx) {
    const settings = await ctx.settings();
    const deep = flagBool(ctx.args, 'deep');
    const maxCalls = flagInt(ctx.args, 'max-calls', 8);
    if (deep && maxCalls < 1) throw new UsageError(ctx.t('cli.lint.maxCallsTooSmall'));
    const fixId = flagString(ctx.args, 'fix');
    if (ctx.args.flags.has('fix') && !fixId) throw new UsageError(ctx.t('cli.lint.fixNeedsId'));
    const webWanted = flagBool(ctx.args, 'web');
    if (webWanted && !deep) throw new UsageError(ctx.t('cli.lint.webNeedsDeep'));
    const web = webWanted ? await webSourcesFix(ctx) : undefined;
    const layout = new LintLayout({ rawFolder: settings.rawFolder, wikiFolder: settings.wikiFolder, splitArticleWords: settings.splitArticleWords, attachmentsFolder: settings.attachmentsFolder });
    const writer = await ctx.writer();
    const say = (text: string) => {
      if (!ctx.json) ctx.io.err(text);
    };
    const signal = ctx.signal;
    try {
      const check = new HealthCheck({
        vault: ctx.vault,
        writer,
        layout,
        clock: systemClock,
        llm: deep ? await ctx.llm() : undefined,
        compile: cliCompile(ctx, settings, writer),
        deep: { maxCalls, contextTokens: settings.contextTokens },
        // With search by meaning's vectors stored: articles close in meaning that do not link each other (informational).
        extraChecks: await storedVectors(ctx).then((vectors) => (vectors ? [unlinkedRelatedCheck(vectors)] : [])),
      });
      const structural = await check.structural({ signal });
      let deepResult;
      if (deep) {
        const e = check.estimateDeep(structural.snapshot);
        const estimate = { calls: counted(ctx.t, e.calls, 'call'), articles: counted(ctx.t, e.articles, 'article'), prompt: e.promptTokens, completion: e.maxCompletionTokens };
        say(e.articlesLeftOut > 0 ? ctx.t('cli.lint.estimateLeftOut', { ...estimate, leftOut: counted(ctx.t, e.articlesLeftOut, 'article') }) : ctx.t('cli.lint.estimate', estimate));
        if (web) say(ctx.t('cli.lint.webEstimate', { fix: WEB_SOURCES_FIX, calls: counted(ctx.t, web.settings.maxCallsPerRun, 'webCall'), provider: web.provider.label }));
        deepResult = await check.deep(structural.snapshot, { signal, progress: (u) => say(`[${u.done}/${u.total ?? '?'}] ${u.message ?? ''}`) });
      }
      const result = check.combine(structural, deepResult);
      const shortfall = deepResult ? deepShortfall(deepResult) : null;

      const webFix = web ? web.offer(result.findings) : null;
      if (fixId && fixId === webFix?.id && web) {
        return await runWebSourcesFix(ctx, web, result.findings, { llm: await ctx.llm(), writer, rawFolder: settings.rawFolder });
      }
      if (fixId) {
        const fix = result.fixes.find((f) => f.id === fixId);
        if (!fix) {
          ctx.io.err(`scriptorium lint: ${ctx.t('cli.lint.noSuchFix', { id: fixId, fixes: [...result.fixes.map((f) => f.id), ...(webFix ? [webFix.id] : [])].join(', ') || ctx.t('cli.lint.noFixes') })}`);
          return 2;
        }
        return await applyFix(ctx, check, fix, signal);
      }

      let reportPath: string | undefined;
      if (flagBool(ctx.args, 'report')) {
        const plan = await check.planReport(result);
        const applied = await writer.apply(plan, { signal });
        reportPath = plan.changes.find((c) => !c.derived)?.path;
        if (applied.paths.length > 0 && reportPath) say(ctx.t('cli.lint.reportWritten', { path: reportPath }));
      }
      ctx.print(
        {
          findings: result.findings.map(jsonFinding),
          counts: result.counts,
          fixes: [...result.fixes.map((f) => ({ id: f.id, kind: f.kind, label: f.label })), ...(webFix ? [{ id: webFix.id, kind: webFix.id, label: webFix.label }] : [])],
          ...(result.deep ? { deep: { calls: result.deep.calls, usage: result.deep.usage, failures: result.deep.failures } } : {}),
          ...(reportPath ? { report: reportPath } : {}),
        },
        () => textReport(result, shortfall, ctx.t) + (webFix ? `\n${result.fixes.length === 0 ? `\n${ctx.t('cli.lint.fixesHeading')}\n` : ''}  ${webFix.id.padEnd(21)} ${webFix.label}` : ''),
      );
      const problems = result.findings.some((f) => !INFO_KINDS.has(f.kind));
      if (shortfall) {
        ctx.io.err(`scriptorium lint: ${shortfall.message}`);
        // The check failed when no deep check could run, or when the ones missing leave "no problems" unproven.
        if (shortfall.missing >= shortfall.of || !problems) return 2;
      }
      return problems ? 1 : 0;
    } catch (error) {
      // Findings exit 1; a check that could not run exits 2, whatever failed.
      if (error instanceof UsageError) throw error;
      if (signal.aborted || (error instanceof LlmError && error.kind === 'aborted')) {
        ctx.io.err(`scriptorium lint: ${ctx.t('cli.stop.nothingWritten')}`);
        return STOPPED;
      }
      const message =
        error instanceof LlmError ? error.withHint : error instanceof LintError || error instanceof PlanError || error instanceof Error ? error.message : String(error);
      ctx.io.err(`scriptorium lint: ${message}`);
      return 2;
    }
  },
};
