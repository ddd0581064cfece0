/** The health check itself could not run (unreadable vault, a check that crashed); distinct from findings. */
export class LintError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LintError';
  }
}
