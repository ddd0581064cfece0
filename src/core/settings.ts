import { tr } from '../i18n';
import { DEFAULT_WEB_SETTINGS, migrateWebSettings, type WebSettings } from './web/web-settings';
import { DEFAULT_EMBEDDING_SETTINGS, migrateEmbeddingSettings, type EmbeddingSettings } from './search/vectors/embedding-settings';

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
  /** Where "Download images" puts the images of raw notes (the one command that writes beside the sources). */
  attachmentsFolder: string;
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
  /** Longest wait (seconds) a rate-limited or busy endpoint may ask for before a retry; asking more fails at once. */
  maxRetryWaitSeconds: number;
  /** Largest raw note compile sends to the model, in KB (1024 bytes); 0 = no limit. */
  maxSourceKB: number;
  /**
   * Longest wait (seconds) for a whole answer that cannot stream (Obsidian's network layer
   * buffers the reply, so no stream-silence timer can run there).
   */
  requestTimeoutSeconds: number;
  /** Concept articles longer than this many words are reported by lint, with a fix that splits them along their sections; 0 = never. */
  splitArticleWords: number;
  /**
   * Send images (figures in notes, image files, screenshots) to the model: 'auto' sends them and
   * remembers an endpoint that refuses; 'on' always; 'off' never (images are listed by their alt text).
   */
  vision: 'auto' | 'on' | 'off';
  /** Web search and page reading (off until a provider is chosen): see src/core/web/web-settings.ts. */
  web: WebSettings;
  /** Search by meaning (off until turned on): see src/core/search/vectors/embedding-settings.ts. */
  embeddings: EmbeddingSettings;
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
  attachmentsFolder: 'raw/assets',
  maxConcurrentRequests: 2,
  contextTokens: 6_000,
  autoApplyPlans: false,
  useTools: true,
  indexExclusions: [],
  maxIndexedFileBytes: 1_000_000,
  maxRetryWaitSeconds: 60,
  maxSourceKB: 2048,
  requestTimeoutSeconds: 300,
  splitArticleWords: 2500,
  vision: 'auto',
  web: { ...DEFAULT_WEB_SETTINGS },
  embeddings: { ...DEFAULT_EMBEDDING_SETTINGS },
});

const PROVIDER_IDS = new Set<string>(PROVIDERS.map((p) => p.id));

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** A folder setting as typed, tidied: backslashes as slashes, no surrounding spaces or trailing slash. */
export function cleanFolder(value: string): string {
  return value.replace(/\\/g, '/').trim().replace(/\/+$/, '');
}

export interface FolderProblem {
  field: 'rawFolder' | 'wikiFolder';
  /** What is wrong and what to do, in a sentence. */
  message: string;
}

