/**
 * Search quality, as the chat agent and the CLI search (whole words, no completion of the last word):
 *
 * - BEIR SciFact (5,183 abstracts, 300 test claims): nDCG@10 and recall@100, one result per note,
 *   each abstract a note in three forms: the title in frontmatter, the title as a leading `# H1`,
 *   and no title. The VaultIndex as shipped and a few ranking variants, plain MiniSearch, and a
 *   plain BM25 written here, next to the published BM25 figures.
 * - SQuAD v1.1 dev as long notes (48 Wikipedia articles of 2.3k–13.7k words, paragraphs, no
 *   headings; 10,570 questions with the gold article and the gold paragraph's lines): per question,
 *   the gold note at rank 1 (hit@1), in the top 5 (hit@5), MRR@10 over notes, and passage@1/@5 (a
 *   top-1/top-5 result, one per passage, lies in the gold note and its line range overlaps the gold
 *   lines). Baselines: the plain BM25 over ~150-word passages cut at blank lines (a note ranks by its
 *   best passage) and over whole notes.
 *
 *   npm run eval:search                        # reads ../shared/data/{scifact,squad-dev}
 *   npm run eval:search -- --data DIR          # another folder holding scifact/ and squad-dev/
 *   npm run eval:search -- --sample N          # every N-th SQuAD question only (deterministic)
 *   npm run eval:search -- --only squad        # one of the two sets
 *   npm run eval:search -- --embed-url URL --embed-model NAME
 *                                              # also search by meaning: semantic and hybrid runs beside
 *                                              # the lexical ones (key: SCRIPTORIUM_EMBED_API_KEY)
 *
 * Writes bench/results/search-eval.json and bench/results/search-eval.md. A data set that is absent
 * is skipped with a notice (neither is shipped with the repository); with neither, nothing is written.
 */
import '../src/cli/window-shim';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import MiniSearch from 'minisearch';
import { stringifyNote } from '../src/core/markdown/frontmatter';
import { Tokenizer } from '../src/core/search/tokenizer';
import { VaultIndex, type RankingOptions } from '../src/core/search/vault-index';
import { EmbeddingsClient } from '../src/core/llm/embeddings';
import { LlmError } from '../src/core/llm/errors';
import { HybridSearch } from '../src/core/search/hybrid-search';
import { VectorIndex } from '../src/core/search/vectors';
import { MemoryStateStore, MemoryVault } from '../tests/support/memory-vault';

// ---------------------------------------------------------------- data

interface SciDoc {
  _id: string;
  title: string;
  text: string;
}

interface SquadQuestion {
  id: string;
  question: string;
  article: string;
  answers: string[];
  paragraph: number;
  lines: [number, number];
}

function readJsonl<T>(file: string): T[] {
  const raw = file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString('utf8') : readFileSync(file, 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

// ---------------------------------------------------------------- metrics

function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, i) => {
    const rel = relevant.get(id) ?? 0;
    if (rel > 0) dcg += (2 ** rel - 1) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, rel, i) => sum + (2 ** rel - 1) / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

function recallAt100(ranked: string[], relevant: Map<string, number>): number {
  const top = new Set(ranked.slice(0, 100));
  let found = 0;
  for (const id of relevant.keys()) if (top.has(id)) found++;
  return relevant.size === 0 ? 0 : found / relevant.size;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

// ---------------------------------------------------------------- plain BM25 baseline

/**
 * Plain BM25 (Lucene's idf, k1 0.9, b 0.4 as Anserini's defaults), written here and sharing
 * nothing with the index but its tokenizer (so the comparison is about ranking, not stemming).
 * One document per item; scores by term-at-a-time accumulation.
 */
class PlainBm25 {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: number[] = [];
  private readonly tokenizer = new Tokenizer();

  constructor(
    texts: readonly string[],
    private readonly k1 = 0.9,
    private readonly b = 0.4,
  ) {
    texts.forEach((text, doc) => {
      const terms = this.tokenizer.tokenize(text);
      this.lengths.push(terms.length);
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [term, n] of tf) {
        const list = this.postings.get(term);
        if (list) list.push({ doc, tf: n });
        else this.postings.set(term, [{ doc, tf: n }]);
      }
    });
  }

  /** Every matching document's score, by document number. */
  scores(query: string): Map<number, number> {
    const N = this.lengths.length;
    const avg = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, N);
    const out = new Map<number, number>();
    for (const term of this.tokenizer.tokenize(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (N - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[doc]) / avg);
        out.set(doc, (out.get(doc) ?? 0) + (idf * tf * (this.k1 + 1)) / norm);
      }
    }
    return out;
  }

  /** Document numbers, best first (ties by number). */
  rank(query: string, limit: number): number[] {
    return [...this.scores(query)]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, limit)
      .map(([doc]) => doc);
  }
}

