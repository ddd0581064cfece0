import { requestUrl, type RequestUrlParam, type RequestUrlResponse } from 'obsidian';
import type { FetchFn } from '../core/ports/fetch';
import type { NetworkMode } from '../core/settings';

export type RequestUrlFn = (request: RequestUrlParam) => Promise<RequestUrlResponse>;

function headersOf(input: string | URL | Request, init: RequestInit | undefined): Record<string, string> {
  const headers = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    // requestUrl sets these itself and some Electron versions reject them.
    if (key !== 'content-length' && key !== 'host') out[key] = value;
  });
  return out;
}

async function bodyOf(input: string | URL | Request, init: RequestInit | undefined): Promise<string | ArrayBuffer | undefined> {
  const body = init?.body ?? (input instanceof Request ? await input.clone().arrayBuffer() : undefined);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof ArrayBuffer) return body;
  return new Response(body).arrayBuffer();
}

/**
 * A fetch built on Obsidian's `requestUrl`: it is not subject to CORS (local servers that reject
 * the app's origin still work) but buffers the whole response and cannot be aborted, so it never
 * streams. `throw: false` keeps HTTP errors as responses so the SDK maps statuses and retries.
 */
export function requestUrlFetch(request: RequestUrlFn = requestUrl): FetchFn {
  return async (input, init) => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    const url = input instanceof Request ? input.url : String(input);
    const call = request({
      url,
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      headers: headersOf(input, init),
      body: await bodyOf(input, init),
      throw: false,
    });
    // The request itself cannot be cancelled; at least stop waiting for it.
    const aborted = new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')), { once: true });
    });
    const response = await Promise.race([call, aborted]);
    return new Response(response.status === 204 ? null : response.arrayBuffer, {
      status: response.status,
      headers: response.headers,
    });
  };
}

export interface PluginFetchOptions {
  mode: NetworkMode;
  /** The renderer's fetch (streams; subject to CORS). */
  fetch: FetchFn;
  request?: RequestUrlFn;
  /** Told once when a network failure made us switch to Obsidian's network layer. */
  onFallback?: (reason: string) => void;
}

/**
 * The fetch the model client uses inside Obsidian: the renderer's fetch first (it streams), and
 * on a network-level failure — which is what a CORS block looks like — Obsidian's network layer
 * for the rest of the session. With mode "obsidian" it uses the network layer from the start.
 */
export function pluginFetch(options: PluginFetchOptions): FetchFn {
  const fallback = requestUrlFetch(options.request);
  if (options.mode === 'obsidian') return fallback;
  let useFallback = false;
  return async (input, init) => {
    if (useFallback) return fallback(input, init);
    try {
      return await options.fetch(input, init);
    } catch (error) {
      const aborted = error instanceof Error && error.name === 'AbortError';
      if (aborted || !(error instanceof TypeError)) throw error;
      useFallback = true;
      options.onFallback?.(error.message);
      return fallback(input, init);
    }
  };
}
