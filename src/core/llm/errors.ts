import OpenAI from 'openai';
import { tr, type MessageKey } from '../../i18n';
import { en } from '../../i18n/en';

/** The few kinds of failure a user can act on. */
export type LlmErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'connection'
  | 'timeout'
  | 'aborted'
  | 'bad_request'
  | 'model_not_found'
  | 'server'
  | 'unusable_output';

/** Each kind's hint, in the interface language when it is shown. */
const hints: Record<LlmErrorKind, MessageKey & `core.llm.hint.${string}`> = {
  auth: 'core.llm.hint.auth',
  rate_limit: 'core.llm.hint.rateLimit',
  connection: 'core.llm.hint.connection',
  timeout: 'core.llm.hint.timeout',
  aborted: 'core.llm.hint.aborted',
  bad_request: 'core.llm.hint.badRequest',
  model_not_found: 'core.llm.hint.modelNotFound',
  server: 'core.llm.hint.server',
  unusable_output: 'core.llm.hint.unusableOutput',
};

/** Every failure of the model client is one of these; the message is safe to show and log. */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status?: number;
  /** Seconds the server asked us to wait, when it said. */
  readonly retryAfter?: number;
  private readonly ownHint?: string;

  constructor(kind: LlmErrorKind, message: string, options: { status?: number; retryAfter?: number; cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.ownHint = options.hint;
  }

  /** One line for a status bar, a notice or a CLI error: what to do about it. */
  get hint(): string {
    return this.ownHint ?? tr(hints[this.kind]);
  }

  /** The message with its hint, as one text in the interface language ("… (check the API key)", "…（请检查 API 密钥）"). */
  get withHint(): string {
    return tr('core.llm.check.failed', { error: this.message, hint: this.hint });
  }
}

/** Removes a secret from text that may be shown to the user or logged. */
export function scrub(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}

/** The wait the server asked for, in seconds: `retry-after-ms`, else `retry-after` (seconds or an HTTP date). */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const raw = headers?.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function causeChain(start: unknown): { name: string; message: string; code: string }[] {
  const out: { name: string; message: string; code: string }[] = [];
  let current = start;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    const message = typeof e.message === 'string' ? e.message : '';
    const code = typeof e.code === 'string' ? e.code : '';
    out.push({ name: typeof e.name === 'string' ? e.name : '', message: message || code, code });
    current = e.cause;
  }
  return out;
}

/** Said when a server, or a proxy in front of it, ends a connection it had accepted. */
const droppedHint = () => tr('core.llm.hint.dropped');

/** The connection was accepted and then closed (reset, hang-up), as opposed to never made. */
function closedByPeer(chain: { name: string; message: string; code: string }[]): boolean {
  return chain.some(
    (c) =>
      ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(c.code) ||
      /other side closed|socket hang ?up|connection reset|terminated/i.test(c.message),
  );
}

/** The body is a web page (HTML), judged from what the JSON parser choked on. */
function looksLikeHtml(text: string): boolean {
  return /^\s*<|token '<'|"\s*<(!doctype|html|head|body|\?xml)/i.test(text);
}

/** The sentence for a 200 that is a web page: the usual cause is a base URL missing its /v1. */
export function webPageMessage(baseURL: string): string {
  return tr('core.llm.webPage', { url: baseURL });
}

/** The parts of the SDK's APIError we use, typed (the SDK's generics default to any). */
interface HttpFailure {
  status: number | undefined;
  headers: Headers | undefined;
  error: unknown;
  message: string;
}

function serverMessage(error: HttpFailure): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message.trim()) return body.message.trim();
  return error.message;
}

/**
 * Maps anything thrown while talking to the endpoint to an LlmError. This is the only place
 * SDK error classes are looked at.
 */
