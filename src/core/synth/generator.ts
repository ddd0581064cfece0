/**
 * Synthetic question–answer pairs from the wiki: for each article, the model writes pairs
 * (structured output, prompted JSON as the fallback); each is kept only when its cited sections
 * exist and its answer is supported, word by word, by their text; near-duplicate questions go.
 */
import { tr } from '../../i18n';
import type { LlmClient } from '../llm/client';
import { LlmError } from '../llm/errors';
import { addUsage, emptyUsage, type TokenUsage } from '../llm/types';
import { parseNote } from '../markdown/frontmatter';
import { hashText } from '../markdown/hash';
import { LinkResolver } from '../markdown/link-resolver';
import { findSection } from '../markdown/sections';
import { extractLinks } from '../markdown/wikilinks';
import type { ProgressReporter } from '../ports/progress';
import type { VaultPort } from '../ports/vault';
import { DUPLICATE_THRESHOLD, isRefusal, jaccard, shingles, SUPPORT_THRESHOLD, supportScore } from './grounding';
import { judgeMessages, pairMessages } from './prompts';
import { JUDGE_REPLY, PAIRS_REPLY, type DraftPair } from './reply';
import type { ArticlePairs, RejectedPair, SynthArticle, SynthCounts, SynthEstimate, SynthPair, SynthRun } from './types';

export interface SynthOptions {
  llm: LlmClient;
  vault: VaultPort;
  /** Default "wiki". */
  wikiFolder?: string;
  /** Only articles under this folder (vault path); default the whole wiki. */
  folder?: string;
  /** Pairs asked for per article. Default 6. */
  pairsPerArticle?: number;
  /** Most articles generated in one run (the rest wait for the next run). Default 200. */
  maxArticles?: number;
  /** Characters of the article put in the prompt. Default 12 000. */
  maxArticleChars?: number;
  /** Linked articles shown for multi-hop pairs. Default 3. */
  maxLinked?: number;
  /** Support threshold, 0–1. Default {@link SUPPORT_THRESHOLD}. */
  threshold?: number;
  /** A second model pass that says whether each kept pair is supported. Default false. */
  judge?: boolean;
}

/** What a previous run left: per article, its hash and kept pairs. */
export interface PreviousPairs {
  articles: Map<string, { hash: string; pairs: SynthPair[] }>;
}

export interface SynthRunOptions {
  previous?: PreviousPairs;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Called after each generated article (for a log line). */
  onArticle?: (result: ArticlePairs) => void;
}

/** Checks citations and support against the wiki's articles. */
export class Grounder {
  private readonly byPath = new Map<string, SynthArticle>();
  private readonly resolver: LinkResolver;
  readonly threshold: number;

  constructor(articles: readonly SynthArticle[], threshold = SUPPORT_THRESHOLD) {
    for (const a of articles) this.byPath.set(a.path, a);
    this.resolver = new LinkResolver(articles.map((a) => a.path));
    this.threshold = threshold;
  }

  /** The cited text of `[[path#heading]]`, or why there is none. */
  cited(citation: string, from: string): { path: string; link: string; text: string } | { missing: string } {
    const raw = citation.trim();
    const wrapped = raw.startsWith('[[') ? raw : `[[${raw}]]`;
    const link = extractLinks(wrapped).find((l) => l.kind === 'wikilink');
    if (!link || link.target === '') return { missing: `${raw} is not a link to an article` };
    const path = this.resolver.resolve(link.target, from);
    const article = path === null ? undefined : this.byPath.get(path);
    if (!article) return { missing: `${raw} names no article of the wiki` };
    const target = article.path.replace(/\.md$/i, '');
    if (link.heading === undefined) return { path: article.path, link: `[[${target}]]`, text: article.body };
    const section = findSection(article.text, link.heading, { withSubsections: true });
    if (!section) return { missing: `${raw}: "${article.path}" has no heading "${link.heading}"` };
    return { path: article.path, link: `[[${target}#${link.heading}]]`, text: section.text };
  }

