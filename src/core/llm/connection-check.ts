import type { LlmClient } from './client';
import { tr } from '../../i18n';
import { LlmError } from './errors';

export interface ConnectionReport {
  ok: boolean;
  /** Models the endpoint lists (empty when it has no model list). */
  models: string[];
  endpointReachable: boolean;
  modelWorks: boolean;
  /** One line saying what worked or exactly what failed. */
  summary: string;
  error?: LlmError;
}

/**
 * Checks an endpoint the way a user needs it checked: can we reach it, does it know the model,
 * does one tiny request succeed. Used by the settings tab's "Test connection" and `doctor`.
 */
export async function checkConnection(client: LlmClient, signal?: AbortSignal): Promise<ConnectionReport> {
  const report: ConnectionReport = { ok: false, models: [], endpointReachable: false, modelWorks: false, summary: '' };
  try {
    report.models = await client.listModels(signal);
    report.endpointReachable = true;
  } catch (error) {
    const e = error instanceof LlmError ? error : new LlmError('connection', String(error));
    // Some servers have no model list; only a failure to connect or authenticate is final here.
    if (!['model_not_found', 'bad_request'].includes(e.kind)) {
      report.error = e;
      report.summary = tr('core.llm.check.failed', { error: e.message, hint: e.hint });
      return report;
    }
  }
  const offered = report.models.slice(0, 8).join(', ') + (report.models.length > 8 ? ', …' : '');
  if (!client.model) {
    report.summary = report.models.length ? tr('core.llm.check.noModelOffers', { url: client.baseURL, models: offered }) : tr('core.llm.check.noModel', { url: client.baseURL });
    return report;
  }
  if (report.models.length > 0 && !report.models.includes(client.model)) {
    report.error = new LlmError('model_not_found', tr('core.llm.check.notOfferedError', { model: client.model, url: client.baseURL }));
    report.summary = tr('core.llm.check.notOffered', { model: client.model, models: offered });
    return report;
  }
  try {
    const result = await client.chat({ messages: [{ role: 'user', content: 'Reply with the word ok.' }], maxTokens: 16, signal });
    report.endpointReachable = true;
    report.modelWorks = true;
    report.ok = true;
    const answered = { url: client.baseURL, model: result.model || client.model };
    report.summary = result.usage.totalTokens === 1 ? tr('core.llm.check.okOne', answered) : tr('core.llm.check.ok', { ...answered, tokens: result.usage.totalTokens });
  } catch (error) {
    const e = error instanceof LlmError ? error : new LlmError('connection', String(error));
    report.error = e;
    report.summary = tr('core.llm.check.failed', { error: e.message, hint: e.hint });
  }
  return report;
}
