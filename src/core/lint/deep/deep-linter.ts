import { joinSentences, tr } from '../../../i18n';
import { LlmError, parseWith, s, type LlmClient, type ReplyShape } from '../../llm';
import { addUsage, emptyUsage, type TokenUsage } from '../../llm/types';
import type { ProgressReporter } from '../../ports';
import type { DeepKind, Finding } from '../types';
import type { SnapshotNote, WikiSnapshot } from '../wiki-snapshot';
import { buildDeepBatches, type DeepBatch } from './deep-batches';
import { deepMessages, roughTokens } from './deep-prompt';

export interface DeepLintOptions {
  /** Most model calls in one run. Default 8. */
  maxCalls?: number;
  /** Most articles per call. Default 5. */
  maxArticles?: number;
  /** Input tokens one call may use (the provider's context budget). Default 6000. */
  contextTokens?: number;
  /** Output tokens per call. Default 1200. */
  maxOutputTokens?: number;
}

const DEFAULTS: Required<DeepLintOptions> = { maxCalls: 8, maxArticles: 5, contextTokens: 6000, maxOutputTokens: 1200 };

/** What a deep run will cost, shown before it starts. */
export interface DeepEstimate {
  calls: number;
  articles: number;
  /** Articles left out because of the call limit. */
  articlesLeftOut: number;
  promptTokens: number;
  /** Upper bound: every call using its whole output allowance. */
  maxCompletionTokens: number;
}

export interface DeepLintResult {
  findings: Finding[];
  calls: number;
  usage: TokenUsage;
  /** Batches whose reply could not be used, with why; the others still count. */
  failures: { topic: string; message: string }[];
}

interface RawDeepFinding {
  kind: DeepKind;
  notes: (number | string)[];
  text: string;
  quote: string;
}

const DEEP_KINDS: readonly DeepKind[] = ['contradiction', 'unsourced-claim', 'gap', 'suggested-article', 'suggested-question'];

const findingSchema = s.object(
  {
    kind: s.enumOf(DEEP_KINDS),
    notes: s.optional(
      s.array(s.oneOf([s.number(), s.string({ oneLine: true })]), { single: true, skipInvalid: true, description: 'the numbers of the notes the finding is about' }),
    ),
    text: s.optional(s.string({ description: 'the finding, in one or two sentences' })),
    quote: s.optional(s.string({ description: 'for an unsourced claim: the claim, quoted exactly' })),
  },
  { aliases: { text: ['message'] } },
);

const deepSchema = s.coerce(
  // Findings not in the asked-for shape are left out here and counted by the parse below.
  s.object({ findings: s.array(findingSchema, { skipInvalid: true }) }),
  // A bare list is the findings.
  (raw) => (Array.isArray(raw) ? { findings: raw } : raw),
);

/** The deep-check reply `{ findings: [...] }`: its schema (sent as structured output) and its parse. */
export const DEEP_REPLY: ReplyShape<RawDeepFinding[]> = {
  name: 'deep_findings',
  schema: deepSchema.jsonSchema(),
  parse(value: unknown): RawDeepFinding[] {
    const findings = parseWith(deepSchema, value).findings.map((f) => ({ kind: f.kind, notes: f.notes ?? [], text: f.text ?? '', quote: f.quote ?? '' }));
    const raw: unknown = Array.isArray(value) ? value : (value as { findings?: unknown }).findings;
    const unusable = (Array.isArray(raw) ? raw.length : 0) - findings.length;
    // Findings, none of them in the asked-for shape: the reply is malformed, not "nothing found".
    if (findings.length === 0 && unusable > 0) throw new Error(`findings: none of the ${unusable} findings has one of the kinds ${DEEP_KINDS.join(', ')}`);
    return findings;
  },
};

/** Parses the model's reply into findings; throws (so the client asks once for a repair) when the shape is wrong. */
export function parseDeepReply(value: unknown): RawDeepFinding[] {
  return DEEP_REPLY.parse(value);
}

/** How many deep checks got no usable answer from the model, said so a person can act on it. */
export interface DeepShortfall {
  /** Checks (model calls) whose replies could not be used. */
  missing: number;
  /** Checks run. */
  of: number;
  /** "2 of 3 deep checks got no usable answer from the model; their findings are missing.", the first reason, and what to do. */
  message: string;
}

