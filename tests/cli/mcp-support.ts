import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The repository root (from tests/cli/, or the working directory when this file runs bundled, as in bench/mcp.ts). */
const REPO = existsSync(path.join(__dirname, 'mcp-support.ts')) ? path.resolve(__dirname, '..', '..') : process.cwd();

/**
 * Builds dist/cli.js and dist/mcp-sdk.js as esbuild.config.mjs does (the SDK in its own bundle,
 * loaded by `scriptorium mcp` from beside the CLI), into a temporary folder under node_modules so
 * pdf.js still resolves: the tests never depend on `npm run build` having run.
 */
export async function buildCliWithMcp(): Promise<{ cli: string; dispose: () => void }> {
  const cache = path.join(REPO, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'scriptorium-mcp-cli-'));
  const apart: Plugin = {
    name: 'mcp-sdk-apart',
    setup(b) {
      b.onResolve({ filter: /^\.\/sdk$/ }, (args) => (args.importer.endsWith('load-sdk.ts') ? { path: './mcp-sdk.js', external: true } : undefined));
    },
  };
  const common = { absWorkingDir: REPO, bundle: true, format: 'cjs' as const, platform: 'node' as const, target: 'node20', logLevel: 'silent' as const, sourcemap: false };
  await build({ ...common, entryPoints: [path.join(REPO, 'src', 'cli', 'main.ts')], outfile: path.join(dir, 'cli.js'), external: ['pdfjs-dist'], plugins: [apart] });
  await build({ ...common, entryPoints: [path.join(REPO, 'src', 'cli', 'mcp', 'sdk.ts')], outfile: path.join(dir, 'mcp-sdk.js') });
  return { cli: path.join(dir, 'cli.js'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Only what the server needs from the environment: no endpoint of the machine running the tests leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** A connected SDK client over stdio to `node cli.js mcp --vault <vault> …`, with the server's stderr kept. */
export async function stdioClient(cli: string, vault: string, args: string[] = [], env: Record<string, string> = cleanEnv()): Promise<{ client: Client; stderr: () => string; close: () => Promise<void>; pid: number }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--vault', vault, ...args], env, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const client = new Client({ name: 'scriptorium-tests', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close(), pid: transport.pid ?? 0 };
}

/** The text of a tool result (every tool answers with one text block). */
export function textOf(result: unknown): string {
  const r = result as CallToolResult;
  const first = r.content[0];
  if (!first || first.type !== 'text') throw new Error(`expected a text result, got ${JSON.stringify(r)}`);
  return first.text;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { text: textOf(result), isError: result.isError === true };
}

/** Resolves when the process `pid` has exited, with how long that took; rejects after `ms`. */
export async function exitOf(pid: number, ms = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return Date.now() - started;
    }
    if (Date.now() - started > ms) throw new Error(`process ${pid} still runs after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Spawns the server without a client, for start-up and shutdown checks. */
export function spawnServer(cli: string, vault: string, args: string[] = [], env: Record<string, string> = cleanEnv()): { child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, [cli, 'mcp', '--vault', vault, ...args], { env, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = async (pattern: RegExp, ms = 10_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(err);
      if (m) return m;
      if (Date.now() > until || child.exitCode !== null) throw new Error(`the server did not print ${String(pattern)}; stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, stdout: () => out, stderr: () => err, exited, waitFor };
}
