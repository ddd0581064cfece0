/**
 * The exported dataset: a train/validation split by article (deterministic for a seed), the
 * OpenAI chat fine-tuning JSON Lines, the plain pairs, a manifest that makes re-runs incremental,
 * and a dataset card. Pure: files are returned as text, each shell writes them its own way.
 */
import { tr } from '../../i18n';
import { hashText } from '../markdown/hash';
import { DUPLICATE_THRESHOLD, SUPPORT_THRESHOLD } from './grounding';
import type { PreviousPairs } from './generator';
import { DATASET_SYSTEM_PROMPT } from './prompts';
import { PAIR_KINDS, type PairKind, type SynthPair, type SynthRun } from './types';

export const MANIFEST_FORMAT = 1;
export const DATASET_FILES = ['train.jsonl', 'valid.jsonl', 'pairs.jsonl', 'manifest.json', 'README.md'] as const;

export type Split = 'train' | 'valid';

/** A line of pairs.jsonl: the pair and its split. */
export interface ExportedPair extends SynthPair {
  split: Split;
}

export interface DatasetManifest {
  format: number;
  name: string;
  createdAt: string;
  model: string;
  seed: number;
  validShare: number;
  supportThreshold: number;
  duplicateThreshold: number;
  /** `generated`, `unsupported`, `duplicate` are this run's; `kept`, `train`, `valid` describe the files. */
  counts: { articles: number; regenerated: number; reused: number; generated: number; unsupported: number; duplicate: number; kept: number; train: number; valid: number };
  byKind: Record<PairKind, number>;
  usage: { promptTokens: number; completionTokens: number };
  /** Per article: the hash of its text when its pairs were made, how many were kept, its split. */
  articles: Record<string, { hash: string; pairs: number; split: Split }>;
}

export interface DatasetOptions {
  name: string;
  seed: number;
  /** Share of articles in the validation split. Default 0.2. */
  validShare?: number;
  /** ISO time of the run. */
  createdAt: string;
}

export interface Dataset {
  files: Record<(typeof DATASET_FILES)[number], string>;
  manifest: DatasetManifest;
  pairs: ExportedPair[];
}

/** Which articles go to validation: ordered by a hash of seed and path, the first share of them. */
export function splitArticles(paths: readonly string[], seed: number, validShare = 0.2): Map<string, Split> {
  const ordered = [...paths].sort((a, b) => {
    const ha = hashText(`${seed}:${a}`);
    const hb = hashText(`${seed}:${b}`);
    return ha < hb ? -1 : ha > hb ? 1 : a < b ? -1 : 1;
  });
  const valid = ordered.length < 2 ? 0 : Math.min(ordered.length - 1, Math.max(1, Math.round(ordered.length * validShare)));
  return new Map(ordered.map((p, i) => [p, i < valid ? 'valid' : 'train']));
}

/** The assistant's message for a pair: the answer, then its sources as links. */
export function assistantText(pair: SynthPair): string {
  return pair.citations.length > 0 ? `${pair.answer}\n\nSources: ${pair.citations.join(', ')}` : pair.answer;
}

/** One line of train.jsonl / valid.jsonl (OpenAI chat fine-tuning format). */
export function fineTuneLine(pair: SynthPair): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: DATASET_SYSTEM_PROMPT },
      { role: 'user', content: pair.question },
      { role: 'assistant', content: assistantText(pair) },
    ],
  });
}

const jsonl = (lines: string[]) => (lines.length > 0 ? `${lines.join('\n')}\n` : '');

export function buildDataset(run: SynthRun, options: DatasetOptions): Dataset {
  const validShare = options.validShare ?? 0.2;
  const withPairs = run.articles.filter((a) => a.pairs.length > 0).map((a) => a.path);
  const split = splitArticles(withPairs, options.seed, validShare);
  const pairs: ExportedPair[] = [];
  const articles: DatasetManifest['articles'] = {};
  for (const a of run.articles) {
    const side = split.get(a.path) ?? 'train';
    articles[a.path] = { hash: a.hash, pairs: a.pairs.length, split: side };
    for (const p of a.pairs) pairs.push({ ...p, split: side });
  }
  const train = pairs.filter((p) => p.split === 'train');
  const valid = pairs.filter((p) => p.split === 'valid');
  const byKind = Object.fromEntries(PAIR_KINDS.map((k) => [k, pairs.filter((p) => p.kind === k).length])) as Record<PairKind, number>;
  const manifest: DatasetManifest = {
    format: MANIFEST_FORMAT,
    name: options.name,
    createdAt: options.createdAt,
    model: run.model,
    seed: options.seed,
    validShare,
    supportThreshold: SUPPORT_THRESHOLD,
    duplicateThreshold: DUPLICATE_THRESHOLD,
    counts: {
      articles: run.articles.length,
      regenerated: run.articles.filter((a) => !a.reused).length,
      reused: run.articles.filter((a) => a.reused).length,
      generated: run.counts.generated,
      unsupported: run.counts.unsupported,
      duplicate: run.counts.duplicate,
      kept: pairs.length,
      train: train.length,
      valid: valid.length,
    },
    byKind,
    usage: { promptTokens: run.usage.promptTokens, completionTokens: run.usage.completionTokens },
    articles,
  };
  const line = (p: ExportedPair) => JSON.stringify({ question: p.question, answer: p.answer, citations: p.citations, article: p.article, kind: p.kind, split: p.split });
  return {
    manifest,
    pairs,
    files: {
      'train.jsonl': jsonl(train.map(fineTuneLine)),
      'valid.jsonl': jsonl(valid.map(fineTuneLine)),
      'pairs.jsonl': jsonl(pairs.map(line)),
      'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
      'README.md': datasetCard(manifest),
    },
  };
}