const BASELINE_PASSAGE_WORDS = 150;

/**
 * A note's body cut into passages of about 150 words at blank lines, paragraphs kept whole: the
 * baseline's own chunker (the index has its own). The title goes with the first passage only.
 */
function baselinePassages(file: string, title: string): { text: string; line: number; endLine: number }[] {
  const lines = file.split('\n');
  let start = 0;
  if (lines[0] === '---') {
    const close = lines.indexOf('---', 1);
    if (close > 0) start = close + 1;
  }
  const paragraphs: { line: number; endLine: number; words: number; text: string }[] = [];
  for (let i = start; i < lines.length; ) {
    if (lines[i].trim() === '') {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j].trim() !== '') j++;
    const text = lines.slice(i, j).join('\n');
    paragraphs.push({ line: i + 1, endLine: j, words: text.split(/\s+/).filter((w) => w !== '').length, text });
    i = j;
  }
  const out: { text: string; line: number; endLine: number }[] = [];
  let current: typeof paragraphs = [];
  let words = 0;
  const close = () => {
    if (current.length === 0) return;
    out.push({ text: current.map((p) => p.text).join('\n\n'), line: current[0].line, endLine: current[current.length - 1].endLine });
    current = [];
    words = 0;
  };
  for (const p of paragraphs) {
    if (current.length > 0 && words + p.words > BASELINE_PASSAGE_WORDS) close();
    current.push(p);
    words += p.words;
  }
  close();
  if (out.length > 0 && title !== '') out[0].text = `${title}\n${out[0].text}`;
  return out;
}

// ---------------------------------------------------------------- SciFact

interface SciRun {
  name: string;
  form: TitleForm;
  ndcg10: number;
  recall100: number;
  ms: number;
}

type TitleForm = 'frontmatter' | 'h1' | 'none';
const FORMS: TitleForm[] = ['frontmatter', 'h1', 'none'];

function sciNote(d: SciDoc, form: TitleForm): string {
  if (form === 'frontmatter') return stringifyNote({ title: d.title }, `${d.text}\n`);
  if (form === 'h1') return `# ${d.title}\n\n${d.text}\n`;
  return `${d.text}\n`;
}

/**
 * Hybrid search over `files` with passage vectors from `client` (every passage embedded once,
 * progress on stdout): the same index as shipped plus vectors, as the plugin and the CLI use them.
 */
async function withMeaning(files: Record<string, string>, client: EmbeddingsClient, label: string): Promise<HybridSearch> {
  const vault = new MemoryVault(files);
  const state = new MemoryStateStore();
  const index = new VaultIndex({ vault, state });
  await index.sync();
  const vectors = new VectorIndex({ vault, state, model: client.model });
  const plan = await vectors.plan();
  process.stdout.write(`${label}: embedding ${plan.passages} passages (about ${plan.tokens} tokens) with ${client.model}…\n`);
  let shown = 0;
  const report = await vectors.embed(client, {
    progress: ({ done, total }) => {
      if (total && done - shown >= total / 10) {
        shown = done;
        process.stdout.write(`  ${done}/${total}\n`);
      }
    },
  });
  process.stdout.write(`${label}: ${report.embedded} passages embedded in ${Math.round(report.ms / 1000)} s\n`);
  return new HybridSearch({ index, vault, vectors: () => ({ vectors, embedder: client }) });
}

