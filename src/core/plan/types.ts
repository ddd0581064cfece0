import type { TokenUsage } from '../llm/types';

/**
 * A change plan: every write Scriptorium makes to the vault is described first, previewed (or
 * auto-applied when the user chose so), applied all-or-nothing, journalled and undoable.
 * Built, applied and undone in this folder by `WikiWriter` (see `index.ts`).
 */
export type PlanOperation = 'compile' | 'save-answer' | 'render' | 'lint' | 'lint-fix' | 'index';

export interface FileChange {
  /** Vault-relative path, always inside the wiki folder. */
  path: string;
  action: 'create' | 'modify' | 'delete';
  /** Content before (null when the file does not exist yet). */
  before: string | null;
  /** Content after (null for delete). */
  after: string | null;
  /** Why, for the preview: "summary of raw/x.md", "merge into existing concept", … */
  reason: string;
  /**
   * A person edited this file since Scriptorium wrote it: the change is a merge proposal and is
   * left unticked in the preview, never applied without the user's say.
   */
  needsReview?: boolean;
  /**
   * Set on `wiki/index.md` and `wiki/log.md`: their content follows from the other changes, so
   * `apply` recomputes them from what is actually applied (the user may untick files).
   */
  derived?: 'index' | 'log';
}

export interface PlanProblem {
  /** The source or item that failed, e.g. "raw/Broken.md". */
  subject: string;
  message: string;
}

export interface ChangePlan {
  id: string;
  operation: PlanOperation;
  /** One line for the log and the preview title. */
  title: string;
  createdAt: number;
  changes: FileChange[];
  /** What went wrong for some inputs while others succeeded. */
  problems: PlanProblem[];
  usage?: TokenUsage;
  /** Extra lines for the `wiki/log.md` entry. */
  logDetails?: string[];
}

export interface AppliedPlan {
  planId: string;
  title: string;
  appliedAt: number;
  /** Paths written, created or deleted. */
  paths: string[];
  operation?: PlanOperation;
  /** Paths of the plan left alone (unticked, or awaiting review). */
  skipped?: string[];
  /** For an undo: the files it removed (they did not exist before the plan). */
  removed?: string[];
  /** For an undo: it was an earlier, interrupted undo of this plan, completed now (no other plan was undone). */
  completedInterrupted?: boolean;
}
