import type { EmbeddingsClient } from '../llm/embeddings';
import { LlmError } from '../llm/errors';
import { tr } from '../../i18n';
import { basenameNoExt } from '../markdown/paths';
import type { VaultPort } from '../ports/vault';
import { parseQuery, type ParsedQuery } from './query-parser';
import type { ReadOptions, ReadResult, SearchMode, SearchOptions, VaultSearch } from './types';
import type { SectionHit, VaultIndex } from './vault-index';
import { openingWords } from './vectors/passages';
import type { VectorHit, VectorIndex } from './vectors/vector-index';

/** The reciprocal-rank-fusion constant: a result at rank r of a list adds weight / (k + r). */
export const RRF_K = 60;
/** Weight of the lists retrieved for the query as typed (qmd's ×2 for the original query). */
export const ORIGINAL_QUERY_WEIGHT = 2;
/** Weight of lists for other forms of the query (expansions); none are made today. */
export const VARIANT_WEIGHT = 1;
/** qmd's top-rank bonus: a list's first result gets +0.05, its second and third +0.02. */
const TOP_RANK_BONUS = [0.05, 0.02, 0.02];

/** One ranked list to fuse: ids best first, and the list's weight. */
export interface RankedList {
  ids: readonly string[];
  weight: number;
}

/**
 * Reciprocal-rank fusion: each id scores Σ weight / (k + rank) over the lists it is in (rank from
 * 1), plus the top-rank bonus of its best rank; best first, ties in order of first appearance.
 */
export function fuseRanks(lists: readonly RankedList[], k = RRF_K): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  const bonus = new Map<string, number>();
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      scores.set(id, (scores.get(id) ?? 0) + list.weight / (k + i + 1));
      const b = TOP_RANK_BONUS[i] ?? 0;
      if (b > (bonus.get(id) ?? 0)) bonus.set(id, b);
    });
  }
  const out = [...scores].map(([id, score]) => ({ id, score: score + (bonus.get(id) ?? 0) }));
  return out.sort((a, b) => b.score - a.score);
}

/** A note related to another by meaning: its closest passage as a search result (score: cosine), and the passage it relates to. */
export interface RelatedHit extends SectionHit {
  from: { heading: string | null; line: number; endLine: number };
}

/** A search that can also search by meaning and list related notes (what `HybridSearch` adds to `VaultSearch`). */
export interface MeaningSearch extends VaultSearch {
  meaningReady(): boolean;
  related(path: string, limit?: number): Promise<RelatedHit[]>;
}

/** Whether `search` is a `MeaningSearch` (the research tools offer `mode` and `related` then). */
export function isMeaningSearch(search: VaultSearch): search is MeaningSearch {
  const s = search as Partial<MeaningSearch>;
  return typeof s.meaningReady === 'function' && typeof s.related === 'function';
}

export interface HybridSearchOptions {
  /** The lexical index; every search that is not by meaning is its search, unchanged. */
  index: VaultIndex;
  vault: VaultPort;
  /** The passage vectors and the client that embeds queries; null or absent: lexical only. */
  vectors?: () => { vectors: VectorIndex; embedder: EmbeddingsClient } | null;
  /** RRF constant. Default 60. */
  k?: number;
  /** Milliseconds a query's embedding may take before the search answers lexically. Default 8000. */
  queryTimeoutMs?: number;
  /** Told once per failure of the embedding endpoint (the search then answers lexically). */
  onFallback?: (error: LlmError) => void;
  /** Search as you type (`prefix`) embeds the query after this pause without a newer search. Default 200 ms. */
  typingPauseMs?: number;
}

/** See `HybridSearchOptions.typingPauseMs`. */
const TYPING_PAUSE_MS = 200;

/** Snippet length for results found by meaning only (no matched words to centre on). */
const SNIPPET_CHARS = 180;

