import { findSection, listHeadings } from '../markdown/sections';
import { tr } from '../../i18n';
import { splitText } from '../markdown/scan';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { noProgress, type ProgressReporter } from '../ports/progress';
import type { StateStore } from '../ports/state-store';
import type { VaultEvent, VaultFileStat, VaultPort } from '../ports/vault';
import { chunkJsonItems, deleteCache, peekManifest, IMAGE_CHUNK_BYTES, imageWords, readByteChunk, readChunk, readImageByteChunk, readManifest, readTextChunk, termsToText, textChunks, textToTerms, writeCache, type CacheManifest } from './index-cache';
import { buildNoteDocuments, DEFAULT_PASSAGE_WORDS, type NoteInfo } from './note-documents';
import { parseQuery, type ParsedQuery } from './query-parser';
import { PostingStore, type StoreHead } from './posting-store';
import type { Bm25Params, ScoreQuery } from './score-query';
import { containsPhrase, makeSnippet, matches, type TermMatcher } from './snippet';
import { hashText } from '../markdown/hash';
import { SECTION_WORDS, SectionTable, type SectionMeta } from './section-table';
import { TitleIndex } from './title-index';
import { Tokenizer, type TermPosition } from './tokenizer';
import type { ReadOptions, ReadResult, SearchOptions, SearchResult, VaultSearch } from './types';

export type { Bm25Params };

export interface RankingOptions {
  /** Field weights. Default: title (and aliases) 0.3, headings 1, tags 1, path 0.5, body 1. */
  boost?: Partial<Record<IndexField, number>>;
  bm25?: Bm25Params;
  /**
   * MiniSearch multiplies a result's score by the number of query terms it matched. That suits
   * short keyword queries and hurts long natural-language ones (measured on SciFact), so by
   * default it is divided back out and plain BM25 ranks. Default false.
   */
  matchCountFactor?: boolean;
  /**
   * Queries with up to this many terms rank sections containing all of them first (keyword
   * search); longer ones, typically questions in natural language, rank by BM25 alone, since
   * requiring every word of a sentence says little about relevance. Default 4.
   */
  andFirstMaxTerms?: number;
  /** Long queries weigh a term by how often it occurs in the query. Default true. */
  repeatedTerms?: boolean;
  /** Words the index does not contain at all are matched fuzzily (typos). Default true. */
  typoFuzzy?: boolean;
  /**
   * Sections longer than this many words are indexed as passages of about this size, cut at blank
   * lines; 0 indexes whole sections. Changes what is indexed (a cache built with another value is
   * rebuilt). Default 150.
   */
  passageWords?: number;
}

export interface VaultIndexOptions {
  vault: VaultPort;
  /** Where the index cache lives (the plugin folder). */
  state: StateStore;
  settings?: {
    /** Folders (prefixes) or globs (`*`, `**`) left out of the index. */
    indexExclusions?: readonly string[];
    /** Notes larger than this (bytes, roughly) are indexed up to this size. Default 1 000 000. */
    maxIndexedFileBytes?: number;
  };
  clock?: Clock;
  /** Wait after a vault event before updating, so a burst of edits costs one update. Default 300 ms. */
  debounceMs?: number;
  /** Save the cache this long after the index last changed through vault events; 0 = never on its own. Default 0. */
  persistDelayMs?: number;
  /** Work done between two yields to the UI, in ms. Default 12. */
  sliceMs?: number;
  /** Cache key prefix in the state store. Default "search-index". */
  cacheKey?: string;
  ranking?: RankingOptions;
  /**
   * After a load from the cache, the first search starts reading the passage texts (snippets and
   * phrase checks then need no note file) in the background. A one-query process (the CLI's
   * `search`) turns this off: it would wait for them before exiting. Default true.
   */
  preloadTexts?: boolean;
  /**
   * Passage texts made while indexing are kept in memory up to this many characters in all; past
   * it (a first build of a large vault), a passage's text is read from its note when the cache is
   * written, and from the cache after that, so a build does not hold the vault. Default 8M.
   */
  textMemoryChars?: number;
}

export interface SyncReport {
  /** Notes indexed for the first time, re-indexed, removed, and already current. */
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  ms: number;
}

export interface IndexStats {
  notes: number;
  sections: number;
  terms: number;
  /** Notes indexed only up to the size cap. */
  truncated: number;
  /** Notes with broken frontmatter or binary content (indexed as well as possible). */
  problems: number;
  /** Vault changes waiting to be indexed. */
  pending: number;
  /** Whether the last load came from the cache. */
  fromCache: boolean;
  /** Milliseconds since the epoch of the last completed sync, or null. */
  syncedAt: number | null;
}

/** A search result with everything the search view needs beyond the shared contract. */
export interface SectionHit extends SearchResult {
  /** The heading trail (outermost first), for display and for `[[note#a#b]]` links. */
  trail?: string[];
}

type IndexField = 'title' | 'headings' | 'tags' | 'path' | 'body';
const FIELDS: IndexField[] = ['title', 'headings', 'tags', 'path', 'body'];
// The title is also body text of the first section, so its own field only adds a nudge: short
// fields already score high under BM25, and a boost of 3 cost 10 points nDCG@10 on SciFact
// (0.59 against 0.69 at 0.5).
const DEFAULT_BOOST: Record<IndexField, number> = { title: 0.3, headings: 1, tags: 1, path: 0.5, body: 1 };
const DEFAULT_BM25: Bm25Params = { k: 1.2, b: 0.75, d: 0.5 };
/** Overlay size (new postings plus removed sections) above which a sync or a batch of edits compacts the posting store. */
const COMPACT_AFTER_SYNC = 20_000;
/**
 * Overlay size at which a sync stops to compact before going on: the overlay keeps a posting as
 * three numbers in a growing JS array (~30 bytes), the compact arrays in ~7, so a full build of a
 * large vault left in the overlay peaked at 4-5× what it finally keeps.
 */
const COMPACT_DURING_SYNC = 3_000_000;
/** Notes a sync reads ahead of the one it indexes, so that reads overlap each other and the indexing. */
const READ_AHEAD = 16;
const COMPACT_AFTER_EDITS = 100_000;
/** Bytes of passage rows per `sections` chunk (about 150k passages). */
const SECTION_CHUNK_BYTES = 4 << 20;
/** Bump when tokenization, fields or stored metadata change: older caches are then rebuilt. */
const SCHEMA = 'passages-v1;h1-title;compact-postings;porter2;stop-v2;compounds;fields:title,headings,tags,path,body';

interface NoteEntry extends NoteInfo {
  /** The note's section documents, in document order. */
  ids: number[];
}

