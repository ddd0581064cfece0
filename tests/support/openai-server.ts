import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the loopback server does with one chat request. */
export type ScriptedReply =
  | {
      kind: 'text';
      content: string;
      /** Text of a reasoning model's separate field. */
      reasoning?: string;
      reasoningField?: 'reasoning_content' | 'reasoning';
      finishReason?: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
      /** Pause before the first byte, and between streamed chunks. */
      delayMs?: number;
      chunkDelayMs?: number;
    }
  | { kind: 'tools'; calls: { id?: string; name: string; arguments: string | Record<string, unknown> }[]; content?: string; usage?: { prompt_tokens: number; completion_tokens: number } }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'hang' }
  /**
   * Streams the first `afterChunks` chunks of `content`, then drops the connection. Without
   * streaming it drops before any answer, or with `afterHeaders` after a 200 and half the JSON.
   */
  | { kind: 'cut'; content: string; afterChunks: number; afterHeaders?: boolean }
  | { kind: 'raw'; body: string; contentType?: string; status?: number }
  /**
   * A model that follows a schema only when the server enforces one: with
   * `response_format: json_schema` in the request it answers `value` (default: the smallest JSON
   * fitting the schema, see `exampleOf`); without it, the prose `unconstrained` (default: a
   * sentence, no JSON), as small local models often do when only prompted.
   */
  | { kind: 'structured'; value?: unknown; unconstrained?: string };

export type ChatHandler = (request: RecordedRequest) => ScriptedReply;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: {
    model?: string;
    stream?: boolean;
    messages?: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { function: { name: string } }[];
    [key: string]: unknown;
  };
  at: number;
}

/** Approximate token count, so usage figures grow with the prompt like a real server's. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI chat API, scripted by tests: replies are
 * taken from a queue (then from `handler`), faults included. The SDK under test talks to it over
 * real sockets, so streaming, retries and aborts behave as they would against a real endpoint.
 */
