import { tr } from '../../i18n';
import type { ProgressReporter, VaultPort } from '../ports';
import { STRUCTURAL_CHECKS } from './checks';
import { LintError } from './lint-error';
import { LintLayout } from './lint-layout';
import type { StructuralCheck } from './structural-check';
import { compareFindings, countFindings, type Finding, type LintResult, type StructuralKind } from './types';
import { WikiSnapshot } from './wiki-snapshot';

export interface StructuralLinterOptions {
  vault: VaultPort;
  layout: LintLayout;
  /** Default: every registered check. */
  checks?: readonly StructuralCheck[];
}

export interface StructuralLintResult extends LintResult {
  /** The snapshot the checks ran on, reused by fixes, the report and deep checks. */
  snapshot: WikiSnapshot;
}

/** Runs the structural checks: reads the vault once, then every check over the same snapshot. */
export class StructuralLinter {
  private readonly vault: VaultPort;
  private readonly layout: LintLayout;
  private readonly checks: readonly StructuralCheck[];

  constructor(options: StructuralLinterOptions) {
    this.vault = options.vault;
    this.layout = options.layout;
    this.checks = options.checks ?? STRUCTURAL_CHECKS;
  }

  async run(options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<StructuralLintResult> {
    let snapshot: WikiSnapshot;
    try {
      snapshot = await WikiSnapshot.load({ vault: this.vault, layout: this.layout, signal: options.signal, progress: options.progress });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new LintError(tr('core.lint.error.unreadableVault', { error: error instanceof Error ? error.message : String(error) }), { cause: error });
    }
    // One check at a time with a pause between them, so the plugin's window stays responsive on a
    // large vault (the heaviest check takes a few hundred milliseconds at 10,000 notes).
    const findings: Finding[] = [];
    for (let i = 0; i < this.checks.length; i++) {
      if (options.signal?.aborted) throw new DOMException(tr('core.lint.stopped'), 'AbortError');
      options.progress?.({ done: i, total: this.checks.length, message: tr('core.lint.progress.checking') });
      findings.push(...StructuralLinter.runCheck(this.checks[i], snapshot));
      await new Promise<void>((resolve) => window.setTimeout(resolve, 0));
    }
    options.progress?.({ done: this.checks.length, total: this.checks.length, message: tr('core.lint.progress.checking') });
    findings.sort(compareFindings);
    return { findings, counts: countFindings(findings), snapshot };
  }

  private static runCheck(check: StructuralCheck, snapshot: WikiSnapshot): Finding[] {
    try {
      return check.run(snapshot);
    } catch (error) {
      throw new LintError(tr('core.lint.error.checkFailed', { kinds: check.kinds.join(', '), error: error instanceof Error ? error.message : String(error) }), { cause: error });
    }
  }

  /**
   * The checks among `checks` that can report one of `kinds`, in their order: what a caller that
   * needs a few kinds runs instead of the whole set (the MCP server's `status` wants only the
   * uncompiled and stale sources). Their findings of those kinds are exactly the whole set's, since
   * every check reads the same snapshot and no check depends on another.
   */
  static checksFor(kinds: readonly StructuralKind[], checks: readonly StructuralCheck[] = STRUCTURAL_CHECKS): StructuralCheck[] {
    return checks.filter((check) => check.kinds.some((kind) => kinds.includes(kind)));
  }

  /** Runs checks over a snapshot already in memory. */
  static check(snapshot: WikiSnapshot, checks: readonly StructuralCheck[] = STRUCTURAL_CHECKS): LintResult {
    const findings: Finding[] = [];
    for (const check of checks) findings.push(...StructuralLinter.runCheck(check, snapshot));
    findings.sort(compareFindings);
    return { findings, counts: countFindings(findings) };
  }
}
