import { tr } from '../../i18n';
import type { LlmClient } from '../llm';
import type { ChangePlan, WikiWriter } from '../plan';
import type { Clock, ProgressReporter, VaultPort } from '../ports';
import { DeepLinter, type DeepEstimate, type DeepLintOptions, type DeepLintResult } from './deep/deep-linter';
import type { CompileSources } from './fixes/compile-port';
import type { LintFix } from './fixes/lint-fix';
import { LintFixer } from './fixes/lint-fixer';
import { LintError } from './lint-error';
import type { LintLayout } from './lint-layout';
import { renderLintReport } from './report-note';
import { STRUCTURAL_CHECKS } from './checks';
import type { StructuralCheck } from './structural-check';
import { StructuralLinter, type StructuralLintResult } from './structural-linter';
import { compareFindings, countFindings, type LintResult } from './types';
import type { WikiSnapshot } from './wiki-snapshot';

export interface HealthCheckOptions {
  vault: VaultPort;
  writer: WikiWriter;
  layout: LintLayout;
  clock: Clock;
  /** The model, for deep checks. */
  llm?: LlmClient;
  /** The compiler, for compile fixes. */
  compile?: CompileSources;
  /** Limits of the model checks. */
  deep?: DeepLintOptions;
  /** Checks run after the built-in structural ones (the unlinked-related check where vectors exist). */
  extraChecks?: readonly StructuralCheck[];
}

export interface HealthCheckResult extends LintResult {
  snapshot: WikiSnapshot;
  fixes: LintFix[];
  checkedAt: number;
  deep?: DeepLintResult;
}

/**
 * Everything the "Run health checks" commands and `scriptorium lint` do, in steps a surface can
 * interleave with the user: structural checks, the cost estimate and the model checks, fixes,
 * and the report note (written through a change plan like every other write).
 */
export class HealthCheck {
  readonly fixer: LintFixer;
  private readonly vault: VaultPort;
  private readonly writer: WikiWriter;
  private readonly layout: LintLayout;
  private readonly clock: Clock;
  private readonly llm: LlmClient | undefined;
  private readonly deepOptions: DeepLintOptions;
  private readonly extraChecks: readonly StructuralCheck[];

  constructor(options: HealthCheckOptions) {
    this.vault = options.vault;
    this.writer = options.writer;
    this.layout = options.layout;
    this.clock = options.clock;
    this.llm = options.llm;
    this.deepOptions = options.deep ?? {};
    this.extraChecks = options.extraChecks ?? [];
    this.fixer = new LintFixer({ vault: options.vault, writer: options.writer, compile: options.compile, clock: options.clock });
  }

  structural(options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<StructuralLintResult> {
    return new StructuralLinter({ vault: this.vault, layout: this.layout, ...(this.extraChecks.length > 0 ? { checks: [...STRUCTURAL_CHECKS, ...this.extraChecks] } : {}) }).run(options);
  }

  private deepLinter(): DeepLinter {
    if (!this.llm) throw new LintError(tr('core.lint.error.needsModel'));
    return new DeepLinter({ llm: this.llm, ...this.deepOptions });
  }

  /** What the model checks would cost on this snapshot: calls and rough tokens. */
  estimateDeep(snapshot: WikiSnapshot): DeepEstimate {
    return this.deepLinter().estimate(snapshot);
  }

  deep(snapshot: WikiSnapshot, options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<DeepLintResult> {
    return this.deepLinter().run(snapshot, options);
  }

  /** Structural (and, when given, model) findings together, with the fixes they allow. */
  combine(structural: StructuralLintResult, deep?: DeepLintResult): HealthCheckResult {
    const findings = [...structural.findings, ...(deep?.findings ?? [])].sort(compareFindings);
    return {
      findings,
      counts: countFindings(findings),
      snapshot: structural.snapshot,
      fixes: LintFixer.propose(findings, structural.snapshot),
      checkedAt: this.clock.now(),
      ...(deep ? { deep } : {}),
    };
  }

  /** Runs the structural checks, and the model checks too when `deep`. */
  async run(options: { deep?: boolean; signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<HealthCheckResult> {
    const structural = await this.structural(options);
    const deep = options.deep ? await this.deep(structural.snapshot, options) : undefined;
    return this.combine(structural, deep);
  }

  /** The change plan that writes the report note into the wiki's outputs folder. */
  planReport(result: HealthCheckResult, options: { fixLink?: (fix: LintFix) => string | null } = {}): Promise<ChangePlan> {
    const report = renderLintReport({
      layout: this.layout,
      findings: result.findings,
      fixes: result.fixes,
      checkedAt: result.checkedAt,
      notesChecked: result.snapshot.notes.size,
      fixLink: options.fixLink,
      canCompile: this.fixer.canCompile,
      ...(result.deep ? { deep: { calls: result.deep.calls, usage: result.deep.usage, failed: result.deep.failures.length } } : {}),
    });
    return this.writer.plan({
      operation: 'lint',
      title: report.title,
      files: [{ path: report.path, content: report.content, reason: result.counts.total === 1 ? tr('core.lint.plan.reportOne') : tr('core.lint.plan.report', { count: result.counts.total }) }],
    });
  }
}
