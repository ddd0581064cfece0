import type { App } from 'obsidian';
import { LlmClient, type EndpointCapabilities } from '../core/llm';
import { DEFAULT_SETTINGS, type ScriptoriumSettings } from '../core/settings';
import type { FetchFn } from '../core/ports/fetch';
import { NetworkSession, pluginFetch, type RequestUrlFn } from './http';
import { readSecret } from './secrets';

export interface LlmFactoryOptions {
  app: App;
  settings: () => ScriptoriumSettings;
  /**
   * What this plugin load learnt about which network layer reaches each server; one for the
   * whole session, so a CORS fallback found once holds for every later client.
   */
  session?: NetworkSession;
  /** Shown once when streaming had to fall back to Obsidian's network layer (when no session is given). */
  onFallback?: (reason: string) => void;
  /** A key still waiting to be moved into secret storage (see the plugin's loadSettings); used when the storage has none. */
  pendingKey?: () => string | undefined;
  /** The platform's network: the renderer's fetch and Obsidian's requestUrl unless given (tests give loopback ones). */
  fetch?: FetchFn;
  request?: RequestUrlFn;
  /** Silence allowed in a stream before it fails; the model client's default (a minute) unless given. */
  streamIdleMs?: number;
  /** Which endpoints refused structured output, learnt once for the whole session (each client is short-lived). */
  capabilities?: EndpointCapabilities;
}

/**
 * Builds a model client from the current settings; the key is read per request, never stored.
 * Its timers follow the network layer: a stream that goes silent fails after a minute, but
 * Obsidian's network layer delivers the whole answer at once, so there (and until the session
 * knows which layer works for this server) the limit is the total "Request timeout".
 */
export function createLlmClient(options: LlmFactoryOptions, overrides: Partial<Pick<ScriptoriumSettings, 'baseURL' | 'model'>> = {}): LlmClient {
  const settings = options.settings();
  const baseURL = overrides.baseURL ?? settings.baseURL;
  const session = options.session ?? new NetworkSession((_origin, reason) => options.onFallback?.(reason));
  const streams = settings.networkMode === 'fetch' && session.layerFor(baseURL) === 'stream';
  const totalMs = (settings.requestTimeoutSeconds > 0 ? settings.requestTimeoutSeconds : DEFAULT_SETTINGS.requestTimeoutSeconds) * 1000;
  return new LlmClient({
    baseURL,
    model: overrides.model ?? settings.model,
    apiKey: () => Promise.resolve(readSecret(options.app, settings.apiKeySecret) || options.pendingKey?.() || ''),
    fetch: pluginFetch({
      mode: settings.networkMode,
      fetch: options.fetch ?? ((input, init) => window.fetch(input, init)),
      request: options.request,
      session,
    }),
    ...(streams ? { streamIdleMs: options.streamIdleMs } : { timeoutMs: totalMs, streamIdleMs: totalMs }),
    maxRetries: 2,
    maxRetryWaitSeconds: settings.maxRetryWaitSeconds,
    retryWaitSetting: 'in settings (Longest retry wait)',
    capabilities: options.capabilities,
    vision: settings.vision,
  });
}
