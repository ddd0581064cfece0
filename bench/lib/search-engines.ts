import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { FsStateStore, FsVault } from '../../src/cli/fs-vault';
import { VaultIndex } from '../../src/core/search/vault-index';
import { STOPWORDS } from '../../src/core/search/stopwords';
import { fts5Match, fts5Words, requireFts5, type SqliteDatabase, type SqliteStatement } from './fts5';

/**
 * The three engines of `bench:search`, each measured in a child process of its own (one for the
 * build, one for opening and querying), so that peak memory is the engine's alone and the cold
 * start really starts from the files on disk (the OS page cache is warm for all three alike).
 *
 * Every engine reads the same notes from the same folder on disk: ours through `FsVault` as the
 * CLI does, the two others with `fs.readFile`.
 */
export type EngineName = 'ours' | 'minisearch' | 'fts5';

export interface BuildFigures {
  /** From nothing to an index persisted on disk (the next process can open it). */
  buildMs: number;
  /** Of which: indexing in memory (ours, MiniSearch) or inserting (FTS5, commit included). */
  indexMs: number;
  /** Of which: writing the persisted index (ours: `persist`; MiniSearch: `JSON.stringify` + write; FTS5: checkpoint + close). */
  writeMs: number;
  /** Highest resident set size of the build process (whole process, as the OS counts it). */
  peakRss: number;
  /** RSS of the process before the build started (Node itself, the code, the file list). */
  startRss: number;
  /** Highest sampled `heapUsed + arrayBuffers` while building (garbage not yet collected included). */
  peakHeap: number;
  startHeap: number;
  /** `heapUsed + arrayBuffers` after the build and two full GCs, minus the start: what the index keeps. */
  retainedHeap: number;
  /** Bytes of the persisted index. */
  indexBytes: number;
  notes: number;
  detail: Record<string, number | string>;
}

export interface QueryFigures {
  /** Opening the persisted index until it can answer (ours: `load`; MiniSearch: read + `loadJSONAsync`; FTS5: open + prepare). */
  openMs: number;
  /** Longest event-loop block while opening (5 ms resolution). */
  openMaxBlockMs: number;
  /** Ours only: the check of every note's mtime and size that the CLI runs after loading (`sync`). */
  freshnessMs: number;
  /** The first query after opening, snippets included. */
  firstQueryMs: number;
  /** open + freshness check + first query: a one-query CLI search, process start excluded. */
  coldSearchMs: number;
  /** Ours only: reading the cached passage texts, which the first search starts in the background (done before the batch below). */
  textsLoadMs?: number | null;
  /** Every query of the set, one after another in the same process, top 10 with snippets. */
  queryP50Ms: number;
  queryP95Ms: number;
  /** Ours only: the same queries with the last word as a prefix (search as you type). */
  typingP50Ms: number | null;
  typingP95Ms: number | null;
  /** FTS5 only: every query as OR of its words (BM25 over any word), top 10 with snippets. */
  orOnlyP50Ms?: number | null;
  orOnlyP95Ms?: number | null;
  /** Re-indexing one changed note (reading it included), 200 notes. */
  updateP50Ms: number;
  updateP95Ms: number;
  /** Average results per query (a sanity check that every engine finds something). */
  resultsPerQuery: number;
  /** Peak RSS of the query process. */
  peakRss: number;
}

export interface WorkerArgs {
  engine: EngineName;
  vaultDir: string;
  /** Where MiniSearch and FTS5 keep their index (ours keeps it in the vault's plugin folder, as the CLI does). */
  storeDir: string;
  queries: string[];
  fts5Dir?: string;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Peak memory, sampled as work goes (the interval cannot fire during synchronous loops, so the loops call `tick`). */
export class MemoryPeak {
  rss = 0;
  heap = 0;
  private n = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly every = 25) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
  }

  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    const heap = m.heapUsed + m.arrayBuffers;
    if (heap > this.heap) this.heap = heap;
  }

  tick(): void {
    if (++this.n % this.every === 0) this.sample();
  }

  stop(): { rss: number; heap: number } {
    clearInterval(this.timer);
    this.sample();
    // The kernel's own high-water mark catches peaks between samples.
    const maxRss = process.resourceUsage().maxRSS * 1024;
    return { rss: Math.max(this.rss, maxRss), heap: this.heap };
  }
}

