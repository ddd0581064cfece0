import { checkConnection } from '../../core/llm';
import { LlmClient } from '../../core/llm';
import { ENDPOINT_OPTIONS } from '../args';
import type { CliCommand } from '../command';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check the configuration, the model endpoint and the model',
  options: ENDPOINT_OPTIONS,
  async run(ctx) {
    const endpoint = await ctx.endpoint();
    const base = {
      vault: ctx.vaultDir,
      baseURL: endpoint.baseURL || null,
      model: endpoint.model || null,
      apiKey: endpoint.apiKey ? 'set' : 'unset',
      sources: endpoint.sources,
    };
    const fail = (message: string) => {
      if (ctx.json) ctx.io.out(JSON.stringify({ ...base, ok: false, error: message }, null, 2));
      else ctx.io.err(`doctor: ${message}`);
      return 1;
    };
    if (!endpoint.baseURL) return fail('no model endpoint configured: pass --base-url or set SCRIPTORIUM_BASE_URL');
    // No retries: doctor answers quickly and says what is wrong now.
    const client = new LlmClient({ baseURL: endpoint.baseURL, model: endpoint.model, apiKey: endpoint.apiKey, fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 30_000 });
    const report = await checkConnection(client, ctx.signal);
    if (!report.ok) return fail(endpoint.model || !report.endpointReachable ? report.summary : `${report.summary} Pass --model or set SCRIPTORIUM_MODEL.`);
    ctx.print({ ...base, ok: true, models: report.models, summary: report.summary }, () =>
      [
        `vault     ${base.vault}`,
        `endpoint  ${endpoint.baseURL}  [from ${endpoint.sources.baseURL}]`,
        `model     ${endpoint.model}  [from ${endpoint.sources.model}]`,
        `api key   ${base.apiKey}  [from ${endpoint.sources.apiKey}]`,
        `ok: ${report.summary}`,
      ].join('\n'),
    );
    return 0;
  },
};
