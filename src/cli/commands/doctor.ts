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
    if (!endpoint.baseURL) return fail(ctx.t('cli.doctor.noEndpoint'));
    // No retries: doctor answers quickly and says what is wrong now.
    const client = new LlmClient({ baseURL: endpoint.baseURL, model: endpoint.model, apiKey: endpoint.apiKey, fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 30_000 });
    const report = await checkConnection(client, ctx.signal);
    if (!report.ok) return fail(endpoint.model || !report.endpointReachable ? report.summary : ctx.t('cli.doctor.passModel', { summary: report.summary }));
    // Search by meaning, when an embedding model is configured: one short text embedded.
    const embed = await embedEndpoint(ctx);
    let embeddings: { baseURL: string; model: string; sources: EmbedEndpoint['sources']; dimensions: number } | undefined;
    if (embed) {
      const embedder = new EmbeddingsClient({ baseURL: embed.baseURL, model: embed.model, apiKey: embed.apiKey, fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 30_000 });
      try {
        embeddings = { baseURL: embed.baseURL, model: embed.model, sources: embed.sources, dimensions: await embedder.dimensions(ctx.signal) };
      } catch (error) {
        const why = error instanceof LlmError ? error.withHint : error instanceof Error ? error.message : ctx.t('cli.doctor.unknownFailure');
        return fail(ctx.t('cli.doctor.embeddingFailed', { error: why }));
      }
    }
    // Where a setting came from, for a person: the flag or variable as it is, the two others said in the interface language.
    const from = (source: string) => (source === 'unset' ? ctx.t('cli.doctor.fromNowhere') : source === 'vault settings' ? ctx.t('cli.doctor.fromSettings') : source);
    ctx.print({ ...base, ok: true, models: report.models, summary: report.summary, ...(embeddings ? { embeddings } : {}) }, () =>
      [
        ctx.t('cli.doctor.vault', { dir: base.vault }),
        ctx.t('cli.doctor.endpoint', { url: endpoint.baseURL, source: from(endpoint.sources.baseURL) }),
        ctx.t('cli.doctor.model', { model: endpoint.model, source: from(endpoint.sources.model) }),
        ctx.t('cli.doctor.apiKey', { state: ctx.t(endpoint.apiKey ? 'cli.doctor.keySet' : 'cli.doctor.keyUnset'), source: from(endpoint.sources.apiKey) }),
        ctx.t('cli.doctor.ok', { summary: report.summary }),
        ...(embeddings
          ? [
              ctx.t('cli.doctor.embedEndpoint', { url: embeddings.baseURL, source: from(embeddings.sources.baseURL) }),
              ctx.t('cli.doctor.embedModel', { model: embeddings.model, source: from(embeddings.sources.model) }),
              ctx.t('cli.doctor.embedOk', { model: embeddings.model, dimensions: embeddings.dimensions }),
            ]
          : []),
      ].join('\n'),
    );
    return 0;
  },
};