/**
 * Search by words, by meaning, or both (`SearchOptions.mode`), over the lexical `VaultIndex` and
 * the passage `VectorIndex`. Hybrid ranking fuses the two lists with reciprocal-rank fusion
 * (`fuseRanks`, k = 60, the query's lists weighted ×2 and qmd's top-rank bonus); passages are the
 * same in both indexes (same splitter, same line ranges), so one passage is one id. Without
 * vectors, in lexical mode, or when the endpoint fails, it is the lexical index's search exactly.
 */
export class HybridSearch implements MeaningSearch {
  private readonly options: HybridSearchOptions;
  private readonly queryVectors = new Map<string, Float32Array>();
  /** Bumped by every search as you type, so a newer keystroke supersedes an older one. */
  private typing = 0;
  /** The last failure of the embedding endpoint, until a query embeds again. */
  lastFailure: LlmError | null = null;

  constructor(options: HybridSearchOptions) {
    this.options = options;
  }

  /** The mode a search without `mode` uses now: hybrid once vectors exist, else lexical. */
  defaultMode(): SearchMode {
    return this.options.vectors?.()?.vectors.ready ? 'hybrid' : 'lexical';
  }

  /** Whether passage vectors and an embedder are there: search by meaning and related notes work. */
  meaningReady(): boolean {
    return this.options.vectors?.()?.vectors.ready === true;
  }

  /**
   * Notes closest in meaning to the note at `path`, from stored vectors (no model call), each with
   * its closest passage (and that passage's opening words) and the passage of `path` it relates to.
   */
  async related(path: string, limit = 10): Promise<RelatedHit[]> {
    const semantic = this.options.vectors?.() ?? null;
    if (!semantic?.vectors.ready) return [];
    const out: RelatedHit[] = [];
    for (const r of semantic.vectors.related(path, limit, {})) {
      if (!this.options.index.includes(r.path)) continue;
      const hit = await this.meaningHit({ ...r.passage, score: r.score }, Math.round(r.score * 1000) / 1000);
      out.push({ ...hit, from: { heading: r.from.heading, line: r.from.line, endLine: r.from.endLine } });
    }
    return out;
  }

  read(path: string, options?: ReadOptions): Promise<ReadResult> {
    return this.options.index.read(path, options);
  }

  async search(query: string, options: SearchOptions = {}): Promise<SectionHit[]> {
    const { mode: asked, ...rest } = options;
    const mode = asked ?? this.defaultMode();
    const semantic = this.options.vectors?.() ?? null;
    if (mode === 'lexical' || !semantic || !semantic.vectors.ready) return this.options.index.search(query, rest);
    const limit = Math.max(1, options.limit ?? 10);
    const parsed = parseQuery(query);
    const text = meaningText(parsed);
    if (!text) return this.options.index.search(query, rest);
    if (options.prefix === true) {
      // Search as you type: the query is embedded once typing pauses. A keystroke within the pause
      // supersedes this search, which then answers lexically (no request per keystroke).
      const typing = ++this.typing;
      await new Promise((resolve) => window.setTimeout(resolve, this.options.typingPauseMs ?? TYPING_PAUSE_MS));
      if (typing !== this.typing) return this.options.index.search(query, rest);
    }
    const wide = Math.max(50, limit * 3);
    const lexicalPromise = mode === 'hybrid' ? this.options.index.search(query, { ...rest, limit: wide }) : Promise.resolve([] as SectionHit[]);
    let vector: Float32Array;
    try {
      vector = await this.embedQuery(text, semantic.embedder);
    } catch (error) {
      const failure = error instanceof LlmError ? error : new LlmError('connection', String(error));
      if (this.lastFailure?.message !== failure.message) this.options.onFallback?.(failure);
      this.lastFailure = failure;
      await lexicalPromise.catch(() => undefined);
      return this.options.index.search(query, rest);
    }
    this.lastFailure = null;
    const byNote = options.notes === true;
    const filters = this.filterOf(parsed, options.folder);
    const near = semantic.vectors.search(vector, { limit: wide, notes: byNote, folder: options.folder, exclude: (path) => !filters(path) });
    const lexical = await lexicalPromise;
    const idOf = (hit: { path: string; line: number }) => (byNote ? hit.path : `${hit.path}\u0000${hit.line}`);
    const lists: RankedList[] = [{ ids: near.map(idOf), weight: ORIGINAL_QUERY_WEIGHT }];
    if (mode === 'hybrid') lists.unshift({ ids: lexical.map(idOf), weight: ORIGINAL_QUERY_WEIGHT });
    const fused = fuseRanks(lists, this.options.k ?? RRF_K).slice(0, limit);
    if (fused.length === 0) return [];
    const lexicalById = new Map(lexical.map((h) => [idOf(h), h]));
    const nearById = new Map(near.map((h) => [idOf(h), h]));
    const best = fused[0].score;
    const out: SectionHit[] = [];
    for (const { id, score } of fused) {
      const relative = Math.round((score / best) * 1000) / 1000;
      const hit = lexicalById.get(id);
      if (hit) out.push({ ...hit, score: relative });
      else out.push(await this.meaningHit(nearById.get(id)!, relative));
    }
    return out;
  }

