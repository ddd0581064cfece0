/**
 * Search benchmark: our VaultIndex next to plain MiniSearch and SQLite FTS5 on the same synthetic
 * notes (written to disk) and the same queries, at 1k, 10k and 50k notes, in one run.
 *
 *   npm run bench:search                          # 1k, 10k and 50k (~15 min on 2 cores)
 *   BENCH_SIZES=1000,10000 npm run bench:search   # a subset
 *   BENCH_ENGINES=ours,fts5 …                     # a subset of engines (default ours,minisearch,fts5)
 *   BENCH_FTS5=0 …                                # without FTS5 (no install attempted)
 *   BENCH_PROFILE=0 …                             # without the profile of our build (at 10k; BENCH_PROFILE=N: at N notes)
 *
 * Every engine builds in a child process of its own and is opened and queried in another, so peak
 * memory is that engine's alone and the cold start reads the persisted index from disk. FTS5 comes
 * from better-sqlite3, installed on demand into the system's temporary folder (see lib/fts5.ts).
 *
 * Writes bench/results/search.json and bench/results/search.md.
 */
import '../src/cli/window-shim';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { profileStages, summariseCpuProfile, type StageProfile } from './lib/build-profile';
import { loadFts5 } from './lib/fts5';
import { buildIndex, queryIndex, type BuildFigures, type EngineName, type QueryFigures, type WorkerArgs } from './lib/search-engines';
import { syntheticQueries, writeSyntheticVault } from './lib/synthetic-vault';

const QUERY_COUNT = 200;
const ENGINES: EngineName[] = ['ours', 'minisearch', 'fts5'];
const NAMES: Record<EngineName, string> = { ours: 'VaultIndex', minisearch: 'plain MiniSearch', fts5: 'SQLite FTS5' };

interface EngineResult {
  build?: BuildFigures;
  query?: QueryFigures;
  error?: string;
}

interface SizeResult {
  notes: number;
  textBytes: number;
  loadAverage: number[];
  engines: Partial<Record<EngineName, EngineResult>>;
}

interface Output {
  date: string;
  /** The commit measured, and whether the search code differed from it (work in progress measured). */
  commit: string;
  machine: string;
  loadAverage: { start: number[]; end: number[] };
  wallSeconds: number;
  queries: number;
  fts5: string;
  sizes: SizeResult[];
  profile?: { notes: number; stages: StageProfile; cpu: { totalMs: number; functions: { name: string; ms: number; share: number }[] } | null };
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const loadAverage = () => os.loadavg().map((l) => round(l));
const log = (line: string) => process.stdout.write(`${line}\n`);

// ------------------------------------------------------------------ child processes

type WorkerTask = { task: 'build' | 'query'; args: WorkerArgs } | { task: 'profile'; vaultDir: string };

async function worker(task: WorkerTask): Promise<void> {
  let out: unknown;
  if (task.task === 'profile') out = await profileStages(task.vaultDir);
  else out = task.task === 'build' ? await buildIndex(task.args) : await queryIndex(task.args);
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  // Timers of the index (persist, vacuum) must not keep the child alive.
  process.exit(0);
}

function child<T>(task: WorkerTask, extraNodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, ...extraNodeArgs, process.argv[1], '--worker', JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as T);
      else reject(new Error(`${task.task} child exited with ${code}${stdout.trim() ? `: ${stdout.trim().slice(-500)}` : ''}`));
    });
  });
}

// ------------------------------------------------------------------ the run

function listEnv(name: string): string[] | null {
  const v = process.env[name];
  return v ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : null;
}

