import type { TokenUsage } from '../llm/types';

/**
 * A change plan: every write Scriptorium makes to the vault is described first, previewed (or
 * auto-applied when the user chose so), applied all-or-nothing, journalled and undoable.
 * Built, applied and undone in this folder by `WikiWriter` (see `index.ts`).
 */
export type PlanOperation = 'compile' | 'save-answer' | 'render' | 'lint' | 'lint-fix' | 'index' | 'download-images' | 'clip';

/**
 * A new binary file of a plan (a downloaded image). Its bytes stay in memory until apply; the
 * undo journal keeps only the hash and size, and undo removes the file only while it still holds
 * exactly those bytes.
 */
export interface BinaryContent {
  size: number;
  /** `hashBytes` of the bytes. */
  hash: string;
  /** The content type it was served with, e.g. "image/png". */
  mime: string;
}

/**
 * The one narrow exception to "the raw folder is never written", for "Download images": these
 * raw notes may be modified (over the exact text they were read with) and new image files may be
 * created, never replaced, inside `attachments`. Every other path stays refused.
 */
export interface RawAccess {
  /** Raw notes whose image links may be rewritten. */
  notes: string[];
  /** The folder downloaded images are created in, e.g. "raw/assets". */
  attachments: string;
  /**
   * For a 'clip' plan only (then `notes` is empty): the folder inside the raw folder where new
   * notes are created, e.g. "raw/web". A clip creates markdown notes there and nothing else: never
   * over an existing file, never a modification or a deletion.
   */
  clipFolder?: string;
}

export interface FileChange {
  /** Vault-relative path, inside the wiki folder (or, for a plan with `rawAccess`, a path it names). */
  path: string;
  action: 'create' | 'modify' | 'delete';
  /** Content before (null when the file does not exist yet). */
  before: string | null;
  /** Content after (null for delete, and for a binary creation: see `binary`). */
  after: string | null;
  /** Set when the change creates a binary file: `after` is null and the bytes are `afterBytes`. */
  binary?: BinaryContent;
  /** The bytes of a binary creation, held in memory until apply (never journalled, never in `--json`). */
  afterBytes?: Uint8Array;
  /** For an attachment: the notes of the plan that link to it (it is written when one of them is). */
  usedBy?: string[];
  /** Why, for the preview: "summary of raw/x.md", "merge into existing concept", … */
  reason: string;
  /**
   * A person edited this file since Scriptorium wrote it: the change is a merge proposal and is
   * left unticked in the preview, never applied without the user's say.
   */
  needsReview?: boolean;
  /**
   * Set on `wiki/index.md` and `wiki/log.md`: their content follows from the other changes, so
   * `apply` recomputes them from what is actually applied (the user may untick files). Set to
   * 'attachment' on a downloaded image: it is written when a ticked note links to it (`usedBy`).
   */
  derived?: 'index' | 'log' | 'attachment';
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
  /** The raw paths this plan may write ("Download images" and "Clip" only); absent for every other plan. */
  rawAccess?: RawAccess;
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
