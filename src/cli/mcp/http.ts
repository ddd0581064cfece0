import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpSdk } from './sdk';
import { createMcpServer } from './tools';
import type { VaultServices } from './vault-services';

/** Largest request body accepted (a save_answer with a long answer fits many times over). */
const MAX_BODY = 4 * 1024 * 1024;

/** Most client sessions kept at once; a new one beyond it ends the one used longest ago. */
export const MAX_SESSIONS = 64;

/** A request body over {@link MAX_BODY}: answered 413, not by dropping the connection. */
class BodyTooLarge extends Error {}

export interface HttpServing {
  url: string;
  close(): Promise<void>;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function reply(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new BodyTooLarge(`The request body is larger than ${MAX_BODY / 1024 / 1024} MB, the most this server reads; send less (a shorter answer, fewer paths).`);
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        over = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Error('the request body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/**
 * The Streamable HTTP transport at http://127.0.0.1:PORT/mcp, for clients that cannot start a
 * process. Bound to the loopback interface only; every request must carry
 * `Authorization: Bearer <token>` (401 otherwise) and a Host header naming the loopback address
 * (403 otherwise, against DNS rebinding). Each client session gets its own MCP server over the
 * shared services (one warm index, one writer).
 */
export async function serveHttp(services: VaultServices, sdk: McpSdk, port: number, token: string): Promise<HttpServing> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let hosts = new Set<string>();
  let origins = new Set<string>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) return reply(res, 403, 'This server answers only requests addressed to 127.0.0.1 or localhost.');
    // A browser names the page that sent a request: only a page served from this very address may talk to the server.
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) return reply(res, 403, `This server does not answer requests sent by web pages (Origin ${origin.slice(0, 100)}).`);
    const auth = req.headers.authorization ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() ?? '';
    if (!given || !sameToken(given, token)) {
      return reply(res, 401, 'Missing or wrong bearer token: send "Authorization: Bearer <token>" with the token the server printed (or SCRIPTORIUM_MCP_TOKEN).', { 'www-authenticate': 'Bearer realm="scriptorium"' });
    }
    if (url.pathname !== '/mcp') return reply(res, 404, 'Not found: the MCP endpoint is /mcp.');
    const sessionId = req.headers['mcp-session-id'];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    if (req.method === 'POST') {
      let body: unknown;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          // The rest of the body is read and dropped (only a client with the token gets here), so the client reads the answer.
          req.resume();
          return reply(res, 413, error.message);
        }
        return reply(res, 400, `Bad request: ${error instanceof Error ? error.message : String(error)}.`);
      }
      let transport = id ? sessions.get(id) : undefined;
      if (transport && id) {
        // Kept in the order of last use: the first is the one to end when there are too many.
        sessions.delete(id);
        sessions.set(id, transport);
      }
      if (!transport) {
        if (id) return reply(res, 404, 'Unknown or expired session: initialize a new one.');
        if (!sdk.isInitializeRequest(body)) return reply(res, 400, 'No session: the first request must be "initialize".');
        if (sessions.size >= MAX_SESSIONS) {
          const [oldestId, oldest] = sessions.entries().next().value as [string, StreamableHTTPServerTransport];
          sessions.delete(oldestId);
          services.options.log(`scriptorium mcp: more than ${MAX_SESSIONS} sessions open; the one used longest ago ended.`);
          await oldest.close().catch(() => undefined);
        }
        const created: StreamableHTTPServerTransport = new sdk.StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => void sessions.set(sid, created),
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await createMcpServer(services, sdk).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      const transport = id ? sessions.get(id) : undefined;
      if (!transport) return reply(res, id ? 404 : 400, id ? 'Unknown or expired session: initialize a new one.' : 'Missing the mcp-session-id header.');
      await transport.handleRequest(req, res);
      return;
    }
    reply(res, 405, 'Method not allowed: use POST, GET or DELETE on /mcp.', { allow: 'POST, GET, DELETE' });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      services.options.log(`scriptorium mcp: a request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) reply(res, 500, 'The server failed to handle the request; see its log.');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is in use: give another port after --http, or stop what uses it` : `cannot listen on 127.0.0.1:${port}: ${error.message}`)),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  hosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`]);
  origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    url: `http://127.0.0.1:${actual}/mcp`,
    close: async () => {
      for (const transport of sessions.values()) await transport.close().catch(() => undefined);
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