  private async embedQuery(text: string, embedder: EmbeddingsClient): Promise<Float32Array> {
    const key = `${embedder.baseURL}\u0000${embedder.model}\u0000${text}`;
    const cached = this.queryVectors.get(key);
    if (cached) return cached;
    const controller = new AbortController();
    const ms = this.options.queryTimeoutMs ?? 8000;
    const timer = window.setTimeout(() => controller.abort(), ms);
    try {
      const vector = await embedder.embedOne(text, controller.signal);
      if (this.queryVectors.size >= 64) this.queryVectors.delete(this.queryVectors.keys().next().value!);
      this.queryVectors.set(key, vector);
      return vector;
    } catch (error) {
      if (controller.signal.aborted) throw new LlmError('timeout', tr('core.llm.embed.queryTimedOut', { url: embedder.baseURL, seconds: Math.round(ms / 1000) }), { cause: error });
      throw error;
    } finally {
      window.clearTimeout(timer);
    }
  }

  /** The query's `path:`, `-path:`, `tag:`, `-tag:` and `folder:` filters, for passages found by meaning. */
  private filterOf(q: ParsedQuery, folder: string | undefined): (path: string) => boolean {
    const index = this.options.index;
    return (path) => {
      if (!index.includes(path)) return false;
      if (folder && !underFolder(path, folder)) return false;
      if (q.folders.length > 0 && !q.folders.some((f) => underFolder(path, f))) return false;
      const lower = path.toLowerCase();
      if (!q.paths.every((p) => lower.includes(p)) || q.excludedPaths.some((p) => lower.includes(p))) return false;
      if (q.tags.length > 0 || q.excludedTags.length > 0) {
        const tags = index.note(path)?.tags ?? [];
        const has = (t: string) => tags.some((x) => x === t || x.startsWith(`${t}/`));
        if (!q.tags.every(has) || q.excludedTags.some(has)) return false;
      }
      return true;
    };
  }

  /** A result for a passage found by meaning only: its title from the index, its opening words as the snippet. */
  private async meaningHit(hit: VectorHit, score: number): Promise<SectionHit> {
    let snippet = '';
    try {
      snippet = openingWords(await this.options.vault.read(hit.path), hit.line, hit.endLine, SNIPPET_CHARS);
    } catch {
      // The note went away since it was embedded: the result still names it.
    }
    const title = this.options.index.note(hit.path)?.title ?? basenameNoExt(hit.path);
    return { path: hit.path, title, heading: hit.heading, line: hit.line, endLine: hit.endLine, score, snippet };
  }
}

/** The query's words and phrases as plain text for embedding (operators and exclusions left out). */
export function meaningText(q: ParsedQuery): string {
  return [...q.words, ...q.phrases.map((p) => p.join(' '))].join(' ').trim();
}

function underFolder(path: string, folder: string): boolean {
  const f = folder.replace(/^\/+|\/+$/g, '');
  return f === '' || path === f || path.startsWith(`${f}/`);
}
