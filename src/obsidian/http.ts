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

/** Statuses whose response must not have a body: `new Response(body, …)` throws for them. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

function urlOf(input: string | URL | Request): string {
  return input instanceof Request ? input.url : String(input);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * An error's message, with its cause's when there is one (Node's fetch says only "fetch failed").
 * Read by shape: errors from fetch may come from another realm, where `instanceof Error` fails.
 */
function messageOf(error: unknown): string {
  const text = (value: unknown): string => {
    const message = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : '';
  };
  const own = text(error) || String(error);
  const cause = typeof error === 'object' && error !== null ? text((error as { cause?: unknown }).cause) : '';
  return cause && cause !== own ? `${own}: ${cause}` : own;
}

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Obsidian's network layer could not connect; `detail` is what it said. */
class NetworkLayerUnreachable extends TypeError {
  readonly detail: string;

  constructor(message: string, detail: string) {
    super(message);
    this.detail = detail;
  }
}

/**
 * Why nothing could connect, worded to follow the model client's "Cannot reach <url>: ". A
 * TypeError, as fetch's own network failures are, so the client maps it to a connection error;
 * no cause, so this sentence is the detail the person reads.
 */
function unreachable(url: string, detail: string, alsoStreaming: boolean): NetworkLayerUnreachable {
  const layers = alsoStreaming
    ? 'neither streaming nor Obsidian’s network layer could connect, so this is not a CORS block'
    : 'Obsidian’s network layer could not connect';
  return new NetworkLayerUnreachable(`${layers} (${detail}). Check that the server at ${originOf(url)} is running and that the base URL is right`, detail);
}

/** A network-level failure of fetch (CORS block, refused connection…); by name, as it may come from another realm. */
function isNetworkFailure(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TypeError';
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/**
 * A fetch built on Obsidian's `requestUrl`: it is not subject to CORS (local servers that reject
 * the app's origin still work) but buffers the whole response and cannot be aborted, so it never
 * streams. `throw: false` keeps HTTP errors as responses so the SDK maps statuses and retries.
 * A failure to connect becomes a TypeError that says so (see {@link unreachable}).
 */
export function requestUrlFetch(request: RequestUrlFn = requestUrl): FetchFn {
  return async (input, init) => {
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) throw abortError();
    const url = urlOf(input);
    const call = request({
      url,
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      headers: headersOf(input, init),
      body: await bodyOf(input, init),
      throw: false,
    });
    // The request itself cannot be cancelled; at least stop waiting for it.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    let response: RequestUrlResponse;
    try {
      response = await Promise.race([call, aborted]);
    } catch (error) {
      if (signal?.aborted) throw abortError();
      throw unreachable(url, messageOf(error), false);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    return new Response(NO_BODY.has(response.status) ? null : response.arrayBuffer, {
      status: response.status,
      headers: response.headers,
    });
  };
}

/** Which network layer works for one server, once known. */
export type NetworkLayer = 'stream' | 'obsidian';

/**
 * What this session learnt about each server (by origin): whether the renderer's fetch reaches
 * it (streaming) or only Obsidian's network layer does (a CORS block). One per plugin load, shared
 * by every model client, so the fallback found by one question holds for the next ones instead of
 * each question first making a fetch that fails.
 */
export class NetworkSession {
  private readonly layers = new Map<string, NetworkLayer>();
  private readonly onFallback?: (origin: string, reason: string) => void;

  /** `onFallback` is told once per server, when a CORS block made us switch to Obsidian's network layer. */
  constructor(onFallback?: (origin: string, reason: string) => void) {
    this.onFallback = onFallback;
  }

  /** The layer known to work for the server at `url`, or undefined before the first answer. */
  layerFor(url: string): NetworkLayer | undefined {
    return this.layers.get(originOf(url));
  }

  /** Records that the renderer's fetch got an answer from this server. */
  streamed(url: string): void {
    const origin = originOf(url);
    if (!this.layers.has(origin)) this.layers.set(origin, 'stream');
  }

  /** Records that only Obsidian's network layer reaches this server, and says so once. */
  fellBack(url: string, reason: string): void {
    const origin = originOf(url);
    if (this.layers.get(origin) === 'obsidian') return;
    this.layers.set(origin, 'obsidian');
    this.onFallback?.(origin, reason);
  }
}

export interface PluginFetchOptions {
  mode: NetworkMode;
  /** The renderer's fetch (streams; subject to CORS). */
  fetch: FetchFn;
  request?: RequestUrlFn;
  /** Where the layer found to work is remembered; a private one (this fetch's lifetime) when absent. */
  session?: NetworkSession;
  /** Told once when a CORS block made us switch to Obsidian's network layer (with a private session). */
  onFallback?: (reason: string) => void;
}

/**
 * The fetch the model client uses inside Obsidian: the renderer's fetch first (it streams). When
 * it fails at the network level, Obsidian's network layer tries the same request: if that gets
 * an answer, the failure was a CORS block, and the session uses that layer for this server from
 * then on; if it cannot connect either, nothing is listening there, and the error says so rather
 * than blaming CORS. With mode "obsidian" it uses the network layer from the start.
 */
export function pluginFetch(options: PluginFetchOptions): FetchFn {
  const fallback = requestUrlFetch(options.request);
  if (options.mode === 'obsidian') return fallback;
  const session = options.session ?? new NetworkSession((_origin, reason) => options.onFallback?.(reason));
  return async (input, init) => {
    const url = urlOf(input);
    if (session.layerFor(url) === 'obsidian') return fallback(input, init);
    let response: Response;
    try {
      response = await options.fetch(input, init);
    } catch (error) {
      if (isAbort(error) || !isNetworkFailure(error)) throw error;
      // A CORS block and a refused connection look the same from the renderer; ask the layer
      // that CORS does not apply to. The request is sent again there, so it is also the answer.
      let answer: Response;
      try {
        answer = await fallback(input, init);
      } catch (second) {
        if (isAbort(second)) throw second;
        throw unreachable(url, second instanceof NetworkLayerUnreachable ? second.detail : messageOf(second), true);
      }
      session.fellBack(url, error.message);
      return answer;
    }
    session.streamed(url);
    return response;
  };
}