/** The folders checked alone; each sentence about one has a key per folder (`core.settings.folder.<problem>.<field>`). */
type FolderField = 'rawFolder' | 'wikiFolder' | 'attachmentsFolder';
const FOLDER_EXAMPLE = { rawFolder: 'raw', wikiFolder: 'wiki', attachmentsFolder: 'raw/assets' } as const;
// Characters Obsidian or a common filesystem refuses in a folder name (control characters apart).
const BAD_FOLDER_CHAR = /[:*?"<>|]/;

function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function folderAlone<F extends FolderField>(field: F, value: string, configDir: string | undefined): { field: F; message: string } | null {
  const f: FolderField = field;
  const example = FOLDER_EXAMPLE[f];
  const problem = (message: string) => ({ field, message });
  if (value === '') return problem(tr(`core.settings.folder.empty.${f}`, { example }));
  if (value.startsWith('/') || /^[a-z]:/i.test(value) || value.startsWith('~')) {
    return problem(tr(`core.settings.folder.notInVault.${f}`, { value, example }));
  }
  for (const segment of value.split('/')) {
    if (segment === '') return problem(tr(`core.settings.folder.emptyPart.${f}`, { value }));
    const bare = segment.trim();
    if (bare === '..' || bare === '.') return problem(tr(`core.settings.folder.dots.${f}`, { value, segment }));
    if (bare !== segment) return problem(tr(`core.settings.folder.spaces.${f}`, { value, segment }));
    if (hasControlChar(segment)) return problem(tr(`core.settings.folder.control.${f}`, { value }));
    const bad = BAD_FOLDER_CHAR.exec(segment);
    if (bad) return problem(tr(`core.settings.folder.badChar.${f}`, { value, char: bad[0] }));
  }
  const lower = value.toLowerCase();
  const config = configDir?.toLowerCase();
  if (config && (lower === config || lower.startsWith(`${config}/`))) {
    return problem(tr(`core.settings.folder.config.${f}`, { value, example }));
  }
  // Obsidian shows nothing under a folder whose name starts with "." (its configuration folder is one).
  const hidden = value.split('/').find((segment) => segment.startsWith('.'));
  if (hidden) {
    return problem(tr(`core.settings.folder.hidden.${f}`, { value, hidden, example }));
  }
  return null;
}

/**
 * Why the raw and wiki folders cannot be used, or null when they can: each must be a relative
 * path inside the vault (no "." or ".." parts, no leading slash, not the config folder nor any
 * hidden folder), and the
 * two must be different folders, neither inside the other. Folders are compared without regard to
 * case (macOS and Windows treat "Wiki" and "wiki" as one folder). Call it where folders are set,
 * when settings are loaded, and before any work that writes (compile, render, ask, lint fixes).
 */
export function validateFolders(folders: { rawFolder: string; wikiFolder: string }, configDir?: string): FolderProblem | null {
  const raw = cleanFolder(folders.rawFolder);
  const wiki = cleanFolder(folders.wikiFolder);
  const alone = folderAlone('wikiFolder', wiki, configDir) ?? folderAlone('rawFolder', raw, configDir);
  if (alone) return alone;
  const r = raw.toLowerCase();
  const w = wiki.toLowerCase();
  if (r === w) {
    return { field: 'wikiFolder', message: tr('core.settings.folder.same', { wiki }) };
  }
  if (w.startsWith(`${r}/`)) {
    return { field: 'wikiFolder', message: tr('core.settings.folder.wikiInRaw', { wiki, raw }) };
  }
  if (r.startsWith(`${w}/`)) {
    return { field: 'rawFolder', message: tr('core.settings.folder.rawInWiki', { raw, wiki }) };
  }
  return null;
}

/**
 * Why the attachments folder cannot be used, or null: a visible folder inside the vault, like the
 * others, and not inside the wiki folder (downloaded images belong to the sources, not the wiki).
 * It may be the raw folder itself or any folder in it.
 */
export function validateAttachmentsFolder(folder: string, folders: { rawFolder: string; wikiFolder: string }, configDir?: string): string | null {
  const value = cleanFolder(folder);
  const alone = folderAlone('attachmentsFolder', value, configDir);
  if (alone) return alone.message;
  const wiki = cleanFolder(folders.wikiFolder).toLowerCase();
  const v = value.toLowerCase();
  if (v === wiki || v.startsWith(`${wiki}/`)) {
    return tr('core.settings.folder.attachmentsInWiki', { value, wiki: cleanFolder(folders.wikiFolder), example: `${cleanFolder(folders.rawFolder)}/assets` });
  }
  return null;
}

/** The folder error as a user meets it outside the settings tab: what is wrong and where to fix it. */
export function describeFolderProblem(problem: FolderProblem): string {
  return tr('core.settings.folder.whereToFix', { problem: problem.message });
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
export function migrateSettings(saved: unknown, configDir?: string): { settings: ScriptoriumSettings; legacyApiKey?: string; folderProblem?: FolderProblem } {
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
    rawFolder: cleanFolder(str(raw.rawFolder, d.rawFolder)),
    wikiFolder: cleanFolder(str(raw.wikiFolder, d.wikiFolder)),
    // Not set yet: beside the sources, wherever the raw folder is.
    attachmentsFolder: cleanFolder(str(raw.attachmentsFolder, `${cleanFolder(str(raw.rawFolder, d.rawFolder))}/assets`)),
    maxConcurrentRequests: int(raw.maxConcurrentRequests ?? raw.concurrency, d.maxConcurrentRequests, 1, 16),
    contextTokens: int(raw.contextTokens, providerPreset(provider).contextTokens, 1_000, 1_000_000),
    autoApplyPlans: raw.autoApplyPlans === true,
    useTools: raw.useTools !== false,
    indexExclusions: Array.isArray(raw.indexExclusions) ? raw.indexExclusions.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [],
    maxIndexedFileBytes: int(raw.maxIndexedFileBytes, d.maxIndexedFileBytes, 10_000, 100_000_000),
    maxRetryWaitSeconds: int(raw.maxRetryWaitSeconds, d.maxRetryWaitSeconds, 0, 3600),
    maxSourceKB: int(raw.maxSourceKB, d.maxSourceKB, 0, 10_000_000),
    requestTimeoutSeconds: int(raw.requestTimeoutSeconds, d.requestTimeoutSeconds, 10, 7200),
    splitArticleWords: int(raw.splitArticleWords, d.splitArticleWords, 0, 10_000_000),
    vision: raw.vision === 'on' || raw.vision === 'off' ? raw.vision : 'auto',
    web: migrateWebSettings(raw.web),
    embeddings: migrateEmbeddingSettings(raw.embeddings),
  };
  // Folders that cannot be used are reported (the caller shows it before anything runs) and
  // replaced by safe ones, so nothing ever writes to where they would have pointed.
  const folderProblem = validateFolders(settings, configDir) ?? undefined;
  if (folderProblem) {
    if (folderAlone('rawFolder', settings.rawFolder, configDir)) settings.rawFolder = d.rawFolder;
    if (folderAlone('wikiFolder', settings.wikiFolder, configDir)) settings.wikiFolder = d.wikiFolder;
    if (validateFolders(settings, configDir)) {
      // Still clashing (e.g. raw is "wiki"): keep the sources folder, move the wiki beside it.
      settings.wikiFolder = ['wiki', 'wiki-compiled', 'scriptorium-wiki'].find((w) => !validateFolders({ rawFolder: settings.rawFolder, wikiFolder: w }, configDir)) ?? 'scriptorium-wiki';
    }
  }
  // Hand-edited to somewhere unusable: the images go beside the sources, as by default.
  if (validateAttachmentsFolder(settings.attachmentsFolder, settings, configDir)) settings.attachmentsFolder = `${settings.rawFolder}/assets`;
  return { settings, legacyApiKey, ...(folderProblem ? { folderProblem } : {}) };
}

export function inferProvider(baseURL: string): ProviderId {
  const match = PROVIDERS.find((p) => p.baseURL && baseURL.replace(/\/+$/, '') === p.baseURL);
  return match ? match.id : 'custom';
}