/** Cached note row: its info; its passages are the rows of the `sections` byte chunks with its number. */
type NoteRow = NoteInfo;
/** The cache's first chunk: the posting store's sizes, the size of its byte image, and our next id. */
interface CacheHead {
  store: StoreHead;
  imageBytes: number;
  nextId: number;
}

interface Candidate {
  id: number;
  score: number;
}

/**
 * The vault's full-text index: MiniSearch over note sections, persisted in the plugin folder,
 * kept current by mtime diffs at start-up and by vault events afterwards. Holds no note text:
 * snippets and `read` go back to the vault.
 */
export class VaultIndex implements VaultSearch {
  private readonly vault: VaultPort;
  private readonly state: StateStore;
  private readonly clock: Clock;
  private readonly exclusions: ((path: string) => boolean)[];
  private readonly maxChars: number;
  private readonly debounceMs: number;
  private readonly persistDelayMs: number;
  private readonly sliceMs: number;
  private readonly cacheKey: string;
  private readonly boost: Record<IndexField, number>;
  private readonly bm25: Bm25Params;
  private readonly matchCountFactor: boolean;
  private readonly andFirstMaxTerms: number;
  private readonly repeatedTerms: boolean;
  private readonly typoFuzzy: boolean;
  private readonly passageWords: number;
  private readonly schema: string;
  private readonly tokenizer = new Tokenizer();
  private readonly titles = new TitleIndex();
  /** Titles of a loaded cache not yet in `titles`: filled at first use, so a load does not wait for them. */
  private pendingTitles: [string, string, string[]][] | null = null;
  private store = new PostingStore(FIELDS);
  private notes = new Map<string, NoteEntry>();
  private sections = new SectionTable();
  private nextId = 1;
  private manifest: CacheManifest | null = null;
  private fromCache = false;
  private syncedAt: number | null = null;
  /**
   * Each live passage's text as snippets and phrase checks read it (its lines, without the heading
   * line of a section's first passage), so a query reads no note file. Filled while indexing, and
   * after a load from the cache's `texts` chunks (`loadPassageTexts`); a passage without one falls
   * back to reading its note.
   */
  private texts = new Map<number, string>();
  /** Texts of passages unchanged since the load: UTF-8 in the cache's texts chunks, decoded when shown. */
  private cachedTexts = new Map<number, Uint8Array>();
  private decoder: TextDecoder | null = null;
  /** The loading of the cached texts of the manifest loaded last, once started. */
  private textsLoad: Promise<void> | null = null;
  /** Bumped by every reset: a texts load of an older generation stops. */
  private epoch = 0;
  private readonly preloadTexts: boolean;
  private readonly textMemoryChars: number;
  /** Characters in `texts`. */
  private textChars = 0;
  /**
   * Passages indexed again since the cache was loaded or last written: its texts of them may be
   * outdated (a kept passage's hash covers its indexed fields, not every character, e.g. a URL's
   * path), so a texts load that was under way keeps out of them.
   */
  private indexedSinceCache = new Set<number>();
  /** The loaded or last written cache holds texts that memory does not: `loadPassageTexts` reads them. */
  private textsInCache = false;
  /** Index mutations run one after another through this chain. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, 'index' | 'delete'>();
  private timer: number | null = null;
  private persistTimer: number | null = null;
  private changedSincePersist = false;

  constructor(options: VaultIndexOptions) {
    this.vault = options.vault;
    this.state = options.state;
    this.clock = options.clock ?? systemClock;
    this.exclusions = (options.settings?.indexExclusions ?? []).map(exclusionMatcher);
    this.maxChars = options.settings?.maxIndexedFileBytes ?? 1_000_000;
    this.debounceMs = options.debounceMs ?? 300;
    this.persistDelayMs = options.persistDelayMs ?? 0;
    this.sliceMs = options.sliceMs ?? 12;
    this.cacheKey = options.cacheKey ?? 'search-index';
    this.boost = { ...DEFAULT_BOOST, ...options.ranking?.boost };
    this.bm25 = options.ranking?.bm25 ?? DEFAULT_BM25;
    this.matchCountFactor = options.ranking?.matchCountFactor ?? false;
    this.andFirstMaxTerms = options.ranking?.andFirstMaxTerms ?? 4;
    this.repeatedTerms = options.ranking?.repeatedTerms ?? true;
    this.typoFuzzy = options.ranking?.typoFuzzy ?? true;
    this.passageWords = options.ranking?.passageWords ?? DEFAULT_PASSAGE_WORDS;
    this.schema = this.passageWords === DEFAULT_PASSAGE_WORDS ? SCHEMA : `${SCHEMA};passage-words:${this.passageWords}`;
    this.preloadTexts = options.preloadTexts ?? true;
    this.textMemoryChars = options.textMemoryChars ?? 8_000_000;
  }

  /** Whether a vault path is a note this index covers. */
  includes(path: string): boolean {
    if (!path.toLowerCase().endsWith('.md')) return false;
    if (path.startsWith(`${this.vault.configDir}/`)) return false;
    return !this.exclusions.some((excluded) => excluded(path));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Loads the cached index, in slices that leave the UI responsive. Returns false (and leaves the
   * index empty, ready for a full `sync`) when there is no usable cache; a damaged or outdated
   * cache is removed rather than reported.
   */
  load(signal?: AbortSignal): Promise<boolean> {
    return this.exclusive(async () => {
      let manifest: CacheManifest | null = null;
      try {
        manifest = await readManifest(this.state, this.cacheKey, this.schema);
        if (!manifest || manifest.chunks.length === 0) return false;
        const chunksOf = (kind: string) => manifest!.chunks.filter((c) => c.kind === kind);
        const [headChunk] = chunksOf('head');
        if (!headChunk) throw new Error('Search: cache without head');
        const head = JSON.parse(await readChunk(this.state, headChunk)) as CacheHead;
        // Every step below works through chunks of at most 4 MB and yields every `sliceMs`, so no single
        // JSON.parse or copy blocks the UI (one 5 MB head chunk blocked 200-700 ms at 10k notes).
        let last = Date.now();
        const breathe = async (): Promise<void> => {
          if (Date.now() - last > this.sliceMs) {
            await this.pause();
            last = Date.now();
          }
        };
        // Chunks are read a few ahead of the one being decoded, in the order the loader takes them.
        const order = ['terms', 'image', 'notes', 'headings', 'sections'].flatMap((kind) => chunksOf(kind).map((c) => c.key));
        const state = readingAhead(this.state, order, 3);
        const textsOf = async function* (kind: string): AsyncGenerator<string> {
          for (const chunk of chunksOf(kind)) {
            signal?.throwIfAborted();
            const text = await readChunk(state, chunk);
            await breathe();
            yield text;
          }
        };
        const rowsOf = async <T>(kind: string, each: (row: T) => void): Promise<void> => {
          for await (const text of textsOf(kind)) {
            const rows = JSON.parse(text) as T[];
            await breathe();
            for (const row of rows) {
              each(row);
              if (Date.now() - last > this.sliceMs) await breathe();
            }
          }
        };
        // The posting store is a byte image: its arrays become views over the bytes, nothing is decoded.
        const terms: string[] = [];
        for await (const text of textsOf('terms')) for (const term of textToTerms(text)) terms.push(term);
        const words = imageWords(head.imageBytes);
        if (chunksOf('image').reduce((sum, c) => sum + c.length, 0) !== head.imageBytes) throw new Error('Search: cache image chunks do not add up to its head');
        const buffer = new Uint32Array(words);
        let filled = 0;
        for (const chunk of chunksOf('image')) {
          signal?.throwIfAborted();
          filled = await readImageByteChunk(state, chunk, buffer, filled);
          await breathe();
        }
        const image = new Uint8Array(buffer.buffer, 0, head.imageBytes);
        const store = PostingStore.fromImage(FIELDS, head.store, terms, image);
        const notes = new Map<string, NoteEntry>();
        const paths: string[] = [];
        const titles: [string, string, string[]][] = [];
        const entries: NoteEntry[] = [];
        await rowsOf<NoteRow>('notes', (info) => {
          // The parsed row becomes the entry itself (no copy of each note's info); its ids come with the passages.
          const entry = info as NoteEntry;
          entry.ids = [];
          notes.set(info.path, entry);
          entries.push(entry);
          paths.push(info.path);
          titles.push([info.path, info.title, info.aliases]);
        });
        if (notes.size !== entries.length) throw new Error('Search: a note listed twice');
        // Columns sized by the posting store's id limit, which was checked against the image just read.
        const sections = SectionTable.forLoad(paths, head.store.idLimit);
        // A flat list [id, "heading", …].
        let headingId = -1;
        await rowsOf<unknown>('headings', (v) => {
          if (typeof v === 'number') headingId = v;
          else if (typeof v === 'string') sections.setHeading(headingId, v);
          else throw new Error('Search: a heading that is not text');
        });
        for (const chunk of chunksOf('sections')) {
          signal?.throwIfAborted();
          // Rows come note by note in document order, so each note's ids are in order too.
          sections.addRows(await readByteChunk(state, chunk), (id, note) => entries[note].ids.push(id));
          await breathe();
        }
        sections.checkHeadings();
        // Every passage is a document of the posting store.
        let checked = 0;
        for (const n of entries) {
          for (const id of n.ids) if (!store.has(id)) throw new Error('Search: a passage the postings do not have');
          if (++checked % 1024 === 0) await breathe();
        }
        this.reset();
        this.store = store;
        this.nextId = head.nextId;
        this.notes = notes;
        this.sections = sections;
        this.pendingTitles = titles;
        this.manifest = manifest;
        this.textsLoad = null;
        this.fromCache = true;
        return true;
      } catch (error) {
        if (signal?.aborted) throw error;
        // Unreadable, damaged or from another version: start from nothing and drop the files.
        this.reset();
        this.fromCache = false;
        const stale = manifest ?? (await peekManifest(this.state, this.cacheKey));
        await deleteCache(this.state, this.cacheKey, stale).catch(() => undefined);
        this.manifest = null;
        return false;
      }
    });
  }

  /**
   * Brings the index in line with the vault: notes whose mtime or size changed are re-indexed,
   * new ones added, vanished ones removed. Works in slices and reports progress with counts.
   */
  sync(signal?: AbortSignal, progress: ProgressReporter = noProgress): Promise<SyncReport> {
    return this.exclusive(async () => {
      const started = Date.now();
      const files = (await this.vault.list()).filter((f) => this.includes(f.path));
      const present = new Set(files.map((f) => f.path));
      const report: SyncReport = { added: 0, updated: 0, removed: 0, unchanged: 0, ms: 0 };
      for (const path of [...this.notes.keys()]) {
        if (!present.has(path)) {
          this.removeNote(path);
          report.removed++;
        }
      }
      const todo: VaultFileStat[] = [];
      for (const f of files) {
        const known = this.notes.get(f.path);
        if (known && known.mtime === f.mtime && known.size === f.size) report.unchanged++;
        else todo.push(f);
      }
      const total = todo.length;
      progress({ done: 0, total, message: total === 0 ? tr('core.search.upToDate') : total === 1 ? tr('core.search.indexingOne') : tr('core.search.indexing', { total }) });
      let last = Date.now();
      const reads: (Promise<string> | undefined)[] = [];
      let ahead = 0;
      for (let i = 0; i < todo.length; i++) {
        signal?.throwIfAborted();
        for (; ahead < todo.length && ahead < i + READ_AHEAD; ahead++) {
          const read = this.vault.read(todo[ahead].path);
          // Handled where it is awaited (indexFile); this keeps a failed read that is not awaited yet from counting as unhandled.
          read.catch(() => undefined);
          reads[ahead] = read;
        }
        const f = todo[i];
        const read = reads[i];
        reads[i] = undefined;
        const known = this.notes.has(f.path);
        if (await this.indexFile(f.path, f, read)) {
          if (known) report.updated++;
          else report.added++;
        }
        if (this.store.overlaySize > COMPACT_DURING_SYNC) await this.compact();
        if (Date.now() - last > this.sliceMs) {
          progress({ done: i + 1, total, message: tr('core.search.indexingProgress', { done: i + 1, total }) });
          await this.pause();
          last = Date.now();
        }
      }
      if (report.added + report.updated + report.removed > 0) this.changedSincePersist = true;
      if (this.store.overlaySize > COMPACT_AFTER_SYNC) await this.compact();
      this.store.releaseOverlay();
      this.sections.seal();
      progress({ done: total, total, message: files.length === 1 ? tr('core.search.indexedOne') : tr('core.search.indexed', { count: files.length }) });
      this.syncedAt = this.clock.now();
      report.ms = Date.now() - started;
      return report;
    });
  }

  /** Drops everything (including the cache) and indexes the whole vault again. */
  async rebuild(signal?: AbortSignal, progress: ProgressReporter = noProgress): Promise<SyncReport> {
    await this.exclusive(async () => {
      this.reset();
      await deleteCache(this.state, this.cacheKey, this.manifest).catch(() => undefined);
      this.manifest = null;
    });
    const report = await this.sync(signal, progress);
    await this.persist();
    return report;
  }

  /**
   * Follows vault events from now on: changes are collected and applied after `debounceMs` of
   * quiet (or at the next search). Returns the function that stops following.
   */
  attach(): () => void {
    const off = this.vault.on((event) => this.enqueue(event));
    return () => {
      off();
      if (this.timer !== null) window.clearTimeout(this.timer);
      if (this.persistTimer !== null) window.clearTimeout(this.persistTimer);
      this.timer = null;
      this.persistTimer = null;
    };
  }

  private enqueue(event: VaultEvent): void {
    if (event.type === 'rename') this.pending.set(event.oldPath, 'delete');
    this.pending.set(event.path, event.type === 'delete' ? 'delete' : 'index');
    // Not reset on every event: a note being typed into still gets indexed every debounce period.
    this.timer ??= window.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.debounceMs);
  }

