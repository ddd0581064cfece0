import type { FetchFn } from '../ports/fetch';
import { plainLine } from '../sources/plain-text';
import { webProviderInfo, type WebProviderId } from './web-settings';
import { errorText, said, WebError, type Said } from './error-text';

/** One result of a web search. */
export interface WebSearchResult {
  url: string;
  title: string;
  snippet: string;
  /** When the provider says (free text, often a date). */
  published?: string;
}

export interface WebSearchRequest {
  query: string;
  /** Most results wanted (1–20). */
  limit: number;
  signal?: AbortSignal;
}

/** A web search service. */
export interface WebSearchProvider {
  readonly id: WebProviderId;
  readonly label: string;
  /** The address queries are sent to (shown in traces and the network disclosure). */
  readonly endpoint: string;
  search(request: WebSearchRequest): Promise<WebSearchResult[]>;
}

/** A search that failed, with the sentence saying why and what to check. */
export class WebSearchError extends WebError {
  constructor(message: string | Said) {
    super(message);
    this.name = 'WebSearchError';
  }
}

export interface WebProviderConfig {
  provider: WebProviderId;
  /** The provider's address; Brave and Tavily have a default. */
  url: string;
  apiKey?: string;
  fetch: FetchFn;
  /** Longest wait for one search. Default 20 s. */
  timeoutMs?: number;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;


/** A reply's text, read up to {@link MAX_REPLY_BYTES}; null (and the rest not downloaded) when it is longer. */
async function replyText(response: Response): Promise<string | null> {
  if (!response.body) {
    const text = await response.text();
    return text.length > MAX_REPLY_BYTES ? null : text;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_REPLY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return new TextDecoder().decode(bytes);
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The results a provider's JSON holds, whatever else it holds: only http(s) links, titles as plain lines. */
function resultsOf(items: unknown, pick: (item: Record<string, unknown>) => { url: unknown; title: unknown; snippet: unknown; published?: unknown }, limit: number): WebSearchResult[] {
  if (!Array.isArray(items)) return [];
  const out: WebSearchResult[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const fields = pick(item as Record<string, unknown>);
    const url = httpUrl(fields.url);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const published = str(fields.published).trim();
    out.push({
      url,
      title: plainLine(str(fields.title) || url, 200),
      // Snippets often carry <strong> marks of the matched words.
      snippet: plainLine(str(fields.snippet).replace(/<[^>]{0,40}>/g, ''), 400),
      ...(published ? { published: plainLine(published, 40) } : {}),
    });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * The configured search provider, or null when none is set (then nothing reaches the web). A set
 * provider without the address or key it needs is a {@link WebSearchError} saying which.
 */
export function createWebSearchProvider(config: WebProviderConfig): WebSearchProvider | null {
  if (config.provider === 'none') return null;
  const info = webProviderInfo(config.provider);
  const endpoint = (config.url.trim() || info.defaultUrl).replace(/\/+$/, '');
  if (!endpoint) {
    throw new WebSearchError(said('core.web.search.needsUrl', { provider: info.label }));
  }
  if (!/^https?:\/\//i.test(endpoint)) throw new WebSearchError(said('core.web.search.notHttp', { url: endpoint }));
  if (info.needsKey && !config.apiKey) {
    throw new WebSearchError(said('core.web.search.needsKey', { provider: info.label }));
  }
  const timeoutMs = config.timeoutMs ?? 20_000;
  const call = async (url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<unknown> => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = window.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    const where = `${info.label} (${new URL(endpoint).origin})`;
    try {
      let response: Response;
      try {
        response = await config.fetch(url, { ...init, signal: controller.signal });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (timedOut) throw new WebSearchError(said('core.web.search.noAnswer', { where, seconds: Math.round(timeoutMs / 1000) }));
        throw new WebSearchError(said('core.web.search.unreachable', { where, error: errorText(error) }));
      }
      const text = await replyText(response);
      if (text === null) throw new WebSearchError(said('core.web.search.tooBig', { where, size: MAX_REPLY_BYTES / 1048576 }));
      if (response.status === 401 || response.status === 403) {
        const refused = { where, status: response.status };
        throw new WebSearchError(config.provider === 'searxng' ? said('core.web.search.refusedSearxng', refused) : said('core.web.search.refusedKey', refused));
      }
      if (response.status === 429) throw new WebSearchError(said('core.web.search.tooMany', { where }));
      if (!response.ok) {
        const status = response.status;
        throw new WebSearchError(response.statusText ? said('core.web.search.httpText', { where, status, reason: response.statusText }) : said('core.web.search.http', { where, status }));
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new WebSearchError(config.provider === 'searxng' ? said('core.web.search.notJsonSearxng', { where }) : said('core.web.search.notJson', { where }));
      }
    } finally {
      window.clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  };
  const limitOf = (n: number) => Math.min(20, Math.max(1, Math.round(n)));
  const auth: Record<string, string> = config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
  const base = { id: config.provider, label: info.label, endpoint };
  switch (config.provider) {
    case 'searxng':
      return {
        ...base,
        async search({ query, limit, signal }) {
          const url = new URL(`${endpoint}/search`);
          url.searchParams.set('q', query);
          url.searchParams.set('format', 'json');
          const json = await call(url.href, { headers: { accept: 'application/json', ...auth } }, signal);
          const results = (json as { results?: unknown } | null)?.results;
          return resultsOf(results, (r) => ({ url: r.url, title: r.title, snippet: r.content, published: r.publishedDate }), limitOf(limit));
        },
      };
    case 'brave':
      return {
        ...base,
        async search({ query, limit, signal }) {
          const url = new URL(endpoint);
          url.searchParams.set('q', query);
          url.searchParams.set('count', String(limitOf(limit)));
          const json = await call(url.href, { headers: { accept: 'application/json', 'x-subscription-token': config.apiKey ?? '' } }, signal);
          const results = (json as { web?: { results?: unknown } } | null)?.web?.results;
          return resultsOf(results, (r) => ({ url: r.url, title: r.title, snippet: r.description, published: r.page_age ?? r.age }), limitOf(limit));
        },
      };
    case 'tavily':
      return {
        ...base,
        async search({ query, limit, signal }) {
          const body = JSON.stringify({ query, max_results: limitOf(limit), search_depth: 'basic', include_answer: false });
          const json = await call(endpoint, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', ...auth }, body }, signal);
          const results = (json as { results?: unknown } | null)?.results;
          return resultsOf(results, (r) => ({ url: r.url, title: r.title, snippet: r.content, published: r.published_date }), limitOf(limit));
        },
      };
    case 'custom':
      return {
        ...base,
        async search({ query, limit, signal }) {
          const url = new URL(endpoint);
          url.searchParams.set('q', query);
          url.searchParams.set('limit', String(limitOf(limit)));
          const json = await call(url.href, { headers: { accept: 'application/json', ...auth } }, signal);
          const results = (json as { results?: unknown } | null)?.results;
          return resultsOf(results, (r) => ({ url: r.url, title: r.title, snippet: r.snippet ?? r.content, published: r.published }), limitOf(limit));
        },
      };
  }
}