async function scifact(dir: string, meaning: EmbeddingsClient | null = null): Promise<{ corpus: number; queries: number; runs: SciRun[] } | null> {
  const corpusFile = ['corpus.jsonl.gz', 'corpus.jsonl'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const queriesFile = ['queries.test.jsonl', 'queries.jsonl'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const qrelsFile = path.join(dir, 'qrels', 'test.tsv');
  if (!corpusFile || !queriesFile || !existsSync(qrelsFile)) {
    process.stdout.write(`eval:search: SciFact is absent from ${dir} (needs corpus.jsonl[.gz], queries.test.jsonl, qrels/test.tsv); skipped.\n`);
    return null;
  }
  const docs = readJsonl<SciDoc>(corpusFile);
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(qrelsFile, 'utf8').split('\n').slice(1)) {
    const [qid, did, score] = line.trim().split('\t');
    if (!qid || !did) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(did, Number(score));
  }
  const queries = readJsonl<{ _id: string; text: string }>(queriesFile).filter((q) => qrels.has(q._id));
  const idOf = (p: string) => p.slice('scifact/'.length, -3);

  const runs: SciRun[] = [];
  const evaluate = async (name: string, form: TitleForm, search: (q: string) => Promise<string[]> | string[]) => {
    let ndcg = 0;
    let recall = 0;
    const started = performance.now();
    for (const q of queries) {
      const ranked = await search(q.text);
      ndcg += ndcgAt10(ranked, qrels.get(q._id)!);
      recall += recallAt100(ranked, qrels.get(q._id)!);
    }
    const run = { name, form, ndcg10: round(ndcg / queries.length), recall100: round(recall / queries.length), ms: Math.round(performance.now() - started) };
    runs.push(run);
    process.stdout.write(`SciFact ${form.padEnd(11)} ${name.padEnd(58)} nDCG@10 ${run.ndcg10.toFixed(3)}  R@100 ${run.recall100.toFixed(3)}\n`);
  };
  const indexed = async (form: TitleForm, ranking?: RankingOptions): Promise<VaultIndex> => {
    const files: Record<string, string> = {};
    for (const d of docs) files[`scifact/${d._id}.md`] = sciNote(d, form);
    const index = new VaultIndex({ vault: new MemoryVault(files), state: new MemoryStateStore(), ranking });
    await index.sync();
    return index;
  };
  const viaIndex = (index: VaultIndex) => async (q: string) => (await index.search(q, { limit: 100, notes: true })).map((r) => idOf(r.path));

  for (const form of FORMS) await evaluate('VaultIndex (as shipped)', form, viaIndex(await indexed(form)));
  const variants: [string, RankingOptions][] = [
    ['VaultIndex, title boost 3', { boost: { title: 3 } }],
    ['VaultIndex, title boost 0.25', { boost: { title: 0.25 } }],
    ['VaultIndex, BM25 k=1.5 b=0.75 d=0.5', { bm25: { k: 1.5, b: 0.75, d: 0.5 } }],
    ['VaultIndex, AND-first for every query', { andFirstMaxTerms: 1000 }],
    ['VaultIndex, MiniSearch match-count factor kept', { matchCountFactor: true }],
    ['VaultIndex, repeated query words weigh once', { repeatedTerms: false }],
    ['VaultIndex, no fuzzy match for words missing from the index', { typoFuzzy: false }],
    ['VaultIndex, BM25 k=0.9 b=0.4 (Anserini defaults)', { bm25: { k: 0.9, b: 0.4, d: 0.5 } }],
    ['VaultIndex, BM25 without the + (d=0)', { bm25: { k: 1.2, b: 0.75, d: 0 } }],
  ];
  for (const [name, ranking] of variants) await evaluate(name, 'frontmatter', viaIndex(await indexed('frontmatter', ranking)));

  // The baselines index a note as a search engine with a title column would: title and body as
  // text, so the frontmatter and H1 forms are the same documents for them.
  for (const form of FORMS) {
    const withTitle = form !== 'none';
    const bm25 = new PlainBm25(docs.map((d) => (withTitle ? `${d.title}\n${d.text}` : d.text)));
    await evaluate('plain BM25 (k1 0.9, b 0.4), title and body as one text', form, (q) => bm25.rank(q, 100).map((i) => docs[i]._id));
    const plain = new MiniSearch({ fields: withTitle ? ['title', 'text'] : ['text'] });
    plain.addAll(docs.map((d) => ({ id: d._id, title: d.title, text: d.text })));
    await evaluate('plain MiniSearch (defaults, OR)', form, (q) => plain.search(q).slice(0, 100).map((r) => String(r.id)));
  }
  if (meaning) {
    const files: Record<string, string> = {};
    for (const d of docs) files[`scifact/${d._id}.md`] = sciNote(d, 'frontmatter');
    const hybrid = await withMeaning(files, meaning, 'SciFact');
    for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
      await evaluate(`VaultIndex by meaning, ${mode} (${meaning.model})`, 'frontmatter', async (q) => (await hybrid.search(q, { limit: 100, notes: true, mode })).map((r) => idOf(r.path)));
    }
  }
  return { corpus: docs.length, queries: queries.length, runs };
}