  /** Applies the vault changes collected so far. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    return this.exclusive(async () => {
      const batch = [...this.pending];
      this.pending.clear();
      for (const [path, action] of batch) {
        if (action === 'delete' || !this.includes(path)) {
          if (this.notes.has(path)) this.removeNote(path);
          continue;
        }
        const stat = await this.vault.stat(path);
        if (stat === null) this.removeNote(path);
        else await this.indexFile(path, stat);
      }
      if (this.store.overlaySize > COMPACT_AFTER_EDITS) await this.compact();
      if (batch.length > 0) {
        this.changedSincePersist = true;
        this.schedulePersist();
      }
    });
  }

  private schedulePersist(): void {
    if (this.persistDelayMs <= 0 || this.persistTimer !== null) return;
    this.persistTimer = window.setTimeout(() => {
      this.persistTimer = null;
      void this.persist().catch(() => undefined);
    }, this.persistDelayMs);
  }

  /** Writes the cache if the index changed since it was loaded or last written. */
  persist(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.changedSincePersist && this.manifest !== null) return;
      // Texts still in the previous generation's chunks must be read before those are replaced.
      await this.loadPassageTexts();
      // Nothing changes the index while this runs (every change goes through the same queue). The
      // overlay is merged in first; the tables are then read lazily, chunk by chunk.
      if (this.store.overlaySize > 0) await this.compact();
      const store = this.store;
      const image = store.imagePieces(IMAGE_CHUNK_BYTES);
      const head: CacheHead = { store: image.head, imageBytes: image.byteLength, nextId: this.nextId };
      const notes = this.notes;
      const sections = this.sections;
      const texts = this.texts;
      const cachedTexts = this.cachedTexts;
      const vault = this.vault;
      this.changedSincePersist = false;
      const pause = () => this.pause();
      let readFromNotes = 0;
      async function* chunks(): AsyncGenerator<{ kind: string; text: string; hash?: string } | { kind: string; bytes: Uint8Array; hash?: string }> {
        yield { kind: 'head', text: JSON.stringify(head) };
        for (const text of termsToText(image.terms)) {
          yield { kind: 'terms', text };
          await pause();
        }
        for (const bytes of image.pieces) {
          yield { kind: 'image', bytes };
          await pause();
        }
        // Notes in order (their number is their place), then their passages in that order.
        const noteNumber = new Map<string, number>();
        const order: number[] = [];
        const noteRows = function* (): Generator<string> {
          for (const n of notes.values()) {
            const { ids, ...info } = n;
            noteNumber.set(n.path, noteNumber.size);
            for (const id of ids) order.push(id);
            const row: NoteRow = info;
            yield JSON.stringify(row);
          }
        };
        for await (const text of chunkJsonItems(noteRows(), pause)) yield { kind: 'notes', text };
        const table = sections.encode(order, (path) => noteNumber.get(path)!);
        const headingItems = function* (): Generator<string> {
          for (const [id, heading] of table.headings) yield `${id},${JSON.stringify(heading)}`;
        };
        for await (const text of chunkJsonItems(headingItems(), pause)) yield { kind: 'headings', text };
        const rowBytes = 4 * SECTION_WORDS * Math.floor(SECTION_CHUNK_BYTES / (4 * SECTION_WORDS));
        for (let at = 0; at < table.bytes.length; at += rowBytes) {
          yield { kind: 'sections', bytes: table.bytes.subarray(at, at + rowBytes) };
          await pause();
        }
        // Note by note: a passage whose text memory does not hold (past `textMemoryChars`) is read
        // from its note, once per note, if the note is still the one indexed (else it has none, and
        // a query reads the note until the note's update gives it one).
        const textEntries = async function* (): AsyncGenerator<[number, string | Uint8Array]> {
          const held = (id: number) => texts.has(id) || cachedTexts.has(id);
          const list = [...notes.values()];
          // The notes to read, READ_AHEAD at a time ahead of the one written, as the sync reads them.
          const reads = new Map<number, Promise<((s: SectionMeta) => string) | null>>();
          let ahead = 0;
          for (let i = 0; i < list.length; i++) {
            for (ahead = Math.max(ahead, i); ahead < list.length && reads.size < READ_AHEAD; ahead++) {
              if (!list[ahead].ids.every(held)) reads.set(ahead, noteTexts(vault, list[ahead]));
            }
            const n = list[i];
            const read = reads.get(i);
            reads.delete(i);
            let fromNote: ((s: SectionMeta) => string) | null | undefined;
            for (const id of n.ids) {
              const text = texts.get(id) ?? cachedTexts.get(id);
              if (text !== undefined) {
                yield [id, text];
                continue;
              }
              if (fromNote === undefined) fromNote = read ? await read : null;
              const meta = fromNote && sections.get(id);
              if (!fromNote || !meta) continue;
              readFromNotes++;
              yield [id, fromNote(meta)];
            }
          }
        };
        for await (const bytes of textChunks(textEntries(), pause)) yield { kind: 'texts', bytes };
      }
      try {
        // The cache on disk may be another process's (the CLI's and the plugin's share it): a new
        // generation follows both it and ours, so a failed write never overwrites chunks it points
        // at, and a finished one removes the chunks of both.
        const onDisk = await peekManifest(this.state, this.cacheKey);
        const ours = this.manifest;
        let previous = ours ?? onDisk;
        if (ours && onDisk) {
          const listed = new Set(onDisk.chunks.map((c) => c.key));
          previous = { generation: Math.max(ours.generation, onDisk.generation), chunks: [...onDisk.chunks, ...ours.chunks.filter((c) => !listed.has(c.key))] };
        }
        this.manifest = await writeCache(this.state, this.cacheKey, this.schema, previous, chunks());
        this.indexedSinceCache.clear();
        if (readFromNotes > 0) {
          // Those texts are in the new cache only: the next search reads them from there.
          this.textsInCache = true;
          this.textsLoad = null;
        }
      } catch (error) {
        this.changedSincePersist = true;
        throw error;
      }
    });
  }

  // ---------------------------------------------------------------- indexing

  private async indexFile(path: string, stat: VaultFileStat, read?: Promise<string>): Promise<boolean> {
    let text: string;
    try {
      text = await (read ?? this.vault.read(path));
    } catch {
      // Gone between listing and reading: it will come back as an event if it reappears.
      if (this.notes.has(path)) this.removeNote(path);
      return false;
    }
    const built = buildNoteDocuments(path, text, stat, this.maxChars, { passageWords: this.passageWords });
    // Sections whose field texts are unchanged keep their documents (an edit usually touches one
    // section; re-adding all of a note's sections made a one-line edit cost 2-8 ms at 10k notes).
    const reusable = new Map<string, number[]>();
    for (const id of this.notes.get(path)?.ids ?? []) {
      const hash = this.sections.hashOf(id);
      if (hash === undefined || !this.store.has(id)) continue;
      const same = reusable.get(hash);
      if (same) same.push(id);
      else reusable.set(hash, [id]);
    }
    const ids: number[] = [];
    const passageText = passageTexts(text, built.info.problem === 'binary content');
    for (const section of built.sections) {
      const f = section.fields;
      const hash = hashText(`${f.title}\u0000${f.headings}\u0000${f.tags}\u0000${f.path}\u0000${f.body}`);
      let id = reusable.get(hash)?.shift();
      if (id === undefined) {
        id = this.nextId++;
        this.store.add(id, [f.title, f.headings, f.tags, f.path, f.body], this.tokenize);
      }
      const meta: SectionMeta = { path, heading: section.heading, line: section.line, endLine: section.endLine, continued: section.continued === true, hash };
      this.sections.set(id, meta);
      // Set again for a kept passage too: its hash covers the indexed fields, not every character.
      this.setText(id, this.textChars < this.textMemoryChars ? passageText(meta) : undefined);
      this.cachedTexts.delete(id);
      if (this.manifest !== null) this.indexedSinceCache.add(id);
      ids.push(id);
    }
    for (const left of reusable.values()) {
      for (const id of left) this.discardSection(id);
    }
    this.notes.set(path, { ...built.info, ids });
    this.titleIndex().set(path, built.info.title, built.info.aliases);
    return true;
  }

  private discardSection(id: number): void {
    this.store.discard(id);
    this.sections.delete(id);
    this.setText(id, undefined);
    this.cachedTexts.delete(id);
  }

  /** Keeps a passage's text in memory (counted against `textMemoryChars`), or forgets it. */
  private setText(id: number, text: string | undefined): void {
    const before = this.texts.get(id);
    if (before !== undefined) this.textChars -= before.length;
    if (text === undefined) this.texts.delete(id);
    else {
      this.texts.set(id, text);
      this.textChars += text.length;
    }
  }

  private removeNote(path: string): void {
    const n = this.notes.get(path);
    if (!n) return;
    for (const id of n.ids) this.discardSection(id);
    this.notes.delete(path);
    this.titleIndex().delete(path);
  }

  private reset(): void {
    this.store = new PostingStore(FIELDS);
    this.notes = new Map();
    this.sections = new SectionTable();
    this.texts = new Map();
    this.textChars = 0;
    this.cachedTexts = new Map();
    this.textsLoad = null;
    this.textsInCache = false;
    this.indexedSinceCache = new Set();
    this.epoch++;
    this.titles.clear();
    this.pendingTitles = null;
    this.nextId = 1;
  }

  /** The title lookup, with the titles of a loaded cache added at the first need. */
  private titleIndex(): TitleIndex {
    const pending = this.pendingTitles;
    if (pending !== null) {
      this.pendingTitles = null;
      for (const t of pending) this.titles.set(...t);
    }
    return this.titles;
  }

  /** A passage's text if the index holds it. */
  private textOf(id: number): string | undefined {
    const text = this.texts.get(id);
    if (text !== undefined) return text;
    const bytes = this.cachedTexts.get(id);
    if (bytes === undefined) return undefined;
    this.decoder ??= new TextDecoder();
    return this.decoder.decode(bytes);
  }

  /**
   * Reads the passage texts of the loaded cache, in slices, so that queries stop reading notes.
   * Idempotent; never fails (a passage whose text could not be read falls back to its note). The
   * first search after a load starts it unless `preloadTexts` is off; `persist` waits for it.
   */
  loadPassageTexts(): Promise<void> {
    const manifest = this.manifest;
    if (this.textsLoad === null && manifest !== null && (this.fromCache || this.textsInCache)) {
      const epoch = this.epoch;
      const chunks = manifest.chunks.filter((c) => c.kind === 'texts');
      this.textsLoad = (async () => {
        let last = Date.now();
        for (const chunk of chunks) {
          let entries: ReturnType<typeof readTextChunk>;
          try {
            entries = readTextChunk(await readByteChunk(this.state, chunk));
          } catch {
            return;
          }
          if (this.epoch !== epoch) return;
          const { ids, ends, data } = entries;
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i];
            // A passage indexed since the load has its own text (or reads its note); a discarded one needs none.
            if (this.sections.has(id) && !this.texts.has(id) && !this.indexedSinceCache.has(id)) this.cachedTexts.set(id, data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
          }
          if (Date.now() - last > this.sliceMs) {
            await this.pause();
            last = Date.now();
          }
        }
      })();
    }
    return this.textsLoad ?? Promise.resolve();
  }

  // ---------------------------------------------------------------- queries

  /** Notes whose title, file name or alias is exactly `name` (case- and accent-insensitive). */
  findByTitle(name: string): string[] {
    return this.titleIndex().lookup(name);
  }

  /** Every indexed note's path, sorted. */
  paths(): string[] {
    return [...this.notes.keys()].sort();
  }

  /** The note's title, aliases and tags as indexed, or undefined. */
  note(path: string): Readonly<NoteInfo> | undefined {
    const n = this.notes.get(path);
    if (!n) return undefined;
    const { ids: _ids, ...info } = n;
    return info;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SectionHit[]> {
    if (this.pending.size > 0) await this.flush();
    const q = parseQuery(query);
    const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 10)));
    const terms: string[] = [];
    const counts = new Map<string, number>();
    const addTerm = (t: string): void => {
      if (!counts.has(t)) terms.push(t);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    };
    // A hyphenated word's terms are its parts and its joined compound ("IL-6": il, 6, il6), as it
    // is indexed. The compound stands for its parts: a passage with "IL6" matches the word as one
    // with "IL-6" does, and it does not count as one more word to match (or "IL6 levels" would
    // rank below "6 levels" for "IL-6 levels").
    const words = new Set<string>();
    const partsOf = new Map<string, string[]>();
    for (const w of q.words) {
      for (const t of this.tokenizer.tokenize(w)) {
        words.add(t);
        addTerm(t);
      }
      for (const c of this.tokenizer.compounds(w)) {
        addTerm(c.term);
        partsOf.set(c.term, [...(partsOf.get(c.term) ?? []), ...this.tokenizer.tokenize(w.slice(c.start, c.end))]);
      }
    }
    const phrases = q.phrases.map((p) => this.tokenizer.tokenize(p.join(' '))).filter((p) => p.length > 0);
    for (const p of phrases) {
      for (const t of p) {
        words.add(t);
        if (!terms.includes(t)) terms.push(t);
      }
    }
    const covers = terms.map((t) => (words.has(t) ? undefined : partsOf.get(t)?.map((part) => terms.indexOf(part))));
    const termCount = terms.length - covers.filter((c) => c !== undefined).length;
    const excludedPhrases = q.excludedPhrases.map((p) => this.tokenizer.tokenize(p.join(' '))).filter((p) => p.length > 0);
    const lastWord = q.words[q.words.length - 1];
    let prefix: string | undefined;
    // Completing the word being typed is for search as you type only: a finished query (the agent,
    // the CLI) means its words (completion cost about half a point of rank-1 accuracy on long notes).
    if (options.prefix === true && q.lastWordOpen && lastWord && lastWord.length >= 3) {
      const last = this.tokenizer.tokenize(lastWord);
      prefix = last[last.length - 1];
    }
    const hasFilter = q.paths.length + q.tags.length + q.folders.length + (options.folder ? 1 : 0) > 0;
    if (terms.length === 0 && !hasFilter) return [];

    // An excluded word leaves out the passages the word would find: one term is that term; a
    // hyphenated compound is its joined term, which both spellings are indexed by ("-IL-6" leaves
    // out IL-6 and IL6, not every passage with a 6); any other word of several terms is a phrase
    // ("-Alzheimer's" is not every possessive s).
    const excludedTerms: string[] = [];
    for (const w of q.excludedWords) {
      const words = this.tokenizer.tokenize(w);
      const compounds = this.tokenizer.indexTerms(w).slice(words.length);
      if (compounds.length > 0) excludedTerms.push(...compounds);
      else if (words.length === 1) excludedTerms.push(words[0]);
      else if (words.length > 1) excludedPhrases.push(words);
    }
    const excluded = excludedTerms.length > 0 ? this.store.documentsWith(excludedTerms) : null;
    const allowed = (id: number): boolean => this.passesFilters(id, q, options.folder);

    // Phrase checks drop candidates: keep a margin beyond the limit. Without them, one result per
    // note is chosen while ranking (the best passage of each note), so many passages of one long
    // note cannot crowd the others out of the candidates.
    const checksText = phrases.length + excludedPhrases.length > 0;
    const byNote = options.notes === true && !checksText;
    const keep = (options.notes && !byNote ? limit * 4 : limit) * (checksText ? 10 : 1) + 10;
    let candidates: Candidate[];
    if (terms.length === 0) {
      candidates = [];
      for (const id of this.sections.keys()) if (!excluded?.has(id) && allowed(id)) candidates.push({ id, score: 1 });
      candidates.sort((a, b) => this.sections.pathOf(a.id)!.localeCompare(this.sections.pathOf(b.id)!) || a.id - b.id);
    } else {
      // One pass over the postings yields both the AND set (sections matching every term, ranked
      // first) and the OR fallback.
      // A word said twice in a long question weighs twice, as in Lucene's BM25 over a bag of words.
      const weights = this.repeatedTerms && termCount > this.andFirstMaxTerms ? terms.map((t) => counts.get(t) ?? 1) : undefined;
      const query = { terms, weights, prefix, covers: termCount < terms.length ? covers : undefined, boost: this.boost, bm25: this.bm25 };
      // A word the index does not contain at all is most likely a typo: match it fuzzily right away.
      const typos = this.typoFuzzy ? { fuzzy: 0.2, maxFuzzy: 2, fuzzyOnlyMissing: true } : {};
      candidates = this.rank({ ...query, ...typos }, termCount, keep, excluded, allowed, byNote);
      // Fuzzy matching only when exact matching finds nothing: it is slower and less precise.
      if (candidates.length === 0 && phrases.length === 0) {
        candidates = this.rank({ ...query, fuzzy: 0.2, maxFuzzy: 2 }, termCount, keep, excluded, allowed, byNote);
      }
    }
    const matcher: TermMatcher = { exact: new Set(terms), prefix };
    return this.finish(candidates, { limit, notes: options.notes ?? false, phrases, excludedPhrases, matcher });
  }

  /**
   * The best `keep` results: passages matching every term first, then by score. With `byNote`,
   * only the best passage of each note counts (a note ranks by its best passage).
   */
  private rank(query: ScoreQuery, termCount: number, keep: number, excluded: Set<number> | null, allowed: (id: number) => boolean, byNote = false): Candidate[] {
    const groupOf = byNote ? (id: number) => this.sections.pathOf(id) ?? '' : null;
    const full = new TopK(keep, groupOf);
    const partial = new TopK(keep, groupOf);
    const andFirst = termCount <= this.andFirstMaxTerms;
    this.store.score(query, (id, raw, matched) => {
      const score = this.matchCountFactor ? raw * matched : raw;
      const top = !andFirst || matched >= termCount ? full : partial;
      // Filters are checked only for passages that would make the cut.
      if (!top.wouldTake(score) || excluded?.has(id)) return;
      if (allowed(id)) top.offer(id, score);
    });
    const out = full.sorted();
    if (out.length >= keep) return out;
    const rest = groupOf ? partial.sorted().filter((c) => !full.hasGroup(groupOf(c.id))) : partial.sorted();
    return [...out, ...rest.slice(0, keep - out.length)];
  }

  private passesFilters(id: number, q: ParsedQuery, folder: string | undefined): boolean {
    const path = this.sections.pathOf(id);
    if (path === undefined) return false;
    if (folder && !underFolder(path, folder)) return false;
    if (q.folders.length > 0 && !q.folders.some((f) => underFolder(path, f))) return false;
    if (q.paths.length > 0 || q.excludedPaths.length > 0) {
      const lower = path.toLowerCase();
      if (!q.paths.every((p) => lower.includes(p))) return false;
      if (q.excludedPaths.some((p) => lower.includes(p))) return false;
    }
    if (q.tags.length > 0 || q.excludedTags.length > 0) {
      const tags = this.notes.get(path)?.tags ?? [];
      const has = (t: string) => tags.some((x) => x === t || x.startsWith(`${t}/`));
      if (!q.tags.every(has)) return false;
      if (q.excludedTags.some(has)) return false;
    }
    return true;
  }

  /** Phrase checks, grouping, snippets and 0–1 scores for the best candidates. */
  private async finish(
    candidates: Candidate[],
    o: { limit: number; notes: boolean; phrases: string[][]; excludedPhrases: string[][]; matcher: TermMatcher },
  ): Promise<SectionHit[]> {
    const texts = new Map<string, string[] | null>();
    const linesOf = async (path: string): Promise<string[] | null> => {
      if (!texts.has(path)) {
        try {
          texts.set(path, splitText(await this.vault.read(path)).lines);
        } catch {
          texts.set(path, null);
        }
      }
      return texts.get(path) ?? null;
    };
    const needsText = o.phrases.length > 0 || o.excludedPhrases.length > 0;
    const hits: SectionHit[] = [];
    const seenNotes = new Set<string>();
    let checked = 0;
    if (this.preloadTexts) void this.loadPassageTexts();
    for (const c of candidates) {
      if (hits.length >= o.limit) break;
      const s = this.sections.get(c.id);
      if (!s) continue;
      if (o.notes && seenNotes.has(s.path)) continue;
      // Phrase checks look at text; stop looking after a bounded number of candidates.
      if (needsText && ++checked > 400) break;
      let sectionText = this.textOf(c.id);
      if (sectionText === undefined) {
        const lines = await linesOf(s.path);
        if (lines === null) continue;
        const body = bodyLine(s);
        sectionText = lines.slice(body - 1, s.endLine).join('\n');
      }
      const positions = this.tokenizer.positions(sectionText);
      if (needsText) {
        const withHeading = s.heading !== null ? this.tokenizer.tokenize(s.heading).map((term) => ({ term, start: 0, end: 0 })) : [];
        const all = [...withHeading, ...positions];
        if (!o.phrases.every((p) => containsPhrase(all, p))) continue;
        if (o.excludedPhrases.some((p) => containsPhrase(all, p))) continue;
      }
      seenNotes.add(s.path);
      const note = this.notes.get(s.path);
      hits.push({
        path: s.path,
        title: note?.title ?? s.path,
        heading: s.heading,
        line: s.line,
        endLine: s.endLine,
        score: c.score,
        snippet: makeSnippet(sectionText, withCompounds(positions, this.tokenizer.compounds(sectionText), o.matcher), o.matcher),
      });
    }
    // Scores relative to the best, never increasing down the list (AND matches rank above OR ones).
    const top = hits.length > 0 ? hits[0].score : 1;
    let previous = 1;
    for (const h of hits) {
      const relative = top > 0 ? Math.min(previous, h.score / top) : 0;
      h.score = Math.round(relative * 10_000) / 10_000;
      previous = relative;
    }
    return hits;
  }

  /**
   * A note's text with line numbers, or only one heading's section (with its subsections) or a
   * line range, capped at `maxChars`. `path` may also be a note's title, file name or alias.
   */
  async read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    const resolved = await this.resolvePath(path);
    const text = await this.vault.read(resolved);
    const { lines } = splitText(text);
    const totalLines = lines.length;
    let start = 1;
    let end = Math.max(1, totalLines);
    if (options.heading) {
      const section = findSection(text, options.heading, { withSubsections: true });
      if (!section) {
        const known = listHeadings(text).map((h) => h.heading);
        throw new Error(
          `Search: "${resolved}" has no heading "${options.heading}"` + (known.length > 0 ? `; its headings are: ${known.slice(0, 30).join(' | ')}` : '; it has no headings'),
        );
      }
      start = section.startLine;
      end = section.endLine;
    } else if (options.lines) {
      const [from, to] = options.lines;
      start = Math.max(1, Math.floor(from));
      end = Math.min(Math.max(1, totalLines), Math.floor(to));
      if (start > end) throw new Error(`Search: "${resolved}" has ${totalLines} lines; lines ${from}–${to} are outside it`);
    }
    const maxChars = options.maxChars ?? 12_000;
    const width = String(end).length;
    let out = '';
    let last = start - 1;
    for (let n = start; n <= end; n++) {
      const line = `${String(n).padStart(width, ' ')}: ${lines[n - 1] ?? ''}\n`;
      if (out.length + line.length > maxChars && n > start) break;
      out += line;
      last = n;
    }
    const truncated = last < end;
    if (truncated) out += `… lines ${last + 1}–${end} not shown (read them with lines [${last + 1}, ${end}])\n`;
    return { path: resolved, text: out, startLine: start, endLine: last, totalLines, truncated };
  }

  private async resolvePath(path: string): Promise<string> {
    const cleaned = path.trim().replace(/^\/+/, '').replace(/\\/g, '/');
    if (this.notes.has(cleaned) || (await this.vault.stat(cleaned)) !== null) return cleaned;
    if (!cleaned.toLowerCase().endsWith('.md') && (await this.vault.stat(`${cleaned}.md`)) !== null) return `${cleaned}.md`;
    const byName = this.titleIndex().lookup(cleaned.replace(/\.md$/i, '').split('/').pop() ?? cleaned);
    if (byName.length > 0) return byName[0];
    throw new Error(`Search: no note "${path}" in the vault`);
  }

  stats(): IndexStats {
    let truncated = 0;
    let problems = 0;
    for (const n of this.notes.values()) {
      if (n.truncated) truncated++;
      if (n.problem) problems++;
    }
    return {
      notes: this.notes.size,
      sections: this.sections.size,
      terms: this.store.termCount,
      truncated,
      problems,
      pending: this.pending.size,
      fromCache: this.fromCache,
      syncedAt: this.syncedAt,
    };
  }

  // ---------------------------------------------------------------- plumbing

  private readonly tokenize = (text: string): string[] => this.tokenizer.indexTerms(text);

  /** Merges the posting store's overlay in, in slices (searches meanwhile read the previous arrays). */
  private async compact(): Promise<void> {
    let last = Date.now();
    const steps = this.store.compaction();
    while (!steps.next().done) {
      if (Date.now() - last > this.sliceMs) {
        await this.pause();
        last = Date.now();
      }
    }
    // The passages indexed since go into the table's columns with their postings.
    this.sections.seal();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Lets the UI breathe between slices of work. */
  private pause(): Promise<void> {
    return new Promise((resolve) => window.setTimeout(resolve, 0));
  }
}

