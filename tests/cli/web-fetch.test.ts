import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { createGzip, gzipSync } from 'node:zlib';
import { htmlToMarkdown } from '../../src/cli/html-to-markdown';
import { guardedFetch, type Resolve } from '../../src/cli/web-fetch';
import { WebPageReader } from '../../src/core/web/page-reader';
import { WebTestServer } from '../support/web-server';

let site: WebTestServer;

beforeEach(async () => {
  site = await new WebTestServer().start();
  site.page('/page', '<article><p>Hello from the page.</p></article>');
});

afterEach(async () => {
  await site.stop();
});

/** A DNS where every name is the loopback site (what a rebinding name answers at connect time). */
const toLoopback: Resolve = (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]);

describe('guardedFetch (the CLI page fetch)', () => {
  it('refuses to connect when the name resolves to a private address at connect time, even after a public answer at check time', async () => {
    const port = new URL(site.base).port;
    const reader = new WebPageReader({
      fetch: guardedFetch({ allowPrivateHosts: false, resolve: toLoopback }),
      htmlToMarkdown,
      allowPrivateHosts: false,
      // The check's DNS answer: public.
      resolveHost: () => Promise.resolve(['93.184.216.34']),
    });
    await expect(reader.read(`http://rebind.example:${port}/page`)).rejects.toThrow(/could not be reached \(fetch failed: rebind\.example resolves to 127\.0\.0\.1, a loopback address/);
    expect(site.hits).toHaveLength(0);
  });

  it('connects with private hosts allowed, and decodes compressed pages', async () => {
    site.routes.set('/gz', { type: 'text/html', headers: { 'content-encoding': 'gzip' }, body: gzipSync('<article><p>Packed text.</p></article>') });
    const port = new URL(site.base).port;
    const reader = new WebPageReader({ fetch: guardedFetch({ allowPrivateHosts: true, resolve: toLoopback }), htmlToMarkdown, allowPrivateHosts: true });
    expect((await reader.read(`http://any.example:${port}/page`)).markdown).toBe('Hello from the page.');
    expect((await reader.read(`http://any.example:${port}/gz`)).markdown).toBe('Packed text.');
    expect(site.hits[0].headers['user-agent']).toMatch(/Scriptorium/);
  });

  it('closes the connection of a compressed page that never ends once the size cap is read (a gzip bomb)', async () => {
    let closed = false;
    let megabytes = 0;
    const bomb = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.pipe(res);
      const zeros = Buffer.alloc(1024 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && megabytes < 100_000) {
          megabytes++;
          if (!gzip.write(zeros)) return void gzip.once('drain', pump);
        }
      };
      res.on('close', () => {
        closed = true;
        gzip.destroy();
      });
      pump();
    });
    await new Promise<void>((resolve) => bomb.listen(0, '127.0.0.1', resolve));
    try {
      const port = (bomb.address() as AddressInfo).port;
      const reader = new WebPageReader({ fetch: guardedFetch({ allowPrivateHosts: true, resolve: toLoopback }), htmlToMarkdown, allowPrivateHosts: true, maxBytes: 1024 * 1024 });
      const page = await reader.read(`http://bomb.example:${port}/`);
      expect(page.truncated).toBe(true);
      for (let i = 0; i < 40 && !closed; i++) await new Promise((r) => setTimeout(r, 50));
      expect(closed).toBe(true);
      expect(megabytes).toBeLessThan(200);
    } finally {
      bomb.closeAllConnections();
      await new Promise((resolve) => bomb.close(resolve));
    }
  });

  it('says a page answered with an error when its status line carries control characters, instead of crashing', async () => {
    const replies = ['HTTP/1.1 404 \x1b[31mRED\x1b[0m\r\nContent-Length: 0\r\n\r\n', 'HTTP/1.1 200 \x1b]0;title\x07\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\n<p>Hello</p>', 'HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n'];
    let next = 0;
    const raw = createTcpServer((socket) => {
      const reply = replies[next++];
      socket.once('data', () => socket.end(Buffer.from(reply, 'latin1')));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const port = (raw.address() as AddressInfo).port;
      const reader = new WebPageReader({ fetch: guardedFetch({ allowPrivateHosts: true }), htmlToMarkdown, allowPrivateHosts: true, timeoutMs: 3_000 });
      const started = Date.now();
      const error = await reader.read(`http://127.0.0.1:${port}/`).catch((e: unknown) => e as Error);
      expect((error as Error).message).toMatch(/answered HTTP 404\.$/);
      expect((await reader.read(`http://127.0.0.1:${port}/`)).markdown).toBe('Hello');
      await expect(reader.read(`http://127.0.0.1:${port}/`)).rejects.toThrow(/could not be reached \(fetch failed/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});
