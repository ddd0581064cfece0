/**
 * The chat view tests run in jsdom, but talk to the loopback server through the real SDK. jsdom
 * has no fetch, TextEncoder or TextDecoder, and its AbortSignal is not one Node's fetch accepts,
 * so this borrows Node's own from the outer context. Import it first.
 */
import vm from 'node:vm';
import type { FetchFn } from '../../src/core/ports/fetch';

const node = new vm.Script('globalThis').runInThisContext() as typeof globalThis;
const host = globalThis as unknown as Record<string, unknown>;
for (const name of ['TextEncoder', 'TextDecoder', 'ReadableStream', 'TransformStream', 'structuredClone', 'Request', 'Response', 'Headers'] as const) {
  host[name] ??= node[name];
}

/** Node's fetch, fed a Node AbortSignal that follows the caller's jsdom one. */
export const nodeFetch: FetchFn = (input, init) => {
  const controller = new node.AbortController();
  const signal = init?.signal;
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', () => controller.abort());
  return node.fetch(input, { ...init, signal: controller.signal });
};
