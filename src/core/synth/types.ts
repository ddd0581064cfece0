import type { TokenUsage } from '../llm/types';

/** What a pair asks for. */
export type PairKind = 'factual' | 'why-how' | 'comparison' | 'multi-hop' | 'unanswerable';

export const PAIR_KINDS: readonly PairKind[] = ['factual', 'why-how', 'comparison', 'multi-hop', 'unanswerable'];

/** One question–answer pair, as exported in pairs.jsonl. */
export interface SynthPair {
  question: string;
  answer: string;
  /** `[[article#heading]]` links, each checked to exist (empty for an unanswerable pair). */
  citations: string[];
  /** Vault path of the article the pair was written from. */
  article: string;
  kind: PairKind;
}

/** Why a pair the model wrote was not kept. */
export type RejectReason = 'citation' | 'unsupported' | 'refusal' | 'judge' | 'duplicate' | 'malformed';

export interface RejectedPair {
  question: string;
  answer: string;
  citations: string[];
  kind: PairKind | null;
  reason: RejectReason;
  /** One sentence: which citation is missing, the support score, … */
  detail: string;
}

/** A wiki article the pairs are written from. */
export interface SynthArticle {
  path: string;
  /** The whole note's text. */
  text: string;
  /** The body (frontmatter left out). */
  body: string;
  /** hashText of the whole text: a re-run regenerates an article only when it changed. */
  hash: string;
  /** Vault paths of the wiki articles it links to. */
  links: string[];
}

/** The pairs of one article. */
export interface ArticlePairs {
  path: string;
  hash: string;
  pairs: SynthPair[];
  rejected: RejectedPair[];
  /** Pairs the model wrote for it (kept and not). */
  generated: number;
  /** True when the pairs come from the previous run (the article did not change). */
  reused: boolean;
}

export interface SynthCounts {
  generated: number;
  /** Not grounded: a missing cited section, too little support, a refusal where an answer was due (or the reverse), a judge's no, a malformed pair. */
  unsupported: number;
  duplicate: number;
  kept: number;
}

export interface SynthRun {
  articles: ArticlePairs[];
  /** Counts over the articles generated in this run (reused ones are not counted again). */
  counts: SynthCounts;
  /** Counts over every kept article, reused included. */
  totalKept: number;
  usage: TokenUsage;
  /** Articles whose generation failed (unusable replies): left out, tried again next run. */
  failures: { article: string; message: string }[];
  /** The person stopped the run: the finished articles are kept, the rest are left for the next run. */
  stopped: boolean;
  /** A failure that ended the run (endpoint down, key refused): finished articles are kept. */
  error?: string;
  /** Articles not started because of the per-run cap. */
  deferred: string[];
  model: string;
}

export interface SynthEstimate {
  articles: number;
  /** Articles to generate (new or changed, within the cap). */
  toGenerate: string[];
  /** Articles whose pairs are reused from the previous run. */
  unchanged: number;
  /** Changed or new articles beyond the per-run cap. */
  deferred: string[];
  modelCalls: number;
  promptTokens: number;
  completionTokens: number;
}