async function main(): Promise<void> {
  const started = Date.now();
  const sizes = (listEnv('BENCH_SIZES') ?? ['1000', '10000', '50000']).map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('BENCH_SIZES: a comma-separated list of note counts, e.g. 1000,10000');
  let engines = (listEnv('BENCH_ENGINES') ?? ENGINES) as EngineName[];
  if (engines.some((e) => !ENGINES.includes(e))) throw new Error(`BENCH_ENGINES: some of ${ENGINES.join(',')}`);
  const queries = syntheticQueries(QUERY_COUNT);
  const profileAt = process.env.BENCH_PROFILE === '0' ? null : Number(process.env.BENCH_PROFILE ?? 10_000);
  const start = loadAverage();

  let fts5 = 'not run (BENCH_FTS5=0 or not in BENCH_ENGINES)';
  let fts5Dir: string | undefined;
  if (engines.includes('fts5') && process.env.BENCH_FTS5 !== '0') {
    const loaded = await loadFts5(log);
    if ('skipped' in loaded) {
      fts5 = loaded.skipped;
      log(loaded.skipped);
      engines = engines.filter((e) => e !== 'fts5');
    } else {
      fts5 = loaded.version;
      fts5Dir = loaded.dir;
      log(`FTS5: ${loaded.version}`);
    }
  } else engines = engines.filter((e) => e !== 'fts5');

  const results: SizeResult[] = [];
  let profile: Output['profile'];
  for (const count of sizes) {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'scriptorium-bench-search-'));
    try {
      const vaultDir = path.join(tmp, 'vault');
      const { bytes } = await writeSyntheticVault(vaultDir, count);
      const size: SizeResult = { notes: count, textBytes: bytes, loadAverage: loadAverage(), engines: {} };
      log(`${count} notes, ${round(bytes / 1e6, 1)} MB of text on disk; load average ${size.loadAverage.join(', ')}`);
      for (const engine of engines) {
        const storeDir = path.join(tmp, engine);
        await mkdir(storeDir, { recursive: true });
        const args: WorkerArgs = { engine, vaultDir, storeDir, queries, fts5Dir };
        const r: EngineResult = {};
        try {
          r.build = await child<BuildFigures>({ task: 'build', args });
          r.query = await child<QueryFigures>({ task: 'query', args });
          log(
            `  ${NAMES[engine].padEnd(16)} build ${round(r.build.buildMs, 0)} ms, peak RSS ${round(r.build.peakRss / 2 ** 20, 0)} MiB, ` +
              `open ${round(r.query.openMs, 0)} ms, query p50 ${round(r.query.queryP50Ms)} ms`,
          );
        } catch (error) {
          r.error = error instanceof Error ? error.message : String(error);
          log(`  ${NAMES[engine]} failed: ${r.error}`);
        }
        size.engines[engine] = r;
        await rm(storeDir, { recursive: true, force: true });
        // Ours keeps its cache in the vault's plugin folder, as the CLI does.
        await rm(path.join(vaultDir, '.obsidian'), { recursive: true, force: true });
      }
      results.push(size);
      if (count === profileAt && engines.includes('ours')) {
        log(`  profiling our build at ${count} notes (stage timers, then --cpu-prof of a build)…`);
        try {
          const stages = await child<StageProfile>({ task: 'profile', vaultDir });
          await rm(path.join(vaultDir, '.obsidian'), { recursive: true, force: true });
          const profDir = path.join(tmp, 'cpu-prof');
          await child<BuildFigures>({ task: 'build', args: { engine: 'ours', vaultDir, storeDir: path.join(tmp, 'ours'), queries } }, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
          const [file] = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
          profile = { notes: count, stages, cpu: file ? await summariseCpuProfile(path.join(profDir, file), 25) : null };
        } catch (error) {
          log(`  profile failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const out: Output = {
    date: new Date().toISOString(),
    commit: commitMeasured(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    loadAverage: { start, end: loadAverage() },
    wallSeconds: Math.round((Date.now() - started) / 1000),
    queries: queries.length,
    fts5,
    sizes: results,
    profile,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/search.json', JSON.stringify(out, roundReplacer, 2) + '\n');
  const md = report(out);
  await writeFile('bench/results/search.md', md);
  process.stdout.write(`\n${md}`);
}

function commitMeasured(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src/core/search', 'src/cli/fs-vault.ts'], { encoding: 'utf8' }).trim();
    return changed ? `${head} with uncommitted changes to the search code` : head;
  } catch {
    return 'unknown';
  }
}

function roundReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? round(value, 3) : value;
}

// ------------------------------------------------------------------ the report

const MiB = (b: number) => `${round(b / 2 ** 20, 0)} MiB`;
const MB = (b: number) => `${round(b / 1e6, 1)} MB`;
const ms = (n: number) => (n >= 100 ? `${round(n, 0)} ms` : `${round(n, n >= 10 ? 1 : 2)} ms`);
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? '' : `${round(a / b, 2)}×`);

interface Row {
  name: string;
  /** The figure an engine's cell shows, null where the engine has none. */
  cell: (e: EngineResult, size: SizeResult) => string | null;
  /** The number ratios are taken of (ours ÷ FTS5, ours ÷ MiniSearch). */
  value?: (e: EngineResult) => number | null | undefined;
  /** A second number for "p50 / p95" rows. */
  value2?: (e: EngineResult) => number | null | undefined;
  target?: (notes: number) => { text: string; limit: (size: SizeResult) => number | null; unit: string } | null;
  /** A JavaScript heap figure: FTS5 keeps its index in SQLite's native memory, so it has none to compare. */
  jsHeap?: true;
}

const ROWS: Row[] = [
  {
    name: 'build, to an index on disk',
    cell: (e) => (e.build ? ms(e.build.buildMs) : null),
    value: (e) => e.build?.buildMs,
    target: (n) => (n >= 10_000 ? { text: '≤ 3× FTS5', unit: ' ms', limit: (s) => (s.engines.fts5?.build ? 3 * s.engines.fts5.build.buildMs : null) } : null),
  },
  { name: '  indexing (FTS5: inserts + commit)', cell: (e) => (e.build ? ms(e.build.indexMs) : null), value: (e) => e.build?.indexMs },
  { name: '  writing the index', cell: (e) => (e.build ? ms(e.build.writeMs) : null), value: (e) => e.build?.writeMs },
  {
    name: 'peak RSS while building',
    cell: (e, s) => (e.build ? `${MiB(e.build.peakRss)} (${round(e.build.peakRss / s.textBytes, 2)}× text)` : null),
    value: (e) => e.build?.peakRss,
    target: (n) => (n >= 50_000 ? { text: '≤ 3× text', unit: ' MiB', limit: (s) => 3 * s.textBytes } : null),
  },
  { name: 'peak JS heap while building', cell: (e) => (e.build ? MiB(e.build.peakHeap) : null), value: (e) => e.build?.peakHeap, jsHeap: true },
  {
    name: 'JS heap the index keeps (after GC)',
    cell: (e, s) => (e.build ? `${MiB(e.build.retainedHeap)} (${round(e.build.retainedHeap / s.textBytes, 2)}× text)` : null),
    value: (e) => e.build?.retainedHeap,
    jsHeap: true,
  },
  { name: 'index on disk', cell: (e, s) => (e.build ? `${MB(e.build.indexBytes)} (${round(e.build.indexBytes / s.textBytes, 2)}× text)` : null), value: (e) => e.build?.indexBytes },
  {
    name: 'open the index (in-process cold start)',
    cell: (e) => (e.query ? ms(e.query.openMs) : null),
    value: (e) => e.query?.openMs,
    target: (n) => (n === 10_000 ? { text: '≤ 150 ms', unit: ' ms', limit: () => 150 } : n === 50_000 ? { text: '≤ 1 s', unit: ' ms', limit: () => 1000 } : null),
  },
  {
    name: 'longest event-loop block while opening',
    cell: (e) => (e.query ? ms(e.query.openMaxBlockMs) : null),
    value: (e) => e.query?.openMaxBlockMs,
    target: () => ({ text: '≤ 50 ms', unit: ' ms', limit: () => 50 }),
  },
  { name: '  freshness check (stat every note)', cell: (e) => (e.query && e.build && e.query.freshnessMs > 0 ? ms(e.query.freshnessMs) : null) },
  {
    name: 'one-query cold search (open + check + query)',
    cell: (e) => (e.query ? ms(e.query.coldSearchMs) : null),
    value: (e) => e.query?.coldSearchMs,
    target: (n) => (n === 10_000 ? { text: '≤ 300 ms', unit: ' ms', limit: () => 300 } : n === 50_000 ? { text: '≤ 1 s', unit: ' ms', limit: () => 1000 } : null),
  },
  { name: '  passage texts read after the first query (background)', cell: (e) => (e.query?.textsLoadMs != null ? ms(e.query.textsLoadMs) : null) },
  {
    name: 'query p50 / p95, top 10 with snippets',
    cell: (e) => (e.query ? `${ms(e.query.queryP50Ms)} / ${ms(e.query.queryP95Ms)}` : null),
    value: (e) => e.query?.queryP50Ms,
    value2: (e) => e.query?.queryP95Ms,
    target: (n) => (n === 10_000 ? { text: 'p95 ≤ 5 ms', unit: ' ms', limit: () => 5 } : n === 50_000 ? { text: 'p95 ≤ 15 ms', unit: ' ms', limit: () => 15 } : null),
  },
  {
    name: '  FTS5 with every query OR-ed',
    cell: (e) => (e.query?.orOnlyP50Ms != null ? `${ms(e.query.orOnlyP50Ms)} / ${ms(e.query.orOnlyP95Ms ?? 0)}` : null),
  },
  { name: '  as you type (last word a prefix)', cell: (e) => (e.query?.typingP50Ms != null ? `${ms(e.query.typingP50Ms)} / ${ms(e.query.typingP95Ms ?? 0)}` : null) },
  { name: 'one-note update p50 / p95', cell: (e) => (e.query ? `${ms(e.query.updateP50Ms)} / ${ms(e.query.updateP95Ms)}` : null), value: (e) => e.query?.updateP50Ms, value2: (e) => e.query?.updateP95Ms },
  { name: 'peak RSS while querying', cell: (e) => (e.query ? MiB(e.query.peakRss) : null), value: (e) => e.query?.peakRss },
  { name: 'results per query (of 10)', cell: (e) => (e.query ? String(round(e.query.resultsPerQuery, 1)) : null) },
];

function status(row: Row, size: SizeResult): string {
  const t = row.target?.(size.notes);
  const ours = size.engines.ours;
  if (!t || !ours) return '';
  const limit = t.limit(size);
  const value = (row.value2 ?? row.value)?.(ours);
  if (limit == null || value == null) return `${t.text}: not measured`;
  if (value <= limit) return `${t.text}: met`;
  const scale = t.unit === ' MiB' ? 2 ** 20 : 1;
  return `${t.text}: **missed**, ${round(value / limit, 2)}× the limit (${round((value - limit) / scale, 0)}${t.unit} over)`;
}

function report(out: Output): string {
  const lines = [
    '# Search benchmark',
    '',
    `${out.date.slice(0, 16).replace('T', ' ')} UTC · commit ${out.commit} · ${out.machine} · ${out.queries} queries · FTS5: ${out.fts5} · \`npm run bench:search\` took ${round(out.wallSeconds / 60, 1)} min`,
    '',
    `Load average (1, 5, 15 min) at the start: ${out.loadAverage.start.join(', ')}; at the end: ${out.loadAverage.end.join(', ')}.` +
      ' On 2 cores a 1-minute load above ~1 means other work competed with the benchmark: timings are inflated, ratios between engines less so (each size runs the engines back to back).',
    '',
    '- **VaultIndex**: our index through the CLI\'s `FsVault` and `FsStateStore`: sections as documents, Porter2 stemming, stop words; snippets from the passage texts the index keeps (read from its cache in the background after the first query, timed on their own row), so a query reads no note; whole-word queries (`prefix: false`, as the agent and the CLI\'s batch mode search).',
    '- **plain MiniSearch** (7.2.0): default options over whole notes (title, text), `JSON.stringify` to disk and `loadJSONAsync`; its snippet reads the note from disk and cuts around the first match.',
    '- **SQLite FTS5**: one row per note, `fts5(path UNINDEXED, title, body, tokenize = \'porter unicode61 remove_diacritics 2\')`, WAL, inserts in one transaction; queries are the words minus our stop words, with our semantics (up to 4 words: notes with every word first, an FTS5 AND, then OR to fill the 10; longer queries OR), `ORDER BY rank LIMIT 10` with `snippet()`; the default page cache of SQLite, no `optimize` after the build.',
    '- Every engine reads the same notes from the same folder (the OS page cache warm for all), builds in a child process of its own and is opened and queried in another: peak RSS is the whole child\'s (Node itself is ~45 MiB of it). Heap is `heapUsed + arrayBuffers`. Updates: 200 notes edited one at a time, each timed from the file written to the index up to date (reading the note included).',
    '',
  ];
  for (const s of out.sizes) {
    lines.push(`## ${s.notes.toLocaleString('en')} notes (${MB(s.textBytes)} of text; load average ${s.loadAverage.join(', ')} when it started)`, '');
    const detail = s.engines.ours?.build?.detail;
    if (detail) lines.push(`VaultIndex: ${detail.sections} sections, ${detail.terms} terms.`, '');
    for (const [engine, r] of Object.entries(s.engines)) if (r.error) lines.push(`${NAMES[engine as EngineName]} failed: ${r.error}`, '');
    lines.push('| | VaultIndex | plain MiniSearch | SQLite FTS5 | VaultIndex ÷ FTS5 | VaultIndex ÷ MiniSearch | issue 14 target for VaultIndex |', '|---|---|---|---|---|---|---|');
    const empty: EngineResult = {};
    for (const row of ROWS) {
      const cells = ENGINES.map((e) => (e === 'fts5' && row.jsHeap && s.engines.fts5 ? 'native memory' : (row.cell(s.engines[e] ?? empty, s) ?? '–')));
      const ours = s.engines.ours ?? empty;
      const ratios = (['fts5', 'minisearch'] as const).map((other) => {
        const them = s.engines[other];
        if (!them || !row.value || (other === 'fts5' && row.jsHeap)) return '';
        const a = ratio(row.value(ours), row.value(them));
        const b = row.value2 ? ratio(row.value2(ours), row.value2(them)) : '';
        return b ? `${a} / ${b}` : a;
      });
      lines.push(`| ${row.name.replace(/^ {2}/, '↳ ')} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${status(row, s)} |`);
    }
    lines.push('');
  }
  if (out.profile) lines.push(...profileReport(out.profile));
  return lines.join('\n') + '\n';
}

function profileReport(p: NonNullable<Output['profile']>): string[] {
  const { stages, cpu } = p;
  const lines = [
    `## Where our build's time goes (${p.notes.toLocaleString('en')} notes)`,
    '',
    `Stage timers: each step of \`VaultIndex.sync\` run over the whole vault on its own (${stages.notes} notes, ${stages.sections} sections),`,
    `then the real \`sync\` in the same process: **${ms(stages.realSyncMs)}**. Stages run back to back rather than interleaved, so their sum is close to, not equal to, the real build.`,
    '',
    '| stage | ms | share of the real sync | what |',
    '|---|---|---|---|',
  ];
  for (const st of stages.stages) {
    lines.push(`| ${st.name.replace(/^ {2}/, '↳ ')} | ${round(st.ms, 0)} | ${round((100 * st.ms) / stages.realSyncMs, 1)}% | ${st.note} |`);
  }
  const sum = stages.stages.filter((st) => !st.name.startsWith(' ')).reduce((t, st) => t + st.ms, 0);
  lines.push(`| sum of the stages (↳ rows are parts or variants, not added) | ${round(sum, 0)} | ${round((100 * sum) / stages.realSyncMs, 1)}% | the rest of the real sync: yielding to the event loop every 12 ms, interleaving |`);
  if (cpu) {
    lines.push('', `CPU profile of a whole build child (\`--cpu-prof\`: list, read, index, compact, write the cache), self time by function, ${round(cpu.totalMs / 1000, 1)} s sampled:`, '');
    lines.push('| function | self ms | share |', '|---|---|---|');
    for (const f of cpu.functions) lines.push(`| \`${f.name}\` | ${round(f.ms, 0)} | ${round(100 * f.share, 1)}% |`);
  }
  lines.push('');
  return lines;
}

const at = process.argv.indexOf('--worker');
if (at >= 0) {
  worker(JSON.parse(process.argv[at + 1]) as WorkerTask).catch((error: unknown) => {
    process.stderr.write(`bench:search worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:search failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
