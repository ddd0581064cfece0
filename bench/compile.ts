/**
 * Compile benchmark (`npm run bench:compile`): the real Compiler and openai SDK against the
 * loopback server answering like a model (tests/core/compile/wiki-model.ts), over real HTTP.
 *
 * 1. Growth: sources compiled and applied one by one until the wiki holds 500+ articles; prompt
 *    tokens and model calls per source. Every source has the same shape (4 concepts of its own,
 *    2 shared with earlier sources, so 2 merges once those exist), so the per-source cost can only
 *    grow if prompts grow with the wiki.
 * 2. Incremental: the same folder compiled again: model calls (must be 0) and wall time.
 * 3. Concurrency: 40 sources against a server with a fixed latency, at concurrency 1 and 4.
 * 4. Mixed kinds: a folder of notes, PDF papers, images, datasets, saved pages and a code
 *    repository compiled, applied, then compiled again unchanged (model calls must be 0).
 *
 * Writes bench/results/compile.json and compile.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '../src/cli/window-shim';
import { Compiler } from '../src/core/compile';
import { LlmClient } from '../src/core/llm';
import { MemoryStateStore, MemoryVault } from '../tests/support/memory-vault';
import { OpenAiTestServer } from '../tests/support/openai-server';
import { wikiModelReply } from '../tests/core/compile/wiki-model';
import { rng } from './lib/synthetic-vault';
import { cliSourceEngines } from '../src/cli/source-engines';
import { buildPdf, layoutPage } from '../tests/support/pdf-builder';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const GROWTH_TARGET = 500;
const clock = { now: () => Date.UTC(2026, 10, 26, 12) };

const WORDS = 'dough flour water salt crumb crust oven steam proof shape fold bake loaf starter yeast acid grain bran sugar heat time rise gas gluten'.split(' ');

/** A clipped-article-like source of ~450 words naming its concepts in bold. */
function source(i: number, own: string[], shared: string[], random: () => number): string {
  const sentence = (concept: string) => {
    const words = Array.from({ length: 14 }, () => WORDS[Math.floor(random() * WORDS.length)]);
    return `The **${concept}** ${words.join(' ')} in ${Math.floor(random() * 90) + 10} cases.`;
  };
  const paras = [...own, ...shared].map((c) => `${sentence(c)} ${sentence(c)} ${sentence(c)}`);
  return `---\ntitle: Source ${i}\nsource: https://example.org/${i}\nauthor: "[[Writer ${i % 7}]]"\npublished: 2025-01-${String((i % 28) + 1).padStart(2, '0')}\n---\n# Source ${i}\n\n${paras.join('\n\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function compiler(vault: MemoryVault, state: MemoryStateStore, server: OpenAiTestServer, concurrency: number): Compiler {
  const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0 });
  return new Compiler({ vault, state, clock, llm, settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: concurrency } });
}

async function growth(server: OpenAiTestServer) {
  server.handler = (r) => wikiModelReply(r);
  const vault = new MemoryVault();
  const state = new MemoryStateStore();
  const c = compiler(vault, state, server, 1);
  const random = rng(7);
  const rows: { source: number; articlesBefore: number; modelCalls: number; promptTokens: number; extractionPromptTokens: number }[] = [];
  const sharedPool: string[] = [];
  let i = 0;
  let articles = 0;
  while (articles < GROWTH_TARGET) {
    i++;
    const own = [0, 1, 2, 3].map((k) => `Concept ${i}-${k}`);
    // Two concepts shared with earlier sources (the first source introduces them).
    const shared = sharedPool.length < 2 ? ['Shared A', 'Shared B'] : [0, 1].map(() => sharedPool[Math.floor(random() * sharedPool.length)]).filter((v, k, a) => a.indexOf(v) === k);
    const path = `raw/Source ${String(i).padStart(3, '0')}.md`;
    await vault.write(path, source(i, own, shared, random));
    const before = server.chatRequests().length;
    const run = await c.compile([path]);
    const calls = server.chatRequests().slice(before);
    const extraction = calls.filter((r) => r.body.messages?.[0]?.content?.startsWith('You compile a wiki'));
    const tokens = (rs: typeof calls) => rs.reduce((n, r) => n + Math.ceil(JSON.stringify(r.body.messages ?? []).length / 4), 0);
    rows.push({ source: i, articlesBefore: articles, modelCalls: run.modelCalls, promptTokens: run.usage.promptTokens, extractionPromptTokens: tokens(extraction) });
    await c.apply(run);
    if (i === 1) sharedPool.push('Shared A', 'Shared B');
    sharedPool.push(...own);
    articles = (await vault.list()).filter((f) => f.path.startsWith('wiki/') && !/wiki\/(index|log)\.md$/.test(f.path)).length;
  }
  const first = rows.slice(0, 5);
  const last = rows.slice(-5);
  const firstMedian = median(first.map((r) => r.promptTokens));
  const lastMedian = median(last.map((r) => r.promptTokens));
  // Same shape comparison: sources 2-6 already merge into 2 existing concepts, like the last ones.
  const shaped = rows.slice(1, 6);
  const shapedMedian = median(shaped.map((r) => r.promptTokens));

  // Incremental: everything again, unchanged.
  const before = server.chatRequests().length;
  const t0 = performance.now();
  const again = await c.compile();
  const secondMs = performance.now() - t0;
  return {
    sources: rows.length,
    articles,
    rows,
    firstFiveMedianPromptTokens: firstMedian,
    sameShapeFirstMedianPromptTokens: shapedMedian,
    lastFiveMedianPromptTokens: lastMedian,
    ratioLastToFirst: lastMedian / firstMedian,
    ratioLastToFirstSameShape: lastMedian / shapedMedian,
    extractionTokensFirst: rows[0].extractionPromptTokens,
    extractionTokensLast: rows[rows.length - 1].extractionPromptTokens,
    secondCompile: { sources: again.sources.length, modelCalls: server.chatRequests().length - before, upToDate: again.sources.filter((s) => s.status === 'up-to-date').length, wallMs: Math.round(secondMs) },
  };
}

async function concurrency(server: OpenAiTestServer, level: number): Promise<{ wallMs: number; modelCalls: number }> {
  server.handler = (r) => wikiModelReply(r, { delayMs: LATENCY_MS });
  const random = rng(11);
  const files: Record<string, string> = {};
  for (let i = 1; i <= 40; i++) files[`raw/Source ${String(i).padStart(2, '0')}.md`] = source(i, [0, 1, 2].map((k) => `Concept ${i}-${k}`), [`Common ${i % 10}`], random);
  const vault = new MemoryVault(files);
  const c = compiler(vault, new MemoryStateStore(), server, level);
  const t0 = performance.now();
  const run = await c.compile();
  const wallMs = performance.now() - t0;
  if (run.sources.some((s) => s.status !== 'compiled')) throw new Error('bench: a source failed');
  return { wallMs: Math.round(wallMs), modelCalls: run.modelCalls };
}

// A real 1×1 PNG.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

/** A folder of every kind, compiled, applied, and compiled again unchanged. */
async function mixedKinds(server: OpenAiTestServer) {
  server.handler = (r) => {
    // Image parts arrive as a list; the scripted model reads the text parts.
    const messages = (r.body.messages ?? []).map((m) => {
      const content = m.content as unknown;
      return Array.isArray(content) ? { ...m, content: (content as { type: string; text?: string }[]).filter((p) => p.type === 'text').map((p) => p.text ?? '').join('\n') } : m;
    });
    return wikiModelReply({ ...r, body: { ...r.body, messages } });
  };
  const random = rng(11);
  const files: Record<string, string | Uint8Array> = {};
  const kinds: Record<string, number> = { note: 0, pdf: 0, image: 0, dataset: 0, 'web-page': 0, repository: 0 };
  for (let i = 0; i < 20; i++) {
    files[`raw/notes/Note ${i}.md`] = source(i, [`Note concept ${i}`], [], random);
    kinds.note++;
  }
  for (let i = 0; i < 5; i++) {
    files[`raw/papers/paper-${i}.pdf`] = buildPdf({
      info: { Title: `Paper ${i}`, Author: `Author ${i}` },
      pages: [0, 1, 2].map((p) => layoutPage([{ kind: 'heading', text: `Section ${p + 1}` }, { kind: 'paragraph', text: `The **Paper concept ${i}** ${WORDS.slice(p, p + 12).join(' ')} was measured in ${10 + p} trials.` }])),
    });
    kinds.pdf++;
  }
  for (let i = 0; i < 5; i++) {
    files[`raw/images/figure-${i}.png`] = PNG;
    kinds.image++;
  }
  for (let i = 0; i < 3; i++) {
    const rows = Array.from({ length: 500 }, (_, r) => `${r},${WORDS[r % WORDS.length]},${(random() * 100).toFixed(2)}`);
    files[`raw/data/table-${i}.csv`] = `id,word,value\n${rows.join('\n')}\n`;
    kinds.dataset++;
  }
  for (let i = 0; i < 2; i++) {
    files[`raw/pages/page-${i}.html`] = `<html><head><title>Page ${i}</title></head><body><nav>Home | About</nav><article><h1>Page ${i}</h1><p>The <b>Page concept ${i}</b> ${WORDS.join(' ')} in 12 cases.</p></article><footer>Share this</footer></body></html>`;
    kinds['web-page']++;
  }
  files['raw/repo/README.md'] = '# Tiny tool\n\nA **Tiny tool** that counts loaves in 3 ovens.\n';
  files['raw/repo/package.json'] = JSON.stringify({ name: 'tiny-tool', version: '1.0.0', description: 'Counts loaves', dependencies: { yaml: '2.0.0' } });
  files['raw/repo/src/index.js'] = 'export function count(ovens) {\n  return ovens.length;\n}\n';
  kinds.repository++;
  const vault = new MemoryVault(files);
  const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0 });
  const c = new Compiler({ vault, state: new MemoryStateStore(), clock, llm, settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 2 }, engines: cliSourceEngines() });
  const t0 = performance.now();
  const first = await c.compile();
  const firstMs = Math.round(performance.now() - t0);
  await c.apply(first);
  const walls: number[] = [];
  let second = first;
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    second = await c.compile();
    walls.push(Math.round(performance.now() - t));
  }
  return {
    kinds,
    sources: first.sources.length,
    firstCompiled: first.sources.filter((s) => s.status === 'compiled').length,
    firstFailed: first.sources.filter((s) => s.status === 'failed').map((s) => `${s.path}: ${s.error ?? ''}`),
    firstModelCalls: first.modelCalls,
    firstWallMs: firstMs,
    secondUpToDate: second.sources.filter((s) => s.status === 'up-to-date').length,
    secondModelCalls: second.modelCalls,
    secondWallMsMedian: median(walls),
    secondWallMs: walls,
  };
}

async function main() {
  const server = await new OpenAiTestServer().start();
  try {
    const grow = await growth(server);
    const mixed = await mixedKinds(server);
    const runs: Record<string, number[]> = { c1: [], c4: [] };
    let calls = 0;
    for (let rep = 0; rep < 3; rep++) {
      for (const level of [1, 4]) {
        const r = await concurrency(server, level);
        runs[`c${level}`].push(r.wallMs);
        calls = r.modelCalls;
      }
    }
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      growth: { ...grow, rows: undefined, perSource: grow.rows },
      concurrency: {
        sources: 40,
        modelCalls: calls,
        latencyMs: LATENCY_MS,
        wallMsConcurrency1: runs.c1,
        wallMsConcurrency4: runs.c4,
        medianMs1: median(runs.c1),
        medianMs4: median(runs.c4),
        speedup: median(runs.c1) / median(runs.c4),
      },
      mixed,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    };
    const out = path.resolve(process.cwd(), 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'compile.json'), JSON.stringify(result, null, 2) + '\n');
    const g = result.growth;
    const md = [
      '# Compile benchmark',
      '',
      `Run: \`npm run bench:compile\` on ${result.date.slice(0, 10)}, Node ${result.node}. Loopback OpenAI-compatible server over real HTTP, answering like a model (tests/core/compile/wiki-model.ts); prompt tokens as the server counts them (characters / 4).`,
      '',
      '## Prompt tokens per source as the wiki grows',
      '',
      `${g.sources} sources compiled and applied one at a time until the wiki held ${g.articles} articles. Each source names 4 concepts of its own and 2 shared with earlier sources (2 merges once they exist).`,
      '',
      '| | prompt tokens per source (median of 5) |',
      '|---|---|',
      `| first 5 sources (wiki 0–${g.perSource[4].articlesBefore} articles) | ${g.firstFiveMedianPromptTokens} |`,
      `| sources 2–6 (same shape: 1 extraction + 2 merges) | ${g.sameShapeFirstMedianPromptTokens} |`,
      `| last 5 sources (wiki ${g.perSource[g.perSource.length - 5].articlesBefore}–${g.perSource[g.perSource.length - 1].articlesBefore} articles) | ${g.lastFiveMedianPromptTokens} |`,
      `| ratio last / first | ${g.ratioLastToFirst.toFixed(2)} |`,
      `| ratio last / first, same shape | ${g.ratioLastToFirstSameShape.toFixed(2)} |`,
      '',
      `Extraction prompt alone: ${g.extractionTokensFirst} tokens for the first source (no existing article to list), ${g.extractionTokensLast} for the last (its few candidate articles listed, never the page list). The rest of the growth is the merge prompts: concept articles grow as more sources cite them.`,
      '',
      '## Second compile of the unchanged folder',
      '',
      `${g.secondCompile.sources} sources, ${g.secondCompile.upToDate} up to date, **${g.secondCompile.modelCalls} model calls**, ${g.secondCompile.wallMs} ms.`,
      '',
      '## Concurrency',
      '',
      `40 sources (3 concepts each plus 1 of 10 shared concepts; ${result.concurrency.modelCalls} model calls), server latency ${LATENCY_MS} ms per call, 3 runs each.`,
      '',
      '| concurrency | wall time (ms, median) | runs |',
      '|---|---|---|',
      `| 1 | ${result.concurrency.medianMs1} | ${runs.c1.join(', ')} |`,
      `| 4 | ${result.concurrency.medianMs4} | ${runs.c4.join(', ')} |`,
      '',
      `Speed-up: ${result.concurrency.speedup.toFixed(2)}×. Sources touching the same shared article take turns on it (fixed source order), so the speed-up stays below 4.`,
      '',
      '## A folder of every kind, compiled again unchanged',
      '',
      `${mixed.sources} sources: ${Object.entries(mixed.kinds).map(([k, n]) => `${n} ${k}`).join(', ')} (the PDFs read by pdf.js, the pages converted by the CLI's converter, the repository read as one source).`,
      '',
      '| | sources compiled / up to date | model calls | wall time (ms) |',
      '|---|---|---|---|',
      `| first compile | ${mixed.firstCompiled} compiled${mixed.firstFailed.length ? `, ${mixed.firstFailed.length} failed` : ''} | ${mixed.firstModelCalls} | ${mixed.firstWallMs} |`,
      `| again, unchanged (median of 3) | ${mixed.secondUpToDate} up to date | **${mixed.secondModelCalls}** | ${mixed.secondWallMsMedian} (${mixed.secondWallMs.join(', ')}) |`,
      '',
      `The second run reads every source again to hash it (PDFs by their bytes, the repository by its counted files) and asks the model nothing. Load average during the run: ${result.loadAverage.join(', ')} (2 cores).`,
      '',
    ].join('\n');
    writeFileSync(path.join(out, 'compile.md'), md);
    process.stdout.write(md);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:compile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
