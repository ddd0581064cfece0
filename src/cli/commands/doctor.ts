import { checkConnection } from '../../core/llm';
import { EmbeddingsClient, LlmClient, LlmError } from '../../core/llm';
import { ENDPOINT_OPTIONS } from '../args';
import type { CliCommand } from '../command';
import { EMBED_OPTIONS, embedEndpoint, type EmbedEndpoint } from '../embeddings';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check the configuration, the model endpoint and the model',
  options: [...ENDPOINT_OPTIONS, ...EMBED_OPTIONS],
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
    // Search by meaning, when an embedding model is configured: one short text embedded.
    const embed = await embedEndpoint(ctx);
    let embeddings: { baseURL: string; model: string; sources: EmbedEndpoint['sources']; dimensions: number } | undefined;
    if (embed) {
      const embedder = new EmbeddingsClient({ baseURL: embed.baseURL, model: embed.model, apiKey: embed.apiKey, fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 30_000 });
      try {
        embeddings = { baseURL: embed.baseURL, model: embed.model, sources: embed.sources, dimensions: await embedder.dimensions(ctx.signal) };
      } catch (error) {
        const why = error instanceof LlmError ? `${error.message} (${error.hint})` : error instanceof Error ? error.message : 'unknown failure';
        return fail(`the embedding endpoint failed: ${why}`);
      }
    }
    ctx.print({ ...base, ok: true, models: report.models, summary: report.summary, ...(embeddings ? { embeddings } : {}) }, () =>
      [
        `vault     ${base.vault}`,
        `endpoint  ${endpoint.baseURL}  [from ${endpoint.sources.baseURL}]`,
        `model     ${endpoint.model}  [from ${endpoint.sources.model}]`,
        `api key   ${base.apiKey}  [from ${endpoint.sources.apiKey}]`,
        `ok: ${report.summary}`,
        ...(embeddings
          ? [
              `embedding endpoint  ${embeddings.baseURL}  [from ${embeddings.sources.baseURL}]`,
              `embedding model     ${embeddings.model}  [from ${embeddings.sources.model}]`,
              `ok: "${embeddings.model}" returns vectors of ${embeddings.dimensions} dimensions`,
            ]
          : []),
      ].join('\n'),
    );
    return 0;
  },
};
