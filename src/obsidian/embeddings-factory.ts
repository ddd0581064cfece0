import type { App } from 'obsidian';
import { EmbeddingsClient } from '../core/llm/embeddings';
import type { FetchFn } from '../core/ports/fetch';
import { DEFAULT_SETTINGS, type ScriptoriumSettings } from '../core/settings';
import { pluginFetch, type NetworkSession, type RequestUrlFn } from './http';
import { readSecret } from './secrets';

export interface EmbeddingsFactoryOptions {
  app: App;
  settings: () => ScriptoriumSettings;
  /** Which network layer reaches each server, learnt once per plugin load (a fresh one unless given). */
  session?: NetworkSession;
  /** The platform's network: the renderer's fetch and Obsidian's requestUrl unless given (tests give loopback ones). */
  fetch?: FetchFn;
  request?: RequestUrlFn;
}

/**
 * A client for the embedding endpoint of the current settings, or null when search by meaning is
 * off or has no model. The base URL falls back to the chat model's; the key is read per request
 * from the embedding key's secret, else the chat key's, and never stored.
 */
export function createEmbeddingsClient(options: EmbeddingsFactoryOptions, { ignoreOff = false } = {}): EmbeddingsClient | null {
  const settings = options.settings();
  const e = settings.embeddings;
  if ((!e.enabled && !ignoreOff) || !e.model) return null;
  const baseURL = e.baseURL || settings.baseURL;
  if (!baseURL) return null;
  const timeout = (settings.requestTimeoutSeconds > 0 ? settings.requestTimeoutSeconds : DEFAULT_SETTINGS.requestTimeoutSeconds) * 1000;
  return new EmbeddingsClient({
    baseURL,
    model: e.model,
    apiKey: () => Promise.resolve(readSecret(options.app, e.apiKeySecret) || readSecret(options.app, settings.apiKeySecret) || ''),
    fetch: pluginFetch({ mode: settings.networkMode, fetch: options.fetch ?? ((input, init) => window.fetch(input, init)), request: options.request, session: options.session }),
    timeoutMs: timeout,
    maxRetries: 2,
    maxRetryWaitSeconds: settings.maxRetryWaitSeconds,
    retryWaitSetting: 'in settings (Longest retry wait)',
  });
}