/**
 * The `size` best-scoring items seen, without sorting everything (result sets can be large). With
 * `groupOf`, at most one item per group (the best): an item below the `size`-th best group can
 * never enter, so `wouldTake` stays a cheap first check.
 */
class TopK {
  private readonly items: Candidate[] = [];
  private readonly groups = new Map<string, Candidate>();

  constructor(
    private readonly size: number,
    private readonly groupOf: ((id: number) => string) | null = null,
  ) {}

  wouldTake(score: number): boolean {
    return this.items.length < this.size || score > this.items[this.items.length - 1].score;
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  offer(id: number, score: number): void {
    const items = this.items;
    if (!this.wouldTake(score)) return;
    const group = this.groupOf?.(id);
    if (group !== undefined) {
      const held = this.groups.get(group);
      if (held !== undefined) {
        if (held.score >= score) return;
        items.splice(items.indexOf(held), 1);
      }
    }
    const item = { id, score };
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid].score >= score) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
    if (group !== undefined) this.groups.set(group, item);
    if (items.length > this.size) {
      const dropped = items.pop()!;
      if (this.groupOf) this.groups.delete(this.groupOf(dropped.id));
    }
  }

  sorted(): Candidate[] {
    return this.items;
  }
}

/**
 * A passage's term positions with the compounds among them that the query matches ("IL-6" for
 * the query word "IL6"), in text order: a compound comes after its first part, so a snippet marks
 * the parts when the query has them and the whole compound only when it has the joined word.
 */
