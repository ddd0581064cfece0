/**
 * PDF benchmark: a 100-page paper-like PDF generated here (tests/support/pdf-builder.ts: Helvetica,
 * one column, headings, paragraphs, words broken with a hyphen at line ends, a small table every
 * fifth page, a footer with the page number; a third of the pages each write their spaces as characters, as TJ displacements
 * (as TeX does) and as separately placed words), read from disk through the CLI's FsVault, the CLI's
 * pdf.js engine and the PDF reader.
 *
 *   npm run bench:pdf                  # 100 pages, 5 runs
 *   npm run bench:pdf -- --pages 300   # another size
 *
 * Reports pages per second (median of the runs after a warm-up, wall and CPU time) and the
 * fidelity of the text: the overlap of its words with what `pdftotext` (poppler-utils) extracts,
 * as word multisets (sum of the smaller count of each word / the larger number of words), target
 * >= 0.98. Without pdftotext it says how to install it and skips that figure.
 * Writes bench/results/pdf.json and bench/results/pdf.md.
 */
import '../src/cli/window-shim';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsVault } from '../src/cli/fs-vault';
import { cliPdfEngine } from '../src/cli/pdf-engine';
import { PAGE_MARKER, type SourceDocument } from '../src/core/sources';
import { pdfReader } from '../src/core/sources/pdf-reader';
import { buildPdf, layoutPage, LETTER, type PdfBlock, type PdfPageSpec, type PdfSpacing } from '../tests/support/pdf-builder';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const PAGES = arg('pages', 100);
const RUNS = arg('runs', 5);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** A small deterministic generator, so every run reads the same paper. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VOCABULARY = (
  'the of and to in a is that for on with as by this are be from at an which we our these it can not or their model models data ' +
  'compilation incremental summary summaries citation citations source sources reader readers page pages paragraph paragraphs ' +
  'extraction measurement measurements benchmark benchmarks evaluation experiment experiments result results analysis ' +
  'knowledge representation information retrieval language processing document documents structure structured ' +
  'hypothesis observation observations distribution distributions probability estimate estimates estimation variance ' +
  'significant significantly considerable approximately independent dependency dependencies configuration implementation ' +
  'performance throughput latency memory storage network protocol interface algorithm algorithms complexity ' +
  'conservation thermodynamics electromagnetic interpretation correspondence collaboration organisation ' +
  'archive archives manuscript manuscripts library libraries catalogue bibliography encyclopaedia vocabulary terminology ' +
  'however therefore moreover furthermore nevertheless consequently accordingly respectively particularly especially ' +
  'shows suggests indicates demonstrates requires provides remains becomes follows describes compares reports'
).split(/\s+/);

/** Soft hyphens every three letters inside long words, where the layout may break them. */
function hyphenable(word: string): string {
  if (word.length < 8) return word;
  let out = word.slice(0, 3);
  for (let i = 3; i < word.length - 3; i += 3) out += `\u00ad${word.slice(i, i + 3)}`;
  return out + word.slice(out.replace(/\u00ad/g, '').length);
}

