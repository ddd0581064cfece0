import type { ProgressReporter } from '../../ports';
import type { ChangePlan } from '../../plan';

export interface CompileRequest {
  /** Raw vault paths to compile (again). */
  sources: string[];
  /** A concept the wiki lacks; compile should make sure it gets an article. */
  concept?: string;
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

/**
 * How lint's compile fixes reach the compiler (src/core/compile) without depending on it: the
 * plugin and the CLI pass a function that returns compile's change plan. Without one, compile
 * fixes are listed in the report as actions to run by hand.
 */
export type CompileSources = (request: CompileRequest) => Promise<ChangePlan>;
