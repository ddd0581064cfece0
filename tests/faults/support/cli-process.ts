import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/** The repository root (tests/faults/support/ → three levels up). */
const HERE = existsSync(path.join(__dirname, 'fault-preload.cjs')) ? __dirname : path.join(process.cwd(), 'tests', 'faults', 'support');
export const REPO = path.resolve(HERE, '..', '..', '..');
export const PRELOAD = path.join(HERE, 'fault-preload.cjs');

/**
 * Bundles the CLI from src/cli/main.ts with the same options as esbuild.config.mjs uses for
 * dist/cli.js, into a temporary folder: the suite never depends on `npm run build` having run.
 */
export async function buildCli(): Promise<{ bundle: string; dispose: () => void }> {
  // FAULTS_CLI_SOURCE=<another checkout> runs the suite against that code (e.g. an older commit,
  // to see a case fail before its fix); by default the suite tests this repository.
  const source = process.env.FAULTS_CLI_SOURCE ? path.resolve(process.env.FAULTS_CLI_SOURCE) : REPO;
  // pdf.js stays outside the bundle, as in dist/cli.js, and is loaded on first use from the
  // checkout's node_modules: the bundle is written beneath it so that the import resolves.
  const cache = path.join(source, 'node_modules', '.cache');
  let dir: string;
  try {
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(path.join(cache, 'scriptorium-faults-cli-'));
  } catch {
    dir = mkdtempSync(path.join(tmpdir(), 'scriptorium-faults-cli-'));
  }
  const bundle = path.join(dir, 'cli.js');
  await build({
    absWorkingDir: source,
    entryPoints: [path.join(source, 'src', 'cli', 'main.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    external: ['pdfjs-dist'],
    banner: { js: '#!/usr/bin/env node\n/* Scriptorium fault-suite build */' },
    logLevel: 'silent',
    sourcemap: false,
  });
  return { bundle, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What the preload does; see fault-preload.cjs. */
export interface Fault {
  /** The folder whose mutating operations are counted (the vault, plugin state included). */
  root: string;
  /** 1-based operation number to fault; 0 or absent = count only. */
  at?: number;
  action?: 'kill' | 'enospc' | 'eio';
  /** The fault stays from `at` on (a disk that stays full). */
  persist?: boolean;
  /** File to append one JSON line per counted operation to. */
  trace?: string;
  /** File to append one JSON line to when the fault is injected. */
  mark?: string;
  /** Delay every counted rename by this long. */
  delayMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for message checks. */
  text: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  fault?: Fault;
  /** Kill the child (and fail) when it runs longer than this. Default 30 s. */
  timeoutMs?: number;
}

/** Runs `node --require <preload> <bundle> …args` and collects its output. */
export function runBuiltCli(bundle: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  const fault = options.fault;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    ...(options.env ?? {}),
  };
  if (fault) {
    env.FAULT_ROOT = fault.root;
    if (fault.at) env.FAULT_AT = String(fault.at);
    if (fault.action) env.FAULT_ACTION = fault.action;
    if (fault.persist) env.FAULT_PERSIST = '1';
    if (fault.trace) env.FAULT_TRACE = fault.trace;
    if (fault.mark) env.FAULT_MARK = fault.mark;
    if (fault.delayMs) env.FAULT_DELAY_MS = String(fault.delayMs);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', PRELOAD, bundle, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const limit = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scriptorium ${args.join(' ')} ran for over ${limit} ms and was killed by the test`));
    }, limit);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code, signal, stdout, stderr, text: `${stdout}\n${stderr}` });
    });
  });
}
