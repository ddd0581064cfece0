/** Why applying or undoing a plan did not happen; the vault is as it was before the attempt. */
export type PlanErrorKind =
  /** A file changed after the plan was made (or after it was applied, for undo). */
  | 'conflict'
  /** Writing failed midway; every touched file was restored. */
  | 'write_failed'
  /** Writing failed and restoring failed too: the message lists the files to check. */
  | 'rollback_failed'
  | 'nothing_to_undo'
  /** Another Scriptorium process held the writer lock for too long, or the wait was stopped. */
  | 'busy';

export class PlanError extends Error {
  readonly kind: PlanErrorKind;
  /** The files concerned. */
  readonly paths: string[];

  constructor(kind: PlanErrorKind, message: string, options: { paths?: string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PlanError';
    this.kind = kind;
    this.paths = options.paths ?? [];
  }
}