/** Null when every deep check that ran got a usable answer. */
export function deepShortfall(result: Pick<DeepLintResult, 'calls' | 'failures'>): DeepShortfall | null {
  const missing = result.failures.length;
  if (missing === 0) return null;
  const of = Math.max(result.calls, missing);
  const shown = result.failures.slice(0, 3).map((f) => tr('core.lint.shortfall.check', { topic: f.topic, error: f.message.replace(/[.。]$/, '') }));
  const checks = shown.join(tr('core.lint.listSeparatorStrong'));
  const message = joinSentences([
    missing > 1 ? tr('core.lint.shortfall.manyOf', { missing, of }) : of === 1 ? tr('core.lint.shortfall.oneOfOne') : tr('core.lint.shortfall.oneOf', { of }),
    missing > shown.length
      ? tr('core.lint.shortfall.checksOnMore', { checks, count: missing - shown.length })
      : missing === 1
        ? tr('core.lint.shortfall.checkOn', { checks })
        : tr('core.lint.shortfall.checksOn', { checks }),
    tr('core.lint.shortfall.advice'),
  ]);
  return { missing, of, message };
}

function oneLine(s: string, max = 300): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The model-based checks: contradictions between articles that share concepts, claims without a
 * source, gaps, suggested articles and questions. Articles are sent in batches grouped by shared
 * concepts; the number of calls and the text per call are capped, and `estimate` says what a run
 * costs before it starts. Every finding cites the notes it is about; citations the model invents
 * (numbers outside the batch) are dropped.
 */
export class DeepLinter {
  private readonly llm: LlmClient;
  private readonly options: Required<DeepLintOptions>;

  constructor(options: { llm: LlmClient } & DeepLintOptions) {
    this.llm = options.llm;
    this.options = {
      maxCalls: Math.max(1, options.maxCalls ?? DEFAULTS.maxCalls),
      maxArticles: Math.max(2, options.maxArticles ?? DEFAULTS.maxArticles),
      contextTokens: Math.max(1000, options.contextTokens ?? DEFAULTS.contextTokens),
      maxOutputTokens: Math.max(200, options.maxOutputTokens ?? DEFAULTS.maxOutputTokens),
    };
  }

  /** Characters of one article's body sent, so a full batch fits the context budget. */
  private charsPerNote(count: number): number {
    const budget = (this.options.contextTokens - 700) * 4; // 700 tokens for the instructions and framing
    return Math.max(400, Math.floor(budget / Math.max(1, count)));
  }

  batches(wiki: WikiSnapshot): DeepBatch[] {
    return buildDeepBatches(wiki, { maxCalls: this.options.maxCalls, maxArticles: this.options.maxArticles });
  }

  estimate(wiki: WikiSnapshot): DeepEstimate {
    const batches = this.batches(wiki);
    let promptTokens = 0;
    const seen = new Set<string>();
    for (const b of batches) {
      const notes = this.notesOf(wiki, b);
      for (const p of b.paths) seen.add(p);
      const chars = deepMessages(b.topic, notes, this.charsPerNote(notes.length)).reduce((n, m) => n + (m.content?.length ?? 0), 0);
      promptTokens += roughTokens(chars);
    }
    const total = wiki.notesWithRole('article').length;
    return {
      calls: batches.length,
      articles: seen.size,
      articlesLeftOut: total - seen.size,
      promptTokens,
      maxCompletionTokens: batches.length * this.options.maxOutputTokens,
    };
  }

  private notesOf(wiki: WikiSnapshot, batch: DeepBatch): SnapshotNote[] {
    return batch.paths.map((p) => wiki.notes.get(p)).filter((n): n is SnapshotNote => n !== undefined);
  }