function withCompounds(positions: TermPosition[], compounds: TermPosition[], matcher: TermMatcher): TermPosition[] {
  const matched = compounds.filter((c) => matches(matcher, c.term));
  if (matched.length === 0) return positions;
  const out: TermPosition[] = [];
  let k = 0;
  for (const p of positions) {
    // One whose first part is no term (a stop word: "the-art") comes before the term after it.
    while (k < matched.length && matched[k].start < p.start) out.push(matched[k++]);
    out.push(p);
    while (k < matched.length && matched[k].start === p.start) out.push(matched[k++]);
  }
  while (k < matched.length) out.push(matched[k++]);
  return out;
}

/** A section's first passage starts at its heading line; the heading is not part of its text. */
function bodyLine(s: Pick<SectionMeta, 'heading' | 'continued' | 'line' | 'endLine'>): number {
  return s.heading !== null && !s.continued && s.endLine > s.line ? s.line + 1 : s.line;
}

/**
 * The text of a passage of `note` by its line range: the lines from its body line to its last
 * line, without line ends (a `\r\n` file reads as `\n`), as `splitText` numbers them. Slices of
 * the note's own text, so keeping them costs the note's text once. Binary content has none.
 */
/**
 * The passage texts of a note as indexed (`passageTexts`), read again from the vault; null when
 * the note is gone, unreadable, or not the version indexed (its size or time differs).
 */
