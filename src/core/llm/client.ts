import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FetchFn } from '../ports/fetch';
import { LlmError, toLlmError } from './errors';
import { extractJson, splitThinking } from './json-extract';
import type { ChatDelta, ChatMessage, ChatRequest, ChatResult, FinishReason, TokenUsage, ToolCall } from './types';
import { addUsage, emptyUsage } from './types';

export interface LlmClientOptions {
  /** OpenAI-compatible base URL, e.g. "http://localhost:11434/v1". */
  baseURL: string;
  model: string;
  /** The key, or a function that reads it per request (e.g. from SecretStorage). Local servers ignore it. */
  apiKey?: string | (() => Promise<string>);
  fetch?: FetchFn;
  /** Milliseconds until a request without an answer fails. Default 120 000. */
  timeoutMs?: number;
  /** Milliseconds a stream may stay silent before it fails. Default 60 000. */
  streamIdleMs?: number;
  /** Retries of 408/409/429/5xx/connection failures, done by the SDK honouring retry-after. Default 2. */
  maxRetries?: number;
}

/** Called with the usage of every completed call; lets operations add up their cost. */
export type UsageListener = (usage: TokenUsage) => void;

// The SDK's telemetry headers make local servers fail CORS preflights; null removes them.
const noStainlessHeaders: Record<string, null> = Object.fromEntries(
  ['Lang', 'Package-Version', 'OS', 'Arch', 'Runtime', 'Runtime-Version', 'Retry-Count', 'Timeout', 'Helper-Method', 'Async'].map(
    (h) => [`X-Stainless-${h}`, null],
  ),
);

function toWire(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content ?? '' };
    case 'user':
      return { role: 'user', content: message.content ?? '' };
    case 'tool':
      return { role: 'tool', content: message.content ?? '', tool_call_id: message.toolCallId ?? '' };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? { tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      };
  }
}

function finishReason(raw: string | null | undefined): FinishReason {
  if (raw === 'stop' || raw === 'length' || raw === 'tool_calls' || raw === 'content_filter') return raw;
  if (raw === 'function_call') return 'tool_calls';
  return raw ? 'unknown' : 'stop';
}

function usageOf(raw: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null | undefined): TokenUsage {
  const prompt = raw?.prompt_tokens ?? 0;
  const completion = raw?.completion_tokens ?? 0;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: raw?.total_tokens ?? prompt + completion };
}

/** Reasoning models put their thinking in one of these non-standard fields. */
function reasoningOf(message: unknown): string {
  if (!message || typeof message !== 'object') return '';
  const m = message as Record<string, unknown>;
  for (const key of ['reasoning_content', 'reasoning']) {
    if (typeof m[key] === 'string') return m[key];
  }
  return '';
}