export function heapNow(): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    total += entry.isDirectory() ? await dirBytes(abs) : (await stat(abs)).size;
  }
  return total;
}

/** The notes of the vault, sorted by path (the same order, and so the same FTS5 rowids, in every process). */
export async function listNotes(vaultDir: string): Promise<string[]> {
  const files = await new FsVault(vaultDir).list();
  return files
    .map((f) => f.path)
    .filter((p) => p.endsWith('.md') && !p.startsWith('.'))
    .sort();
}

const titleOf = (p: string) => path.basename(p, '.md');

/** A plain excerpt around the first matched word, as an engine without snippets would make one: the note is read from disk. */
function plainSnippet(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  let at = -1;
  let term = '';
  for (const t of terms) {
    const i = lower.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) {
      at = i;
      term = t;
    }
  }
  if (at < 0) return text.slice(0, 180);
  const from = Math.max(0, at - 80);
  return `${text.slice(from, at)}**${text.slice(at, at + term.length)}**${text.slice(at + term.length, at + 100)}`;
}

/** Edits 200 notes one at a time (the file written untimed), timing how long the engine takes to take each in; restores them after. */
async function timeUpdates(
  vaultDir: string,
  notes: string[],
  update: (p: string, text: string) => Promise<void> | void,
  write: (p: string, text: string) => Promise<void> = (p, text) => writeFile(path.join(vaultDir, p), text),
): Promise<number[]> {
  const times: number[] = [];
  const originals = new Map<string, string>();
  for (let i = 0; i < 200; i++) {
    const p = notes[(i * 7919) % notes.length];
    const abs = path.join(vaultDir, p);
    const before = originals.get(p) ?? (await readFile(abs, 'utf8'));
    originals.set(p, before);
    const text = `${before}\nEdited line ${i} with zanzibar.\n`;
    await write(p, text);
    const s = performance.now();
    await update(p, text);
    times.push(performance.now() - s);
  }
  for (const [p, text] of originals) await write(p, text);
  return times;
}

// ------------------------------------------------------------------ build

export async function buildIndex(a: WorkerArgs): Promise<BuildFigures> {
  const startHeap = heapNow();
  const startRss = process.memoryUsage().rss;
  const peak = new MemoryPeak();
  let result: Omit<BuildFigures, 'peakRss' | 'startRss' | 'peakHeap' | 'startHeap' | 'retainedHeap'>;
  let keep: unknown;
  if (a.engine === 'ours') {
    const vault = new FsVault(a.vaultDir);
    const read = vault.read.bind(vault);
    vault.read = (p: string) => {
      peak.tick();
      return read(p);
    };
    const state = new FsStateStore(a.vaultDir);
    const t0 = performance.now();
    const index = new VaultIndex({ vault, state });
    const report = await index.sync();
    const t1 = performance.now();
    await index.persist();
    const t2 = performance.now();
    const s = index.stats();
    keep = index;
    result = {
      buildMs: t2 - t0,
      indexMs: t1 - t0,
      writeMs: t2 - t1,
      indexBytes: await dirBytes(state.dir),
      notes: report.added,
      detail: { sections: s.sections, terms: s.terms },
    };
  } else if (a.engine === 'minisearch') {
    const t0 = performance.now();
    const notes = await listNotes(a.vaultDir);
    const ms = new MiniSearch({ fields: ['title', 'text'] });
    for (const p of notes) {
      ms.add({ id: p, title: titleOf(p), text: await readFile(path.join(a.vaultDir, p), 'utf8') });
      peak.tick();
    }
    const t1 = performance.now();
    const json = JSON.stringify(ms);
    peak.sample();
    const file = path.join(a.storeDir, 'minisearch.json');
    await writeFile(file, json);
    const t2 = performance.now();
    keep = ms;
    result = { buildMs: t2 - t0, indexMs: t1 - t0, writeMs: t2 - t1, indexBytes: (await stat(file)).size, notes: notes.length, detail: { terms: ms.termCount } };
  } else {
    const Sqlite = requireFts5(a.fts5Dir ?? '');
    const file = path.join(a.storeDir, 'fts5.sqlite');
    const t0 = performance.now();
    const notes = await listNotes(a.vaultDir);
    const db = new Sqlite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec("CREATE VIRTUAL TABLE notes USING fts5(path UNINDEXED, title, body, tokenize = 'porter unicode61 remove_diacritics 2')");
    const insert = db.prepare('INSERT INTO notes(rowid, path, title, body) VALUES (?, ?, ?, ?)');
    db.exec('BEGIN');
    for (let i = 0; i < notes.length; i++) {
      insert.run(i + 1, notes[i], titleOf(notes[i]), await readFile(path.join(a.vaultDir, notes[i]), 'utf8'));
      peak.tick();
    }
    db.exec('COMMIT');
    const t1 = performance.now();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const t2 = performance.now();
    keep = db;
    result = { buildMs: t2 - t0, indexMs: t1 - t0, writeMs: t2 - t1, indexBytes: await dirBytes(a.storeDir), notes: notes.length, detail: {} };
  }
  const { rss, heap } = peak.stop();
  const retainedHeap = heapNow() - startHeap;
  // `keep` holds the index until the figure above is taken.
  if (keep === undefined) throw new Error('bench: no index was built');
  return { ...result, peakRss: rss, startRss, peakHeap: heap, startHeap, retainedHeap };
}

