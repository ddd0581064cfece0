import type { App } from 'obsidian';
import { LlmClient } from '../core/llm';
import type { ScriptoriumSettings } from '../core/settings';
import { pluginFetch } from './http';
import { readSecret } from './secrets';

export interface LlmFactoryOptions {
  app: App;
  settings: () => ScriptoriumSettings;
  /** Shown once when streaming had to fall back to Obsidian's network layer. */
  onFallback?: (reason: string) => void;
}

/** Builds a model client from the current settings; the key is read per request, never stored. */
export function createLlmClient(options: LlmFactoryOptions, overrides: Partial<Pick<ScriptoriumSettings, 'baseURL' | 'model'>> = {}): LlmClient {
  const settings = options.settings();
  return new LlmClient({
    baseURL: overrides.baseURL ?? settings.baseURL,
    model: overrides.model ?? settings.model,
    apiKey: () => Promise.resolve(readSecret(options.app, settings.apiKeySecret)),
    fetch: pluginFetch({
      mode: settings.networkMode,
      fetch: (input, init) => window.fetch(input, init),
      onFallback: options.onFallback,
    }),
    maxRetries: 2,
    maxRetryWaitSeconds: settings.maxRetryWaitSeconds,
    retryWaitSetting: 'in settings (Longest retry wait)',
  });
}