  /** The pair, normalised, when it is grounded; else why not. */
  check(draft: DraftPair, article: string): { pair: SynthPair; evidence: string } | { rejected: RejectedPair } {
    const reject = (reason: RejectedPair['reason'], detail: string) => ({ rejected: { question: draft.question, answer: draft.answer, citations: draft.citations, kind: draft.kind, reason, detail } });
    if (!draft.question.trim() || !draft.answer.trim() || draft.kind === null) {
      return reject('malformed', 'The pair lacks a question, an answer or a kind.');
    }
    const links: string[] = [];
    const texts: string[] = [];
    for (const c of draft.citations) {
      const found = this.cited(c, article);
      if ('missing' in found) return reject('citation', `The cited section does not exist: ${found.missing}.`);
      if (!links.includes(found.link)) {
        links.push(found.link);
        texts.push(found.text);
      }
    }
    const pair: SynthPair = { question: draft.question.trim(), answer: draft.answer.trim(), citations: links, article, kind: draft.kind };
    const refuses = isRefusal(pair.answer);
    if (draft.kind === 'unanswerable') {
      if (!refuses) return reject('refusal', 'An unanswerable question whose answer does not say that the wiki cannot answer it.');
      return { pair, evidence: '' };
    }
    if (refuses) return reject('refusal', 'The answer says the wiki does not cover the question, but the pair is not marked unanswerable.');
    if (links.length === 0) return reject('citation', 'The answer cites no section.');
    const evidence = texts.join('\n\n');
    const support = supportScore(pair.answer, evidence);
    if (support.score < this.threshold) {
      const missing = support.missing.slice(0, 6).join(', ');
      return reject('unsupported', `Support ${support.score.toFixed(2)} is below ${this.threshold}: the cited text lacks ${missing}.`);
    }
    return { pair, evidence };
  }
}

/** Removes near-duplicate questions across the whole dataset; the first one seen stays. */
export class DuplicateFilter {
  private readonly seen: Set<string>[] = [];
  private readonly byShingle = new Map<string, number[]>();

  /** True when `question` is a near duplicate of one already added; otherwise adds it. */
  isDuplicate(question: string): boolean {
    const mine = shingles(question);
    const candidates = new Set<number>();
    for (const sh of mine) for (const i of this.byShingle.get(sh) ?? []) candidates.add(i);
    for (const i of candidates) if (jaccard(mine, this.seen[i]) >= DUPLICATE_THRESHOLD) return true;
    const id = this.seen.push(mine) - 1;
    for (const sh of mine) {
      const list = this.byShingle.get(sh);
      if (list) list.push(id);
      else this.byShingle.set(sh, [id]);
    }
    return false;
  }
}

function isSpecial(path: string, wiki: string): boolean {
  const rest = path.slice(wiki.length + 1);
  return rest === 'index.md' || rest === 'log.md' || rest.startsWith('outputs/');
}

/** Every article of the wiki folder (index, log and outputs left out), sorted by path, with its links. */
export async function readWikiArticles(vault: VaultPort, wikiFolder: string, signal?: AbortSignal): Promise<SynthArticle[]> {
  const wiki = wikiFolder.replace(/\/+$/, '');
  const files = (await vault.list()).filter((f) => f.path.startsWith(`${wiki}/`) && f.path.toLowerCase().endsWith('.md') && !isSpecial(f.path, wiki));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const paths = files.map((f) => f.path);
  const resolver = new LinkResolver(paths);
  const out: SynthArticle[] = [];
  for (const path of paths) {
    signal?.throwIfAborted();
    const text = await vault.read(path);
    const body = parseNote(text).body;
    const links: string[] = [];
    for (const link of extractLinks(body)) {
      if (link.kind !== 'wikilink' || link.target === '') continue;
      const to = resolver.resolve(link.target, path);
      if (to !== null && to !== path && !links.includes(to)) links.push(to);
    }
    out.push({ path, text, body, hash: hashText(text), links });
  }
  return out;
}

/** Rough tokens of a text (4 characters a token), for estimates. */
const tokensOf = (chars: number) => Math.ceil(chars / 4);

export class SynthGenerator {
  private readonly o: SynthOptions;

