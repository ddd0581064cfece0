/**
 * Settings of search by meaning: the embedding endpoint, which may differ from the chat model's.
 * Off until the user turns it on. The key is never here: the plugin keeps it in SecretStorage
 * under `apiKeySecret` (empty: the chat model's key); the CLI reads SCRIPTORIUM_EMBED_API_KEY.
 */
export interface EmbeddingSettings {
  enabled: boolean;
  /** OpenAI-compatible base URL of `/v1/embeddings`; empty: the chat model's base URL. */
  baseURL: string;
  /** Embedding model, e.g. "text-embedding-3-small" or "nomic-embed-text". */
  model: string;
  /** SecretStorage entry of the embedding endpoint's key; empty: the chat model's key. */
  apiKeySecret: string;
}

export const DEFAULT_EMBEDDING_SETTINGS: Readonly<EmbeddingSettings> = Object.freeze({ enabled: false, baseURL: '', model: '', apiKeySecret: '' });

/** Embedding settings from saved data of any shape (missing or wrong fields take the defaults). */
export function migrateEmbeddingSettings(saved: unknown): EmbeddingSettings {
  const raw = saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  return {
    enabled: raw.enabled === true,
    baseURL: text(raw.baseURL),
    model: text(raw.model),
    apiKeySecret: /^[a-z0-9-]+$/.test(text(raw.apiKeySecret)) ? text(raw.apiKeySecret) : '',
  };
}
