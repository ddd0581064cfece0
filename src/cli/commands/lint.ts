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
import type { CliCommand } from '../command';
import { EMBED_OPTIONS, storedVectors } from '../embeddings';
import { STOPPED, type CliContext } from '../context';
import { cliSourceEngines } from '../source-engines';
import { runWebSourcesFix, WEB_OPTIONS, WEB_SOURCES_FIX, webSourcesFix } from './clip';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The stable JSON shape: exactly these five keys per finding. */
function jsonFinding(f: Finding) {
  return { kind: f.kind, path: f.path, line: f.line, target: f.target, message: f.message };
}

function textReport(result: HealthCheckResult, shortfall: DeepShortfall | null): string {
  const lines: string[] = [];
  for (const kind of KIND_ORDER) {
    const items = result.findings.filter((f) => f.kind === kind);
    if (items.length === 0) continue;
    lines.push(`${KIND_LABELS[kind]} (${items.length})`);
    for (const f of items) lines.push(`  ${f.path}${f.line !== null ? `:${f.line}` : ''}  ${f.message}`);
    lines.push('');
  }
  const info = result.findings.filter((f) => INFO_KINDS.has(f.kind)).length;
  const problems = result.counts.total - info;
  const found = `${problems === 0 ? 'No problems' : plural(problems, 'problem')}${info > 0 ? ` and ${info} informational` : ''}`;
  // With deep checks missing, "no problems" would claim more than was checked.
  lines.push(
    shortfall
      ? `${found} found in ${plural(result.snapshot.notes.size, 'note')} by the checks that could run; ${shortfall.missing} of ${shortfall.of} deep checks are missing.`
      : `${found} in ${plural(result.snapshot.notes.size, 'note')}.`,
  );
  if (result.deep) {
    const u = result.deep.usage;
    lines.push(`Model checks: ${plural(result.deep.calls, 'call')}, ${u.promptTokens} prompt + ${u.completionTokens} completion tokens${shortfall ? `; ${shortfall.missing} got no usable answer` : ''}.`);
  }
  if (result.fixes.length > 0) {
    lines.push('', 'Fixes (apply with --fix ID; every fix is a change plan, undo with `scriptorium undo`):');
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
      [`Fix: ${fix.label} (dry run, nothing written)`, ...plan.changes.map((c) => unifiedDiff(c.path, c.before, c.after)), ...plan.problems.map((p) => `! ${p.subject}: ${p.message}`)].join('\n'),
    );
    return 0;
  }
  const selectedPaths = everything ? plan.changes.map((c) => c.path) : undefined;
  const applied = await planned.apply({ ...(selectedPaths ? { selectedPaths } : {}), signal });
  ctx.print({ fix: { id: fix.id, label: fix.label }, applied, problems: plan.problems }, () => {
    const lines = [applied.paths.length > 0 ? `Applied: ${fix.label} (undo with: scriptorium undo --vault DIR)` : `Nothing written for: ${fix.label}`];
    for (const p of applied.paths) lines.push(`  wrote ${p}`);
    if (!everything) for (const c of review) lines.push(`  needs review (not written): ${c.path} — a person edited it; pass --yes to apply anyway`);
    for (const p of plan.problems) lines.push(`  ! ${p.subject}: ${p.message}`);
    return lines.join('\n');
  });
  // A fix that did not do what it said is not a success: say so, and what to do.
  const problems = plan.problems.length;
  if (applied.paths.length === 0 && problems > 0) {
    const advice = fix.kind === 'compile' ? 'Check the model with `scriptorium doctor`, then run the fix again.' : 'Run lint again for a fresh list of fixes.';
    ctx.io.err(`scriptorium lint: the fix could not be applied: ${plural(problems, 'problem')} (listed above) stopped every change; nothing was written. ${advice}`);
    return 2;
  }
  if (applied.paths.length === 0 && review.length > 0 && !everything) {
    ctx.io.err(`scriptorium lint: nothing was written: every change is to a note a person edited (listed above); pass --yes to apply them anyway.`);
    return 1;
  }
  if (problems > 0) {
    ctx.io.err(`scriptorium lint: part of the fix could not be made: ${plural(problems, 'problem')} (listed above); run lint again to see what remains.`);
    return 1;
  }
  return 0;
}

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'Run health checks on the wiki (broken links, orphans, stale articles, …; --deep adds model checks)',
  options: [
    { name: 'deep', type: 'boolean', description: 'add the model checks (contradictions, unsourced claims, gaps, …)' },
    { name: 'max-calls', type: 'string', value: 'N', default: '8', description: 'most model calls --deep may make' },
    { name: 'report', type: 'boolean', description: 'write the report note into the wiki’s outputs folder' },
    { name: 'fix', type: 'string', value: 'ID', description: 'apply one proposed fix (ids are listed after the findings)' },
    { name: 'dry-run', type: 'boolean', description: 'with --fix: show its diff, write nothing' },
    { name: 'yes', type: 'boolean', description: 'with --fix: change notes a person edited too' },
    { name: 'web', type: 'boolean', description: `with --deep: offer the fix "${WEB_SOURCES_FIX}", sources from the web for gaps, unsourced claims and suggested articles` },
    ...WEB_OPTIONS,
    ...ENDPOINT_OPTIONS,
    ...EMBED_OPTIONS,
  ],
  details: [
    'Structural checks need no model. --deep adds contradictions, unsourced claims, gaps, suggested',
    'articles and questions (at most --max-calls model calls, default 8; the estimate is printed first).',
    '--report writes the report note into the wiki’s outputs folder (a change plan; undoable).',
    '--fix ID applies one proposed fix (ids are listed after the findings); --dry-run shows its diff;',
    'changes to notes a person edited are left out unless --yes.',
    '--json prints {"findings": [{"kind","path","line","target","message"}], "counts": {...}, "fixes": [...]}.',
    'Exit codes: 0 no problems (informational findings aside), 1 problems found, 2 the check itself failed,',
    '130 stopped (Ctrl-C).',
    'With --deep, a deep check whose model reply was unusable (malformed, empty, a refusal) even after one',
    'repair request is a check that did not run: it is named on stderr, and the exit code is 2 when no',
    'deep check got a usable answer, 1 when the others (or the structural checks) found problems, and 2',
    'when nothing was found (a clean result cannot be claimed with checks missing).',
    `--web (with --deep; a web search provider from --web-provider, SCRIPTORIUM_WEB_PROVIDER or the settings)`,
    `offers the fix ${WEB_SOURCES_FIX}: the model turns each gap into queries, the best results are read and`,
    'become new notes in the web folder (raw/web); the report names the gap each note is for. Nothing is',
    'searched until that fix is applied; its searches and reads count against the web call cap.',
    '--fix exits 0 when the fix was written, 1 when only part of it was (or, without --yes, nothing:',
    'every change is to a note a person edited), 2 when problems stopped every change.',
  ].join('\n'),
  async run(ctx) {
    const settings = await ctx.settings();
    const deep = flagBool(ctx.args, 'deep');
    const maxCalls = flagInt(ctx.args, 'max-calls', 8);
    if (deep && maxCalls < 1) throw new UsageError('--max-calls must be at least 1');
    const fixId = flagString(ctx.args, 'fix');
    if (ctx.args.flags.has('fix') && !fixId) throw new UsageError('--fix takes a fix id (run lint first to list them)');
    const webWanted = flagBool(ctx.args, 'web');
    if (webWanted && !deep) throw new UsageError('--web works with --deep: the web fills the gaps the model checks find');
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
        say(`Model checks: ${plural(e.calls, 'call')} over ${plural(e.articles, 'article')} (~${e.promptTokens} prompt tokens, at most ${e.maxCompletionTokens} completion tokens)${e.articlesLeftOut > 0 ? `; ${plural(e.articlesLeftOut, 'article')} left out by --max-calls` : ''}.`);
        if (web) say(`Web: nothing is searched now; the fix ${WEB_SOURCES_FIX} makes at most ${plural(web.settings.maxCallsPerRun, 'web call')} (searches and page reads) to ${web.provider.label} and the pages' sites, and one model call per gap.`);
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
          ctx.io.err(`scriptorium lint: no fix "${fixId}" applies now (the problem may be fixed already). Current fixes: ${[...result.fixes.map((f) => f.id), ...(webFix ? [webFix.id] : [])].join(', ') || 'none'}`);
          return 2;
        }
        return await applyFix(ctx, check, fix, signal);
      }

      let reportPath: string | undefined;
      if (flagBool(ctx.args, 'report')) {
        const plan = await check.planReport(result);
        const applied = await writer.apply(plan, { signal });
        reportPath = plan.changes.find((c) => !c.derived)?.path;
        if (applied.paths.length > 0 && reportPath) say(`Report written to ${reportPath} (undo with: scriptorium undo --vault DIR)`);
      }
      ctx.print(
        {
          findings: result.findings.map(jsonFinding),
          counts: result.counts,
          fixes: [...result.fixes.map((f) => ({ id: f.id, kind: f.kind, label: f.label })), ...(webFix ? [{ id: webFix.id, kind: webFix.id, label: webFix.label }] : [])],
          ...(result.deep ? { deep: { calls: result.deep.calls, usage: result.deep.usage, failures: result.deep.failures } } : {}),
          ...(reportPath ? { report: reportPath } : {}),
        },
        () => textReport(result, shortfall) + (webFix ? `\n${result.fixes.length === 0 ? '\nFixes (apply with --fix ID; every fix is a change plan, undo with `scriptorium undo`):\n' : ''}  ${webFix.id.padEnd(21)} ${webFix.label}` : ''),
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
        ctx.io.err('scriptorium lint: stopped; nothing was written.');
        return STOPPED;
      }
      const message =
        error instanceof LlmError ? `${error.message} (${error.hint})` : error instanceof LintError || error instanceof PlanError || error instanceof Error ? error.message : String(error);
      ctx.io.err(`scriptorium lint: ${message}`);
      return 2;
    }
  },
};