function datasetCard(m: DatasetManifest): string {
  const c = m.counts;
  const kinds = PAIR_KINDS.map((k) => `| ${k} | ${m.byKind[k]} |`).join('\n');
  const shape = '{question, answer, citations, article, kind, split}';
  return `# ${m.name}

${tr('core.synth.card.intro', { date: m.createdAt.slice(0, 10), model: m.model })}

## ${tr('core.synth.card.filesTitle')}

${tr('core.synth.card.filesHeader')}
|---|---|
| \`train.jsonl\` | ${c.train === 1 ? tr('core.synth.card.trainOne') : tr('core.synth.card.train', { count: c.train })} |
| \`valid.jsonl\` | ${c.valid === 1 ? tr('core.synth.card.validOne') : tr('core.synth.card.valid', { count: c.valid })} |
| \`pairs.jsonl\` | ${c.kept === 1 ? tr('core.synth.card.pairsOne', { shape }) : tr('core.synth.card.pairs', { count: c.kept, shape })} |
| \`manifest.json\` | ${tr('core.synth.card.manifest')} |

## ${tr('core.synth.card.countsTitle')}

${c.articles === 1 ? tr('core.synth.card.articlesOne', { regenerated: c.regenerated, reused: c.reused }) : tr('core.synth.card.articles', { count: c.articles, regenerated: c.regenerated, reused: c.reused })}
${tr('core.synth.card.lastRun', { generated: c.generated, unsupported: c.unsupported, duplicate: c.duplicate })}
${tr('core.synth.card.kept', { kept: c.kept, train: c.train, valid: c.valid })}

${tr('core.synth.card.kindsHeader')}
|---|---|
${kinds}

## ${tr('core.synth.card.checkedTitle')}

- ${tr('core.synth.card.checkCitations')}
- ${tr('core.synth.card.checkSupport', { percent: Math.round(m.supportThreshold * 100) })}
- ${tr('core.synth.card.checkRefusals')}
- ${tr('core.synth.card.checkDuplicates', { percent: Math.round(m.duplicateThreshold * 100) })}

${tr('core.synth.card.splits', { seed: m.seed, percent: Math.round(m.validShare * 100) })}

## ${tr('core.synth.card.limitsTitle')}

${tr('core.synth.card.limits')}
`;
}

/** The plan title of writing a training data set, in the interface language. */
export function trainingDataTitle(name: string): string {
  return tr('core.synth.dataset.title', { name });
}

/** Why a plan writes one of {@link DATASET_FILES}: the dataset card or a data file. */
export function datasetFileReason(file: string): string {
  return file === 'README.md' ? tr('core.synth.dataset.reason.card') : tr('core.synth.dataset.reason.file', { file });
}

/** The log line of a training data plan: what the run generated and what the dataset kept. */
export function trainingDataLogDetail(counts: { generated: number; unsupported: number; duplicate: number }, kept: number): string {
  return tr('core.synth.dataset.log', { generated: counts.generated, unsupported: counts.unsupported, duplicate: counts.duplicate, kept });
}

/** The previous run's pairs and hashes, from its manifest.json and pairs.jsonl (absent or unreadable: none). */
export function readPrevious(manifestText: string | null, pairsText: string | null): PreviousPairs | undefined {
  if (manifestText === null) return undefined;
  let manifest: Partial<DatasetManifest>;
  try {
    manifest = JSON.parse(manifestText) as Partial<DatasetManifest>;
  } catch {
    return undefined;
  }
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.articles !== 'object' || manifest.articles === null) return undefined;
  const articles = new Map<string, { hash: string; pairs: SynthPair[] }>();
  for (const [path, entry] of Object.entries(manifest.articles)) {
    if (entry && typeof entry.hash === 'string') articles.set(path, { hash: entry.hash, pairs: [] });
  }
  for (const line of (pairsText ?? '').split('\n')) {
    if (!line.trim()) continue;
    let p: Partial<SynthPair>;
    try {
      p = JSON.parse(line) as Partial<SynthPair>;
    } catch {
      continue;
    }
    const entry = typeof p.article === 'string' ? articles.get(p.article) : undefined;
    if (!entry || typeof p.question !== 'string' || typeof p.answer !== 'string' || !Array.isArray(p.citations) || !PAIR_KINDS.includes(p.kind as PairKind)) continue;
    entry.pairs.push({ question: p.question, answer: p.answer, citations: p.citations.filter((c): c is string => typeof c === 'string'), article: p.article as string, kind: p.kind as PairKind });
  }
  // An article whose pairs.jsonl lines are missing (the file was cut or edited) is regenerated.
  for (const [path, entry] of articles) {
    const expected = manifest.articles[path]?.pairs;
    if (typeof expected === 'number' && expected !== entry.pairs.length) articles.delete(path);
  }
  return { articles };
}

/** Reads pairs.jsonl (or any JSONL of `{question, answer, citations, article, kind?, split?}`) for evaluation. */
export function readPairs(text: string): { pairs: ExportedPair[]; skipped: number } {
  const pairs: ExportedPair[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const p = JSON.parse(line) as Partial<ExportedPair>;
      if (typeof p.question !== 'string' || typeof p.answer !== 'string' || typeof p.article !== 'string') throw new Error('not a pair');
      const kind = PAIR_KINDS.includes(p.kind as PairKind) ? (p.kind as PairKind) : 'factual';
      const citations = Array.isArray(p.citations) ? p.citations.filter((c): c is string => typeof c === 'string') : [];
      pairs.push({ question: p.question, answer: p.answer, citations, article: p.article, kind, split: p.split === 'valid' ? 'valid' : 'train' });
    } catch {
      skipped++;
    }
  }
  return { pairs, skipped };
}
