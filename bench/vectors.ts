/**
 * Vector search benchmark: the int8 vector index (src/core/search/vectors) at 10k and 50k
 * passages of 768 dimensions: bytes per dimension per passage, the vector file's size, loading it,
 * brute-force query p50/p95 (per passage and one result per note), related notes, heap; and the
 * embedding build's throughput against the loopback /v1/embeddings with a fixed latency.
 *
 *   npm run bench:vectors
 *   BENCH_SIZES=50000 BENCH_DIM=1024 npm run bench:vectors   # other sizes or dimensions
 *   BENCH_SIMD=0 …                        # the JavaScript scan instead of WebAssembly SIMD
 *
 * Vectors are random (a fixed seed), so timings do not depend on what the passages say.
 */
import '../src/cli/window-shim';
import os from 'node:os';
import { EmbeddingsClient } from '../src/core/llm/embeddings';
import { encodeVectorFile, quantize, VectorIndex, type NoteRecord } from '../src/core/search/vectors';
import { MemoryStateStore, MemoryVault } from '../tests/support/memory-vault';
import { OpenAiTestServer } from '../tests/support/openai-server';

const SIZES = (process.env.BENCH_SIZES ?? '10000,50000').split(',').map(Number);
const DIM = Number(process.env.BENCH_DIM ?? 768);
const QUERIES = 200;
const PASSAGES_PER_NOTE = 5;

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32 - 0.5;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6 + process.memoryUsage().arrayBuffers / 1e6;
}

/** Resident memory (WebAssembly memory, where SIMD keeps the vectors, is not in the heap figures). */
function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1e6;
}

async function searchFigures(size: number): Promise<void> {
  const data = new Int8Array(size * DIM);
  const scales = new Float32Array(size);
  const keys: string[] = [];
  const notes: NoteRecord[] = [];
  const vector = new Float32Array(DIM);
  for (let row = 0; row < size; row++) {
    for (let i = 0; i < DIM; i++) vector[i] = random();
    scales[row] = quantize(vector, data, row * DIM);
    keys.push(`k${row.toString(16).padStart(15, '0')}`);
  }
  for (let n = 0; n * PASSAGES_PER_NOTE < size; n++) {
    const passages: NoteRecord[3] = [];
    for (let p = 0; p < PASSAGES_PER_NOTE && n * PASSAGES_PER_NOTE + p < size; p++) passages.push([keys[n * PASSAGES_PER_NOTE + p], p * 10 + 1, p * 10 + 9, `Heading ${p}`]);
    notes.push([`notes/folder ${n % 50}/Note ${n}.md`, 0, 0, passages]);
  }
  const file = encodeVectorFile({ header: { model: 'bench-model', keys, notes }, dimension: DIM, scales, data });
  const state = new MemoryStateStore();
  await state.setBytes('search-vectors.bin', file);
  const before = heapMb();
  const rssBefore = rssMb();
  const index = new VectorIndex({ vault: new MemoryVault(), state, model: 'bench-model', simd: process.env.BENCH_SIMD !== '0' });
  const loadStart = performance.now();
  if (!(await index.load())) throw new Error('the bench file did not load');
  const loadMs = performance.now() - loadStart;
  const stats = index.stats();
  const queries = Array.from({ length: QUERIES }, () => Float32Array.from({ length: DIM }, random));
  for (const q of queries.slice(0, 10)) index.search(q, { limit: 10 });
  // Wall time, and the CPU time of the process (less sensitive to other processes on a loaded machine).
  const cpu: number[] = [];
  const time = (run: (q: Float32Array) => unknown) => {
    const ms: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      const c = process.cpuUsage();
      run(q);
      const used = process.cpuUsage(c);
      ms.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
    return ms.sort((a, b) => a - b);
  };
  const passages = time((q) => index.search(q, { limit: 10 }));
  const passagesCpu = cpu.splice(0).sort((a, b) => a - b);
  const byNote = time((q) => index.search(q, { limit: 10, notes: true }));
  const related: number[] = [];
  for (let n = 0; n < 50; n++) {
    const t = performance.now();
    index.related(notes[(n * 97) % notes.length][0], 10);
    related.push(performance.now() - t);
  }
  related.sort((a, b) => a - b);
  const after = heapMb();
  const rssAfter = rssMb();
  console.log(
    [
      `${size} passages × ${DIM} dims (${notes.length} notes):`,
      `  vectors in memory ${(stats.bytes / 1e6).toFixed(1)} MB = ${(stats.bytes / (size * DIM)).toFixed(3)} bytes per dimension per passage; file ${(file.length / 1e6).toFixed(1)} MB (${(file.length / (size * DIM)).toFixed(3)} with keys and notes)`,
      `  load ${loadMs.toFixed(0)} ms; heap + array buffers +${(after - before).toFixed(0)} MB, resident +${(rssAfter - rssBefore).toFixed(0)} MB; scan: ${index.simdActive ? 'WebAssembly SIMD' : 'JavaScript'}`,
      `  query, per passage: p50 ${percentile(passages, 0.5).toFixed(1)} ms, p95 ${percentile(passages, 0.95).toFixed(1)} ms (CPU time p50 ${percentile(passagesCpu, 0.5).toFixed(1)} ms, p95 ${percentile(passagesCpu, 0.95).toFixed(1)} ms)`,
      `  query, one per note: p50 ${percentile(byNote, 0.5).toFixed(1)} ms, p95 ${percentile(byNote, 0.95).toFixed(1)} ms`,
      `  related notes: p50 ${percentile(related, 0.5).toFixed(1)} ms, p95 ${percentile(related, 0.95).toFixed(1)} ms`,
    ].join('\n'),
  );
}

async function buildFigures(): Promise<void> {
  const server = await new OpenAiTestServer().start();
  server.models = ['bench-embed'];
  server.embeddings.dimension = DIM;
  server.embeddings.delayMs = 50;
  const files: Record<string, string> = {};
  for (let n = 0; n < 400; n++) {
    const parts = Array.from({ length: PASSAGES_PER_NOTE }, (_, p) => `# Part ${p}\n${Array.from({ length: 120 }, (_, w) => `word${(n * 31 + p * 7 + w) % 5000}`).join(' ')}\n`);
    files[`notes/Note ${n}.md`] = parts.join('\n');
  }
  const index = new VectorIndex({ vault: new MemoryVault(files), state: new MemoryStateStore(), model: 'bench-embed' });
  const plan = await index.plan();
  const client = new EmbeddingsClient({ baseURL: server.baseURL, model: 'bench-embed' });
  const report = await index.embed(client);
  await server.stop();
  console.log(
    `build against the loopback server (50 ms per request, batches of 32, 2 in flight): ${report.embedded} passages (${plan.tokens} tokens estimated) in ${report.ms} ms = ${Math.round((report.embedded / report.ms) * 1000)} passages/s`,
  );
}

async function main(): Promise<void> {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores, node ${process.version}`);
  for (const size of SIZES) await searchFigures(size);
  await buildFigures();
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

void main();
