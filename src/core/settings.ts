/**
 * Plugin settings: their shape, defaults, provider presets and migration from older shapes.
 * The API key is never part of settings: the plugin keeps it in Obsidian's SecretStorage under
 * `apiKeySecret`; the CLI reads it from the environment.
 */
export type ProviderId = 'openai' | 'ollama' | 'lmstudio' | 'openrouter' | 'custom';

export interface ProviderPreset {
  id: ProviderId;
  label: string;
  baseURL: string;
  /** A model that usually exists there, proposed when none is chosen. */
  suggestedModel: string;
  needsKey: boolean;
  /** Input budget for one source in tokens before it is processed in parts. */
  contextTokens: number;
}

export const PROVIDERS: readonly ProviderPreset[] = [
  { id: 'openai', label: 'OpenAI', baseURL: 'https://api.openai.com/v1', suggestedModel: 'gpt-4.1-mini', needsKey: true, contextTokens: 60_000 },
  { id: 'ollama', label: 'Ollama', baseURL: 'http://localhost:11434/v1', suggestedModel: 'qwen3:8b', needsKey: false, contextTokens: 6_000 },
  { id: 'lmstudio', label: 'LM Studio', baseURL: 'http://localhost:1234/v1', suggestedModel: '', needsKey: false, contextTokens: 6_000 },
  { id: 'openrouter', label: 'OpenRouter', baseURL: 'https://openrouter.ai/api/v1', suggestedModel: 'openai/gpt-4.1-mini', needsKey: true, contextTokens: 60_000 },
  { id: 'custom', label: 'Custom (OpenAI-compatible)', baseURL: '', suggestedModel: '', needsKey: false, contextTokens: 8_000 },
];

export function providerPreset(id: ProviderId): ProviderPreset {
  return PROVIDERS.find((p) => p.id === id) ?? PROVIDERS[PROVIDERS.length - 1];
}

/** How the plugin reaches the endpoint: the renderer's fetch (streams, subject to CORS) or Obsidian's network layer (no CORS, no streaming). */
export type NetworkMode = 'fetch' | 'obsidian';

export interface ScriptoriumSettings {
  /** Shape version; bumped when a migration is needed. */
  version: number;
  provider: ProviderId;
  baseURL: string;
  model: string;
  /** Name of the SecretStorage entry holding the API key (never the key itself). */
  apiKeySecret: string;
  networkMode: NetworkMode;
  /** Folder of the user's sources; never written. */
  rawFolder: string;
  /** Folder Scriptorium writes; every write is confined to it. */
  wikiFolder: string;
  maxConcurrentRequests: number;
  /** Tokens of one source sent at once; longer sources are processed in parts. */
  contextTokens: number;
  /** Apply change plans without the preview. */
  autoApplyPlans: boolean;
  /**
   * Let the chat's model call tools. Off for models that cannot (the chat then searches and
   * reads first and hands the excerpts to the model); an endpoint that refuses tools is also
   * detected and remembered automatically.
   */
  useTools: boolean;
  /** Folders or glob-like path prefixes left out of the search index. */
  indexExclusions: string[];
  /** Largest file (bytes) indexed in full; larger ones are indexed up to this size. */
  maxIndexedFileBytes: number;
}

export const SETTINGS_VERSION = 2;

export const DEFAULT_SETTINGS: Readonly<ScriptoriumSettings> = Object.freeze({
  version: SETTINGS_VERSION,
  provider: 'ollama',
  baseURL: 'http://localhost:11434/v1',
  model: '',
  apiKeySecret: 'scriptorium-api-key',
  networkMode: 'fetch',
  rawFolder: 'raw',
  wikiFolder: 'wiki',
  maxConcurrentRequests: 2,
  contextTokens: 6_000,
  autoApplyPlans: false,
  useTools: true,
  indexExclusions: [],
  maxIndexedFileBytes: 1_000_000,
});

const PROVIDER_IDS = new Set<string>(PROVIDERS.map((p) => p.id));

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function folder(value: unknown, fallback: string): string {
  const cleaned = str(value, fallback).replace(/\\/g, '/').replace(/^\/+|\/+$/g, '').trim();
  return cleaned && !cleaned.split('/').includes('..') ? cleaned : fallback;
}

function int(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}

/**
 * Turns whatever was saved (any older shape, hand-edited, or garbage) into valid settings.
 * Unknown keys are dropped; a key stored in plain text by an older version is never carried over
 * (it is returned separately so the caller can move it into SecretStorage).
 */
export function migrateSettings(saved: unknown): { settings: ScriptoriumSettings; legacyApiKey?: string } {
  const raw = saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>) : {};
  const d = DEFAULT_SETTINGS;
  // Version 1 called these differently and kept the key in data.json.
  const legacyApiKey = typeof raw.apiKey === 'string' && raw.apiKey ? raw.apiKey : undefined;
  const baseURL = str(raw.baseURL ?? raw.baseUrl ?? raw.endpoint, d.baseURL).trim();
  const provider = PROVIDER_IDS.has(str(raw.provider, '')) ? (raw.provider as ProviderId) : inferProvider(baseURL);
  const settings: ScriptoriumSettings = {
    version: SETTINGS_VERSION,
    provider,
    baseURL,
    model: str(raw.model, d.model).trim(),
    apiKeySecret: /^[a-z0-9-]+$/.test(str(raw.apiKeySecret, '')) ? (raw.apiKeySecret as string) : d.apiKeySecret,
    networkMode: raw.networkMode === 'obsidian' || raw.useObsidianNetwork === true ? 'obsidian' : 'fetch',
    rawFolder: folder(raw.rawFolder, d.rawFolder),
    wikiFolder: folder(raw.wikiFolder, d.wikiFolder),
    maxConcurrentRequests: int(raw.maxConcurrentRequests ?? raw.concurrency, d.maxConcurrentRequests, 1, 16),
    contextTokens: int(raw.contextTokens, providerPreset(provider).contextTokens, 1_000, 1_000_000),
    autoApplyPlans: raw.autoApplyPlans === true,
    useTools: raw.useTools !== false,
    indexExclusions: Array.isArray(raw.indexExclusions) ? raw.indexExclusions.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [],
    maxIndexedFileBytes: int(raw.maxIndexedFileBytes, d.maxIndexedFileBytes, 10_000, 100_000_000),
  };
  if (settings.rawFolder === settings.wikiFolder) settings.wikiFolder = d.wikiFolder === settings.rawFolder ? 'wiki-compiled' : d.wikiFolder;
  return { settings, legacyApiKey };
}

export function inferProvider(baseURL: string): ProviderId {
  const match = PROVIDERS.find((p) => p.baseURL && baseURL.replace(/\/+$/, '') === p.baseURL);
  return match ? match.id : 'custom';
}