/** Combines the caller's signal with a timer so silence on a stream can be detected. */
function linkedController(signal: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  if (!signal) return { controller, dispose: () => undefined };
  if (signal.aborted) controller.abort(signal.reason);
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * The one way the core talks to a model: any OpenAI-compatible chat endpoint through the
 * official SDK. Every failure leaves as an LlmError; every call reports its token usage.
 */
export class LlmClient {
  readonly baseURL: string;
  readonly model: string;
  private readonly sdk: OpenAI;
  private readonly options: LlmClientOptions;
  private readonly usageListeners = new Set<UsageListener>();
  private lastKey: string | undefined;

  constructor(options: LlmClientOptions) {
    if (!options.baseURL) throw new LlmError('bad_request', 'LlmClient: no base URL configured.');
    this.options = options;
    this.baseURL = options.baseURL.replace(/\/+$/, '');
    this.model = options.model;
    const apiKey = options.apiKey;
    this.sdk = new OpenAI({
      baseURL: this.baseURL,
      apiKey:
        typeof apiKey === 'function'
          ? async () => {
              const key = (await apiKey()) || 'no-key';
              this.lastKey = key;
              return key;
            }
          : apiKey || 'no-key',
      fetch: options.fetch,
      timeout: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 2,
      dangerouslyAllowBrowser: true,
      defaultHeaders: noStainlessHeaders,
    });
    if (typeof apiKey === 'string') this.lastKey = apiKey;
  }

  /** Subscribes to the usage of every completed call; returns the unsubscribe function. */
  onUsage(listener: UsageListener): () => void {
    this.usageListeners.add(listener);
    return () => this.usageListeners.delete(listener);
  }

  private report(usage: TokenUsage): void {
    for (const listener of this.usageListeners) listener(usage);
  }

  private fail(error: unknown, signal?: AbortSignal): LlmError {
    if (signal?.aborted) return new LlmError('aborted', 'Request stopped.', { cause: error });
    return toLlmError(error, { baseURL: this.baseURL, model: this.model, apiKey: this.lastKey });
  }

  /** The model ids the endpoint offers. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const model of this.sdk.models.list({ signal })) ids.push(model.id);
      return ids.sort();
    } catch (error) {
      throw this.fail(error);
    }
  }

  private body(request: ChatRequest) {
    const tools: ChatCompletionTool[] | undefined = request.tools?.length
      ? request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))
      : undefined;
    return {
      model: request.model ?? this.model,
      messages: request.messages.map(toWire),
      ...(tools ? { tools } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    };
  }

  /** One complete answer, without streaming. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    let completion;
    const { controller, dispose } = linkedController(request.signal);
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    let timedOut = false;
    // Our own timer rather than only the SDK's: a timeout must be told apart from a user's stop
    // even when fetch's abort error comes from another realm (Electron, jest) and loses its name.
    const timer = window.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      completion = await this.sdk.chat.completions.create({ ...this.body(request), stream: false }, { signal: controller.signal });
    } catch (error) {
      if (timedOut) throw new LlmError('timeout', `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${this.baseURL}.`, { cause: error });
      throw this.fail(error, controller.signal);
    } finally {
      window.clearTimeout(timer);
      dispose();
    }
    const choice = completion?.choices?.[0];
    if (!choice || typeof choice !== 'object') {
      throw new LlmError('unusable_output', `The endpoint's reply has no choices (model "${request.model ?? this.model}").`);
    }
    const message = choice.message ?? { content: '' };
    const split = splitThinking(message.content ?? '');
    const toolCalls: ToolCall[] = (message.tool_calls ?? [])
      .filter((c) => c.type === 'function')
      .map((c, i) => ({ id: c.id || `call_${i}`, name: c.function.name, arguments: c.function.arguments ?? '' }));
    const result: ChatResult = {
      content: split.content,
      reasoning: [reasoningOf(message), split.reasoning].filter(Boolean).join('\n'),
      toolCalls,
      finishReason: finishReason(choice.finish_reason),
      usage: usageOf(completion.usage),
      model: completion.model ?? request.model ?? this.model,
    };
    this.report(result.usage);
    return result;
  }

  /**
   * Streams the answer as deltas; the last delta is `done` with the assembled result. Stops
   * promptly on abort, and fails with a timeout when the stream goes silent.
   */
  async *stream(request: ChatRequest): AsyncGenerator<ChatDelta, void, undefined> {
    const { controller, dispose } = linkedController(request.signal);
    const idleMs = this.options.streamIdleMs ?? 60_000;
    let idleTimer: number | undefined;
    let timedOut = false;
    const arm = () => {
      if (idleTimer !== undefined) window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, idleMs);
    };
    let text = '';
    let reasoning = '';
    let usage = emptyUsage();
    let finish: FinishReason = 'stop';
    let model = request.model ?? this.model;
    const calls = new Map<number, ToolCall>();
    try {
      arm();
      const stream = await this.sdk.chat.completions.create(
        { ...this.body(request), stream: true, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        arm();
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = usageOf(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta ?? {};
        const thought = reasoningOf(delta);
        if (thought) {
          reasoning += thought;
          yield { type: 'reasoning', text: thought };
        }
        if (delta.content) {
          text += delta.content;
          yield { type: 'text', text: delta.content };
        }
        for (const call of delta.tool_calls ?? []) {
          const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
          if (call.id) entry.id = call.id;
          if (call.function?.name) entry.name += call.function.name;
          if (call.function?.arguments) entry.arguments += call.function.arguments;
          calls.set(call.index, entry);
          yield { type: 'tool_call', index: call.index, id: call.id, name: call.function?.name, argumentsDelta: call.function?.arguments };
        }
        if (choice.finish_reason) finish = finishReason(choice.finish_reason);
      }
      // The SDK ends iteration quietly on abort; a stream we stopped is not a complete answer.
      if (controller.signal.aborted) throw new Error('stream aborted');
    } catch (error) {
      if (timedOut) throw new LlmError('timeout', `The stream from ${this.baseURL} went silent for ${Math.round(idleMs / 1000)} s.`, { cause: error });
      throw this.fail(error, controller.signal);
    } finally {
      if (idleTimer !== undefined) window.clearTimeout(idleTimer);
      dispose();
    }
    const split = splitThinking(text);
    const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([i, c]) => ({ ...c, id: c.id || `call_${i}` }));
    const result: ChatResult = {
      content: split.content,
      reasoning: [reasoning, split.reasoning].filter(Boolean).join('\n'),
      toolCalls,
      finishReason: toolCalls.length > 0 && finish === 'stop' ? 'tool_calls' : finish,
      usage,
      model,
    };
    this.report(usage);
    yield { type: 'done', result };
  }

  /**
   * Asks for JSON and parses it with `parse` (which throws on a wrong shape). A reply that is not
   * usable JSON gets one repair round-trip; a second failure is an `unusable_output` error.
   */
  async json<T>(request: ChatRequest, parse: (value: unknown) => T): Promise<{ value: T; usage: TokenUsage }> {
    const usage = emptyUsage();
    let messages = request.messages;
    let lastProblem = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.chat({ ...request, messages, tools: undefined });
      addUsage(usage, result.usage);
      const extracted = extractJson(result.content || result.reasoning);
      let problem: string;
      if (extracted.ok) {
        try {
          return { value: parse(extracted.value), usage };
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
      } else {
        problem = extracted.reason;
      }
      if (result.finishReason === 'length') problem += ' (the reply hit the output token limit)';
      lastProblem = problem;
      messages = [
        ...request.messages,
        { role: 'assistant', content: result.content.slice(0, 4000) },
        {
          role: 'user',
          content: `Your reply could not be used: ${problem}. Reply again with only the corrected JSON, no prose and no code fence${
            result.finishReason === 'length' ? ', and keep it shorter' : ''
          }.`,
        },
      ];
    }
    throw new LlmError('unusable_output', `The model's reply was not usable JSON after one repair attempt: ${lastProblem}`);
  }
}
