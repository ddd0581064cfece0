import type OpenAI from 'openai';
import { openAiSdk } from './sdk';
import { tr } from '../../i18n';
import type { FetchFn } from '../ports/fetch';
import { LlmError, stopped, toLlmError, waitToRetry } from './errors';
import type { TokenUsage } from './types';

export interface EmbeddingsClientOptions {
  /** OpenAI-compatible base URL of the embedding endpoint (may differ from the chat model's). */
  baseURL: string;
  model: string;
  /** The key, or a function that reads it per request. Local servers ignore it. */
  apiKey?: string | (() => Promise<string>);
  fetch?: FetchFn;
  /** Milliseconds until one request without an answer fails. Default 120 000. */
  timeoutMs?: number;
  /** Retries of 408/409/429/5xx and of failed connections, as chat calls do. Default 2. */
  maxRetries?: number;
  /** Longest wait a server may ask for before a retry; asking more fails at once. Default 60. */
  maxRetryWaitSeconds?: number;
  /** Where a person raises that limit, completing "raise the limit …". Default "in settings". */
  retryWaitSetting?: string;
  /** Texts per request. Default 32. */
  batchSize?: number;
  /** Requests in flight at once. Default 2. */
  concurrency?: number;
  /** Stops every call of this client (the CLI's Ctrl-C), on top of each call's own signal. */
  signal?: AbortSignal;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /**
   * Called with each batch's vectors as soon as it arrives (batches may finish out of order), so
   * a caller can keep what was embedded when a later batch fails or the run is stopped.
   */
  onBatch?: (offset: number, vectors: Float32Array[]) => void;
}




/** One abort signal that fires when any of `signals` does; `close` unlinks it. */
function linked(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; close: () => void } {
  const controller = new AbortController();
  const unlink: (() => void)[] = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) controller.abort(signal.reason);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    unlink.push(() => signal.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, close: () => unlink.forEach((u) => u()) };
}


/**
 * Vectors for texts from any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, LM
 * Studio, llama.cpp server, vLLM) through the official SDK. Texts go in batches (`batchSize` per
 * request, `concurrency` requests at once); failures are retried and reported as `LlmError`s,
 * exactly as chat calls are. Every vector of one client has the same length: the first answer
 * fixes it and a later answer of another length fails clearly.
 */
export class EmbeddingsClient {
  readonly baseURL: string;
  readonly model: string;
  private readonly sdk: OpenAI;
  private readonly options: EmbeddingsClientOptions;
  private readonly usageListeners = new Set<(usage: TokenUsage) => void>();
  private lastKey: string | undefined;
  private dimension: number | undefined;

  constructor(options: EmbeddingsClientOptions) {
    if (!options.baseURL) throw new LlmError('bad_request', tr('core.llm.embed.noBaseUrl'));
    if (!options.model) throw new LlmError('bad_request', tr('core.llm.embed.noModel'));
    this.options = options;
    this.baseURL = options.baseURL.replace(/\/+$/, '');
    this.model = options.model;
    this.sdk = openAiSdk({
      baseURL: this.baseURL,
      apiKey: options.apiKey,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      // Retries are ours, as the chat client's.
      maxRetries: 0,
      onKey: (key) => (this.lastKey = key),
    });
  }

  /** The vector length, once a call has answered. */
  get knownDimension(): number | undefined {
    return this.dimension;
  }

  /** Subscribes to the token usage of every answered request; returns the unsubscribe function. */
  onUsage(listener: (usage: TokenUsage) => void): () => void {
    this.usageListeners.add(listener);
    return () => this.usageListeners.delete(listener);
  }

  /** Embeds one short text and returns the vector size: the "Test connection" check. */
  async dimensions(signal?: AbortSignal): Promise<number> {
    const [vector] = await this.embed(['Test connection'], { signal });
    return vector.length;
  }

  /** The vector of one text (a search query). */
  async embedOne(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const [vector] = await this.embed([text], { signal });
    return vector;
  }