async function noteTexts(vault: VaultPort, info: NoteEntry): Promise<((s: SectionMeta) => string) | null> {
  try {
    const stat = await vault.stat(info.path);
    if (!stat || stat.mtime !== info.mtime || stat.size !== info.size) return null;
    return passageTexts(await vault.read(info.path), info.problem === 'binary content');
  } catch {
    return null;
  }
}

function passageTexts(note: string, binary: boolean): (s: SectionMeta) => string {
  if (binary) return () => '';
  const text = note.charCodeAt(0) === 0xfeff ? note.slice(1) : note;
  const starts: number[] = [];
  for (let pos = 0; pos < text.length; ) {
    starts.push(pos);
    const nl = text.indexOf('\n', pos);
    if (nl === -1) break;
    pos = nl + 1;
  }
  return (s) => {
    const first = bodyLine(s) - 1;
    if (first >= starts.length) return '';
    const last = Math.min(s.endLine, starts.length);
    let end = last < starts.length ? starts[last] - 1 : text.length;
    if (end > starts[first] && text.charCodeAt(end - 1) === 13) end--;
    const piece = text.slice(starts[first], Math.max(starts[first], end));
    return piece.includes('\r') ? piece.replace(/\r\n/g, '\n') : piece;
  };
}

/**
 * `state` for reading `order` once, front to back: asking for one key starts the reads of the
 * next `ahead` keys, so the files' reads overlap the decoding of the chunks before them. Keys not
 * in `order`, and writes, go straight to `state`.
 */