export function toLlmError(
  error: unknown,
  context: {
    baseURL: string;
    model: string;
    apiKey?: string;
    /** The server had begun answering (a stream being read): a network failure now is a drop, not "cannot reach". */
    answering?: boolean;
  },
): LlmError {
  if (error instanceof LlmError) return error;
  const clean = (s: string) => scrub(s, context.apiKey);
  const where = context.baseURL;
  if (error instanceof OpenAI.APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
    return new LlmError('aborted', tr('core.llm.stopped'), { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError('timeout', tr('core.llm.timedOut', { url: where }), { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const chain = causeChain(error.cause);
    // Errors from fetch can come from another realm (jest, Electron), so look at names, not classes.
    if (chain.some((c) => c.name === 'AbortError' || c.name === 'TimeoutError' || /timed? ?out/i.test(c.message))) {
      return new LlmError('timeout', tr('core.llm.timedOut', { url: where }), { cause: error });
    }
    const detail = chain.map((c) => c.message).filter((m) => m && m !== 'fetch failed' && m !== 'Connection error.').pop();
    if (closedByPeer(chain)) {
      const said = detail ? tr('core.llm.closedEarlyDetail', { url: where, detail: clean(detail) }) : tr('core.llm.closedEarly', { url: where });
      return new LlmError('connection', said, { cause: error, hint: droppedHint() });
    }
    return new LlmError('connection', detail ? tr('core.llm.unreachableDetail', { url: where, detail: clean(detail) }) : tr('core.llm.unreachable', { url: where }), { cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const failure = error as HttpFailure;
    const status = failure.status;
    const detail = clean(serverMessage(failure));
    const retryAfter = retryAfterSeconds(failure.headers);
    if (status === 401 || status === 403) {
      return new LlmError('auth', tr('core.llm.keyRefused', { status, detail }), { status, cause: error });
    }
    if (status === 429) {
      const said =
        retryAfter !== undefined ? tr('core.llm.rateLimitedWait', { url: where, seconds: Math.ceil(retryAfter), detail }) : tr('core.llm.rateLimited', { url: where, detail });
      return new LlmError('rate_limit', said, { status, retryAfter, cause: error });
    }
    const code = (failure.error as { code?: unknown } | undefined)?.code;
    const saysModelMissing = code === 'model_not_found' || /\bmodel\b[^.]*\b(not found|does not exist|not exist|not available|is not loaded)\b|\b(unknown|no such) model\b/i.test(detail);
    if (status === 404 || (status === 400 && saysModelMissing)) {
      return new LlmError('model_not_found', tr('core.llm.modelNotFound', { model: context.model, url: where, status, detail }), { status, cause: error });
    }
    if (status !== undefined && status >= 500) {
      return new LlmError('server', tr('core.llm.serverFailed', { status, detail }), { status, retryAfter, cause: error });
    }
    if (status === 408) return new LlmError('timeout', tr('core.llm.requestTimedOut', { detail }), { status, retryAfter, cause: error });
    return new LlmError('bad_request', tr('core.llm.rejected', { status: status ?? '?', detail }), { status, retryAfter, cause: error });
  }
  // Errors thrown by fetch may come from another realm (Electron, jest): compare names, not classes.
  const named = typeof error === 'object' && error !== null ? (error as { name?: unknown; message?: unknown }) : {};
  const name = typeof named.name === 'string' ? named.name : '';
  const message = typeof named.message === 'string' ? named.message : String(error);
  if (name === 'SyntaxError') {
    if (looksLikeHtml(message)) return new LlmError('unusable_output', webPageMessage(where), { cause: error, hint: tr('core.llm.hint.notEndpoint') });
    return new LlmError('unusable_output', tr('core.llm.malformed', { detail: clean(message) }), { cause: error });
  }
  if (name === 'TypeError') {
    // fetch raises TypeError for network failures (CORS blocks in the renderer included) and
    // for a connection that drops while the body is being read ("terminated").
    const chain = causeChain(error).map((c) => c.message).filter(Boolean);
    const detail = chain.pop() ?? message;
    if (context.answering || message === 'terminated' || closedByPeer(causeChain(error)) || /closed|reset|aborted/i.test(detail)) {
      return new LlmError('connection', tr('core.llm.dropped', { url: where, detail: clean(detail) }), { cause: error, hint: droppedHint() });
    }
    return new LlmError('connection', tr('core.llm.unreachableDetail', { url: where, detail: clean(detail) }), { cause: error });
  }
  return new LlmError('unusable_output', tr('core.llm.unexpected', { url: where, detail: clean(message) }), { cause: error });
}

/** The error of a call stopped by its signal. */
export function stopped(cause?: unknown): LlmError {
  return new LlmError('aborted', tr('core.llm.stopped'), { cause });
}

/** Waits `ms`, or rejects as stopped the moment one of the signals aborts. */
export function pause(ms: number, signals: (AbortSignal | undefined)[]): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  return new Promise((resolve, reject) => {
    if (live.some((s) => s.aborted)) return reject(stopped());
    const done = () => {
      window.clearTimeout(timer);
      for (const s of live) s.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(stopped());
    };
    const timer = window.setTimeout(() => {
      done();
      resolve();
    }, ms);
    for (const s of live) s.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Where the shells say the retry-wait limit is raised, by their English phrase (the plugin's and
 * the CLI's `retryWaitSetting`): said in the interface language. Any other phrase is shown as given.
 */
const RETRY_WAIT_PLACES: Readonly<Record<string, `core.llm.retryWaitSetting.${'plugin' | 'env' | 'cli'}`>> = {
  [en['core.llm.retryWaitSetting.plugin']]: 'core.llm.retryWaitSetting.plugin',
  [en['core.llm.retryWaitSetting.env']]: 'core.llm.retryWaitSetting.env',
  [en['core.llm.retryWaitSetting.cli']]: 'core.llm.retryWaitSetting.cli',
};

function retryWaitPlace(given: string | undefined): string {
  if (given === undefined) return tr('core.llm.retryWaitSetting');
  const key = Object.prototype.hasOwnProperty.call(RETRY_WAIT_PLACES, given) ? RETRY_WAIT_PLACES[given] : undefined;
  return key === undefined ? given : tr(key);
}

/** Statuses worth another try: request timeout, lock conflict, rate limit, server errors. */
function retryable(error: LlmError): boolean {
  if (error.status !== undefined) return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  return error.kind === 'connection';
}

/**
 * After failed attempt number `tried` (0 for the first): throws `failure` when it is not worth
 * another try (stopped, out of retries, not a retryable status) or when the server asks to wait
 * longer than `capSeconds`; otherwise waits what the server asked, or an exponential backoff with
 * jitter, stoppable by the signals. The chat and embeddings clients retry through it alike.
 */
export async function waitToRetry(
  failure: LlmError,
  o: { tried: number; maxRetries: number; capSeconds: number; baseURL: string; retryWaitSetting?: string; signals: (AbortSignal | undefined)[] },
): Promise<void> {
  if (failure.kind === 'aborted' || o.tried >= o.maxRetries || !retryable(failure)) throw failure;
  const asked = failure.retryAfter;
  if (asked !== undefined && asked > o.capSeconds) {
    const wait = { url: o.baseURL, seconds: Math.ceil(asked), limit: o.capSeconds, setting: retryWaitPlace(o.retryWaitSetting) };
    throw new LlmError(
      failure.kind,
      failure.kind === 'rate_limit' ? tr('core.llm.waitTooLongRateLimited', wait) : tr('core.llm.waitTooLongUnavailable', { ...wait, status: failure.status ?? '?' }),
      { status: failure.status, retryAfter: asked, cause: failure, hint: tr('core.llm.hint.busy') },
    );
  }
  const backoff = Math.min(500 * 2 ** o.tried, 8000) * (1 - Math.random() * 0.25);
  await pause(asked !== undefined ? asked * 1000 : backoff, o.signals);
}
