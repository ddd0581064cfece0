/**
 * Evaluation of a model on the user's own wiki: the research agent answers the questions of the
 * validation split, and each answer is scored against the pair's reference answer and citations.
 */
import { tr, type MessageKey } from '../../i18n';
import type { AskRequest } from '../ask/research-agent';
import type { AskResult } from '../ask/types';
import type { ProgressReporter } from '../ports/progress';
import type { VaultPort } from '../ports/vault';
import type { ExportedPair } from './dataset';
import { readWikiArticles } from './generator';
import { Grounder } from './generator';
import { isRefusal, SUPPORT_THRESHOLD, supportScore } from './grounding';

/** What answers the questions: the research agent, or anything with its `ask`. */
export interface Answerer {
  ask(request: AskRequest): Promise<AskResult>;
}

export interface EvalItem {
  question: string;
  article: string;
  kind: ExportedPair['kind'];
  answer: string;
  reference: string;
  /** Token F1 against the reference (SQuAD normalisation); null for an unanswerable question. */
  f1: number | null;
  /** The answer is supported by the reference's cited sections; null for an unanswerable question. */
  supported: boolean | null;
  /** Valid citations of the answer, and how many of them point at the pair's article, its cited notes or its links. */
  cited: number;
  citedRelevant: number;
  /** Share of the pair's cited notes the answer cites; null when the pair cites none. */
  citationRecall: number | null;
  refused: boolean;
  tokens: number;
  ms: number;
  /** Set when the agent's answer was cut short. */
  incomplete?: string;
}

export interface EvalSummary {
  model: string;
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Mean token F1 over answerable questions. */
  f1: number;
  /** Share of answerable questions whose answer the reference's sections support. */
  supportRate: number;
  /** Valid citations pointing where the pair's answer lies, over all valid citations (null: nothing cited). */
  citationPrecision: number | null;
  /** Mean share of each answerable pair's cited notes that the answer cites. */
  citationRecall: number;
  /** Share of unanswerable questions answered with "the wiki does not say" (null: none in the set). */
  refusalAccuracy: number | null;
  /** Share of answerable questions the model refused. */
  falseRefusals: number;
  tokensPerQuestion: number;
  msPerQuestion: number;
  incomplete: number;
}

export interface EvalReport {
  summary: EvalSummary;
  items: EvalItem[];
  /** The person stopped the run: the summary covers the questions answered so far. */
  stopped: boolean;
}

/** SQuAD-style normalisation: lower case, no punctuation, no articles, no links or "Sources:" line. */
export function answerTokens(text: string): string[] {
  return text
    .replace(/^Sources?:.*$/gim, ' ')
    .replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, ' $2 ')
    .replace(/\[\[[^\]]*\]\]/g, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && w !== 'a' && w !== 'an' && w !== 'the');
}

export function tokenF1(answer: string, reference: string): number {
  const a = answerTokens(answer);
  const b = answerTokens(reference);
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const w of b) counts.set(w, (counts.get(w) ?? 0) + 1);
  let same = 0;
  for (const w of a) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      same++;
      counts.set(w, n - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / a.length;
  const recall = same / b.length;
  return (2 * precision * recall) / (precision + recall);
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);

export interface EvaluateOptions {
  agent: Answerer;
  vault: VaultPort;
  wikiFolder?: string;
  model: string;
  threshold?: number;
  now?: () => number;
}

