/**
 * The web settings: which search provider (none by default: then nothing reaches the web), its
 * address, the name of the SecretStorage entry holding its key (never the key itself; the CLI
 * reads SCRIPTORIUM_WEB_API_KEY), whether the chat may use the web, and the safety limits.
 */

import { tr } from '../../i18n';

export type WebProviderId = 'none' | 'searxng' | 'brave' | 'tavily' | 'custom';

export const WEB_PROVIDER_IDS: readonly WebProviderId[] = ['none', 'searxng', 'brave', 'tavily', 'custom'];

export interface WebProviderInfo {
  id: WebProviderId;
  label: string;
  /** The address used when none is set; '' when the person must give one. */
  defaultUrl: string;
  needsKey: boolean;
}

export const WEB_PROVIDERS: readonly WebProviderInfo[] = [
  {
    id: 'none',
    get label() {
      return tr('core.web.provider.none');
    },
    defaultUrl: '',
    needsKey: false,
  },
  {
    id: 'searxng',
    get label() {
      return tr('core.web.provider.searxng');
    },
    defaultUrl: '',
    needsKey: false,
  },
  { id: 'brave', label: 'Brave Search API', defaultUrl: 'https://api.search.brave.com/res/v1/web/search', needsKey: true },
  { id: 'tavily', label: 'Tavily', defaultUrl: 'https://api.tavily.com/search', needsKey: true },
  {
    id: 'custom',
    get label() {
      return tr('core.web.provider.custom');
    },
    defaultUrl: '',
    needsKey: false,
  },
];

export function webProviderInfo(id: WebProviderId): WebProviderInfo {
  return WEB_PROVIDERS.find((p) => p.id === id) ?? WEB_PROVIDERS[0];
}

export interface WebSettings {
  provider: WebProviderId;
  /** The provider's address (SearXNG's base URL, a custom endpoint; Brave and Tavily have defaults). */
  url: string;
  /** Name of the SecretStorage entry holding the provider's key. */
  keySecret: string;
  /** The chat's research agent may search and read the web (with a provider set). */
  useInChat: boolean;
  /** Pages on loopback and private network addresses may be read. */
  allowPrivateHosts: boolean;
  /** Folder inside the raw folder where clipped pages go, e.g. "web" for "raw/web". */
  folder: string;
  /** Most web calls (searches + page reads) of one run: one question, one clip, one lint fix. */
  maxCallsPerRun: number;
}

export const DEFAULT_WEB_SETTINGS: Readonly<WebSettings> = Object.freeze({
  provider: 'none',
  url: '',
  keySecret: 'scriptorium-web-key',
  useInChat: false,
  allowPrivateHosts: false,
  folder: 'web',
  maxCallsPerRun: 20,
});

/** Saved web settings (any shape) as valid ones; unknown keys dropped, a key value never kept. */
export function migrateWebSettings(saved: unknown): WebSettings {
  const raw = saved && typeof saved === 'object' && !Array.isArray(saved) ? (saved as Record<string, unknown>) : {};
  const d = DEFAULT_WEB_SETTINGS;
  const provider = WEB_PROVIDER_IDS.includes(raw.provider as WebProviderId) ? (raw.provider as WebProviderId) : d.provider;
  const folder = typeof raw.folder === 'string' ? raw.folder.replace(/\\/g, '/').trim().replace(/^\/+|\/+$/g, '') : d.folder;
  const calls = typeof raw.maxCallsPerRun === 'number' && Number.isFinite(raw.maxCallsPerRun) ? Math.round(raw.maxCallsPerRun) : d.maxCallsPerRun;
  return {
    provider,
    url: typeof raw.url === 'string' ? raw.url.trim() : d.url,
    keySecret: typeof raw.keySecret === 'string' && /^[a-z0-9-]+$/.test(raw.keySecret) ? raw.keySecret : d.keySecret,
    useInChat: raw.useInChat === true,
    allowPrivateHosts: raw.allowPrivateHosts === true,
    // A folder with "." or ".." parts could leave the raw folder: the default instead.
    folder: folder !== '' && !folder.split('/').some((s) => s === '' || s.startsWith('.')) ? folder : d.folder,
    maxCallsPerRun: Math.min(200, Math.max(1, calls)),
  };
}

/** The vault folder clipped pages go in: the web folder inside the raw folder. */
export function webFolderOf(rawFolder: string, web: Pick<WebSettings, 'folder'>): string {
  return `${rawFolder.replace(/\/+$/, '')}/${web.folder}`;
}
