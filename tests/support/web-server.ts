import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One answer of the loopback site. */
export interface WebRoute {
  status?: number;
  type?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send this many bytes of filler (streamed, no content-length) after `body`. */
  fillBytes?: number;
  /** Answer with a JSON body computed from the request (a search API). */
  json?: (url: URL, body: string, req: IncomingMessage) => unknown;
}

/** A recorded request. */
export interface WebHit {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A real HTTP server on 127.0.0.1 playing a website and a search API for the web tests: fixed
 * routes by path (query ignored), every request recorded, slow and endless answers on demand.
 */
export class WebTestServer {
  readonly routes = new Map<string, WebRoute>();
  readonly hits: WebHit[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.answer(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests to `path` (query ignored). */
  hitsOf(path: string): WebHit[] {
    return this.hits.filter((h) => h.path.split('?')[0] === path);
  }

  page(path: string, html: string, extra: Partial<WebRoute> = {}): this {
    this.routes.set(path, { type: 'text/html; charset=utf-8', body: html, ...extra });
    return this;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    this.hits.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    const url = new URL(path, this.base);
    const route = this.routes.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs).unref());
    if (res.destroyed) return;
    if (route.json) {
      res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(JSON.stringify(route.json(url, body, req)));
      return;
    }
    res.writeHead(route.status ?? 200, { ...(route.type ? { 'content-type': route.type } : {}), ...route.headers });
    if (route.body !== undefined) res.write(route.body);
    let left = route.fillBytes ?? 0;
    const filler = Buffer.alloc(64 * 1024, 'lorem ipsum dolor sit amet ');
    while (left > 0 && !res.destroyed) {
      const piece = filler.subarray(0, Math.min(left, filler.length));
      left -= piece.length;
      if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** SearXNG's JSON reply shape for `results`. */
export function searxngReply(results: { url: string; title: string; content?: string; publishedDate?: string }[]): unknown {
  return { query: 'q', number_of_results: results.length, results: results.map((r) => ({ engine: 'test', score: 1, ...r })), answers: [], suggestions: [] };
}