// ---------------------------------------------------------------- SQuAD as long notes

interface SquadRun {
  name: string;
  hit1: number;
  hit5: number;
  mrr10: number;
  /** Null for whole-note rankings, which have no passages. */
  passage1: number | null;
  passage5: number | null;
  ms: number;
}

/** One question's ranked notes (best first) and ranked passages (path and line range, best first). */
interface SquadAnswer {
  notes: string[];
  passages: { path: string; line: number; endLine: number }[] | null;
}

async function squad(dir: string, sampleEvery: number, meaning: EmbeddingsClient | null = null): Promise<{ notes: number; words: number; questions: number; total: number; sampleEvery: number; runs: SquadRun[] } | null> {
  const articles = path.join(dir, 'articles');
  const questionsFile = path.join(dir, 'questions.jsonl');
  if (!existsSync(articles) || !existsSync(questionsFile)) {
    process.stdout.write(`eval:search: SQuAD (long notes) is absent from ${dir} (needs articles/ and questions.jsonl); skipped.\n`);
    return null;
  }
  const files: Record<string, string> = {};
  for (const name of readdirSync(articles).filter((f) => f.endsWith('.md')).sort()) files[`articles/${name}`] = readFileSync(path.join(articles, name), 'utf8');
  const all = readJsonl<SquadQuestion>(questionsFile);
  const questions = all.filter((_, i) => i % sampleEvery === 0);
  const paths = Object.keys(files);
  const words = paths.reduce((sum, p) => sum + files[p].split(/\s+/).filter((w) => w !== '').length, 0);

  const runs: SquadRun[] = [];
  const evaluate = async (name: string, answer: (q: string) => Promise<SquadAnswer> | SquadAnswer) => {
    let hit1 = 0;
    let hit5 = 0;
    let mrr = 0;
    let passage1 = 0;
    let passage5 = 0;
    let withPassages = true;
    const started = performance.now();
    for (const q of questions) {
      const a = await answer(q.question);
      const rank = a.notes.slice(0, 10).indexOf(q.article);
      if (rank === 0) hit1++;
      if (rank >= 0 && rank < 5) hit5++;
      if (rank >= 0) mrr += 1 / (rank + 1);
      if (a.passages === null) {
        withPassages = false;
        continue;
      }
      const gold = (p: { path: string; line: number; endLine: number }) => p.path === q.article && p.line <= q.lines[1] && p.endLine >= q.lines[0];
      if (a.passages.slice(0, 1).some(gold)) passage1++;
      if (a.passages.slice(0, 5).some(gold)) passage5++;
    }
    const n = questions.length;
    const run: SquadRun = {
      name,
      hit1: round(hit1 / n),
      hit5: round(hit5 / n),
      mrr10: round(mrr / n),
      passage1: withPassages ? round(passage1 / n) : null,
      passage5: withPassages ? round(passage5 / n) : null,
      ms: Math.round(performance.now() - started),
    };
    runs.push(run);
    const p = (v: number | null) => (v === null ? '  —  ' : v.toFixed(3));
    process.stdout.write(
      `SQuAD ${name.padEnd(62)} hit@1 ${run.hit1.toFixed(3)}  hit@5 ${run.hit5.toFixed(3)}  MRR@10 ${run.mrr10.toFixed(3)}  passage@1 ${p(run.passage1)}  passage@5 ${p(run.passage5)}\n`,
    );
  };

  const viaIndex = async (ranking: RankingOptions | undefined, prefix: boolean) => {
    const index = new VaultIndex({ vault: new MemoryVault(files), state: new MemoryStateStore(), ranking });
    await index.sync();
    return async (q: string): Promise<SquadAnswer> => {
      const notes = (await index.search(q, { limit: 10, notes: true, prefix })).map((r) => r.path);
      const passages = (await index.search(q, { limit: 5, prefix })).map((r) => ({ path: r.path, line: r.line, endLine: r.endLine }));
      return { notes, passages };
    };
  };
  await evaluate('VaultIndex (as shipped: whole words)', await viaIndex(undefined, false));
  await evaluate('VaultIndex, last word completed as a prefix (as the modal)', await viaIndex(undefined, true));
  for (const words of [100, 250]) await evaluate(`VaultIndex, passages of ~${words} words`, await viaIndex({ passageWords: words }, false));
  await evaluate('VaultIndex, no passages (one document per section)', await viaIndex({ passageWords: 0 }, false));

  const titleOf = (file: string) => /^title:\s*"?(.*?)"?\s*$/m.exec(file)?.[1] ?? '';
  const passages = paths.flatMap((p) => baselinePassages(files[p], titleOf(files[p])).map((x) => ({ ...x, path: p })));
  const byPassage = new PlainBm25(passages.map((x) => x.text));
  await evaluate('plain BM25 over ~150-word passages (note by best passage)', (q) => {
    const ranked = byPassage.rank(q, 1000).map((i) => passages[i]);
    const notes: string[] = [];
    for (const x of ranked) if (!notes.includes(x.path)) notes.push(x.path);
    return { notes, passages: ranked.slice(0, 5) };
  });
  const byNote = new PlainBm25(paths.map((p) => files[p].replace(/^---\n[\s\S]*?\n---\n/, `${titleOf(files[p])}\n`)));
  await evaluate('plain BM25 over whole notes', (q) => ({ notes: byNote.rank(q, 10).map((i) => paths[i]), passages: null }));
  if (meaning) {
    const hybrid = await withMeaning(files, meaning, 'SQuAD');
    for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
      await evaluate(`VaultIndex by meaning, ${mode} (${meaning.model})`, async (q) => ({
        notes: (await hybrid.search(q, { limit: 10, notes: true, mode })).map((r) => r.path),
        passages: (await hybrid.search(q, { limit: 5, mode })).map((r) => ({ path: r.path, line: r.line, endLine: r.endLine })),
      }));
    }
  }
  return { notes: paths.length, words, questions: questions.length, total: all.length, sampleEvery, runs };
}

