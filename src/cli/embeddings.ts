import { EmbeddingsClient } from '../core/llm/embeddings';
import { HybridSearch, type VaultIndex } from '../core/search';
import { VectorIndex } from '../core/search/vectors';
import { flagString, UsageError, type OptionSpec } from './args';
import { en } from '../i18n/en';
import type { CliContext } from './context';

/** The embedding endpoint's options, taken by `index`, `search` and `related`. */
export const EMBED_OPTIONS: readonly OptionSpec[] = [
  { name: 'embed-base-url', type: 'string', value: 'URL', description: en['cli.option.embed.baseUrl'], descriptionKey: 'cli.option.embed.baseUrl' },
  { name: 'embed-model', type: 'string', value: 'NAME', description: en['cli.option.embed.model'], descriptionKey: 'cli.option.embed.model' },
];

export interface EmbedEndpoint {
  baseURL: string;
  model: string;
  apiKey: string | undefined;
  sources: { baseURL: string; model: string; apiKey: string };
}

/**
 * The embedding endpoint: flags > SCRIPTORIUM_EMBED_BASE_URL (or SCRIPTORIUM_EMBED_URL) and
 * SCRIPTORIUM_EMBED_MODEL > the vault's plugin settings when search by meaning is on there. The
 * base URL falls back to the chat endpoint's when only a model is given; the key comes from
 * SCRIPTORIUM_EMBED_API_KEY, else the chat key. Null when no embedding model is configured.
 */
export async function embedEndpoint(ctx: CliContext): Promise<EmbedEndpoint | null> {
  const env = ctx.env;
  const settings = await ctx.settings().catch(() => undefined);
  const saved = settings?.embeddings.enabled ? settings.embeddings : undefined;
  const pick = (flag: string, names: string[], fromSettings: string | undefined): [string, string] => {
    const f = flagString(ctx.args, flag);
    if (f) return [f, `--${flag}`];
    for (const name of names) if (env[name]) return [env[name], name];
    return fromSettings ? [fromSettings, 'vault settings'] : ['', 'unset'];
  };
  const [model, modelSource] = pick('embed-model', ['SCRIPTORIUM_EMBED_MODEL'], saved?.model);
  if (!model) {
    if (flagString(ctx.args, 'embed-base-url') || env.SCRIPTORIUM_EMBED_BASE_URL || env.SCRIPTORIUM_EMBED_URL) {
      throw new UsageError(ctx.t('cli.embed.noModel'));
    }
    return null;
  }
  let [baseURL, baseSource] = pick('embed-base-url', ['SCRIPTORIUM_EMBED_BASE_URL', 'SCRIPTORIUM_EMBED_URL'], saved?.baseURL);
  const chat = await ctx.endpoint();
  if (!baseURL) [baseURL, baseSource] = [chat.baseURL, `${chat.sources.baseURL} (the chat endpoint)`];
  if (!baseURL) throw new UsageError(ctx.t('cli.embed.noEndpoint'));
  const own = env.SCRIPTORIUM_EMBED_API_KEY;
  return {
    baseURL,
    model,
    apiKey: own ?? chat.apiKey,
    sources: { baseURL: baseSource, model: modelSource, apiKey: own ? 'SCRIPTORIUM_EMBED_API_KEY' : `${chat.sources.apiKey} (the chat key)` },
  };
}

/** A client for the embedding endpoint, stopped by Ctrl-C; null when none is configured. */
export async function embeddingsClient(ctx: CliContext): Promise<EmbeddingsClient | null> {
  const endpoint = await embedEndpoint(ctx);
  if (!endpoint) return null;
  const settings = await ctx.settings();
  return new EmbeddingsClient({
    baseURL: endpoint.baseURL,
    model: endpoint.model,
    apiKey: endpoint.apiKey,
    fetch: globalThis.fetch,
    maxRetries: 2,
    timeoutMs: Number(ctx.env.SCRIPTORIUM_TIMEOUT_MS) || 120_000,
    ...ctx.retryWait(settings),
    signal: ctx.signal,
  });
}

/** The stored passage vectors of the vault for `model` (empty when there are none or they are of another model). */
export async function openVectors(ctx: CliContext, index: VaultIndex, model: string): Promise<{ vectors: VectorIndex; fromCache: boolean }> {
  const settings = await ctx.settings();
  const vectors = new VectorIndex({ vault: ctx.vault, state: ctx.state, model, includes: (p) => index.includes(p), maxIndexedFileBytes: settings.maxIndexedFileBytes });
  const fromCache = await vectors.load();
  return { vectors, fromCache };
}

/**
 * The index with search by meaning when an embedding endpoint is configured and vectors are stored
 * (a HybridSearch: the agent's search tool then takes a mode and it gets a related tool), else the
 * index itself. A failing endpoint is said once on stderr and searches stay lexical.
 */
export async function searchWithMeaning(ctx: CliContext, index: VaultIndex): Promise<VaultIndex | HybridSearch> {
  const client = await embeddingsClient(ctx);
  if (!client) return index;
  const { vectors } = await openVectors(ctx, index, client.model);
  if (!vectors.ready) return index;
  return new HybridSearch({
    index,
    vault: ctx.vault,
    vectors: () => ({ vectors, embedder: client }),
    onFallback: (error) => ctx.io.err(ctx.t('cli.embed.meaningUnavailable', { error: error.message })),
  });
}

/**
 * The stored passage vectors for reading only (related notes, lint's unlinked-related check): of
 * the configured embedding model, or of whichever model made them when none is configured; null
 * when none are stored. No model call.
 */
export async function storedVectors(ctx: CliContext): Promise<VectorIndex | null> {
  const endpoint = await embedEndpoint(ctx).catch(() => null);
  const vectors = new VectorIndex({ vault: ctx.vault, state: ctx.state, model: endpoint?.model ?? '*' });
  return (await vectors.load()) && vectors.ready ? vectors : null;
}
