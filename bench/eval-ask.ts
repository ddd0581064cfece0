/**
 * Answer quality of the research agent on questions over the Wikipedia raw notes in
 * ../shared/data/raw-wikipedia, against a real OpenAI-compatible endpoint: token F1 and gold
 * recall against short gold answers, whether the answer cites the note that holds the answer,
 * citation validity, steps and tokens used.
 *
 *   SCRIPTORIUM_BASE_URL=http://localhost:11434/v1 SCRIPTORIUM_MODEL=qwen3:8b npm run eval:ask
 *   npm run eval:ask -- --mode both        # tools and retrieve-then-answer side by side
 *   npm run eval:ask -- --limit 5 --data DIR
 *
 * Without SCRIPTORIUM_BASE_URL, or without the data folder, it says so and exits 0.
 * Writes bench/results/eval-ask.json and bench/results/eval-ask.md.
 */
import '../src/cli/window-shim';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ResearchAgent, type AskResult } from '../src/core/ask';
import { LlmClient, LlmError } from '../src/core/llm';
import { VaultIndex } from '../src/core/search';
import { MemoryStateStore, MemoryVault } from '../tests/support/memory-vault';

interface Question {
  id: string;
  question: string;
  answer: string;
  notes: string[];
}

type Mode = 'tools' | 'retrieve';

interface Row {
  id: string;
  mode: Mode;
  f1: number;
  recall: number;
  citesGold: boolean;
  citations: number;
  validCitations: number;
  steps: number;
  promptTokens: number;
  completionTokens: number;
  seconds: number;
  answeredMode?: Mode;
  incomplete?: string;
  error?: string;
  answer: string;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 ? process.argv[i + 1] : undefined;
}

const STOP = new Set(['a', 'an', 'the', 'and', 'of', 'in', 'on', 'to', 'was', 'is', 'it', 'its', 'by', 'from', 'for', 'with', 'as', 'at']);

/** SQuAD-style normalisation: links by their text, lowercase, no punctuation or articles. */
function tokens(text: string): string[] {
  return text
    .replace(/\[\[([^\]|]*\|)?([^\]]*)\]\]/g, ' ')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((t) => t !== '' && !STOP.has(t));
}

function f1AndRecall(answer: string, gold: string): { f1: number; recall: number } {
  const a = tokens(answer);
  const g = tokens(gold);
  if (a.length === 0 || g.length === 0) return { f1: 0, recall: 0 };
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  if (common === 0) return { f1: 0, recall: 0 };
  const precision = common / a.length;
  const recall = common / g.length;
  return { f1: (2 * precision * recall) / (precision + recall), recall };
}

