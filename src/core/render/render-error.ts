/** Why a render was refused; the message is safe to show in a notice or print in the CLI. */
export type RenderErrorKind =
  /** The note or selection has nothing to render (empty, or only frontmatter). */
  | 'no_content'
  /** The model found no numbers to chart (or said so). */
  | 'no_data'
  /** The model's draft, after one repair, still breaks the rules (shape, sizes, numbers). */
  | 'invalid_draft'
  /** The note to render does not exist or cannot be read. */
  | 'not_found';

/** A render that cannot go ahead. Nothing has been written when one is thrown. */
export class RenderError extends Error {
  readonly kind: RenderErrorKind;

  constructor(kind: RenderErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RenderError';
    this.kind = kind;
  }
}