function readingAhead(state: StateStore, order: readonly string[], ahead: number): StateStore {
  const started = new Map<string, Promise<unknown>>();
  const position = new Map(order.map((key, i) => [key, i]));
  const bytes = typeof state.getBytes === 'function';
  // What `readBytes` and `readChunk` would ask the store for, begun early; a failure is met where it is awaited.
  const begin = (key: string): Promise<unknown> => {
    let read = started.get(key);
    if (!read) {
      read = key.endsWith('.bin') && bytes ? state.getBytes!(key) : state.get(key);
      read.catch(() => undefined);
      started.set(key, read);
    }
    return read;
  };
  const take = (key: string): Promise<unknown> | undefined => {
    const at = position.get(key);
    if (at === undefined) return undefined;
    for (let i = at + 1; i <= at + ahead && i < order.length; i++) void begin(order[i]);
    const read = begin(key);
    started.delete(key);
    position.delete(key);
    return read;
  };
  return {
    get: (key) => (take(key) as Promise<string | null> | undefined) ?? state.get(key),
    getBytes: bytes ? (key) => (take(key) as Promise<Uint8Array | null> | undefined) ?? state.getBytes!(key) : undefined,
    set: (key, value) => state.set(key, value),
    delete: (key) => state.delete(key),
    createExclusive: (key, value) => state.createExclusive(key, value),
  };
}

function underFolder(path: string, folder: string): boolean {
  const f = folder.replace(/^\/+|\/+$/g, '');
  return f === '' || path === f || path.startsWith(`${f}/`);
}

/** A folder prefix ("Archive", "daily/2019") or a glob ("**\/*.excalidraw.md", "templates/*"). */
function exclusionMatcher(pattern: string): (path: string) => boolean {
  const p = pattern.trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (!p.includes('*')) return (path) => path === p || path.startsWith(`${p}/`);
  let source = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*' && p[i + 1] === '*') {
      source += '.*';
      i++;
      if (p[i + 1] === '/') i++;
    } else if (ch === '*') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${source}(/.*)?$`);
  return (path) => re.test(path);
}