export async function evaluate(items: readonly ExportedPair[], options: EvaluateOptions, run: { signal?: AbortSignal; progress?: ProgressReporter; onItem?: (item: EvalItem) => void } = {}): Promise<EvalReport> {
  const articles = await readWikiArticles(options.vault, options.wikiFolder ?? 'wiki', run.signal);
  const grounder = new Grounder(articles);
  const links = new Map(articles.map((a) => [a.path, a.links]));
  const now = options.now ?? (() => Date.now());
  const out: EvalItem[] = [];
  let stopped = false;
  for (const [i, pair] of items.entries()) {
    if (run.signal?.aborted) {
      stopped = true;
      break;
    }
    run.progress?.({ done: i, total: items.length, message: pair.question });
    const started = now();
    const result = await options.agent.ask({ question: pair.question, ...(run.signal ? { signal: run.signal } : {}) });
    if (result.incomplete === 'stopped') {
      stopped = true;
      break;
    }
    const ms = now() - started;
    const citedPaths = new Set<string>();
    const evidence: string[] = [];
    for (const c of pair.citations) {
      const found = grounder.cited(c, pair.article);
      if ('missing' in found) continue;
      citedPaths.add(found.path);
      evidence.push(found.text);
    }
    const allowed = new Set([pair.article, ...citedPaths, ...(links.get(pair.article) ?? [])]);
    const valid = result.citations.filter((c) => c.valid && c.path !== null);
    const answeredPaths = new Set(valid.map((c) => c.path as string));
    const unanswerable = pair.kind === 'unanswerable';
    const item: EvalItem = {
      question: pair.question,
      article: pair.article,
      kind: pair.kind,
      answer: result.answer,
      reference: pair.answer,
      f1: unanswerable ? null : tokenF1(result.answer, pair.answer),
      supported: unanswerable ? null : evidence.length > 0 && supportScore(result.answer.replace(/^Sources?:.*$/gim, ''), evidence.join('\n\n')).score >= (options.threshold ?? SUPPORT_THRESHOLD),
      cited: valid.length,
      citedRelevant: valid.filter((c) => allowed.has(c.path as string)).length,
      citationRecall: citedPaths.size === 0 ? null : [...citedPaths].filter((p) => answeredPaths.has(p)).length / citedPaths.size,
      refused: isRefusal(result.answer),
      tokens: result.usage.totalTokens || result.usage.promptTokens + result.usage.completionTokens,
      ms,
      ...(result.incomplete ? { incomplete: result.incomplete } : {}),
    };
    out.push(item);
    run.onItem?.(item);
  }
  run.progress?.({ done: out.length, total: items.length });
  return { summary: summarize(out, options.model), items: out, stopped };
}

export function summarize(items: readonly EvalItem[], model: string): EvalSummary {
  const answerable = items.filter((i) => i.kind !== 'unanswerable');
  const unanswerable = items.filter((i) => i.kind === 'unanswerable');
  const cited = items.reduce((n, i) => n + i.cited, 0);
  const recalls = answerable.map((i) => i.citationRecall).filter((r): r is number => r !== null);
  return {
    model,
    questions: items.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    f1: mean(answerable.map((i) => i.f1 ?? 0)),
    supportRate: mean(answerable.map((i) => (i.supported ? 1 : 0))),
    citationPrecision: cited === 0 ? null : items.reduce((n, i) => n + i.citedRelevant, 0) / cited,
    citationRecall: mean(recalls),
    refusalAccuracy: unanswerable.length === 0 ? null : mean(unanswerable.map((i) => (i.refused ? 1 : 0))),
    falseRefusals: mean(answerable.map((i) => (i.refused ? 1 : 0))),
    tokensPerQuestion: Math.round(mean(items.map((i) => i.tokens))),
    msPerQuestion: Math.round(mean(items.map((i) => i.ms))),
    incomplete: items.filter((i) => i.incomplete !== undefined).length,
  };
}

/** The scores shown, each with its label's key: the label is read in the interface language when a table is made. */
const METRICS_BY_KEY: { key: keyof EvalSummary; labelKey: Extract<MessageKey, `core.synth.eval.metric.${string}`>; share: boolean }[] = [
  { key: 'f1', labelKey: 'core.synth.eval.metric.f1', share: true },
  { key: 'supportRate', labelKey: 'core.synth.eval.metric.supportRate', share: true },
  { key: 'citationPrecision', labelKey: 'core.synth.eval.metric.citationPrecision', share: true },
  { key: 'citationRecall', labelKey: 'core.synth.eval.metric.citationRecall', share: true },
  { key: 'refusalAccuracy', labelKey: 'core.synth.eval.metric.refusalAccuracy', share: true },
  { key: 'falseRefusals', labelKey: 'core.synth.eval.metric.falseRefusals', share: true },
  { key: 'tokensPerQuestion', labelKey: 'core.synth.eval.metric.tokensPerQuestion', share: false },
  { key: 'msPerQuestion', labelKey: 'core.synth.eval.metric.msPerQuestion', share: false },
];