  constructor(options: SynthOptions) {
    this.o = options;
  }

  private get wiki(): string {
    return (this.o.wikiFolder ?? 'wiki').replace(/\/+$/, '');
  }

  /** Every wiki article (index, log and outputs left out), sorted by path. */
  allArticles(signal?: AbortSignal): Promise<SynthArticle[]> {
    return readWikiArticles(this.o.vault, this.wiki, signal);
  }

  /** The articles this run is about: all of them, or those under `folder`. */
  selected(all: readonly SynthArticle[]): SynthArticle[] {
    const folder = this.o.folder?.replace(/^\/+|\/+$/g, '');
    if (!folder) return [...all];
    return all.filter((a) => a.path.startsWith(`${folder}/`));
  }

  /** What a run would do: articles to generate, reused, deferred, and a token estimate. */
  async estimate(previous?: PreviousPairs, all?: SynthArticle[]): Promise<SynthEstimate> {
    const articles = this.selected(all ?? (await this.allArticles()));
    const changed = articles.filter((a) => previous?.articles.get(a.path)?.hash !== a.hash);
    const cap = this.o.maxArticles ?? 200;
    const toGenerate = changed.slice(0, cap);
    const byPath = new Map((all ?? articles).map((a) => [a.path, a]));
    const maxChars = this.o.maxArticleChars ?? 12_000;
    let prompt = 0;
    for (const a of toGenerate) {
      const linked = a.links.slice(0, this.o.maxLinked ?? 3).map((p) => byPath.get(p)?.body.length ?? 0);
      prompt += 500 + tokensOf(Math.min(a.body.length, maxChars)) + linked.reduce((sum, n) => sum + tokensOf(Math.min(n, Math.max(800, maxChars / 4))), 0);
    }
    const perPair = 90;
    const completion = toGenerate.length * (this.o.pairsPerArticle ?? 6) * perPair;
    const judge = this.o.judge ? toGenerate.length : 0;
    return {
      articles: articles.length,
      toGenerate: toGenerate.map((a) => a.path),
      unchanged: articles.length - changed.length,
      deferred: changed.slice(cap).map((a) => a.path),
      modelCalls: toGenerate.length + judge,
      promptTokens: prompt * (this.o.judge ? 2 : 1),
      completionTokens: completion + judge * 100,
    };
  }

