import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * SQLite FTS5 through better-sqlite3, for the search benchmark only. It is not a dependency of the
 * project: the benchmark installs it on demand into a folder of the system's temporary directory
 * (its native module is compiled there when no prebuilt binary can be downloaded, ~2 minutes on
 * 2 cores) and loads it from there. Where that fails the benchmark runs without it and says why.
 */

/** The part of better-sqlite3's API the benchmark uses. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  close(): void;
}

export type SqliteConstructor = new (file: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => SqliteDatabase;

const VERSION = '12.x';

/** Where the benchmark keeps its copy: reused across runs, removed by nothing but the OS. */
export function fts5Dir(): string {
  return process.env.BENCH_FTS5_DIR ?? path.join(os.tmpdir(), 'scriptorium-fts5');
}

function tryLoad(dir: string): { sqlite: SqliteConstructor; version: string } | { error: string } {
  try {
    const load = createRequire(path.join(dir, 'package.json'));
    const sqlite = load('better-sqlite3') as SqliteConstructor;
    const pkg = load('better-sqlite3/package.json') as { version: string };
    // FTS5 is compiled into better-sqlite3's bundled SQLite; check rather than assume.
    const db = new sqlite(':memory:');
    try {
      db.exec("CREATE VIRTUAL TABLE probe USING fts5(a, tokenize = 'porter unicode61')");
      const { v } = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
      return { sqlite, version: `better-sqlite3 ${pkg.version}, SQLite ${v}` };
    } finally {
      db.close();
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function run(cmd: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 }, (error, _stdout, stderr) => {
      if (error) {
        const tail = stderr.trim().split('\n').slice(-3).join(' / ');
        reject(new Error(`${cmd} ${args.join(' ')} failed${tail ? `: ${tail}` : ''}`));
      } else {
        if (stderr.trim()) log(stderr.trim().split('\n').slice(-1)[0]);
        resolve();
      }
    });
  });
}

/**
 * better-sqlite3 loaded from the benchmark's folder, installing it first if needed. Resolves to a
 * reason instead when it cannot be installed or built here (no network, no compiler, no FTS5).
 */
export async function loadFts5(log: (line: string) => void): Promise<{ sqlite: SqliteConstructor; version: string; dir: string } | { skipped: string }> {
  const dir = fts5Dir();
  let loaded = tryLoad(dir);
  if ('sqlite' in loaded) return { ...loaded, dir };
  log(`FTS5: installing better-sqlite3@${VERSION} into ${dir} (not a project dependency; may compile for a few minutes)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await mkdir(dir, { recursive: true });
    // A package.json of its own, so npm does not walk up to another project.
    await writeFile(path.join(dir, 'package.json'), '{ "name": "scriptorium-bench-fts5", "private": true }\n');
    await run(npm, ['install', '--prefix', dir, `better-sqlite3@${VERSION}`, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], log);
    loaded = tryLoad(dir);
    if ('error' in loaded) {
      // npm versions that hold back install scripts leave the package without its native module.
      await run(npm, ['rebuild', '--prefix', dir, 'better-sqlite3', '--foreground-scripts', '--loglevel=error'], log);
      loaded = tryLoad(dir);
    }
  } catch (error) {
    return { skipped: `SQLite FTS5 skipped: better-sqlite3@${VERSION} could not be installed (${error instanceof Error ? error.message : String(error)})` };
  }
  if ('error' in loaded) return { skipped: `SQLite FTS5 skipped: better-sqlite3@${VERSION} installed but does not load (${loaded.error})` };
  return { ...loaded, dir };
}

/** Loads an already installed copy (in the child processes, after the parent installed it). */
export function requireFts5(dir: string): SqliteConstructor {
  const loaded = tryLoad(dir);
  if ('error' in loaded) throw new Error(`better-sqlite3 does not load from ${dir}: ${loaded.error}`);
  return loaded.sqlite;
}

/** A plain query's words as FTS5 should see them: letters and digits, lower-cased, without the stop words our index drops. */
export function fts5Words(query: string, stopwords: ReadonlySet<string>): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !stopwords.has(w));
  return [...new Set(words)];
}

/** An FTS5 MATCH expression: the words quoted, joined with OR (any word) or spaces (FTS5's implicit AND: every word). */
export function fts5Match(words: readonly string[], join: 'or' | 'and'): string {
  return words.map((w) => `"${w}"`).join(join === 'or' ? ' OR ' : ' ');
}