function metrics(): { key: keyof EvalSummary; label: string; share: boolean }[] {
  return METRICS_BY_KEY.map((m) => ({ key: m.key, label: tr(m.labelKey), share: m.share }));
}

/** The plan title of a model evaluation report, in the interface language. */
export function evalReportTitle(model: string): string {
  return tr('core.synth.eval.title', { model });
}

/** Why a plan writes the evaluation report note. */
export function evalReportReason(): string {
  return tr('core.synth.eval.reason');
}

function cell(value: number | string | null, share: boolean): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  return share ? value.toFixed(2) : String(value);
}

function bar(value: number | null): string {
  if (value === null) return '';
  const n = Math.round(Math.max(0, Math.min(1, value)) * 20);
  return `${'█'.repeat(n)}${'░'.repeat(20 - n)}`;
}

/** Terminal columns a text takes: a CJK or full-width character takes two, so labels in Chinese line up too. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - columns(text))) + text;
}

/** Plain text for the terminal: one column per model. */
export function evalText(summaries: readonly EvalSummary[]): string {
  const rows = [['', ...summaries.map((s) => s.model)], ...metrics().map((m) => [m.label, ...summaries.map((s) => cell(s[m.key], m.share))])];
  rows.push([tr('core.synth.eval.questions'), ...summaries.map((s) => `${s.questions} (${s.answerable} / ${s.unanswerable})`)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => columns(r[c]))));
  return rows.map((r) => r.map((v, c) => (c === 0 ? padEnd(v, widths[c]) : padStart(v, widths[c]))).join('  ')).join('\n');
}

/** The report note: a side-by-side table, a bar chart of the scores, and the questions the first model missed. */
export function evalReportNote(reports: readonly EvalReport[], title: string, date: string): string {
  const summaries = reports.map((r) => r.summary);
  const questions = summaries[0]?.questions ?? 0;
  const lines = [`# ${title}`, '', questions === 1 ? tr('core.synth.eval.runOne', { date }) : tr('core.synth.eval.run', { date, count: questions }), ''];
  const METRICS = metrics();
  lines.push(`| | ${summaries.map((s) => `\`${s.model}\``).join(' | ')} |`, `|---|${summaries.map(() => '---:').join('|')}|`);
  for (const m of METRICS) lines.push(`| ${m.label} | ${summaries.map((s) => cell(s[m.key], m.share)).join(' | ')} |`);
  lines.push('', `## ${tr('core.synth.eval.scoresTitle')}`, '', '```text');
  for (const m of METRICS.filter((x) => x.share)) {
    for (const s of summaries) lines.push(`${padEnd(m.label, 20)} ${s.model.padEnd(Math.max(...summaries.map((x) => x.model.length)))} ${bar(s[m.key] as number | null)} ${cell(s[m.key], true)}`);
  }
  lines.push('```');
  const first = reports[0];
  const missed = first ? first.items.filter((i) => (i.kind === 'unanswerable' ? !i.refused : !i.supported)).slice(0, 20) : [];
  if (missed.length > 0) {
    lines.push('', `## ${tr('core.synth.eval.missedTitle', { model: first.summary.model })}`, '');
    for (const i of missed) lines.push(tr('core.synth.eval.missed', { question: i.question, kind: i.kind, article: i.article.replace(/\.md$/i, ''), reference: i.reference.replace(/\s+/g, ' ') }));
  }
  return `${lines.join('\n')}\n`;
}
