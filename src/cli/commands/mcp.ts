import { randomBytes } from 'node:crypto';
import { ENDPOINT_OPTIONS, flagBool, flagInt, UsageError } from '../args';
import { EMBED_OPTIONS } from '../embeddings';
import { createTranslator, setInterfaceLanguage } from '../../i18n';
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

const english = createTranslator('en');

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the vault to AI agents (Claude Code, Codex, Cursor, …) over the Model Context Protocol',
  operands: '[PORT]',
  options: [
    {
      name: 'http',
      type: 'boolean',
      description: english('cli.option.mcp.http', { port: DEFAULT_MCP_PORT }),
      descriptionKey: 'cli.option.mcp.http',
      descriptionParams: { port: DEFAULT_MCP_PORT },
    },
    { name: 'allow-writes', type: 'boolean', description: english('cli.option.mcp.allowWrites'), descriptionKey: 'cli.option.mcp.allowWrites' },
    { name: 'max-chars', type: 'string', value: 'N', default: '40000', description: english('cli.option.mcp.maxChars'), descriptionKey: 'cli.option.mcp.maxChars' },
    ...ENDPOINT_OPTIONS,
    ...EMBED_OPTIONS,
  ],
  details: (t) => t('cli.details.mcp'),
  async run(ctx) {
    // Tool results are read by models: the core's texts in them stay English whatever --lang says.
    setInterfaceLanguage('en');
    const http = flagBool(ctx.args, 'http');
    const maxChars = flagInt(ctx.args, 'max-chars', 40_000);
    if (maxChars < 1000) throw new UsageError(ctx.t('cli.mcp.maxCharsTooSmall'));
    if (ctx.args.positional.length > 1 || (!http && ctx.args.positional.length > 0)) {
      throw new UsageError(http ? ctx.t('cli.mcp.onePort') : ctx.t('cli.mcp.portWithoutHttp', { words: ctx.args.positional.join(' ') }));
    }
    let port = DEFAULT_MCP_PORT;
    if (ctx.args.positional.length === 1) {
      port = Number(ctx.args.positional[0]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(ctx.t('cli.mcp.badPort', { port: ctx.args.positional[0] }));
    }
    let token = '';
    if (http) {
      token = ctx.env.SCRIPTORIUM_MCP_TOKEN?.trim() ?? '';
      if (token !== '' && token.length < 16) throw new UsageError(ctx.t('cli.mcp.shortToken'));
    }
    const allowWrites = flagBool(ctx.args, 'allow-writes');
    const log = (line: string) => ctx.io.err(line);
    const stop = stopRequested(ctx, !http);
    const mode = ctx.t(allowWrites ? 'cli.mcp.writesAllowed' : 'cli.mcp.readOnly');
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
        log(ctx.t('cli.mcp.servingHttp', { url: serving.url, mode }));
        log(generated ? ctx.t('cli.mcp.newToken', { token }) : ctx.t('cli.mcp.envToken'));
        reason = await stop.done;
        await serving.close();
      } else {
        const server = createMcpServer(services, sdk);
        await server.connect(new sdk.StdioServerTransport());
        log(ctx.t('cli.mcp.servingStdio', { mode }));
        reason = await stop.done;
        await server.close();
      }
    } finally {
      stop.dispose();
      await services?.stop();
      restoreConsole();
    }
    log(ctx.t('cli.mcp.stopped', { reason }));
    return reason === 'SIGINT' ? STOPPED : 0;
  },
};
