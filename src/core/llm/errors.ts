import OpenAI from 'openai';

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

const hints: Record<LlmErrorKind, string> = {
  auth: 'check the API key',
  rate_limit: 'the endpoint is rate limiting; wait and try again',
  connection: 'check the base URL and that the server is running; in Obsidian a CORS block looks the same, so try the Obsidian network mode',
  timeout: 'the endpoint did not answer in time',
  aborted: 'stopped',
  bad_request: 'the endpoint rejected the request',
  model_not_found: 'check the model name against the endpoint’s model list',
  server: 'the endpoint had an internal error; try again later',
  unusable_output: 'the model’s reply could not be used',
};

/** Every failure of the model client is one of these; the message is safe to show and log. */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status?: number;
  /** Seconds the server asked us to wait, when it said. */
  readonly retryAfter?: number;

  constructor(kind: LlmErrorKind, message: string, options: { status?: number; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
  }

  /** One line for a status bar, a notice or a CLI error. */
  get hint(): string {
    return hints[this.kind];
  }
}

/** Removes a secret from text that may be shown to the user or logged. */
export function scrub(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}

function headerSeconds(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function causeChain(start: unknown): { name: string; message: string }[] {
  const out: { name: string; message: string }[] = [];
  let current = start;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    const message = typeof e.message === 'string' ? e.message : '';
    out.push({ name: typeof e.name === 'string' ? e.name : '', message: message || (typeof e.code === 'string' ? e.code : '') });
    current = e.cause;
  }
  return out;
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
export function toLlmError(error: unknown, context: { baseURL: string; model: string; apiKey?: string }): LlmError {
  if (error instanceof LlmError) return error;
  const clean = (s: string) => scrub(s, context.apiKey);
  const where = context.baseURL;
  if (error instanceof OpenAI.APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
    return new LlmError('aborted', 'Request stopped.', { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new LlmError('timeout', `Timed out waiting for ${where}.`, { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const chain = causeChain(error.cause);
    // Errors from fetch can come from another realm (jest, Electron), so look at names, not classes.
    if (chain.some((c) => c.name === 'AbortError' || c.name === 'TimeoutError' || /timed? ?out/i.test(c.message))) {
      return new LlmError('timeout', `Timed out waiting for ${where}.`, { cause: error });
    }
    const detail = chain.map((c) => c.message).filter((m) => m && m !== 'fetch failed').pop();
    return new LlmError('connection', `Cannot reach ${where}${detail ? `: ${clean(detail)}` : ''}.`, { cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const failure = error as HttpFailure;
    const status = failure.status;
    const detail = clean(serverMessage(failure));
    if (status === 401 || status === 403) {
      return new LlmError('auth', `The endpoint refused the API key (HTTP ${status}): ${detail}`, { status, cause: error });
    }
    if (status === 429) {
      const retryAfter = headerSeconds(failure.headers);
      const wait = retryAfter !== undefined ? ` (retry after ${Math.ceil(retryAfter)} s)` : '';
      return new LlmError('rate_limit', `Rate limited by ${where}${wait}: ${detail}`, { status, retryAfter, cause: error });
    }
    const code = (failure.error as { code?: unknown } | undefined)?.code;
    const saysModelMissing = code === 'model_not_found' || /\bmodel\b[^.]*\b(not found|does not exist|not exist|not available|is not loaded)\b|\b(unknown|no such) model\b/i.test(detail);
    if (status === 404 || (status === 400 && saysModelMissing)) {
      return new LlmError('model_not_found', `Model "${context.model}" not found at ${where} (HTTP ${status}): ${detail}`, { status, cause: error });
    }
    if (status !== undefined && status >= 500) {
      return new LlmError('server', `The endpoint failed (HTTP ${status}): ${detail}`, { status, cause: error });
    }
    if (status === 408) return new LlmError('timeout', `The endpoint timed out (HTTP 408): ${detail}`, { status, cause: error });
    return new LlmError('bad_request', `The endpoint rejected the request (HTTP ${status ?? '?'}): ${detail}`, { status, cause: error });
  }
  // Errors thrown by fetch may come from another realm (Electron, jest): compare names, not classes.
  const named = typeof error === 'object' && error !== null ? (error as { name?: unknown; message?: unknown }) : {};
  const name = typeof named.name === 'string' ? named.name : '';
  const message = typeof named.message === 'string' ? named.message : String(error);
  if (name === 'SyntaxError') {
    return new LlmError('unusable_output', `The endpoint sent a malformed response: ${clean(message)}`, { cause: error });
  }
  if (name === 'TypeError') {
    // fetch raises TypeError for network failures (CORS blocks in the renderer included) and
    // for a connection that drops while the body is being read ("terminated").
    const chain = causeChain(error).map((c) => c.message).filter(Boolean);
    const detail = chain.pop() ?? message;
    if (message === 'terminated' || /closed|reset|ECONNRESET|aborted/i.test(detail)) {
      return new LlmError('connection', `The connection to ${where} dropped mid-answer (${clean(detail)}).`, { cause: error });
    }
    return new LlmError('connection', `Cannot reach ${where}: ${clean(detail)}.`, { cause: error });
  }
  return new LlmError('unusable_output', `Unexpected failure talking to ${where}: ${clean(message)}`, { cause: error });
}