// ---------------------------------------------------------------- report

/**
 * The embedding endpoint of `--embed-url`/`--embed-model`, checked with one request; null (and a
 * sentence saying why) when none is given or it does not answer, so the lexical runs go on alone.
 */
async function embeddingEndpoint(url: string | undefined, model: string | undefined): Promise<{ client: EmbeddingsClient | null; said: string }> {
  const say = (said: string) => {
    process.stdout.write(`eval:search: ${said}\n`);
    return said;
  };
  if (!url && !model) return { client: null, said: say('no embedding endpoint given (--embed-url URL --embed-model NAME): search by meaning is not measured.') };
  if (!url || !model) return { client: null, said: say('search by meaning needs both --embed-url and --embed-model: it is not measured.') };
  const client = new EmbeddingsClient({ baseURL: url, model, apiKey: process.env.SCRIPTORIUM_EMBED_API_KEY, maxRetries: 2 });
  try {
    const size = await client.dimensions();
    return { client, said: say(`embedding endpoint ${url}, model ${model}, ${size} dimensions: lexical, semantic and hybrid are compared.`) };
  } catch (error) {
    const why = error instanceof LlmError ? error.message : String(error);
    return { client: null, said: say(`no embedding endpoint is reachable at ${url} (${why}); search by meaning is not measured, only the lexical runs.`) };
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const root = path.resolve(flag('--data') ?? '../shared/data');
  const only = flag('--only');
  const sampleEvery = Math.max(1, Number(flag('--sample') ?? 1) || 1);
  if (!existsSync(root)) {
    process.stdout.write(`eval:search: the data folder ${root} is absent; nothing evaluated, no results written.\n`);
    return;
  }
  const meaning = await embeddingEndpoint(flag('--embed-url'), flag('--embed-model'));
  const sci = only === undefined || only === 'scifact' ? await scifact(path.join(root, 'scifact'), meaning.client) : null;
  const long = only === undefined || only === 'squad' ? await squad(path.join(root, 'squad-dev'), sampleEvery, meaning.client) : null;
  if (!sci && !long) {
    process.stdout.write('eval:search: no data set evaluated; no results written.\n');
    return;
  }
  if (only !== undefined) {
    process.stdout.write('eval:search: one set only (--only); results not written.\n');
    return;
  }

  const published = [
    { name: 'BM25, BEIR paper (Elasticsearch)', ndcg10: 0.665, recall100: null },
    { name: 'BM25 flat, Anserini/Pyserini', ndcg10: 0.679, recall100: 0.925 },
  ];
  const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const date = new Date().toISOString();
  const out = { date, loadAverage, meaning: meaning.said, scifact: sci ? { ...sci, published } : null, squad: long };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/search-eval.json', JSON.stringify(out, null, 2) + '\n');

  const f3 = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const md: string[] = [
    '# Search quality: SciFact and long notes (SQuAD)',
    '',
    `${date.slice(0, 10)} · \`npm run eval:search\` · whole-word queries (no completion of the last word), as the agent and the CLI search.`,
    `The figures are deterministic; machine load at the end of the run (1, 5, 15 min): ${loadAverage.join(', ')}, which only affects the \`ms\` timings in the JSON.`,
    'What was tried and why the shipped settings won: [docs/search.md](../../docs/search.md#ranking).',
    `Search by meaning: ${meaning.said}`,
    '',
  ];
  if (sci) {
    const shipped = (form: TitleForm) => sci.runs.find((r) => r.form === form && r.name === 'VaultIndex (as shipped)')!;
    md.push(
      `## BEIR SciFact (${sci.corpus} abstracts, ${sci.queries} test claims)`,
      '',
      'Targets: nDCG@10 ≥ 0.69 with the title in frontmatter and as a leading `# H1` (issue 14), recall@100 ≥ 0.92 (issue 3). Each abstract is a note with its title in frontmatter,',
      'as a leading `# H1`, or with no title (the file name is the document id).',
      '',
      '| | frontmatter title | `# H1` title | no title |',
      '|---|---|---|---|',
      `| VaultIndex (as shipped), nDCG@10 | ${FORMS.map((f) => shipped(f).ndcg10.toFixed(3)).join(' | ')} |`,
      `| VaultIndex (as shipped), recall@100 | ${FORMS.map((f) => shipped(f).recall100.toFixed(3)).join(' | ')} |`,
      ...['plain BM25 (k1 0.9, b 0.4), title and body as one text', 'plain MiniSearch (defaults, OR)'].map(
        (name) => `| ${name}, nDCG@10 / R@100 | ${FORMS.map((f) => sci.runs.find((r) => r.form === f && r.name === name)!).map((r) => `${r.ndcg10.toFixed(3)} / ${r.recall100.toFixed(3)}`).join(' | ')} |`,
      ),
      '',
      'Ranking variants (frontmatter form):',
      '',
      '| run | nDCG@10 | recall@100 |',
      '|---|---|---|',
      ...sci.runs.filter((r) => r.form === 'frontmatter' && r.name.startsWith('VaultIndex')).map((r) => `| ${r.name} | ${r.ndcg10.toFixed(3)} | ${r.recall100.toFixed(3)} |`),
      ...published.map((p) => `| ${p.name} (published) | ${p.ndcg10.toFixed(3)} | ${p.recall100 === null ? '—' : p.recall100.toFixed(3)} |`),
      '',
    );
  } else md.push('SciFact was absent from the data folder: not evaluated.', '');
  if (long) {
    md.push(
      `## Long notes: SQuAD v1.1 dev (${long.notes} notes, ${long.words.toLocaleString('en')} words, ${long.questions.toLocaleString('en')} questions${long.sampleEvery > 1 ? ` — every ${long.sampleEvery}th of ${long.total.toLocaleString('en')}` : ', all'})`,
      '',
      'hit@k: the gold note among the first k notes (one result per note); MRR@10 over notes; passage@k: one of the first k',
      'results (one per passage) lies in the gold note and its line range overlaps the gold paragraph’s lines.',
      'Targets: hit@1 at least that of plain BM25 over passages; note ranking no worse than before passages.',
      '',
      '| run | hit@1 | hit@5 | MRR@10 | passage@1 | passage@5 |',
      '|---|---|---|---|---|---|',
      ...long.runs.map((r) => `| ${r.name} | ${r.hit1.toFixed(3)} | ${r.hit5.toFixed(3)} | ${r.mrr10.toFixed(3)} | ${f3(r.passage1)} | ${f3(r.passage5)} |`),
      '',
      'Without passages a note without headings is one document whose range is the whole note, so its passage@k only repeats hit@k:',
      'it is no figure of passage ranking. Before passages, the shipped index ranked notes as the `no passages` row does.',
      '',
    );
  } else md.push('SQuAD (long notes) was absent from the data folder: not evaluated.', '');
  await writeFile('bench/results/search-eval.md', md.join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`eval:search failed: ${String(error)}\n`);
  process.exitCode = 1;
});