  /**
   * Generates the pairs of new and changed articles and reuses the others' from `previous`.
   * Never throws for one article's unusable reply (it is listed in `failures`); a stop or an
   * endpoint failure ends the run with the finished articles kept.
   */
  async run(options: SynthRunOptions = {}): Promise<SynthRun> {
    const all = await this.allArticles(options.signal);
    const estimate = await this.estimate(options.previous, all);
    const selected = this.selected(all);
    const byPath = new Map(all.map((a) => [a.path, a]));
    const grounder = new Grounder(all, this.o.threshold);
    const dupes = new DuplicateFilter();
    const usage = emptyUsage();
    const counts: SynthCounts = { generated: 0, unsupported: 0, duplicate: 0, kept: 0 };
    const results: ArticlePairs[] = [];
    const failures: SynthRun['failures'] = [];
    const todo = new Set(estimate.toGenerate);

    // Unchanged articles first: their questions win over new near-duplicates.
    for (const a of selected) {
      const before = options.previous?.articles.get(a.path);
      if (todo.has(a.path) || !before || before.hash !== a.hash) continue;
      const pairs = before.pairs.filter((p) => !dupes.isDuplicate(p.question));
      results.push({ path: a.path, hash: a.hash, pairs, rejected: [], generated: 0, reused: true });
    }

    let stopped = false;
    let error: string | undefined;
    let done = 0;
    const total = estimate.toGenerate.length;
    options.progress?.({ done, total, message: total === 1 ? tr('core.synth.progress.articlesOne') : tr('core.synth.progress.articles', { count: total }) });
    for (const path of estimate.toGenerate) {
      if (options.signal?.aborted) {
        stopped = true;
        break;
      }
      const article = byPath.get(path) as SynthArticle;
      try {
        const result = await this.generateArticle(article, byPath, grounder, dupes, usage, options.signal);
        counts.generated += result.generated;
        counts.kept += result.pairs.length;
        for (const r of result.rejected) {
          if (r.reason === 'duplicate') counts.duplicate++;
          else counts.unsupported++;
        }
        results.push(result);
        options.onArticle?.(result);
      } catch (e) {
        const llmError = e instanceof LlmError ? e : null;
        if (options.signal?.aborted || llmError?.kind === 'aborted') {
          stopped = true;
          break;
        }
        if (llmError?.kind === 'unusable_output') {
          failures.push({ article: path, message: llmError.message });
        } else {
          error = e instanceof Error ? e.message : String(e);
          break;
        }
      }
      done++;
      options.progress?.({ done, total, message: path });
    }
    results.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      articles: results,
      counts,
      totalKept: results.reduce((n, r) => n + r.pairs.length, 0),
      usage,
      failures,
      stopped,
      ...(error !== undefined ? { error } : {}),
      deferred: estimate.deferred,
      model: this.o.llm.model,
    };
  }

  private async generateArticle(
    article: SynthArticle,
    byPath: Map<string, SynthArticle>,
    grounder: Grounder,
    dupes: DuplicateFilter,
    usage: TokenUsage,
    signal: AbortSignal | undefined,
  ): Promise<ArticlePairs> {
    const linked = article.links
      .slice(0, this.o.maxLinked ?? 3)
      .map((p) => byPath.get(p))
      .filter((a): a is SynthArticle => a !== undefined);
    const messages = pairMessages(article, linked, this.o.pairsPerArticle ?? 6, this.o.maxArticleChars ?? 12_000);
    const { value: drafts, usage: used } = await this.o.llm.json({ messages, temperature: 0.4, ...(signal ? { signal } : {}) }, PAIRS_REPLY);
    addUsage(usage, used);
    const rejected: RejectedPair[] = [];
    const grounded: { pair: SynthPair; evidence: string }[] = [];
    for (const draft of drafts) {
      const checked = grounder.check(draft, article.path);
      if ('rejected' in checked) rejected.push(checked.rejected);
      else grounded.push(checked);
    }
    let judged = grounded;
    if (this.o.judge && grounded.length > 0) judged = await this.judge(grounded, rejected, usage, signal);
    const pairs: SynthPair[] = [];
    for (const { pair } of judged) {
      if (dupes.isDuplicate(pair.question)) {
        rejected.push({ question: pair.question, answer: pair.answer, citations: pair.citations, kind: pair.kind, reason: 'duplicate', detail: 'A near duplicate of a question already kept.' });
      } else {
        pairs.push(pair);
      }
    }
    return { path: article.path, hash: article.hash, pairs, rejected, generated: drafts.length, reused: false };
  }

  /** The judge's pass: answerable pairs it calls unsupported are rejected; unanswerable ones are not asked about. */
  private async judge(
    grounded: { pair: SynthPair; evidence: string }[],
    rejected: RejectedPair[],
    usage: TokenUsage,
    signal: AbortSignal | undefined,
  ): Promise<{ pair: SynthPair; evidence: string }[]> {
    const asked = grounded.filter((g) => g.pair.kind !== 'unanswerable');
    if (asked.length === 0) return grounded;
    const { value: verdicts, usage: used } = await this.o.llm.json(
      { messages: judgeMessages(asked.map((g) => ({ question: g.pair.question, answer: g.pair.answer, evidence: g.evidence }))), temperature: 0, ...(signal ? { signal } : {}) },
      JUDGE_REPLY,
    );
    addUsage(usage, used);
    const refused = new Set<SynthPair>();
    asked.forEach((g, i) => {
      if (verdicts.get(i) === false) {
        refused.add(g.pair);
        rejected.push({ question: g.pair.question, answer: g.pair.answer, citations: g.pair.citations, kind: g.pair.kind, reason: 'judge', detail: 'The judge found the answer not supported by the cited text.' });
      }
    });
    return grounded.filter((g) => !refused.has(g.pair));
  }
}
