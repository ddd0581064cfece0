import type OpenAI from 'openai';
import { openAiSdk } from './sdk';
import { tr } from '../../i18n';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FetchFn } from '../ports/fetch';
import { LlmError, scrub, stopped, toLlmError, waitToRetry, webPageMessage } from './errors';
import { extractJson, splitThinking } from './json-extract';
import type { ReplyShape } from './schema';
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
  /**
   * Retries of 408/409/429/5xx and of connections that fail before any answer, honouring the
   * server's retry-after (up to `maxRetryWaitSeconds`), else backing off 0.5, 1, 2… s. Default 2.
   */
  maxRetries?: number;
  /** Longest wait a server may ask for before a retry; asking more fails at once. Default 60. */
  maxRetryWaitSeconds?: number;
  /** Where a person raises that limit, completing "raise the limit …". Default "in settings". */
  retryWaitSetting?: string;
  /** Stops every call of this client (the CLI's Ctrl-C), on top of each call's own signal. */
  signal?: AbortSignal;
  /**
   * Where the client remembers which endpoints refused structured output. Share one across the
   * clients of a session (the plugin makes a client per operation); default: this client's own.
   */
  capabilities?: EndpointCapabilities;
  /** False: never ask for structured output, only prompt for JSON. Default true. */
  structuredOutput?: boolean;
  /**
   * Image input: 'auto' (default) sends images and, when the endpoint refuses them, asks again
   * without and remembers; 'on' sends them and fails with a clear message when refused; 'off'
   * never sends them (each is replaced by a line naming it).
   */
  vision?: VisionMode;
}

export type VisionMode = 'auto' | 'on' | 'off';

/**
 * What endpoints (base URL and model) turned out not to accept, so later calls do not ask again:
 * today, structured output (`response_format: json_schema`). Lives as long as its holder: the
 * plugin keeps one for the session, a CLI run for the command.
 */
export class EndpointCapabilities {
  private readonly noStructuredOutput = new Set<string>();
  private readonly noImages = new Set<string>();

  refusesImages(endpoint: string): boolean {
    return this.noImages.has(endpoint);
  }

  rememberImagesRefused(endpoint: string): void {
    this.noImages.add(endpoint);
  }

  refusesStructuredOutput(endpoint: string): boolean {
    return this.noStructuredOutput.has(endpoint);
  }

  rememberStructuredOutputRefused(endpoint: string): void {
    this.noStructuredOutput.add(endpoint);
  }
}

/**
 * A server that does not take `response_format: json_schema` says so with a 400 (or 422) naming
 * it; any other failure is not about the format and is not retried without it.
 */
function refusesStructuredOutput(error: unknown): boolean {
  return (
    error instanceof LlmError &&
    (error.kind === 'bad_request' || error.kind === 'unusable_output') &&
    /response_format|json_schema|structured output|response format|json schema/i.test(error.message)
  );
}

/**
 * A server that cannot see says so when sent an image part: OpenAI ("image_url is only supported
 * by certain models"), llama.cpp without a projector ("image input is not supported … mmproj"),
 * LM Studio ("does not support images"), vLLM ("not a multimodal model"). Some answer 500.
 */
function refusesImages(error: unknown): boolean {
  return (
    error instanceof LlmError &&
    (error.kind === 'bad_request' || error.kind === 'server' || error.kind === 'unusable_output') &&
    /image|vision|multi-?modal|mmproj|content.{0,20}(array|list|part)/i.test(error.message)
  );
}

/** The messages with every image replaced by a line naming it (for endpoints that cannot see). */
export function withoutImages(messages: ChatMessage[]): ChatMessage[] {
  return messages.map((m) => {
    if (!m.images?.length) return m;
    const lines = m.images.map((i) => `[An image is attached here that you cannot see: ${i.alt || 'no description'}]`);
    return { role: m.role, content: `${m.content ?? ''}\n\n${lines.join('\n')}`, ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}), ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}) };
  });
}

/** Called with the usage of every completed call; lets operations add up their cost. */
export type UsageListener = (usage: TokenUsage) => void;


