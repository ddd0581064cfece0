import type { ProgressReporter, VaultPort } from '../ports';
import { STRUCTURAL_CHECKS } from './checks';
import { LintError } from './lint-error';
import { LintLayout } from './lint-layout';
import type { StructuralCheck } from './structural-check';
import { compareFindings, countFindings, type Finding, type LintResult } from './types';
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
      throw new LintError(`Health check: could not read the vault: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return { ...StructuralLinter.check(snapshot, this.checks), snapshot };
  }

  /** Runs checks over a snapshot already in memory. */
  static check(snapshot: WikiSnapshot, checks: readonly StructuralCheck[] = STRUCTURAL_CHECKS): LintResult {
    const findings: Finding[] = [];
    for (const check of checks) {
      try {
        findings.push(...check.run(snapshot));
      } catch (error) {
        throw new LintError(`Health check "${check.kinds.join(', ')}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    findings.sort(compareFindings);
    return { findings, counts: countFindings(findings) };
  }
}