  async run(wiki: WikiSnapshot, options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<DeepLintResult> {
    const batches = this.batches(wiki);
    const usage = emptyUsage();
    const findings: Finding[] = [];
    const failures: DeepLintResult['failures'] = [];
    const seen = new Set<string>();
    let calls = 0;
    options.progress?.({ done: 0, total: batches.length, message: tr('core.lint.progress.model') });
    for (const batch of batches) {
      if (options.signal?.aborted) throw new LlmError('aborted', tr('core.llm.stopped'));
      const notes = this.notesOf(wiki, batch);
      try {
        const { value, usage: used } = await this.llm.json(
          { messages: deepMessages(batch.topic, notes, this.charsPerNote(notes.length)), maxTokens: this.options.maxOutputTokens, temperature: 0, signal: options.signal },
          DEEP_REPLY,
        );
        addUsage(usage, used);
        for (const raw of value) {
          const f = this.toFinding(raw, notes, wiki);
          if (!f) continue;
          const key = `${f.kind}|${f.path}|${(f.target ?? f.message).toLowerCase()}`;
          if (seen.has(key)) continue;
          seen.add(key);
          findings.push(f);
        }
      } catch (error) {
        // Only a reply we cannot use is local to the batch; anything else (auth, network, stop) ends the run.
        if (!(error instanceof LlmError) || error.kind !== 'unusable_output') throw error;
        // The batch of loose articles has a topic only the model reads; a person sees its name in the interface language.
        failures.push({ topic: batch.loose ? tr('core.lint.deep.looseTopic') : batch.topic, message: error.message });
      } finally {
        calls += 1;
        options.progress?.({ done: calls, total: batches.length, message: tr('core.lint.progress.model') });
      }
    }
    return { findings, calls, usage, failures };
  }

  /** Maps a raw finding onto the batch's notes; null when it cites nothing it was shown or says nothing. */
  private toFinding(raw: RawDeepFinding, notes: readonly SnapshotNote[], wiki: WikiSnapshot): Finding | null {
    const cited: SnapshotNote[] = [];
    for (const ref of raw.notes) {
      const note = typeof ref === 'number' ? notes[ref - 1] : notes[Number(ref.replace(/^\[|\]$/g, '')) - 1] ?? notes.find((n) => n.title.toLowerCase() === ref.toLowerCase() || n.path === ref);
      if (note && !cited.includes(note)) cited.push(note);
    }
    if (cited.length === 0) return null;
    const related = cited.slice(1).map((n) => n.path);
    const base = { path: cited[0].path, ...(related.length > 0 ? { related } : {}) };
    const titles = cited.map((n) => tr('core.lint.quoted', { title: n.title })).join(tr('core.lint.listSeparator'));
    switch (raw.kind) {
      case 'contradiction':
        if (cited.length < 2 || !raw.text) return null;
        return { kind: 'contradiction', ...base, line: null, target: null, message: tr('core.lint.finding.contradiction', { titles, text: oneLine(raw.text) }) };
      case 'unsourced-claim': {
        const claim = raw.quote || raw.text;
        if (!claim) return null;
        return { kind: 'unsourced-claim', ...base, line: lineOf(cited[0], claim), target: oneLine(claim, 120), message:
            raw.text && raw.quote
              ? tr('core.lint.finding.unsourcedClaimNote', { title: cited[0].title, claim: oneLine(claim), note: oneLine(raw.text, 200) })
              : tr('core.lint.finding.unsourcedClaim', { title: cited[0].title, claim: oneLine(claim) }),
        };
      }
      case 'gap':
        if (!raw.text) return null;
        return { kind: 'gap', ...base, line: null, target: null, message: tr('core.lint.finding.gap', { titles, text: oneLine(raw.text) }) };
      case 'suggested-article': {
        const title = oneLine(raw.text.replace(/^\[\[|\]\]$/g, ''), 120);
        if (!title || wiki.resolver.resolve(title, cited[0].path) !== null) return null;
        return { kind: 'suggested-article', ...base, line: null, target: title, message: tr('core.lint.finding.suggestedArticle', { title, titles }) };
      }
      case 'suggested-question':
        if (!raw.text) return null;
        return { kind: 'suggested-question', ...base, line: null, target: oneLine(raw.text, 200), message: tr('core.lint.finding.suggestedQuestion', { titles, question: oneLine(raw.text) }) };
    }
  }
}

/** The 1-based line of the note holding the quoted claim (whitespace and case ignored), or null. */
function lineOf(note: SnapshotNote, quote: string): number | null {
  const wanted = quote.replace(/\s+/g, ' ').trim().toLowerCase().slice(0, 80);
  if (wanted.length < 8) return null;
  const lines = note.text.split('\n');
  for (let i = note.bodyStartLine - 1; i < lines.length; i++) {
    if (lines[i].replace(/\s+/g, ' ').toLowerCase().includes(wanted)) return i + 1;
  }
  return null;
}
