import { LlmError } from '../core/llm';

/**
 * A failure as one sentence for a notice: a model error with what to do about it ("… (check the
 * API key)"), any other error by its message (plan and render errors are written for people).
 */
export function failureText(error: unknown): string {
  if (error instanceof LlmError) return `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}