function sentence(next: () => number): string {
  const n = 8 + Math.floor(next() * 18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = VOCABULARY[Math.floor(next() * VOCABULARY.length)];
    const r = next();
    if (r < 0.04) w = `${Math.floor(next() * 1000) / 10}%`;
    else if (r < 0.07) w = `[${1 + Math.floor(next() * 60)}]`;
    else if (r < 0.09) w = `(${w})`;
    else if (r < 0.16 && i < n - 1) w = `${w},`;
    words.push(hyphenable(w));
  }
  const first = words[0];
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

function paragraph(next: () => number): string {
  const n = 4 + Math.floor(next() * 3);
  return Array.from({ length: n }, () => sentence(next)).join(' ');
}

/** The paper: a title page, then sections; four or five blocks a page, a footer with the page number. */
export function paperPages(count: number): PdfPageSpec[] {
  const next = random(13);
  const pages: PdfPageSpec[] = [];
  let section = 1;
  for (let p = 1; p <= count; p++) {
    const blocks: PdfBlock[] = [];
    if (p === 1) {
      blocks.push({ kind: 'title', text: 'Compiling Sources into a Wiki: Measurements of Extraction' });
      blocks.push({ kind: 'authors', text: 'Ada Lovelace, Alan Turing and Grace Hopper' });
      blocks.push({ kind: 'heading', text: 'Abstract' });
    } else if (p % 3 === 0) {
      blocks.push({ kind: 'heading', text: `${section++} ${VOCABULARY[20 + Math.floor(next() * 60)].replace(/^./, (c) => c.toUpperCase())} and ${VOCABULARY[20 + Math.floor(next() * 60)]}` });
    }
    const paragraphs = p === 1 ? 3 : 4;
    for (let i = 0; i < paragraphs; i++) blocks.push({ kind: 'paragraph', text: paragraph(next) });
    const spacing: PdfSpacing = (['chars', 'kerning', 'words'] as const)[p % 3];
    const page = layoutPage(blocks, { spacing, size: 10 });
    const lines = page.lines ?? [];
    // Every fifth page ends with a small table: cells set apart on a row, figures in them.
    const lowest = Math.min(...lines.map((l) => l.y));
    if (p % 5 === 0 && lowest > 150) {
      const rows = [['Source', 'Pages', 'Words', 'Overlap'], ...Array.from({ length: 3 }, (_, r) => [`S${p}-${r + 1}`, `${10 + Math.floor(next() * 300)}`, `${1000 + Math.floor(next() * 90000)}`, `0.${900 + Math.floor(next() * 99)}`])];
      rows.forEach((row, r) => row.forEach((text, c) => lines.push({ text, x: 90 + c * 110, y: 120 - r * 13, size: 9, bold: r === 0 })));
    }
    lines.push({ text: `${p}`, x: LETTER.width / 2 - 5, y: 40, size: 9 });
    pages.push(page);
  }
  return pages;
}

/** Word multiset overlap: sum of the smaller count of each word / the larger number of words. */
function overlap(a: string[], b: string[]): number {
  const counts = new Map<string, number>();
  for (const w of a) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of b) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      common++;
      counts.set(w, c - 1);
    }
  }
  return common / Math.max(a.length, b.length, 1);
}

/** Words only one side has, most frequent first (what to look at when fidelity drops). */
function onlyIn(a: string[], b: string[], limit = 8): string[] {
  const counts = new Map<string, number>();
  for (const w of a) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const w of b) counts.set(w, (counts.get(w) ?? 0) - 1);
  return [...counts.entries()]
    .filter(([, c]) => c > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, limit)
    .map(([w, c]) => `${w} (${c})`);
}

const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');

