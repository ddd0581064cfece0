import { randomBytes } from 'node:crypto';
import { ENDPOINT_OPTIONS, flagBool, flagInt, UsageError } from '../args';
import { EMBED_OPTIONS } from '../embeddings';
import type { CliCommand } from '../command';
import { STOPPED, type CliContext } from '../context';
import { serveHttp } from '../mcp/http';
import { loadSdk } from '../mcp/load-sdk';
import { createMcpServer } from '../mcp/tools';
import { VaultServices } from '../mcp/vault-services';

/** The port `--http` uses when none is given. */
export const DEFAULT_MCP_PORT = 8765;

type StopReason = 'input closed' | 'SIGTERM' | 'SIGINT';

/** Resolves when the server should stop: its input closed (stdio only), SIGTERM, or Ctrl-C. */
function stopRequested(ctx: CliContext, watchInput: boolean): { done: Promise<StopReason>; dispose: () => void } {
  let finish: (reason: StopReason) => void = () => undefined;
  const done = new Promise<StopReason>((resolve) => (finish = resolve));
  const onEnd = () => finish('input closed');
  const onTerm = () => finish('SIGTERM');
  const onAbort = () => finish('SIGINT');
  if (watchInput) {
    process.stdin.on('end', onEnd);
    process.stdin.on('close', onEnd);
  }
  process.on('SIGTERM', onTerm);
  if (ctx.signal.aborted) finish('SIGINT');
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  return {
    done,
    dispose: () => {
      process.stdin.off('end', onEnd);
      process.stdin.off('close', onEnd);
      process.off('SIGTERM', onTerm);
      ctx.signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Sends console.log, info, debug and warn to stderr; returns the function that puts them back. */
function consoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  const toStderr = (...args: unknown[]) => console.error(...args);
  Object.assign(console, { log: toStderr, info: toStderr, debug: toStderr, warn: toStderr });
  return () => Object.assign(console, saved);
}

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the vault to AI agents (Claude Code, Codex, Cursor, …) over the Model Context Protocol',
  operands: '[PORT]',
  options: [
    { name: 'http', type: 'boolean', description: `serve Streamable HTTP at http://127.0.0.1:PORT/mcp (default port ${DEFAULT_MCP_PORT})\ninstead of stdio; every request needs the bearer token` },
    { name: 'allow-writes', type: 'boolean', description: 'allow the writing tools: compile with apply, save_answer, undo' },
    { name: 'max-chars', type: 'string', value: 'N', default: '40000', description: 'most characters one tool result holds; longer ones are cut and say so' },
    ...ENDPOINT_OPTIONS,
    ...EMBED_OPTIONS,
  ],
  details: [
    'Tools: search, get, multi_get, links, status, lint, ask, compile, save_answer, undo; resources: the',
    "wiki's index.md and log.md. The index is loaded from the cache the plugin and the CLI share and kept",
    'current by watching the vault. On stdio, stdout carries only the protocol; the log goes to stderr.',
    'With --http, the token is SCRIPTORIUM_MCP_TOKEN, or a new one printed on stderr. Writes go through',
    'the same writer and lock as the plugin and the other commands, so they can run at the same time.',
    'The server stops when its input closes (stdio), on SIGTERM or on Ctrl-C, saving the index first.',
    'See docs/agents.md for client configuration.',
  ].join('\n'),
  async run(ctx) {
    const http = flagBool(ctx.args, 'http');
    const maxChars = flagInt(ctx.args, 'max-chars', 40_000);
    if (maxChars < 1000) throw new UsageError('--max-chars must be at least 1000');
    if (ctx.args.positional.length > 1 || (!http && ctx.args.positional.length > 0)) {
      throw new UsageError(http ? 'give at most one PORT after --http' : `unexpected "${ctx.args.positional.join(' ')}": a PORT is given only with --http`);
    }
    let port = DEFAULT_MCP_PORT;
    if (ctx.args.positional.length === 1) {
      port = Number(ctx.args.positional[0]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`PORT must be a number from 0 to 65535, not "${ctx.args.positional[0]}"`);
    }
    let token = '';
    if (http) {
      token = ctx.env.SCRIPTORIUM_MCP_TOKEN?.trim() ?? '';
      if (token !== '' && token.length < 16) throw new UsageError('SCRIPTORIUM_MCP_TOKEN must be at least 16 characters long');
    }
    const allowWrites = flagBool(ctx.args, 'allow-writes');
    const log = (line: string) => ctx.io.err(line);
    const stop = stopRequested(ctx, !http);
    // On stdio, stdout is the protocol: a library that logs (pdf.js warnings, say) must not write into it.
    const restoreConsole = http ? () => undefined : consoleToStderr();
    let services: VaultServices | undefined;
    let reason: StopReason;
    try {
      const sdk = await loadSdk();
      services = await VaultServices.open(ctx, { allowWrites, maxChars, log });
      if (http) {
        const generated = token === '';
        if (generated) token = randomBytes(24).toString('base64url');
        const serving = await serveHttp(services, sdk, port, token);
        log(`scriptorium mcp: serving ${serving.url} (${allowWrites ? 'writes allowed' : 'read-only'})`);
        log(generated ? `scriptorium mcp: token ${token}  (send "Authorization: Bearer <token>"; set SCRIPTORIUM_MCP_TOKEN to choose it)` : 'scriptorium mcp: token from SCRIPTORIUM_MCP_TOKEN');
        reason = await stop.done;
        await serving.close();
      } else {
        const server = createMcpServer(services, sdk);
        await server.connect(new sdk.StdioServerTransport());
        log(`scriptorium mcp: serving on stdio (${allowWrites ? 'writes allowed' : 'read-only'})`);
        reason = await stop.done;
        await server.close();
      }
    } finally {
      stop.dispose();
      await services?.stop();
      restoreConsole();
    }
    log(`scriptorium mcp: stopped (${reason}); the index is saved.`);
    return reason === 'SIGINT' ? STOPPED : 0;
  },
};