function toWire(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content ?? '' };
    case 'user':
      if (message.images?.length) {
        return {
          role: 'user',
          content: [{ type: 'text', text: message.content ?? '' }, ...message.images.map((i) => ({ type: 'image_url' as const, image_url: { url: i.url } }))],
        };
      }
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


/**
 * One try of one call: its own abort controller, linked to the caller's signals, and a timer
 * that can be re-armed (a stream re-arms it on every chunk). `timedOut` tells our timer from a stop.
 */
class Attempt {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: number | undefined;
  private readonly unlink: (() => void)[] = [];

  constructor(signals: (AbortSignal | undefined)[]) {
    for (const signal of signals) {
      if (!signal) continue;
      if (signal.aborted) this.controller.abort(signal.reason);
      const onAbort = () => this.controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.unlink.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  arm(ms: number): void {
    this.disarm();
    this.timer = window.setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
  }

  disarm(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.disarm();
    for (const unlink of this.unlink) unlink();
    this.unlink.length = 0;
  }
}



function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
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
  private readonly capabilities: EndpointCapabilities;
  private lastKey: string | undefined;

  constructor(options: LlmClientOptions) {
    if (!options.baseURL) throw new LlmError('bad_request', 'LlmClient: no base URL configured.');
    this.options = options;
    this.capabilities = options.capabilities ?? new EndpointCapabilities();
    this.baseURL = options.baseURL.replace(/\/+$/, '');
    this.model = options.model;
    this.sdk = openAiSdk({
      baseURL: this.baseURL,
      apiKey: options.apiKey,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      // Retries are ours (see send).
      maxRetries: 0,
      onKey: (key) => (this.lastKey = key),
    });
  }

  /** Subscribes to the usage of every completed call; returns the unsubscribe function. */
  onUsage(listener: UsageListener): () => void {
    this.usageListeners.add(listener);
    return () => this.usageListeners.delete(listener);
  }

  private report(usage: TokenUsage): void {
    for (const listener of this.usageListeners) listener(usage);
  }

  private fail(error: unknown, signal?: AbortSignal, answering = false): LlmError {
    if (signal?.aborted || this.options.signal?.aborted) return stopped(error);
    return toLlmError(error, { baseURL: this.baseURL, model: this.model, apiKey: this.lastKey, answering });
  }

  /**
   * Runs `call` with retries. Each try gets an Attempt (abort linked to the caller's signal and
   * the client's; `timeoutMs` arms its timer). A failure that may pass is retried after the wait
   * the server asked for, or a back-off; every wait stops at once on abort, and a server asking
   * for more than `maxRetryWaitSeconds` fails at once. A timeout is never retried: it already
   * took as long as a person should wait. On success the Attempt is handed back still open
   * (a stream keeps reading through it); the caller closes it.
   */
  private async send<T>(
    signal: AbortSignal | undefined,
    options: { timeoutMs?: number; timeout: () => LlmError },
    call: (attempt: Attempt) => Promise<T>,
  ): Promise<{ value: T; attempt: Attempt }> {
    const maxRetries = Math.max(0, this.options.maxRetries ?? 2);
    const capSeconds = Math.max(0, this.options.maxRetryWaitSeconds ?? 60);
    const signals = [signal, this.options.signal];
    for (let tried = 0; ; tried++) {
      if (signals.some((s) => s?.aborted)) throw stopped();
      const attempt = new Attempt(signals);
      if (options.timeoutMs !== undefined) attempt.arm(options.timeoutMs);
      let failure: LlmError;
      try {
        return { value: await call(attempt), attempt };
      } catch (error) {
        attempt.close();
        if (attempt.timedOut) throw options.timeout();
        failure = this.fail(error, signal);
      }
      await waitToRetry(failure, { tried, maxRetries, capSeconds, baseURL: this.baseURL, retryWaitSetting: this.options.retryWaitSetting, signals });
    }
  }

  /** The model ids the endpoint offers. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const { value, attempt } = await this.send(
      signal,
      { timeoutMs, timeout: () => new LlmError('timeout', tr('core.llm.timedOutAfter', { seconds: Math.round(timeoutMs / 1000), url: this.baseURL })) },
      async (attempt) => {
        const ids: string[] = [];
        for await (const model of this.sdk.models.list({ signal: attempt.signal })) ids.push(model.id);
        return ids.sort();
      },
    );
    attempt.close();
    return value;
  }

  private body(request: ChatRequest) {
    const tools: ChatCompletionTool[] | undefined = request.tools?.length
      ? request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))
      : undefined;
    return {
      model: request.model ?? this.model,
      messages: request.messages.map(toWire),
      ...(tools ? { tools } : {}),
      ...(request.responseFormat
        ? { response_format: { type: 'json_schema' as const, json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: true } } }
        : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    };
  }

  /**
   * One complete answer, without streaming. Images in the messages are sent as the vision
   * setting says: an endpoint that refuses them is asked again without (and remembered) on
   * 'auto', named in a clear error on 'on'; 'off' never sends them.
   */
  async chat(request: ChatRequest): Promise<ChatResult> {
    if (!request.messages.some((m) => m.images?.length)) return this.chatOnce(request);
    const endpoint = `${this.baseURL}|${request.model ?? this.model}`;
    const mode = this.options.vision ?? 'auto';
    if (mode === 'off' || (mode === 'auto' && this.capabilities.refusesImages(endpoint))) {
      return this.chatOnce({ ...request, messages: withoutImages(request.messages) });
    }
    try {
      return await this.chatOnce(request);
    } catch (error) {
      if (!refusesImages(error)) throw error;
      if (mode === 'on') {
        throw new LlmError('bad_request', tr('core.llm.imagesRefused', { error: (error as LlmError).message }), { cause: error, hint: tr('core.llm.hint.noVision') });
      }
      this.capabilities.rememberImagesRefused(endpoint);
      return this.chatOnce({ ...request, messages: withoutImages(request.messages) });
    }
  }

  /** Whether this client would send images to `model` now (for estimates and reports). */
  sendsImages(model?: string): boolean {
    const mode = this.options.vision ?? 'auto';
    return mode === 'on' || (mode === 'auto' && !this.capabilities.refusesImages(`${this.baseURL}|${model ?? this.model}`));
  }

  private async chatOnce(request: ChatRequest): Promise<ChatResult> {
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    // Our own timer rather than only the SDK's: a timeout must be told apart from a user's stop
    // even when fetch's abort error comes from another realm (Electron, jest) and loses its name.
    const { value: completion, attempt } = await this.send(
      request.signal,
      { timeoutMs, timeout: () => new LlmError('timeout', tr('core.llm.timedOutAfter', { seconds: Math.round(timeoutMs / 1000), url: this.baseURL })) },
      async (attempt) => {
        // The body is read and parsed here rather than by the SDK: a failure while reading it is
        // a drop mid-answer (the server had answered), and a page that is not JSON is named.
        const response = await this.sdk.chat.completions.create({ ...this.body(request), stream: false }, { signal: attempt.signal }).asResponse();
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          throw this.fail(error, attempt.signal, true);
        }
        if (mediaType(response) === 'text/html' || /^\s*</.test(text)) {
          throw new LlmError('unusable_output', webPageMessage(this.baseURL), { hint: tr('core.llm.hint.notEndpoint') });
        }
        let data: ChatCompletion;
        try {
          data = JSON.parse(text) as ChatCompletion;
        } catch (error) {
          const start = scrub(text.trim().slice(0, 60), this.lastKey);
          const type = mediaType(response);
          const said =
            text.trim() === ''
              ? tr('core.llm.emptyBody', { url: this.baseURL })
              : type
                ? tr('core.llm.notJson', { url: this.baseURL, type, start })
                : tr('core.llm.notJsonUntyped', { url: this.baseURL, start });
          throw new LlmError('unusable_output', said, { cause: error });
        }
        return data;
      },
    );
    attempt.close();
    const choice = completion?.choices?.[0];
    if (!choice || typeof choice !== 'object') {
      throw new LlmError('unusable_output', tr('core.llm.noChoices', { url: this.baseURL, model: request.model ?? this.model }));
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
    // A stream is never retried, so images go only where they are known to be welcome.
    if (request.messages.some((m) => m.images?.length) && !this.sendsImages(request.model)) request = { ...request, messages: withoutImages(request.messages) };
    const idleMs = this.options.streamIdleMs ?? 60_000;
    const silent = () => new LlmError('timeout', tr('core.llm.streamSilent', { url: this.baseURL, seconds: Math.round(idleMs / 1000) }));
    let text = '';
    let reasoning = '';
    let usage = emptyUsage();
    let finish: FinishReason = 'stop';
    let model = request.model ?? this.model;
    const calls = new Map<number, ToolCall>();
    // Retries happen only before the first byte of the answer (inside send); once text has been
    // handed to the caller, a failure ends the stream.
    const { value: stream, attempt } = await this.send(request.signal, { timeoutMs: idleMs, timeout: silent }, async (attempt) => {
      const { data, response } = await this.sdk.chat.completions
        .create({ ...this.body(request), stream: true, stream_options: { include_usage: true } }, { signal: attempt.signal })
        .withResponse();
      if (mediaType(response) === 'text/html') {
        attempt.controller.abort();
        throw new LlmError('unusable_output', webPageMessage(this.baseURL), { hint: tr('core.llm.hint.notEndpoint') });
      }
      return { data, type: mediaType(response) };
    });
    let events = 0;
    try {
      attempt.arm(idleMs);
      for await (const chunk of stream.data as AsyncIterable<ChatCompletionChunk>) {
        attempt.arm(idleMs);
        events++;
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
      if (attempt.signal.aborted) throw new Error('stream aborted');
    } catch (error) {
      if (attempt.timedOut) throw silent();
      // The server had answered 200 and was streaming: whatever the network error's wording
      // (Chromium says "network error"), the connection dropped mid-answer.
      throw this.fail(error, attempt.signal.aborted ? attempt.signal : request.signal, true);
    } finally {
      attempt.close();
    }
    if (events === 0) {
      // Nothing at all, not even [DONE] with usage: not an empty answer but no answer.
      const sent = stream.type && stream.type !== 'text/event-stream' ? stream.type : '';
      throw new LlmError('unusable_output', sent ? tr('core.llm.streamEmptyTyped', { url: this.baseURL, type: sent }) : tr('core.llm.streamEmpty', { url: this.baseURL }));
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
   * Asks for JSON and parses it with `reply`: a reply shape (its schema is sent as structured
   * output where the endpoint takes it) or a parse function (prompt only). `parse` throws on a
   * wrong shape. A reply that is not usable JSON gets one repair round-trip; a second failure is
   * an `unusable_output` error. An endpoint that refuses structured output (a 400 naming it) is
   * asked again without it at once, and remembered, so later calls only prompt for JSON.
   */
  async json<T>(request: ChatRequest, reply: ReplyShape<T> | ((value: unknown) => T)): Promise<{ value: T; usage: TokenUsage }> {
    const parse = typeof reply === 'function' ? reply : (value: unknown) => reply.parse(value);
    const endpoint = `${this.baseURL}|${request.model ?? this.model}`;
    const usage = emptyUsage();
    let messages = request.messages;
    let lastProblem = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      const structured =
        typeof reply !== 'function' && this.options.structuredOutput !== false && !this.capabilities.refusesStructuredOutput(endpoint);
      let result: ChatResult;
      try {
        result = await this.chat({ ...request, messages, tools: undefined, responseFormat: structured ? { name: reply.name, schema: reply.schema } : undefined });
      } catch (error) {
        if (!structured || !refusesStructuredOutput(error)) throw error;
        this.capabilities.rememberStructuredOutputRefused(endpoint);
        result = await this.chat({ ...request, messages, tools: undefined, responseFormat: undefined });
      }
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
    throw new LlmError('unusable_output', tr('core.llm.unusableJson', { problem: lastProblem }));
  }
}