function pdftotext(file: string): { text: string; version: string; ms: number } | undefined {
  const probe = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  const version = /pdftotext version ([\d.]+)/.exec(`${probe.stdout}${probe.stderr}`)?.[1] ?? 'unknown';
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    const out = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (i > 0) times.push(performance.now() - start);
    if (out.status !== 0) throw new Error(`pdftotext failed: ${out.stderr}`);
    text = out.stdout;
  }
  return { text, version, ms: median(times) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scriptorium-bench-pdf-'));
  try {
    const bytes = buildPdf({ pages: paperPages(PAGES), info: { Title: 'Compiling Sources into a Wiki', Author: 'Ada Lovelace; Alan Turing; Grace Hopper' } });
    const file = path.join(dir, 'paper.pdf');
    await writeFile(file, bytes);
    const vault = new FsVault(dir);
    const ctx = { vault, files: await vault.list(), engines: { pdf: cliPdfEngine() }, budgetTokens: 1_000_000 };

    const wall: number[] = [];
    const cpu: number[] = [];
    let doc: SourceDocument | undefined;
    for (let i = 0; i < RUNS + 1; i++) {
      const c0 = process.cpuUsage();
      const start = performance.now();
      const out = await pdfReader.read('paper.pdf', ctx);
      const ms = performance.now() - start;
      const c = process.cpuUsage(c0);
      if (!('path' in out)) throw new Error(`the reader refused the benchmark's PDF: ${out.message}`);
      doc = out;
      // The first run loads pdf.js (once per process): reported apart, not in the median.
      if (i === 0) console.log(`first read (loads pdf.js): ${round(ms)} ms`);
      else {
        wall.push(ms);
        cpu.push((c.user + c.system) / 1000);
      }
    }
    if (!doc) throw new Error('no run');
    const ms = median(wall);
    const cpuMs = median(cpu);
    const ours = words(doc.body.replace(new RegExp(PAGE_MARKER.source, 'gm'), ''));
    const markers = [...doc.body.matchAll(new RegExp(PAGE_MARKER.source, 'gm'))].length;

    const tables = (doc.body.match(/^Source Pages Words Overlap$/gm) ?? []).length;
    const reference = pdftotext(file);
    let fidelity: number | undefined;
    let missing: string[] = [];
    let extra: string[] = [];
    if (reference) {
      const theirs = words(reference.text);
      fidelity = overlap(theirs, ours);
      missing = onlyIn(theirs, ours);
      extra = onlyIn(ours, theirs);
    } else {
      console.log('pdftotext was not found, so the fidelity figure is skipped. Install it with: sudo apt-get install poppler-utils (Debian, Ubuntu), brew install poppler (macOS).');
    }

    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
    const load = os.loadavg().map((l) => l.toFixed(1)).join(', ');
    const result = {
      pages: PAGES,
      fileKB: round(bytes.length / 1024),
      words: ours.length,
      pageMarkers: markers,
      tables,
      title: doc.title,
      authors: doc.authors,
      readMs: round(ms),
      cpuMs: round(cpuMs),
      pagesPerSecond: round((PAGES * 1000) / ms),
      pagesPerCpuSecond: round((PAGES * 1000) / cpuMs),
      ...(reference ? { pdftotext: { version: reference.version, ms: round(reference.ms), pagesPerSecond: round((PAGES * 1000) / reference.ms), words: words(reference.text).length } } : {}),
      ...(fidelity !== undefined ? { fidelity: round(fidelity, 4), onlyInPdftotext: missing, onlyInReader: extra } : {}),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`load average: ${load} on ${os.cpus().length} cores`);

    const resultsDir = path.join(process.cwd(), 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(path.join(resultsDir, 'pdf.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), runs: RUNS, loadAverage: os.loadavg(), result }, null, 2)}\n`);
    const md = [
      '# PDF text extraction benchmark',
      '',
      `\`npm run bench:pdf\` on ${machine}, ${new Date().toISOString().slice(0, 10)}. Median of ${RUNS} runs after a warm-up (the warm-up also loads pdf.js, once per process).`,
      `A ${PAGES}-page paper-like PDF generated by the benchmark (${result.fileKB} KB: Helvetica, one column, headings, paragraphs, words hyphenated at line ends, a small table every fifth page, a footer with the page number;`,
      'spaces written as characters, as TJ displacements and as separately placed words, a third of the pages each), read from disk through the CLI\'s FsVault, pdf.js engine and PDF reader.',
      '',
      `Load average when it ran: ${load} on ${os.cpus().length} cores (wall times on a loaded machine overstate the cost; CPU time is the steadier figure).`,
      '',
      '| pages | words | read ms | CPU ms | pages/s | pages/CPU s | pdftotext ms | pdftotext pages/s | fidelity vs pdftotext |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${PAGES} | ${result.words} | ${result.readMs} | ${result.cpuMs} | ${result.pagesPerSecond} | ${result.pagesPerCpuSecond} | ${reference ? round(reference.ms) : '–'} | ${result.pdftotext?.pagesPerSecond ?? '–'} | ${fidelity !== undefined ? result.fidelity : 'skipped (no pdftotext)'} |`,
      '',
      reference
        ? `Fidelity is the overlap of the two texts' words as multisets (sum of the smaller count of each word / the larger number of words; target >= 0.98), against pdftotext ${reference.version} (poppler-utils) with its default options; the page markers are left out. pdftotext found ${result.pdftotext?.words} words, the reader ${result.words}.`
        : 'pdftotext was not found, so fidelity was not measured. Install it with `sudo apt-get install poppler-utils` (Debian, Ubuntu) or `brew install poppler` (macOS) and run again.',
      '',
      ...(reference
        ? [`Words only pdftotext has: ${missing.length ? missing.join(', ') : 'none'}.`, '', `Words only the reader has: ${extra.length ? extra.join(', ') : 'none'}.`, '']
        : []),
      `Metadata read: title "${doc.title}", authors ${doc.authors.join(', ')}; ${markers} page markers; ${tables} table header rows read as one line each.`,
      '',
    ].join('\n');
    await writeFile(path.join(resultsDir, 'pdf.md'), md);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
