/**
 * The browser suite's machinery: bundles the page (the plugin's real UI over the `obsidian` fake),
 * serves it from one loopback port, runs the loopback model server on another (so every request
 * from the page crosses a real CORS boundary, which the model server can allow or refuse), and
 * starts the system's headless Chromium through playwright-core. Nothing is downloaded.
 */
import { build, type Plugin as EsbuildPlugin } from 'esbuild';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { OpenAiTestServer, type RecordedRequest } from '../support/openai-server';

/** The repository: npm runs scripts there. */
export const ROOT = process.cwd();
const PAGE_DIR = path.join(ROOT, 'tests/browser/page');
export const CHROMIUM = process.env.SCRIPTORIUM_CHROMIUM ?? '/usr/bin/chromium';

/** Bundles the page: `obsidian` resolves to the browser fake, everything else as in the plugin. */
export async function buildPage(): Promise<string> {
  const fake: EsbuildPlugin = {
    name: 'obsidian-fake',
    setup(b) {
      b.onResolve({ filter: /^obsidian$/ }, () => ({ path: path.join(PAGE_DIR, 'obsidian-fake.ts') }));
    },
  };
  const result = await build({
    entryPoints: [path.join(PAGE_DIR, 'entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [fake],
  });
  return result.outputFiles[0].text;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Serves the page: index.html, the bundle, Obsidian-like CSS and the plugin's own styles.css. */
export async function startPageServer(bundle: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
      + '<link rel="stylesheet" href="/obsidian.css"><link rel="stylesheet" href="/styles.css"><title>Scriptorium UI</title></head>'
      + '<body><script src="/page.js"></script></body></html>'],
    '/page.js': ['text/javascript', bundle],
    '/obsidian.css': ['text/css', readFileSync(path.join(PAGE_DIR, 'obsidian.css'), 'utf8')],
    '/styles.css': ['text/css', readFileSync(path.join(ROOT, 'styles.css'), 'utf8')],
  };
  const server = http.createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0]];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${file[0]}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(file[1]);
  });
  const port = await listen(server);
  return {
    // `localhost` for the page, 127.0.0.1 for the model server: two origins, as app://obsidian.md and a local server are.
    url: `http://localhost:${port}/`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the model server saw of one chat request's connection. */
export interface Connection {
  request: RecordedRequest | undefined;
  /** The client closed the connection before the reply was complete. */
  closedEarly: boolean;
  done: Promise<void>;
}

/**
 * The loopback model server (tests/support/openai-server.ts), with CORS in front of it: while
 * `allowCors` is true it answers preflights and sends Access-Control-Allow-* headers, as Ollama
 * and LM Studio do when set up for the app; when false, the browser blocks every request.
 */
export class ModelServer {
  readonly inner = new OpenAiTestServer();
  allowCors = true;
  readonly connections: Connection[] = [];
  readonly preflights: string[] = [];

  async start(): Promise<this> {
    await this.inner.start();
    // The test server's http.Server: put CORS in front of its request handler.
    const server = (this.inner as unknown as { server?: http.Server }).server;
    if (!(server instanceof http.Server)) throw new Error('tests/support/openai-server.ts no longer keeps its http.Server in `server`; update ModelServer.');
    const handlers = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.allowCors) {
        res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
        res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      }
      if (req.method === 'OPTIONS') {
        this.preflights.push(req.url ?? '');
        res.writeHead(this.allowCors ? 204 : 403).end();
        return;
      }
      if ((req.url ?? '').endsWith('/chat/completions')) {
        const before = this.inner.requests.length;
        let settle = (): void => undefined;
        const connection: Connection = { request: undefined, closedEarly: false, done: new Promise((r) => (settle = r)) };
        this.connections.push(connection);
        res.on('close', () => {
          connection.request = this.inner.requests[before];
          connection.closedEarly = !res.writableFinished;
          settle();
        });
      }
      for (const handler of handlers) handler.call(server, req, res);
    });
    return this;
  }

  get baseURL(): string {
    return this.inner.baseURL;
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}

/** Obsidian's network layer for the page: the request is made from Node, outside the browser's CORS. */
export async function nodeRequest(request: { url: string; method: string; headers: Record<string, string>; body: string | null }): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? undefined });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  return { status: response.status, headers, text: await response.text() };
}

export interface Viewport {
  name: 'sidebar' | 'phone';
  width: number;
  height: number;
  phone: boolean;
}

/** A desktop window whose right sidebar is 300 px wide, and a phone. */
export const VIEWPORTS: Viewport[] = [
  { name: 'sidebar', width: 1100, height: 760, phone: false },
  { name: 'phone', width: 390, height: 844, phone: true },
];

/**
 * Starts the system Chromium headless. playwright-core gives it a fresh --user-data-dir of its own
 * (a new temporary profile per launch, removed on close; it refuses the flag from us because it
 * manages the profile itself), so no state carries over between runs.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A fresh page at one viewport, with the page's errors collected and Obsidian's network layer exposed. */
export async function newPage(browser: Browser, url: string, viewport: Viewport): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    deviceScaleFactor: viewport.phone ? 2 : 1,
    isMobile: viewport.phone,
    hasTouch: viewport.phone,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.exposeFunction('nodeRequest', nodeRequest);
  await page.goto(url);
  await page.waitForFunction(() => 'suite' in window);
  return { page, context, errors };
}