  /**
   * Vectors for `texts`, in order. Batches run `concurrency` at a time; the first failure (after
   * its retries) stops the rest and rejects, after `onBatch` has seen every batch that finished.
   */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const size = Math.max(1, this.options.batchSize ?? 32);
    const batches: number[] = [];
    for (let offset = 0; offset < texts.length; offset += size) batches.push(offset);
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    const stop = new AbortController();
    const signals = [options.signal, this.options.signal, stop.signal];
    let next = 0;
    let failure: LlmError | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < batches.length) {
        const offset = batches[next++];
        const slice = texts.slice(offset, offset + size);
        try {
          const vectors = await this.request(slice, signals);
          for (let i = 0; i < vectors.length; i++) out[offset + i] = vectors[i];
          options.onBatch?.(offset, vectors);
        } catch (error) {
          failure ??= error instanceof LlmError ? error : toLlmError(error, { baseURL: this.baseURL, model: this.model, apiKey: this.lastKey });
          stop.abort();
        }
      }
    };
    const workers = Math.max(1, Math.min(this.options.concurrency ?? 2, batches.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure !== undefined) {
      // A batch stopped because another failed reports the first failure, not "stopped".
      throw failure;
    }
    return out;
  }

  /** One request with retries, as chat calls are retried. */
  private async request(input: string[], signals: (AbortSignal | undefined)[]): Promise<Float32Array[]> {
    const maxRetries = Math.max(0, this.options.maxRetries ?? 2);
    const capSeconds = Math.max(0, this.options.maxRetryWaitSeconds ?? 60);
    for (let tried = 0; ; tried++) {
      if (signals.some((s) => s?.aborted)) throw stopped();
      const link = linked(signals);
      let failure: LlmError;
      try {
        const response = await this.sdk.embeddings.create({ model: this.model, input, encoding_format: 'float' }, { signal: link.signal });
        return this.vectorsOf(response, input.length);
      } catch (error) {
        if (signals.some((s) => s?.aborted)) throw stopped(error);
        failure = error instanceof LlmError ? error : toLlmError(error, { baseURL: this.baseURL, model: this.model, apiKey: this.lastKey });
      } finally {
        link.close();
      }
      await waitToRetry(failure, { tried, maxRetries, capSeconds, baseURL: this.baseURL, retryWaitSetting: this.options.retryWaitSetting, signals });
    }
  }

  private vectorsOf(response: unknown, expected: number): Float32Array[] {
    const body = response as { data?: unknown; usage?: { prompt_tokens?: number; total_tokens?: number } } | null;
    if (!body || !Array.isArray(body.data)) {
      throw new LlmError('unusable_output', tr('core.llm.embed.noList', { url: this.baseURL, model: this.model }));
    }
    const items = body.data as { index?: unknown; embedding?: unknown }[];
    if (items.length !== expected) {
      throw new LlmError('unusable_output', tr('core.llm.embed.wrongCount', { url: this.baseURL, count: items.length, expected }));
    }
    const out: Float32Array[] = new Array<Float32Array>(expected);
    items.forEach((item, position) => {
      const index = typeof item.index === 'number' ? item.index : position;
      const raw = item.embedding;
      if (!Array.isArray(raw) || raw.length === 0 || index < 0 || index >= expected || out[index] !== undefined) {
        throw new LlmError('unusable_output', tr('core.llm.embed.malformed', { url: this.baseURL, item: position }));
      }
      const vector = Float32Array.from(raw as number[]);
      if (!vector.every(Number.isFinite)) throw new LlmError('unusable_output', tr('core.llm.embed.notNumber', { url: this.baseURL }));
      if (this.dimension === undefined) this.dimension = vector.length;
      else if (vector.length !== this.dimension) {
        throw new LlmError('unusable_output', tr('core.llm.embed.dimensionChanged', { url: this.baseURL, size: vector.length, before: this.dimension, model: this.model }));
      }
      out[index] = vector;
    });
    const prompt = body.usage?.prompt_tokens ?? 0;
    const usage: TokenUsage = { promptTokens: prompt, completionTokens: 0, totalTokens: body.usage?.total_tokens ?? prompt };
    for (const listener of this.usageListeners) listener(usage);
    return out;
  }
}
