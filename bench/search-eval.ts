/**
 * Search quality on BEIR SciFact (5,183 abstracts, 300 test claims): nDCG@10 and recall@100 for
 * the VaultIndex as shipped, a few ranking variants, and plain MiniSearch, next to the published
 * BM25 figures. Each abstract becomes a note (`title` in frontmatter, abstract as body), searched
 * with the claim as the query, one result per note, exactly as the chat agent's search tool does.
 *
 *   npm run eval:search                      # reads ../shared/data/scifact
 *   npm run eval:search -- --data DIR        # another copy of the data
 *
 * Writes bench/results/search-eval.json and bench/results/search-eval.md. Exits 0 with a notice
 * when the data set is absent (it is not shipped with the repository).
 */
import '../src/cli/window-shim';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import MiniSearch from 'minisearch';
import { stringifyNote } from '../src/core/markdown/frontmatter';
import { VaultIndex, type RankingOptions } from '../src/core/search/vault-index';
import { MemoryStateStore, MemoryVault } from '../tests/support/memory-vault';

interface Doc {
  _id: string;
  title: string;
  text: string;
}

function readJsonl<T>(file: string): T[] {
  const raw = file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString('utf8') : readFileSync(file, 'utf8');
  return raw
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dataFlag = argv.indexOf('--data');
  const dir = path.resolve(dataFlag >= 0 ? argv[dataFlag + 1] : '../shared/data/scifact');
  const corpusFile = ['corpus.jsonl.gz', 'corpus.jsonl'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const queriesFile = ['queries.test.jsonl', 'queries.jsonl'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  const qrelsFile = path.join(dir, 'qrels', 'test.tsv');
  if (!corpusFile || !queriesFile || !existsSync(qrelsFile)) {
    process.stdout.write(`eval:search: SciFact not found in ${dir} (needs corpus.jsonl[.gz], queries.test.jsonl, qrels/test.tsv); nothing evaluated.\n`);
    return;
  }
  const docs = readJsonl<Doc>(corpusFile);
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(qrelsFile, 'utf8').split('\n').slice(1)) {
    const [qid, did, score] = line.trim().split('\t');
    if (!qid || !did) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(did, Number(score));
  }
  const queries = readJsonl<{ _id: string; text: string }>(queriesFile).filter((q) => qrels.has(q._id));

  const files: Record<string, string> = {};
  for (const d of docs) files[`scifact/${d._id}.md`] = stringifyNote({ title: d.title }, `${d.text}\n`);
  const idOf = (p: string) => p.slice('scifact/'.length, -3);

  const runs: { name: string; ndcg10: number; recall100: number; ms: number }[] = [];
  const evaluate = async (name: string, search: (q: string) => Promise<string[]> | string[]) => {
    let ndcg = 0;
    let recall = 0;
    const started = performance.now();
    for (const q of queries) {
      const ranked = await search(q.text);
      ndcg += ndcgAt10(ranked, qrels.get(q._id)!);
      recall += recallAt100(ranked, qrels.get(q._id)!);
    }
    const run = { name, ndcg10: round(ndcg / queries.length), recall100: round(recall / queries.length), ms: Math.round(performance.now() - started) };
    runs.push(run);
    process.stdout.write(`${name.padEnd(58)} nDCG@10 ${run.ndcg10.toFixed(3)}  R@100 ${run.recall100.toFixed(3)}\n`);
  };

  const variants: [string, RankingOptions | undefined][] = [
    ['VaultIndex (as shipped)', undefined],
    ['VaultIndex, title boost 3', { boost: { title: 3 } }],
    ['VaultIndex, title boost 0.25', { boost: { title: 0.25 } }],
    ['VaultIndex, BM25 k=1.5 b=0.75 d=0.5', { bm25: { k: 1.5, b: 0.75, d: 0.5 } }],
    ['VaultIndex, AND-first for every query', { andFirstMaxTerms: 1000 }],
    ['VaultIndex, MiniSearch match-count factor kept', { matchCountFactor: true }],
    ['VaultIndex, repeated query words weigh once', { repeatedTerms: false }],
    ['VaultIndex, no fuzzy match for words missing from the index', { typoFuzzy: false }],
    ['VaultIndex, neither of the two above (before 2026-11-26)', { repeatedTerms: false, typoFuzzy: false }],
    ['VaultIndex, BM25 k=0.9 b=0.4 (Anserini defaults)', { bm25: { k: 0.9, b: 0.4, d: 0.5 } }],
    ['VaultIndex, BM25 without the + (d=0)', { bm25: { k: 1.2, b: 0.75, d: 0 } }],
  ];
  for (const [name, ranking] of variants) {
    const vault = new MemoryVault(files);
    const index = new VaultIndex({ vault, state: new MemoryStateStore(), ranking });
    await index.sync();
    await evaluate(name, async (q) => (await index.search(q, { limit: 100, notes: true, prefix: false })).map((r) => idOf(r.path)));
  }

  const plain = new MiniSearch({ fields: ['title', 'text'] });
  plain.addAll(docs.map((d) => ({ id: d._id, title: d.title, text: d.text })));
  await evaluate('plain MiniSearch (defaults, OR)', (q) => plain.search(q).slice(0, 100).map((r) => String(r.id)));

  const published = [
    { name: 'BM25, BEIR paper (Elasticsearch)', ndcg10: 0.665, recall100: null },
    { name: 'BM25 flat, Anserini/Pyserini', ndcg10: 0.679, recall100: 0.925 },
  ];
  const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const out = { date: new Date().toISOString(), corpus: docs.length, queries: queries.length, loadAverage, runs, published };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/search-eval.json', JSON.stringify(out, null, 2) + '\n');
  const md = [
    '# Search quality: BEIR SciFact',
    '',
    `${out.date.slice(0, 10)} · ${docs.length} abstracts · ${queries.length} test claims · \`npm run eval:search\``,
    '',
    'Targets: nDCG@10 ≥ 0.68, recall@100 ≥ 0.92. The figures are deterministic; machine load at the end of the run',
    `(1, 5, 15 min): ${loadAverage.join(', ')}, which only affects the \`ms\` timings in the JSON.`,
    'What was tried and why the shipped settings won: [docs/search.md](../../docs/search.md#ranking-experiments-on-scifact-2026-11-26).',
    '',
    '| run | nDCG@10 | recall@100 |',
    '|---|---|---|',
    ...runs.map((r) => `| ${r.name} | ${r.ndcg10.toFixed(3)} | ${r.recall100.toFixed(3)} |`),
    ...published.map((p) => `| ${p.name} (published) | ${p.ndcg10.toFixed(3)} | ${p.recall100 === null ? '—' : p.recall100.toFixed(3)} |`),
    '',
  ].join('\n');
  await writeFile('bench/results/search-eval.md', md);
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

main().catch((error: unknown) => {
  process.stderr.write(`eval:search failed: ${String(error)}\n`);
  process.exitCode = 1;
});