const median = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const r3 = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const root = process.cwd();
  const dataDir = path.resolve(root, flag('data') ?? '../shared/data/raw-wikipedia');
  if (!existsSync(dataDir)) {
    console.log(`eval:ask: ${dataDir} is absent (the data set is not shipped with the project); nothing to evaluate.`);
    return;
  }
  const baseURL = process.env.SCRIPTORIUM_BASE_URL;
  if (!baseURL) {
    console.log('eval:ask: no endpoint. Set SCRIPTORIUM_BASE_URL (and SCRIPTORIUM_MODEL, SCRIPTORIUM_API_KEY if needed) to run the evaluation against a real model.');
    return;
  }
  const model = process.env.SCRIPTORIUM_MODEL ?? process.env.OPENAI_MODEL ?? '';
  if (!model) {
    console.log('eval:ask: set SCRIPTORIUM_MODEL to the model to evaluate.');
    return;
  }
  const set = JSON.parse(readFileSync(path.join(root, 'bench/ask-questions.json'), 'utf8')) as { questions: Question[] };
  const limit = Number(flag('limit') ?? set.questions.length);
  const questions = set.questions.slice(0, limit);
  const modeFlag = flag('mode') ?? 'tools';
  const modes: Mode[] = modeFlag === 'both' ? ['tools', 'retrieve'] : [modeFlag === 'retrieve' ? 'retrieve' : 'tools'];

  // The raw notes become a vault's raw/ folder, in memory: the data folder is only read.
  const files: Record<string, string> = {};
  for (const name of readdirSync(dataDir).filter((n) => n.endsWith('.md'))) files[`raw/${name}`] = readFileSync(path.join(dataDir, name), 'utf8');
  const vault = new MemoryVault(files);
  const index = new VaultIndex({ vault, state: new MemoryStateStore() });
  await index.sync();
  const client = new LlmClient({ baseURL, model, apiKey: process.env.SCRIPTORIUM_API_KEY ?? process.env.OPENAI_API_KEY, fetch: globalThis.fetch, maxRetries: 2, timeoutMs: 300_000, streamIdleMs: 300_000 });
  console.log(`eval:ask: ${questions.length} questions × ${modes.join(' + ')} against ${model} at ${baseURL} (${Object.keys(files).length} notes)`);

  const rows: Row[] = [];
  for (const mode of modes) {
    const agent = new ResearchAgent({ client, search: index, vault, useTools: mode === 'tools', maxSteps: Number(flag('max-steps') ?? 8) });
    for (const q of questions) {
      const started = Date.now();
      let result: AskResult | undefined;
      let error: string | undefined;
      try {
        result = await agent.ask({ question: q.question });
      } catch (e) {
        error = e instanceof LlmError ? `${e.kind}: ${e.message}` : String(e);
      }
      const seconds = (Date.now() - started) / 1000;
      const answer = result?.answer ?? '';
      const { f1, recall } = f1AndRecall(answer, q.answer);
      const gold = new Set(q.notes.map((n) => `raw/${n}`));
      const row: Row = {
        id: q.id,
        mode,
        f1: r3(f1),
        recall: r3(recall),
        citesGold: (result?.citations ?? []).some((c) => c.valid && c.path !== null && gold.has(c.path)),
        citations: result?.citations.length ?? 0,
        validCitations: result?.citations.filter((c) => c.valid).length ?? 0,
        steps: result?.steps.length ?? 0,
        promptTokens: result?.usage.promptTokens ?? 0,
        completionTokens: result?.usage.completionTokens ?? 0,
        seconds: r3(seconds),
        ...(result && result.mode !== mode ? { answeredMode: result.mode } : {}),
        ...(result?.incomplete ? { incomplete: result.incomplete } : {}),
        ...(error ?? result?.error ? { error: error ?? result?.error } : {}),
        answer,
      };
      rows.push(row);
      console.log(`  [${mode}] ${q.id}: F1 ${row.f1.toFixed(2)} recall ${row.recall.toFixed(2)} cites gold ${row.citesGold ? 'yes' : 'no'} citations ${row.validCitations}/${row.citations} steps ${row.steps} tokens ${row.promptTokens}+${row.completionTokens} ${row.seconds}s${row.error ? ` ERROR ${row.error}` : ''}`);
    }
  }

  const summary = modes.map((mode) => {
    const rs = rows.filter((r) => r.mode === mode);
    const cited = rs.reduce((a, r) => a + r.citations, 0);
    return {
      mode,
      questions: rs.length,
      meanF1: r3(mean(rs.map((r) => r.f1))),
      meanRecall: r3(mean(rs.map((r) => r.recall))),
      citesGold: r3(rs.filter((r) => r.citesGold).length / Math.max(1, rs.length)),
      citationValidity: cited === 0 ? null : r3(rs.reduce((a, r) => a + r.validCitations, 0) / cited),
      medianSteps: median(rs.map((r) => r.steps)),
      medianPromptTokens: median(rs.map((r) => r.promptTokens)),
      medianCompletionTokens: median(rs.map((r) => r.completionTokens)),
      totalTokens: rs.reduce((a, r) => a + r.promptTokens + r.completionTokens, 0),
      medianSeconds: r3(median(rs.map((r) => r.seconds))),
      failures: rs.filter((r) => r.error).length,
    };
  });
  const out = path.join(root, 'bench/results');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'eval-ask.json'), JSON.stringify({ model, baseURL, at: new Date().toISOString(), summary, rows }, null, 2));
  const md = [
    `# eval:ask — ${model}`,
    '',
    `${questions.length} questions over ${Object.keys(files).length} Wikipedia raw notes; ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| mode | mean F1 | mean gold recall | cites gold note | citation validity | median steps | median prompt / completion tokens | total tokens | median s | failures |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...summary.map(
      (s) =>
        `| ${s.mode} | ${s.meanF1} | ${s.meanRecall} | ${s.citesGold} | ${s.citationValidity ?? '–'} | ${s.medianSteps} | ${s.medianPromptTokens} / ${s.medianCompletionTokens} | ${s.totalTokens} | ${s.medianSeconds} | ${s.failures} |`,
    ),
    '',
  ].join('\n');
  await writeFile(path.join(out, 'eval-ask.md'), md);
  console.log(`\n${md}`);
}

main().catch((error: unknown) => {
  console.error(`eval:ask: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