export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  models: string[] = ['test-model', 'other-model'];
  /** Used when the queue is empty. */
  handler: ChatHandler | undefined;
  /** Answer 401 unless the request carries `Authorization: Bearer <requiredKey>`. */
  requiredKey: string | undefined;
  /**
   * 'refuse': a chat request carrying `response_format` gets a 400 naming it (as servers without
   * structured output answer), before any scripted reply is used. Default 'accept'.
   */
  responseFormat: 'accept' | 'refuse' = 'accept';
  /** How `/v1/embeddings` answers: deterministic vectors from the words of each text, and scripted faults. */
  readonly embeddings = new EmbeddingRoute();
  /** How `/v1/files` and `/v1/fine_tuning/jobs` answer: uploads and jobs are kept for tests to read. */
  readonly fineTuning = new FineTuningRoute();
  private readonly queue: ScriptedReply[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // Node closes an idle keep-alive socket after 5 s; a client that reuses it at that instant gets
    // ECONNRESET. On a loaded machine a test can pause that long between two calls, so idle sockets
    // stay open longer than any pause here (stop() destroys them).
    this.server.keepAliveTimeout = 120_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Queues replies for the next chat requests, in order. */
  script(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions'));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: RecordedRequest['body'] = {};
    try {
      body = text ? (JSON.parse(text) as RecordedRequest['body']) : {};
    } catch {
      body = {};
    }
    const path = (req.url ?? '').split('?')[0];
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() };
    this.requests.push(recorded);

    if (this.requiredKey !== undefined && req.headers.authorization !== `Bearer ${this.requiredKey}`) {
      return this.json(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return this.json(res, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) });
    }
    if (path === '/v1/files' || path.startsWith('/v1/fine_tuning/jobs')) {
      const answer = this.fineTuning.answer(req.method ?? 'GET', path, text, req.headers['content-type'] ?? '');
      return this.json(res, answer.status, answer.body);
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      const answer = await this.embeddings.answer(body, this.models);
      return this.json(res, answer.status, answer.body, answer.headers);
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      if (body.model && !this.models.includes(body.model)) {
        return this.json(res, 404, { error: { message: `The model '${body.model}' does not exist`, type: 'invalid_request_error', code: 'model_not_found' } });
      }
      if (this.responseFormat === 'refuse' && body.response_format !== undefined) {
        return this.json(res, 400, {
          error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported.", type: 'invalid_request_error', param: 'response_format', code: null },
        });
      }
      const reply = this.queue.shift() ?? this.handler?.(recorded);
      if (!reply) return this.json(res, 500, { error: { message: 'test server: no scripted reply left' } });
      return this.reply(res, recorded, reply);
    }
    return this.json(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  }

  private json(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  }

  private usageFor(request: RecordedRequest, completion: string, given?: { prompt_tokens: number; completion_tokens: number }) {
    const prompt = given?.prompt_tokens ?? roughTokens(JSON.stringify(request.body.messages ?? []));
    const done = given?.completion_tokens ?? roughTokens(completion);
    return { prompt_tokens: prompt, completion_tokens: done, total_tokens: prompt + done };
  }

  private async reply(res: http.ServerResponse, request: RecordedRequest, reply: ScriptedReply): Promise<void> {
    const model = request.body.model ?? 'test-model';
    const id = `chatcmpl-${this.requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    switch (reply.kind) {
      case 'structured': {
        const format = request.body.response_format as { type?: string; json_schema?: { schema?: Record<string, unknown> } } | undefined;
        const content =
          format?.type === 'json_schema'
            ? JSON.stringify(reply.value ?? exampleOf(format.json_schema?.schema ?? {}))
            : (reply.unconstrained ?? 'Sure! The note is about sourdough starters and how to keep one alive.');
        return this.reply(res, request, { kind: 'text', content });
      }
      case 'hang':
        return; // never answer; stop() destroys the socket
      case 'status':
        return this.json(res, reply.status, reply.body ?? { error: { message: `scripted status ${reply.status}` } }, reply.headers);
      case 'raw':
        res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(reply.body);
        return;
      case 'tools': {
        const calls = reply.calls.map((c, i) => ({
          id: c.id ?? `call_${this.requests.length}_${i}`,
          type: 'function',
          function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
        }));
        const usage = this.usageFor(request, JSON.stringify(calls) + (reply.content ?? ''), reply.usage);
        if (!request.body.stream) {
          return this.json(res, 200, {
            id, object: 'chat.completion', created, model,
            choices: [{ index: 0, message: { role: 'assistant', content: reply.content ?? null, tool_calls: calls }, finish_reason: 'tool_calls' }],
            usage,
          });
        }
        this.startStream(res);
        if (reply.content) this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { role: 'assistant', content: reply.content }, finish_reason: null }] });
        calls.forEach((call, index) => {
          const half = Math.ceil(call.function.arguments.length / 2);
          this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments.slice(0, half) } }] }, finish_reason: null }] });
          this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: call.function.arguments.slice(half) } }] }, finish_reason: null }] });
        });
        this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
        this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [], usage });
        res.end('data: [DONE]\n\n');
        return;
      }
      case 'text': {
        if (reply.delayMs) await sleep(reply.delayMs);
        if (res.destroyed) return;
        const field = reply.reasoningField ?? 'reasoning_content';
        const usage = this.usageFor(request, reply.content + (reply.reasoning ?? ''), reply.usage);
        const finish = reply.finishReason ?? 'stop';
        if (!request.body.stream) {
          const message: Record<string, unknown> = { role: 'assistant', content: reply.content };
          if (reply.reasoning) message[field] = reply.reasoning;
          return this.json(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish }], usage });
        }
        this.startStream(res);
        if (reply.reasoning) {
          for (const piece of pieces(reply.reasoning)) {
            this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { [field]: piece }, finish_reason: null }] });
          }
        }
        for (const piece of pieces(reply.content)) {
          if (res.destroyed) return;
          this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
          if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
        }
        this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
        this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [], usage });
        res.end('data: [DONE]\n\n');
        return;
      }
      case 'cut': {
        if (!request.body.stream) {
          // Without streaming, a cut is a connection dropped before any answer, or mid-body.
          if (reply.afterHeaders) {
            const json = JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }] });
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
            res.write(json.slice(0, Math.floor(json.length / 2)));
            await sleep(20);
          }
          res.socket?.destroy();
          return;
        }
        this.startStream(res);
        const parts = pieces(reply.content).slice(0, reply.afterChunks);
        for (const piece of parts) {
          this.sse(res, { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
        }
        await sleep(20);
        res.socket?.destroy();
        return;
      }
    }
  }

  private startStream(res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
  }

  private sse(res: http.ServerResponse, value: unknown): void {
    if (!res.destroyed) res.write(`data: ${JSON.stringify(value)}\n\n`);
  }
}

/**
 * The smallest value fitting a JSON Schema of the subset we send (object, array, string, number,
 * integer, boolean, enum, nullable types, anyOf): what a server enforcing the schema could return.
 */
export function exampleOf(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as Record<string, unknown>[];
    return exampleOf(options.find((o) => o.type !== 'null') ?? options[0]);
  }
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, exampleOf(value)]));
    }
    case 'array': {
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      return Array.from({ length: count }, () => exampleOf((schema.items ?? {}) as Record<string, unknown>));
    }
    case 'string':
      return 'example';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** Splits text into word-sized pieces (keeping spaces), as a real server streams tokens. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts a server for the duration of a describe block. */
export async function startServer(): Promise<OpenAiTestServer> {
  return new OpenAiTestServer().start();
}

/** A scripted failure of the next embedding request. */
export type EmbeddingFault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Vectors of this many dimensions instead of `dimension`. */
  | { kind: 'dimension'; dimension: number }
  /** The answer is held back this long (a slow server). */
  | { kind: 'delay'; ms: number };

/**
 * The loopback `/v1/embeddings`: each text's vector is a hashed bag of its words (lowercased
 * letters and digits), so texts sharing words are close and texts sharing none are nearly
 * orthogonal. Words of one `synonyms` group count as the same word: a query can then be close to
 * a note it shares no word with, as with a real embedding model. Unit length, `dimension` long.
 */
export class EmbeddingRoute {
  dimension = 64;
  synonyms: string[][] = [];
  /** Fixed latency of every answer, for build-throughput measurements. */
  delayMs = 0;
  /** 'refuse': answer 400 as a chat-only model does. */
  mode: 'accept' | 'refuse' = 'accept';
  /** Texts embedded so far, in order (each input of each request). */
  readonly inputs: string[] = [];
  requests = 0;
  private readonly faults: EmbeddingFault[] = [];

  /** Queues failures for the next embedding requests, in order. */
  fail(...faults: EmbeddingFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  /** The vector the route gives `text` (for tests that compare). */
  vector(text: string, dimension = this.dimension): number[] {
    const canonical = new Map<string, string>();
    for (const group of this.synonyms) for (const word of group) canonical.set(word.toLowerCase(), group[0].toLowerCase());
    const v = new Array<number>(dimension).fill(0);
    for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      const word = canonical.get(raw) ?? raw;
      let h = 0x811c9dc5;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
      const slot = (h >>> 0) % dimension;
      v[slot] += (h >>> 31) === 1 ? 1 : -1;
    }
    const norm = Math.hypot(...v);
    if (norm === 0) v[0] = 1;
    return norm === 0 ? v : v.map((x) => x / norm);
  }

  async answer(body: RecordedRequest['body'], models: string[]): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    this.requests++;
    const model = typeof body.model === 'string' ? body.model : '';
    if (!models.includes(model)) {
      return { status: 404, body: { error: { message: `The model '${model}' does not exist`, type: 'invalid_request_error', code: 'model_not_found' } } };
    }
    if (this.mode === 'refuse') return { status: 400, body: { error: { message: `Model '${model}' does not support embeddings.`, type: 'invalid_request_error' } } };
    const raw = body.input;
    const input = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.map(String) : [];
    let dimension = this.dimension;
    const fault = this.faults.shift();
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'status') return { status: fault.status, body: fault.body ?? { error: { message: `scripted status ${fault.status}` } }, headers: fault.headers };
    if (fault?.kind === 'dimension') dimension = fault.dimension;
    if (this.delayMs > 0) await sleep(this.delayMs);
    this.inputs.push(...input);
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: this.vector(text, dimension) }));
    const tokens = input.reduce((sum, text) => sum + roughTokens(text), 0);
    return { status: 200, body: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
  }
}

/** A file uploaded to the loopback `/v1/files`, as the multipart form carried it. */
export interface UploadedFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
}

/**
 * The loopback files and fine-tuning APIs: `POST /v1/files` (multipart: `file`, `purpose`) keeps
 * the upload; `POST /v1/fine_tuning/jobs` checks that its files exist and starts a job;
 * `GET /v1/fine_tuning/jobs/ID` reports it, as `status` says.
 */
export class FineTuningRoute {
  readonly files: UploadedFile[] = [];
  readonly jobs: { id: string; model: string; training_file: string; validation_file: string | null; suffix: string | null }[] = [];
  /** What a job reports when asked. */
  status = 'queued';
  fineTunedModel: string | null = null;

  answer(method: string, path: string, text: string, contentType: string): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v1/files') {
      const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
      if (!boundary) return { status: 400, body: { error: { message: 'expected a multipart form' } } };
      const fields = new Map<string, { filename?: string; value: string }>();
      for (const part of text.split(`--${boundary[1] ?? boundary[2]}`)) {
        const head = part.indexOf('\r\n\r\n');
        if (head === -1) continue;
        const name = /name="([^"]+)"/.exec(part.slice(0, head))?.[1];
        const filename = /filename="([^"]*)"/.exec(part.slice(0, head))?.[1];
        if (name) fields.set(name, { filename, value: part.slice(head + 4).replace(/\r\n$/, '') });
      }
      const file = fields.get('file');
      const purpose = fields.get('purpose')?.value ?? '';
      if (!file || !purpose) return { status: 400, body: { error: { message: "'file' and 'purpose' are required" } } };
      const uploaded = { id: `file-${this.files.length + 1}`, filename: file.filename ?? 'file', purpose, content: file.value };
      this.files.push(uploaded);
      return { status: 200, body: { id: uploaded.id, object: 'file', bytes: Buffer.byteLength(uploaded.content), created_at: 1_700_000_000, filename: uploaded.filename, purpose } };
    }
    if (method === 'POST' && path === '/v1/fine_tuning/jobs') {
      let body: { model?: string; training_file?: string; validation_file?: string; suffix?: string };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return { status: 400, body: { error: { message: 'expected JSON' } } };
      }
      for (const id of [body.training_file, body.validation_file]) {
        if (id !== undefined && !this.files.some((f) => f.id === id)) return { status: 400, body: { error: { message: `File ${id} not found.`, type: 'invalid_request_error' } } };
      }
      if (!body.model || !body.training_file) return { status: 400, body: { error: { message: "'model' and 'training_file' are required" } } };
      const job = { id: `ftjob-${this.jobs.length + 1}`, model: body.model, training_file: body.training_file, validation_file: body.validation_file ?? null, suffix: body.suffix ?? null };
      this.jobs.push(job);
      return { status: 200, body: this.jobBody(job) };
    }
    const id = /^\/v1\/fine_tuning\/jobs\/([^/]+)$/.exec(path)?.[1];
    const job = this.jobs.find((j) => j.id === id);
    if (method === 'GET' && id !== undefined) {
      return job ? { status: 200, body: this.jobBody(job) } : { status: 404, body: { error: { message: `No fine-tuning job ${id}.`, type: 'invalid_request_error' } } };
    }
    return { status: 404, body: { error: { message: `no route ${method} ${path}` } } };
  }

  private jobBody(job: FineTuningRoute['jobs'][number]): unknown {
    return {
      object: 'fine_tuning.job', id: job.id, model: job.model, created_at: 1_700_000_000, finished_at: this.status === 'succeeded' ? 1_700_003_600 : null,
      fine_tuned_model: this.fineTunedModel, organization_id: 'org-test', result_files: [], status: this.status, validation_file: job.validation_file,
      training_file: job.training_file, hyperparameters: { n_epochs: 'auto' }, trained_tokens: this.status === 'succeeded' ? 12_345 : null, error: null, seed: 1,
    };
  }
}
