import type { LlmClient } from './client';
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
      report.summary = `${e.message} (${e.hint})`;
      return report;
    }
  }
  const offered = report.models.slice(0, 8).join(', ') + (report.models.length > 8 ? ', …' : '');
  if (!client.model) {
    report.summary = `Connected to ${client.baseURL}, but no model is chosen${report.models.length ? ` (it offers: ${offered})` : ''}.`;
    return report;
  }
  if (report.models.length > 0 && !report.models.includes(client.model)) {
    report.error = new LlmError('model_not_found', `Model "${client.model}" is not offered by ${client.baseURL}`);
    report.summary = `Connected, but model "${client.model}" is not offered there (it has: ${offered}).`;
    return report;
  }
  try {
    const result = await client.chat({ messages: [{ role: 'user', content: 'Reply with the word ok.' }], maxTokens: 16, signal });
    report.endpointReachable = true;
    report.modelWorks = true;
    report.ok = true;
    report.summary = `Connected to ${client.baseURL}; model "${result.model || client.model}" answered (${result.usage.totalTokens} tokens).`;
  } catch (error) {
    const e = error instanceof LlmError ? error : new LlmError('connection', String(error));
    report.error = e;
    report.summary = `${e.message} (${e.hint})`;
  }
  return report;
}
