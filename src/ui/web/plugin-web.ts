import { htmlToMarkdown, type App } from 'obsidian';
import type { FetchFn } from '../../core/ports/fetch';
import type { ScriptoriumSettings } from '../../core/settings';
import { WebPageReader } from '../../core/web/page-reader';
import { createWebSearchProvider, type WebSearchProvider } from '../../core/web/search-providers';
import { requestUrlFetch } from '../../obsidian/http';
import { readSecret } from '../../obsidian/secrets';

/** The web as the plugin uses it: Obsidian's network layer (no CORS), its HTML-to-markdown converter. */
export interface PluginWeb {
  /** Null when no provider is set: then nothing searches the web. */
  provider: WebSearchProvider | null;
  reader: WebPageReader;
}

/**
 * Builds the web pieces from the current settings; the provider's key is read from SecretStorage
 * each time. Throws a `WebSearchError` (a sentence) when a provider is set but lacks its address
 * or key.
 */
export function pluginWeb(app: App, settings: ScriptoriumSettings, fetch: FetchFn = requestUrlFetch()): PluginWeb {
  const web = settings.web;
  const key = readSecret(app, web.keySecret);
  const provider = createWebSearchProvider({ provider: web.provider, url: web.url, ...(key ? { apiKey: key } : {}), fetch });
  const reader = new WebPageReader({
    fetch,
    // Parsed by DOMParser first: an inert document, where no script runs and no image loads.
    htmlToMarkdown: (html) => htmlToMarkdown(new DOMParser().parseFromString(html, 'text/html').body),
    allowPrivateHosts: web.allowPrivateHosts,
  });
  return { provider, reader };
}
