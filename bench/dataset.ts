/**
 * Dataset benchmark (issue 13): profiling a 100 MB CSV with the real dataset reader through the
 * CLI's FsVault, streamed in 1 MiB chunks.
 *
 *   npm run bench:dataset                 # 25 MB and 100 MB
 *   npm run bench:dataset -- --sizes 10,200
 *
 * The CSVs are generated (deterministic: ids, ISO dates, categories, decimals, integers, free
 * text with quoted commas and line breaks, a few missing values) in the system's temporary folder,
 * never in the repository. Each run profiles in a fresh child process, so its peak memory is its
 * own: peak RSS (the kernel's high-water mark) and peak JS heap (sampled every 5 ms). Memory must
 * not grow with rows: the 100 MB file's peaks are compared with the 25 MB file's. Reports the
 * median time of 3 runs per size and the largest peaks; writes bench/results/dataset.json and
 * bench/results/dataset.md.
 */
import '../src/cli/window-shim';
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsVault } from '../src/cli/fs-vault';
import { datasetReader } from '../src/core/sources/dataset-reader';
import { isDefect } from '../src/core/sources/types';

const MB = 1024 * 1024;
const RUNS = 3;

interface ChildResult {
  ms: number;
  cpuMs: number;
  peakRssMB: number;
  peakHeapMB: number;
  baseRssMB: number;
  baseHeapMB: number;
  facts: string[];
  bodyChars: number;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A seeded generator, so every run profiles the same bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['North', 'South', 'East', 'West', 'Central', 'Overseas'];
const PRODUCTS = Array.from({ length: 40 }, (_, i) => `Product ${String.fromCharCode(65 + (i % 26))}${i}`);
const WORDS = ['late', 'delivery', 'gift', 'repeat', 'customer', 'discount', 'fragile', 'express', 'returned', 'bulk'];

/** Writes a CSV of about `megabytes` MB; returns its rows. */
async function generateCsv(file: string, megabytes: number): Promise<number> {
  const next = random(42);
  const handle = await open(file, 'w');
  let bytes = 0;
  let rows = 0;
  try {
    const header = 'order_id,date,region,product,amount,units,customer,paid,note\n';
    await handle.write(header);
    bytes += header.length;
    while (bytes < megabytes * MB) {
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++, rows++) {
        const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(next() * 5 * 365) * 86_400_000).toISOString().slice(0, 10);
        const amount = next() < 0.01 ? '' : (next() * 1000).toFixed(2);
        const words = Array.from({ length: 1 + Math.floor(next() * 6) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
        const note = next() < 0.05 ? `"${words}, ""quoted""\n${words}"` : words;
        lines.push(`${rows + 1},${day},${REGIONS[Math.floor(next() * REGIONS.length)]},${PRODUCTS[Math.floor(next() * PRODUCTS.length)]},${amount},${Math.floor(next() * 50)},C${Math.floor(next() * 200_000)},${next() < 0.5 ? 'true' : 'false'},${note}`);
      }
      const text = `${lines.join('\n')}\n`;
      await handle.write(text);
      bytes += Buffer.byteLength(text);
    }
  } finally {
    await handle.close();
  }
  return rows;
}

/** One profile, in this (child) process. */
async function child(dir: string, name: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const baseRss = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  const timer = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const vault = new FsVault(dir);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const doc = await datasetReader.read(name, { vault, files: [], engines: {}, budgetTokens: 6000 });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  if (isDefect(doc)) throw new Error(doc.message);
  const result: ChildResult = {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    peakHeapMB: peakHeap / MB,
    baseRssMB: baseRss / MB,
    baseHeapMB: baseHeap / MB,
    facts: doc.facts ?? [],
    bodyChars: doc.body.length,
  };
  process.stdout.write(JSON.stringify(result));
}

interface SizeResult {
  targetMB: number;
  fileMB: number;
  rows: number;
  facts: string[];
  medianMs: number;
  mbPerSecond: number;
  medianCpuMs: number;
  peakRssMB: number;
  peakHeapMB: number;
  baseRssMB: number;
  baseHeapMB: number;
  bodyChars: number;
  runs: ChildResult[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : [25, 100];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scriptorium-bench-dataset-'));
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const name = `orders-${size}mb.csv`;
      const file = path.join(dir, name);
      process.stdout.write(`Generating ${name}… `);
      const rows = await generateCsv(file, size);
      const fileMB = (await stat(file)).size / MB;
      process.stdout.write(`${rows.toLocaleString('en-US')} rows, ${round(fileMB)} MB\n`);
      const runs: ChildResult[] = [];
      for (let r = 0; r < RUNS; r++) {
        const out = execFileSync(process.execPath, ['--expose-gc', process.argv[1], '--child', dir, name], { encoding: 'utf8', maxBuffer: 16 * MB });
        const run = JSON.parse(out) as ChildResult;
        runs.push(run);
        console.log(`  run ${r + 1}: ${round(run.ms)} ms (CPU ${round(run.cpuMs)} ms), peak RSS ${round(run.peakRssMB)} MB, peak heap ${round(run.peakHeapMB)} MB`);
      }
      const medianMs = median(runs.map((x) => x.ms));
      results.push({
        targetMB: size,
        fileMB: round(fileMB, 1),
        rows,
        facts: runs[0].facts,
        medianMs: round(medianMs),
        mbPerSecond: round(fileMB / (medianMs / 1000)),
        medianCpuMs: round(median(runs.map((x) => x.cpuMs))),
        peakRssMB: round(Math.max(...runs.map((x) => x.peakRssMB))),
        peakHeapMB: round(Math.max(...runs.map((x) => x.peakHeapMB))),
        baseRssMB: round(median(runs.map((x) => x.baseRssMB))),
        baseHeapMB: round(median(runs.map((x) => x.baseHeapMB))),
        bodyChars: runs[0].bodyChars,
        runs,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const load = os.loadavg().map((n) => n.toFixed(2));
  const cpus = os.cpus();
  const small = results[0];
  const large = results[results.length - 1];
  const lines = [
    '# Dataset profiling benchmark',
    '',
    `\`npm run bench:dataset\` on ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Median of ${RUNS} runs per size, each in a fresh process.`,
    '',
    `Load average when it ran: ${load.join(', ')} on ${cpus.length} cores (wall times on a loaded machine overstate the cost; CPU time is the steadier figure).`,
    '',
    'A generated CSV (order id, ISO date, region, product, decimal amount with 1% missing, integer units, a customer code with about 200,000 distinct values, true/false, free text of which 5% is quoted with commas, doubled quotes and a line break) profiled by the dataset reader through the CLI\'s FsVault, read in 1 MiB chunks: papaparse, per-column type, missing, min/max/mean, distinct (capped at 10,000) and top values, the first 20 rows, the content hash, and the markdown the model reads.',
    'Peak RSS is the process\'s high-water mark (Node itself included: the "idle" column is the process before profiling); peak heap is the JS heap sampled every 5 ms.',
    '',
    '| file | rows | time (median) | MB/s | CPU | peak RSS | peak heap | idle RSS / heap |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.fileMB} MB | ${r.rows.toLocaleString('en-US')} | ${(r.medianMs / 1000).toFixed(2)} s | ${r.mbPerSecond} | ${(r.medianCpuMs / 1000).toFixed(2)} s | ${r.peakRssMB} MB | ${r.peakHeapMB} MB | ${r.baseRssMB} / ${r.baseHeapMB} MB |`),
    '',
  ];
  if (results.length > 1) {
    lines.push(
      `Memory against rows: ${round(large.rows / small.rows, 2)}× the rows (${small.fileMB} → ${large.fileMB} MB) gives ${round(large.peakRssMB / small.peakRssMB, 2)}× the peak RSS and ${round(large.peakHeapMB / small.peakHeapMB, 2)}× the peak heap; time grows ${round(large.medianMs / small.medianMs, 2)}×.`,
      '',
    );
  }
  lines.push(`What the reader reports for the largest file: ${large.facts.join('; ')} (a ${large.bodyChars.toLocaleString('en-US')}-character profile for the model).`, '');
  const text = lines.join('\n');
  console.log(`\n${text}`);
  const outDir = path.join(process.cwd(), 'bench', 'results');
  await writeFile(path.join(outDir, 'dataset.md'), text);
  await writeFile(path.join(outDir, 'dataset.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: os.loadavg(), cpus: cpus.length, results: results.map(({ runs, ...r }) => ({ ...r, runs: runs.map((x) => ({ ms: round(x.ms), cpuMs: round(x.cpuMs), peakRssMB: round(x.peakRssMB), peakHeapMB: round(x.peakHeapMB) })) })) }, null, 2)}\n`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
