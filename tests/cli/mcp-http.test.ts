import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { tempVault } from '../support/cli-io';
import { buildCliWithMcp, call, cleanEnv, spawnServer } from './mcp-support';

const TOKEN = 'test-token-0123456789abcdef';

let cli: string;
let dispose: () => void;
let server: ReturnType<typeof spawnServer>;
let url: string;
let vault: string;

beforeAll(async () => {
  ({ cli, dispose } = await buildCliWithMcp());
  vault = tempVault('mcp-http', { 'raw/Sourdough.md': '# Sourdough\n\n## Starter\n\nA starter is flour and water fermented by wild yeast.\n' });
  server = spawnServer(cli, vault, ['--http', '0'], cleanEnv({ SCRIPTORIUM_MCP_TOKEN: TOKEN }));
  url = (await server.waitFor(/serving (http:\/\/127\.0\.0\.1:\d+\/mcp)[\s\S]*token from SCRIPTORIUM_MCP_TOKEN/))[1];
}, 60_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  dispose?.();
});

/** A raw POST to the server, with the right Host and token unless `headers` says otherwise. */
async function post(headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const port = new URL(url).port;
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } } };

describe('scriptorium mcp --http', () => {
  it('binds to 127.0.0.1, prints the URL but not a token given in the environment', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.stderr()).toContain('token from SCRIPTORIUM_MCP_TOKEN');
    expect(server.stderr()).not.toContain(TOKEN);
  });

  it('answers 401 without the bearer token, or with a wrong one', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const auth of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
      const res = await fetch(url, { method: 'POST', headers: auth ? { ...headers, authorization: auth } : headers, body: JSON.stringify(initialize) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scriptorium"');
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/^Missing or wrong bearer token/);
    }
    // The SDK's own client is refused the same way.
    const client = new Client({ name: 'no-token', version: '1' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(url)))).rejects.toThrow();
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const port = new URL(url).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { host: `evil.example:${port}`, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(initialize));
    });
    expect(status).toBe(403);
  });

  it('refuses a request sent by a web page (an Origin other than the server itself), even with the token', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:1']) {
      const r = await post({ origin }, JSON.stringify(initialize));
      expect(r.status).toBe(403);
      expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toBe(`This server does not answer requests sent by web pages (Origin ${origin}).`);
    }
    const own = await post({ origin: new URL(url).origin }, JSON.stringify(initialize));
    expect(own.status).toBe(200);
  });

  it('answers 413 with a sentence to a body over 4 MB, announced or not, and keeps serving', async () => {
    const big = JSON.stringify({ ...initialize, params: { ...initialize.params, padding: 'x'.repeat(5 * 1024 * 1024) } });
    const r = await post({}, big);
    expect(r.status).toBe(413);
    expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toMatch(/^The request body is larger than 4 MB, the most this server reads; send less/);
    const chunked = await post({ 'transfer-encoding': 'chunked' }, big);
    expect(chunked.status).toBe(413);
    expect((await post({}, JSON.stringify(initialize))).status).toBe(200);
  });

  it('keeps at most 64 sessions, ending the one used longest ago', async () => {
    const ids: string[] = [];
    const open = async () => {
      const r = await post({}, JSON.stringify(initialize));
      expect(r.status).toBe(200);
      ids.push(String(r.headers['mcp-session-id']));
    };
    // 64 sessions: every earlier one has ended by now.
    for (let i = 0; i < 64; i++) await open();
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    // The first is used again, so the second and third are the ones used longest ago.
    expect((await post({ 'mcp-session-id': ids[0] }, list)).status).toBe(200);
    await open();
    await open();
    expect((await post({ 'mcp-session-id': ids[1] }, list)).status).toBe(404);
    expect((await post({ 'mcp-session-id': ids[2] }, list)).status).toBe(404);
    expect((await post({ 'mcp-session-id': ids[0] }, list)).status).toBe(200);
    expect((await post({ 'mcp-session-id': ids[3] }, list)).status).toBe(200);
    expect((await post({ 'mcp-session-id': ids[65] }, list)).status).toBe(200);
    expect(server.stderr()).toContain('more than 64 sessions open; the one used longest ago ended.');
  });

  it('serves the tools to the SDK client with the token', async () => {
    const client = new Client({ name: 'with-token', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(10);
    const r = await call(client, 'search', { query: 'yeast' });
    expect(JSON.parse(r.text)).toMatchObject({ results: [{ path: 'raw/Sourdough.md', heading: 'Starter' }] });
    const refused = await call(client, 'save_answer', { question: 'Q?', answer: 'A [[raw/Sourdough]].' });
    expect(refused.isError).toBe(true);
    // Two sessions at once share the one warm index.
    const second = new Client({ name: 'second', version: '1' });
    await second.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    expect(JSON.parse((await call(second, 'status')).text)).toMatchObject({ index: { notes: 1 } });
    await second.close();
    await client.close();
  });

  it('sessions share the status tool\'s kept sources, and a note written on disk shows in the next call of any of them', async () => {
    const connect = async (name: string) => {
      const client = new Client({ name, version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
      return client;
    };
    const [one, two] = [await connect('one'), await connect('two')];
    type Status = { uncompiled: { count: number; paths: string[] } };
    const uncompiled = async (client: Client) => (JSON.parse((await call(client, 'status')).text) as Status).uncompiled;
    expect(await uncompiled(one)).toEqual({ count: 1, paths: ['raw/Sourdough.md'] });
    expect(await uncompiled(two)).toEqual({ count: 1, paths: ['raw/Sourdough.md'] });
    writeFileSync(path.join(vault, 'raw', 'Rye.md'), '# Rye\n\nA denser loaf.\n');
    expect(await uncompiled(two)).toEqual({ count: 2, paths: ['raw/Rye.md', 'raw/Sourdough.md'] });
    expect(await uncompiled(one)).toEqual({ count: 2, paths: ['raw/Rye.md', 'raw/Sourdough.md'] });
    await two.close();
    await one.close();
  });

  it('without SCRIPTORIUM_MCP_TOKEN, makes a token, prints it on stderr and accepts only it', async () => {
    const other = spawnServer(cli, tempVault('mcp-http-token'), ['--http', '0']);
    try {
      const [, otherUrl, token] = await other.waitFor(/serving (http:\/\/127\.0\.0\.1:\d+\/mcp)[\s\S]*token (\S+)/);
      expect(token.length).toBeGreaterThanOrEqual(32);
      const client = new Client({ name: 'generated', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(otherUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      expect((await client.listTools()).tools).toHaveLength(10);
      await client.close();
      const res = await fetch(otherUrl, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(initialize) });
      expect(res.status).toBe(401);
    } finally {
      other.child.kill('SIGTERM');
      await other.exited;
    }
  });

  it('stops on SIGTERM with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toContain('stopped (SIGTERM); the index is saved.');
    expect(server.stdout()).toBe('');
  });
});
