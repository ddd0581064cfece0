import OpenAI from 'openai';
import type { FetchFn } from '../ports/fetch';

/** An API key, or a function that reads it (from secret storage) at each call. */
export type ApiKeySource = string | (() => Promise<string>) | undefined;

// The SDK's telemetry headers make local servers fail CORS preflights; null removes them.
const NO_STAINLESS_HEADERS: Record<string, null> = Object.fromEntries(
  ['Lang', 'Package-Version', 'OS', 'Arch', 'Runtime', 'Runtime-Version', 'Retry-Count', 'Timeout', 'Helper-Method', 'Async'].map(
    (h) => [`X-Stainless-${h}`, null],
  ),
);

/**
 * The `openai` SDK client every part of the core uses (chat, embeddings, fine-tuning), built one
 * way: no telemetry headers, browser use allowed (the plugin), `maxRetries` as given (the chat and
 * embeddings clients retry themselves: the SDK would sleep whatever retry-after says, unstoppably),
 * and an empty key sent as "no-key" (local servers want some Authorization). `onKey` hears the key
 * each call uses, so error messages can leave it out.
 */
export function openAiSdk(options: {
  baseURL: string;
  apiKey: ApiKeySource;
  fetch?: FetchFn;
  timeoutMs?: number;
  maxRetries: number;
  onKey?: (key: string) => void;
}): OpenAI {
  const { apiKey, onKey } = options;
  if (typeof apiKey === 'string') onKey?.(apiKey);
  return new OpenAI({
    baseURL: options.baseURL,
    apiKey:
      typeof apiKey === 'function'
        ? async () => {
            const key = (await apiKey()) || 'no-key';
            onKey?.(key);
            return key;
          }
        : apiKey || 'no-key',
    fetch: options.fetch,
    timeout: options.timeoutMs ?? 120_000,
    maxRetries: options.maxRetries,
    dangerouslyAllowBrowser: true,
    defaultHeaders: NO_STAINLESS_HEADERS,
  });
}
