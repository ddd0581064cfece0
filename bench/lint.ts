/**
 * Lint benchmark: the structural health checks on the synthetic vault from the search benchmark
 * (bench/lib/synthetic-vault.ts: 60% raw notes, 30% wiki concepts, 10% daily notes, links that
 * mostly point nowhere, so broken-link suggestions are exercised hard).
 *
 *   npm run bench:lint                    # 1k and 10k notes
 *   npm run bench:lint -- --sizes 20000   # custom sizes
 *
 * For each size: the checks over a vault already in memory (what the plugin pays after reading),
 * and end to end from disk through the CLI's FsVault (what `scriptorium lint` pays). Reports the
 * median of 5 runs, the heap the snapshot holds, and the findings by kind. Target: ≤ 2 s at 10k.
 * Writes bench/results/lint.json and bench/results/lint.md.
 */
import '../src/cli/window-shim';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsVault } from '../src/cli/fs-vault';
import { LintLayout, StructuralLinter, WikiSnapshot, type FindingCounts, type StructuralLintResult } from '../src/core/lint';
import { generateSyntheticNotes, writeSyntheticVault } from './lib/synthetic-vault';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

interface SizeResult {
  notes: number;
  textMB: number;
  links: number;
  /** Parsing notes already in memory into the snapshot (frontmatter, links, resolver). */
  snapshotMs: number;
  /** All checks over the snapshot. */
  checksMs: number;
  /** Snapshot + checks, texts already in memory. */
  inMemoryMs: number;
  /** CPU time (user + system) of the same: on a loaded machine wall time overstates the cost. */
  inMemoryCpuMs: number;
  /** Snapshot + checks from disk through FsVault. */
  fromDiskMs: number;
  /** Of which FsVault.list() alone (it stats every file). */
  listMs: number;
  /** Heap held after a run from disk: texts, parsed notes, links, resolver and findings. */
  heapMB: number;
  peakRssMB: number;
  counts: FindingCounts;
}

async function measure(count: number, RUNS: number): Promise<SizeResult> {
  const notes = generateSyntheticNotes(count);
  const texts: Record<string, string> = {};
  let bytes = 0;
  for (const n of notes) {
    texts[n.path] = n.content;
    bytes += Buffer.byteLength(n.content);
  }
  const layout = new LintLayout();
  const diskTimes: number[] = [];
  const listTimes: number[] = [];
  let heapMB = 0;

  const dir = await mkdtemp(path.join(os.tmpdir(), 'scriptorium-bench-lint-'));
  try {
    await writeSyntheticVault(dir, count);
    const fsVault = new FsVault(dir);
    // What a run holds (texts read from disk, their parse, links, resolver, findings): the heap with
    // the first result alive minus the heap before it. Only the first run counts: V8 keeps an
    // awaited value reachable until the next await overwrites it, so later deltas read near zero.
    const baseline = heap();
    let held: StructuralLintResult | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      held = await new StructuralLinter({ vault: fsVault, layout }).run();
      diskTimes.push(performance.now() - t0);
      if (held.snapshot.notes.size !== count) throw new Error('bench:lint: the run from disk did not read every note');
      if (i === 0) heapMB = (heap() - baseline) / 1e6;
      const l0 = performance.now();
      await fsVault.list();
      listTimes.push(performance.now() - l0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Warm-up, so the JIT does not count against the first timed run.
  StructuralLinter.check(WikiSnapshot.fromTexts(layout, texts));

  const snapshotTimes: number[] = [];
  const checkTimes: number[] = [];
  const totalTimes: number[] = [];
  const cpuTimes: number[] = [];
  let counts: FindingCounts = { total: 0 };
  let links = 0;
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const snapshot = WikiSnapshot.fromTexts(layout, texts);
    const t1 = performance.now();
    const result = StructuralLinter.check(snapshot);
    const t2 = performance.now();
    const cpu = process.cpuUsage(c0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    snapshotTimes.push(t1 - t0);
    checkTimes.push(t2 - t1);
    totalTimes.push(t2 - t0);
    counts = result.counts;
    links = snapshot.links().length;
  }

  return {
    notes: count,
    textMB: round(bytes / 1e6),
    links,
    snapshotMs: round(median(snapshotTimes)),
    checksMs: round(median(checkTimes)),
    inMemoryMs: round(median(totalTimes)),
    inMemoryCpuMs: round(median(cpuTimes)),
    fromDiskMs: round(median(diskTimes)),
    listMs: round(median(listTimes)),
    heapMB: round(heapMB),
    peakRssMB: round(process.memoryUsage().rss / 1e6),
    counts,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--sizes');
  const sizes = at !== -1 ? argv[at + 1].split(',').map(Number) : [1000, 10_000];
  const runsAt = argv.indexOf('--runs');
  const RUNS = runsAt !== -1 ? Math.max(1, Number(argv[runsAt + 1])) : 5;
  const results: SizeResult[] = [];
  for (const size of sizes) {
    const r = await measure(size, RUNS);
    results.push(r);
    process.stdout.write(`${size} notes: ${r.inMemoryMs} ms in memory (snapshot ${r.snapshotMs} + checks ${r.checksMs}; CPU ${r.inMemoryCpuMs} ms), ${r.fromDiskMs} ms from disk (list ${r.listMs}), heap ${r.heapMB} MB\n`);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const resultsDir = path.join(process.cwd(), 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, 'lint.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), runs: RUNS, results }, null, 2)}\n`);
  const md = [
    '# Structural lint benchmark',
    '',
    `\`npm run bench:lint\` on ${machine}, ${new Date().toISOString().slice(0, 10)}. Median of ${RUNS} runs after a warm-up.`,
    'Synthetic vault from bench/lib/synthetic-vault.ts (the search benchmark\'s), all eleven structural checks.',
    '',
    `Load average when it ran: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores (wall times on a loaded machine overstate the cost; CPU time is the steadier figure).`,
    '',
    '"In memory" is the checks over texts already read (parse, links, resolver, all checks): what the linter itself costs.',
    '"From disk" is `scriptorium lint` end to end through the CLI\'s FsVault, of which "list" is FsVault.list() alone (stats in parallel).',
    '',
    '| notes | text MB | links | snapshot ms | checks ms | total in memory ms | CPU ms | total from disk ms | list ms | heap MB | findings |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.notes} | ${r.textMB} | ${r.links} | ${r.snapshotMs} | ${r.checksMs} | ${r.inMemoryMs} | ${r.inMemoryCpuMs} | ${r.fromDiskMs} | ${r.listMs} | ${r.heapMB} | ${r.counts.total} |`),
    '',
    'Findings at the largest size, by kind:',
    '',
    ...Object.entries(results[results.length - 1].counts)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `- ${k}: ${v}`),
    '',
  ].join('\n');
  await writeFile(path.join(resultsDir, 'lint.md'), md);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:lint failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
