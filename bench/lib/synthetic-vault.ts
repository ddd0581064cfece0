import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A deterministic synthetic vault for benchmarks: notes of about 550 words with frontmatter,
 * headings, wikilinks, tags, lists and the occasional code block, in a few folders. The same
 * (count, seed) always gives byte-identical notes, so runs on different days compare.
 *
 * Words follow a Zipf-like distribution over a vocabulary of real English words plus generated
 * ones, so term statistics look like prose: a few very common words, a long tail of rare ones.
 */
export interface SyntheticNote {
  /** Vault-relative path, e.g. "raw/topic-12/Note 00042.md". */
  path: string;
  content: string;
}

export interface SyntheticOptions {
  /** Default 42. */
  seed?: number;
  /** Average words per note. Default 550. */
  wordsPerNote?: number;
}

const BASE_WORDS = (
  'system memory network model data process research theory method analysis design language ' +
  'structure function value signal pattern energy market policy history culture science garden ' +
  'protein neuron climate ocean forest river mountain city village engine circuit compiler kernel ' +
  'database index search query graph vector matrix tensor gradient learning training inference ' +
  'ownership borrowing lifetime reference pointer thread lock channel future promise stream buffer ' +
  'writing reading notes review summary argument evidence claim source citation author journal ' +
  'experiment sample measure result error variance average median trend growth decline cycle ' +
  'running studies generalization organizing connected connections computing computational ' +
  'health disease treatment patient clinical trial gene expression cell tissue immune response'
).split(' ');

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vel', 'dor', 'ish', 'um', 'pra', 'zen', 'qui', 'bar', 'tel', 'nov', 'sar'];

/** mulberry32: small, fast, good enough for reproducible test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(random: () => number, size: number): string[] {
  const words = [...BASE_WORDS];
  const seen = new Set(words);
  while (words.length < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

const FILLER = ['the', 'a', 'of', 'and', 'to', 'in', 'is', 'that', 'for', 'with', 'as', 'on', 'by', 'this'];

/** Everything the generator derives from the seed: shared by notes and queries. */
class TextSource {
  readonly random: () => number;
  readonly vocab: string[];
  private readonly cumulative: number[];

  constructor(seed: number) {
    this.random = rng(seed);
    this.vocab = vocabulary(this.random, 20_000);
    // Zipf weights 1/(rank+50): content words only (function words come from FILLER), so the
    // most common one is ~0.3% of words, as in English prose, not 6% as a plain Zipf would give.
    let sum = 0;
    this.cumulative = this.vocab.map((_, i) => (sum += 1 / (i + 50)));
  }

  word(): string {
    const x = this.random() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return this.vocab[lo];
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  sentence(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.random() < 0.35 ? this.pick(FILLER) : this.word());
    const s = out.join(' ');
    return s[0].toUpperCase() + s.slice(1) + '.';
  }

  title(): string {
    const n = 2 + Math.floor(this.random() * 3);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(this.word());
    return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  }
}

function notePath(i: number, titleText: string): string {
  const folder = i % 10 < 6 ? `raw/topic-${i % 37}` : i % 10 < 9 ? 'wiki/concepts' : 'daily';
  return `${folder}/${titleText} ${String(i).padStart(5, '0')}.md`;
}

/** Notes one at a time, so a 50k-note vault never sits in memory whole. */
export function* syntheticNotes(count: number, options: SyntheticOptions = {}): Generator<SyntheticNote> {
  const g = new TextSource(options.seed ?? 42);
  const words = options.wordsPerNote ?? 550;
  const titles: string[] = [];
  for (let i = 0; i < count; i++) titles.push(g.title());
  for (let i = 0; i < count; i++) {
    const title = titles[i];
    const tags = [g.pick(['project', 'idea', 'reading', 'lang']), `${g.pick(['topic', 'area'])}/${g.word()}`];
    const lines: string[] = ['---', `title: ${title}`, `tags: [${tags.join(', ')}]`, `aliases: [${g.title()}]`, `created: 2024-0${1 + (i % 9)}-1${i % 10}`, '---', ''];
    let written = 0;
    lines.push(g.sentence(20), '');
    written += 20;
    const sections = 3 + Math.floor(g.random() * 4);
    for (let s = 0; s < sections && written < words; s++) {
      lines.push(`${g.random() < 0.7 ? '##' : '###'} ${g.title()}`, '');
      const paragraphs = 1 + Math.floor(g.random() * 3);
      for (let p = 0; p < paragraphs && written < words; p++) {
        const n = 30 + Math.floor(g.random() * 50);
        let text = g.sentence(n);
        if (g.random() < 0.5) text += ` See [[${titles[Math.floor(g.random() * count)]} ${String(Math.floor(g.random() * count)).padStart(5, '0')}]].`;
        if (g.random() < 0.2) text += ` #${g.word()}`;
        if (g.random() < 0.1) text += ` https://example.org/${g.word()}/${g.word()}`;
        lines.push(text, '');
        written += n;
      }
      if (g.random() < 0.3) {
        lines.push(`- ${g.sentence(8)}`, `- ${g.sentence(8)}`, `- ${g.sentence(8)}`, '');
        written += 24;
      }
      if (g.random() < 0.08) {
        lines.push('```ts', `const ${g.word()} = compute(${g.word()}, ${g.word()});`, 'return value;', '```', '');
      }
    }
    while (written < words) {
      const n = Math.min(60, words - written);
      lines.push(g.sentence(Math.max(3, n)), '');
      written += n;
    }
    yield { path: notePath(i, title.replace(/[\\/:*?"<>|#^[\]]/g, ' ')), content: lines.join('\n') };
  }
}

/** All notes in memory. */
export function generateSyntheticNotes(count: number, options: SyntheticOptions = {}): SyntheticNote[] {
  return [...syntheticNotes(count, options)];
}

/** Writes `count` notes under `dir`; returns how many files and bytes. */
export async function writeSyntheticVault(dir: string, count: number, options: SyntheticOptions = {}): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  let files = 0;
  const made = new Set<string>();
  for (const note of syntheticNotes(count, options)) {
    const abs = path.join(dir, note.path);
    const folder = path.dirname(abs);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await writeFile(abs, note.content, 'utf8');
    bytes += Buffer.byteLength(note.content);
    files++;
  }
  return { files, bytes };
}

/** A fixed query set over the same vocabulary: one-, two- and three-word queries and a few phrases. */
export function syntheticQueries(count: number, options: { seed?: number } = {}): string[] {
  const g = new TextSource(options.seed ?? 42);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) out.push(g.word());
    else if (kind === 1) out.push(`${g.word()} ${g.word()}`);
    else if (kind === 2) out.push(`${g.word()} ${g.word()} ${g.word()}`);
    else out.push(g.sentence(6).replace(/\.$/, '').toLowerCase());
  }
  return out;
}