// ------------------------------------------------------------------ open and query

export async function queryIndex(a: WorkerArgs): Promise<QueryFigures> {
  const peak = new MemoryPeak();
  const notes = await listNotes(a.vaultDir);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let openMs: number;
  let freshnessMs = 0;
  let search: (q: string, typing?: boolean) => Promise<number>;
  let update: (p: string, text: string) => Promise<void> | void;
  let write: ((p: string, text: string) => Promise<void>) | undefined;
  let orOnly: ((q: string) => number) | undefined;
  let typing = false;
  let loadTexts: (() => Promise<void>) | undefined;

  if (a.engine === 'ours') {
    const vault = new FsVault(a.vaultDir);
    const state = new FsStateStore(a.vaultDir);
    histogram.enable();
    const t0 = performance.now();
    const index = new VaultIndex({ vault, state });
    const loaded = await index.load();
    openMs = performance.now() - t0;
    histogram.disable();
    if (!loaded) throw new Error('the cache did not load');
    const t1 = performance.now();
    const report = await index.sync();
    freshnessMs = performance.now() - t1;
    if (report.added + report.updated + report.removed > 0) throw new Error(`the cache was not up to date: ${JSON.stringify(report)}`);
    search = async (q, prefix = false) => (await index.search(q, { limit: 10, prefix })).length;
    loadTexts = () => index.loadPassageTexts();
    typing = true;
    // Written through the vault, whose change event the index follows (as Obsidian's or the CLI's
    // own writes); the timed part is `flush`: reading the note and re-indexing its changed sections.
    index.attach();
    write = (p, text) => vault.write(p, text);
    update = () => index.flush();
  } else if (a.engine === 'minisearch') {
    histogram.enable();
    const t0 = performance.now();
    const json = await readFile(path.join(a.storeDir, 'minisearch.json'), 'utf8');
    const ms = await MiniSearch.loadJSONAsync(json, { fields: ['title', 'text'] });
    openMs = performance.now() - t0;
    histogram.disable();
    search = async (q) => {
      const hits = ms.search(q).slice(0, 10);
      for (const h of hits) plainSnippet(await readFile(path.join(a.vaultDir, String(h.id)), 'utf8'), h.terms);
      return hits.length;
    };
    update = async (p) => {
      const text = await readFile(path.join(a.vaultDir, p), 'utf8');
      ms.discard(p);
      ms.add({ id: p, title: titleOf(p), text });
    };
  } else {
    const Sqlite = requireFts5(a.fts5Dir ?? '');
    const file = path.join(a.storeDir, 'fts5.sqlite');
    histogram.enable();
    const t0 = performance.now();
    const db: SqliteDatabase = new Sqlite(file, { fileMustExist: true });
    const select: SqliteStatement = db.prepare(
      "SELECT path, title, snippet(notes, 2, '**', '**', '…', 24) AS snippet FROM notes WHERE notes MATCH ? ORDER BY rank LIMIT 10",
    );
    openMs = performance.now() - t0;
    histogram.disable();
    // The semantics of ours: for up to 4 words, notes with every word first (FTS5's AND), then
    // the best of the others (OR) to fill the 10; longer queries rank any word (OR) alone.
    const or = (words: string[]) => select.all(fts5Match(words, 'or')) as { path: string }[];
    search = (q) => {
      const words = fts5Words(q, STOPWORDS);
      if (words.length === 0) return Promise.resolve(0);
      if (words.length > 4) return Promise.resolve(or(words).length);
      const hits = select.all(fts5Match(words, 'and')) as { path: string }[];
      if (hits.length < 10) {
        const seen = new Set(hits.map((h) => h.path));
        for (const h of or(words)) if (hits.length < 10 && !seen.has(h.path)) hits.push(h);
      }
      return Promise.resolve(hits.length);
    };
    orOnly = (q) => {
      const words = fts5Words(q, STOPWORDS);
      return words.length === 0 ? 0 : or(words).length;
    };
    const remove = db.prepare('DELETE FROM notes WHERE rowid = ?');
    const insert = db.prepare('INSERT INTO notes(rowid, path, title, body) VALUES (?, ?, ?, ?)');
    const rowid = new Map(notes.map((p, i) => [p, i + 1]));
    update = async (p) => {
      const text = await readFile(path.join(a.vaultDir, p), 'utf8');
      const id = rowid.get(p);
      db.exec('BEGIN');
      remove.run(id);
      insert.run(id, p, titleOf(p), text);
      db.exec('COMMIT');
    };
  }

  const q0 = performance.now();
  await search(a.queries[0]);
  const firstQueryMs = performance.now() - q0;
  // What the plugin has a moment after opening: the passage texts the first search started reading.
  let textsLoadMs: number | null = null;
  if (loadTexts) {
    const t = performance.now();
    await loadTexts();
    textsLoadMs = performance.now() - t;
  }
  const times: number[] = [];
  let results = 0;
  for (const q of a.queries) {
    const s = performance.now();
    results += await search(q);
    times.push(performance.now() - s);
    peak.tick();
  }
  const typingTimes: number[] = [];
  if (typing) {
    for (const q of a.queries) {
      const s = performance.now();
      await search(q, true);
      typingTimes.push(performance.now() - s);
    }
  }
  const orTimes: number[] = [];
  if (orOnly) {
    for (const q of a.queries) {
      const s = performance.now();
      orOnly(q);
      orTimes.push(performance.now() - s);
    }
  }
  const updates = await timeUpdates(a.vaultDir, notes, update, write);
  const { rss } = peak.stop();
  return {
    openMs,
    openMaxBlockMs: histogram.max / 1e6,
    freshnessMs,
    firstQueryMs,
    coldSearchMs: openMs + freshnessMs + firstQueryMs,
    textsLoadMs,
    queryP50Ms: percentile(times, 50),
    queryP95Ms: percentile(times, 95),
    typingP50Ms: typing ? percentile(typingTimes, 50) : null,
    typingP95Ms: typing ? percentile(typingTimes, 95) : null,
    orOnlyP50Ms: orOnly ? percentile(orTimes, 50) : null,
    orOnlyP95Ms: orOnly ? percentile(orTimes, 95) : null,
    updateP50Ms: percentile(updates, 50),
    updateP95Ms: percentile(updates, 95),
    resultsPerQuery: results / a.queries.length,
    peakRss: rss,
  };
}
