import type { ProgressReporter } from '../../ports';
import type { ApplyOptions, AppliedPlan, ChangePlan } from '../../plan';

export interface CompileRequest {
  /** Raw vault paths to compile (again). */
  sources: string[];
  /** A concept the wiki lacks; compile should make sure it gets an article. */
  concept?: string;
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

/**
 * A change plan ready for the preview, and the way to apply it. Compile applies its own plans
 * (it records compile state alongside), so each fix carries its own `apply`.
 */
export interface PlannedFix {
  plan: ChangePlan;
  apply(options?: ApplyOptions): Promise<AppliedPlan>;
}

/**
 * How lint's compile fixes reach the compiler (src/core/compile) without lint depending on it:
 * the plugin and the CLI pass a function over `Compiler.compile`/`Compiler.apply`. Without one,
 * compile fixes are listed in the report as actions to run by hand.
 */
export type CompileSources = (request: CompileRequest) => Promise<PlannedFix>;
