import { LlmError } from '../core/llm';
import { t } from '../i18n/plugin';

/**
 * A failure as one sentence for a notice: a model error with what to do about it ("… (check the
 * API key)"), any other error by its message (plan and render errors are written for people).
 */
export function failureText(error: unknown): string {
  if (error instanceof LlmError) return t('core.llm.check.failed', { error: error.message, hint: error.hint });
  return error instanceof Error ? error.message : String(error);
}
