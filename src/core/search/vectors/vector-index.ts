import { tr } from '../../../i18n';
import type { EmbeddingsClient } from '../../llm/embeddings';
import { noProgress, type ProgressReporter } from '../../ports/progress';
import { readBytes, writeBytes, type StateStore } from '../../ports/state-store';
import type { VaultPort } from '../../ports/vault';
import { passagesForEmbedding, type PassageText, type VectorPassage } from './passages';
import { integerQuery, quantize, scoreRows, unit } from './quantize';
import { SimdArena } from './simd';
import { decodeVectorFile, encodeVectorFile, type NoteRecord } from './vector-file';

export interface VectorIndexOptions {
  vault: VaultPort;
  state: StateStore;
  /**
   * The embedding model's id: stored vectors of another model are dropped at load. '*' loads the
   * stored vectors of whichever model made them, for reading only (related notes without an endpoint).
   */
  model: string;
  /** Which vault paths are notes to embed. Default: `.md` files outside the config folder. */
  includes?: (path: string) => boolean;
  /** State store key of the vector file. Default "search-vectors.bin". */
  cacheKey?: string;
  /** Notes larger than this many characters are embedded up to it. Default 1 000 000. */
  maxIndexedFileBytes?: number;
  /** Passage size in words, as the lexical index's (they must agree for hybrid ranking). Default 150. */
  passageWords?: number;
  /** Texts handed to the client per call of `embed` (it batches them further). Default 256. */
  chunk?: number;
  /**
   * Keep the vectors in WebAssembly memory and scan them with SIMD where the platform has it and
   * the dimension is a multiple of 16 (otherwise, and with false, the JavaScript loop). Default true.
   */
  simd?: boolean;
}

/** A passage found by meaning. `score` is the cosine similarity (−1…1). */
export interface VectorHit extends VectorPassage {
  path: string;
  score: number;
}

export interface VectorSearchOptions {
  limit?: number;
  /** Only notes under this folder (vault-relative, no trailing slash). */
  folder?: string;
  /** One result per note (its closest passage). */
  notes?: boolean;
  /** Leaves out notes for which this returns true. */
  exclude?: (path: string) => boolean;
}

/** A note close in meaning to another, with the passages that make it so. */
export interface RelatedNote {
  path: string;
  score: number;
  /** The passage of the related note closest to the note asked about. */
  passage: VectorHit;
  /** The passage of the note asked about closest to that passage. */
  from: VectorPassage;
}

/** What embedding the vault would take: notes to read, passages without a vector, tokens (≈ characters / 4). */
export interface VectorPlan {
  notes: number;
  passages: number;
  tokens: number;
  /** No vector stored yet at all: the first full run. */
  firstRun: boolean;
}

export interface EmbedReport {
  embedded: number;
  tokens: number;
  /** Passages still without a vector (the run was stopped or failed). */
  left: number;
  ms: number;
}

export interface VectorStats {
  notes: number;
  passages: number;
  /** Passages with a stored vector. */
  embedded: number;
  rows: number;
  dimension: number;
  /** Bytes of the vectors in memory (components and scales). */
  bytes: number;
}

interface NoteEntry {
  mtime: number;
  size: number;
  passages: VectorPassage[];
}

/**
 * Passage vectors of the vault, for search by meaning and related notes. Each passage's vector is
 * keyed by a hash of its text (and the model), so an edit embeds only the passages it changed and
 * a rename embeds nothing. Vectors are int8 with a scale each (see quantize.ts), searched by brute
 * force over one Int8Array, and saved as one byte image (vector-file.ts) loaded as views.
 */
export class VectorIndex {
  private modelId: string;
  private readonly vault: VaultPort;
  private readonly state: StateStore;
  private readonly includes: (path: string) => boolean;
  private readonly cacheKey: string;
  private readonly maxChars: number;
  private readonly passageWords: number | undefined;
  private readonly chunk: number;
  private readonly simd: boolean;
  /** Where the components live when SIMD scans them (then `data` is a view of its memory). */
  private arena: SimdArena | null = null;
  private dim = 0;
  private count = 0;
  private data: Int8Array = new Int8Array(0);
  private scales: Float32Array = new Float32Array(0);
  private keys: string[] = [];
  private rowOf = new Map<string, number>();
  private notes = new Map<string, NoteEntry>();
  /** Texts of passages without a vector, found by the last `plan`. */
  private missing = new Map<string, string>();
  private changed = false;
  private flat: { rows: Int32Array; passages: VectorHit[]; noteOf: Int32Array; paths: string[] } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Reused by every search: the score of each row. */
  private rowScores = new Float32Array(0);

  constructor(options: VectorIndexOptions) {
    this.vault = options.vault;
    this.state = options.state;
    this.modelId = options.model;
    this.includes = options.includes ?? ((path) => path.toLowerCase().endsWith('.md') && !path.startsWith(`${options.vault.configDir}/`));
    this.cacheKey = options.cacheKey ?? 'search-vectors.bin';
    this.maxChars = options.maxIndexedFileBytes ?? 1_000_000;
    this.passageWords = options.passageWords;
    this.chunk = Math.max(1, options.chunk ?? 256);
    this.simd = options.simd ?? true;
  }

  /** The embedding model's id (with '*', the stored vectors' model once loaded). */
  get model(): string {
    return this.modelId;
  }

  /** Vector length (0 until a vector is stored). */
  get dimension(): number {
    return this.dim;
  }

  /** Whether any passage has a vector: hybrid ranking is the default from then on. */
  get ready(): boolean {
    return this.count > 0 && this.notes.size > 0;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Loads the stored vectors. False (and empty) when there are none, when they belong to another
   * model, or when the file is damaged: then it is removed and the next run rebuilds, never a crash.
   */
  load(): Promise<boolean> {
    return this.exclusive(async () => {
      let bytes: Uint8Array | null = null;
      try {
        bytes = await readBytes(this.state, this.cacheKey);
      } catch {
        bytes = null;
      }
      if (bytes === null) return false;
      const file = decodeVectorFile(bytes);
      const valid = file !== null && (file.header.model === this.model || this.model === '*') && this.validNotes(file.header.notes);
      if (!valid) {
        this.clear();
        // Read-only use must not remove what another model's run stored.
        if (this.model !== '*' || file === null) await this.state.delete(this.cacheKey).catch(() => undefined);
        return false;
      }
      this.modelId = file.header.model;
      this.clear();
      this.dim = file.dimension;
      this.count = file.header.keys.length;
      this.adopt(file.data, file.scales);
      this.keys = file.header.keys;
      file.header.keys.forEach((key, row) => this.rowOf.set(key, row));
      for (const [path, mtime, size, passages] of file.header.notes) {
        this.notes.set(path, { mtime, size, passages: passages.map(([key, line, endLine, heading]) => ({ key, line, endLine, heading })) });
      }
      return true;
    });
  }

  private validNotes(notes: NoteRecord[]): boolean {
    return notes.every((n) => Array.isArray(n) && typeof n[0] === 'string' && typeof n[1] === 'number' && typeof n[2] === 'number' && Array.isArray(n[3]));
  }

  /**
   * Takes loaded rows as the storage: into the SIMD arena when there is one for this dimension
   * (copied once; the file's bytes can then go), else as the views they are.
   */
  private adopt(data: Int8Array, scales: Float32Array): void {
    this.arena = this.simd ? SimdArena.create(this.dim) : null;
    if (this.arena) {
      const view = this.arena.reserve(Math.max(1, this.count));
      view.set(data.subarray(0, this.count * this.dim));
      this.data = view;
      this.scales = Float32Array.from(scales.subarray(0, this.count));
    } else {
      this.data = data;
      this.scales = scales;
    }
  }

  /** Whether SIMD scans this index's vectors (false before any vector, or where SIMD is missing). */
  get simdActive(): boolean {
    return this.arena !== null;
  }

  private clear(): void {
    this.arena = null;
    this.dim = 0;
    this.count = 0;
    this.data = new Int8Array(0);
    this.scales = new Float32Array(0);
    this.keys = [];
    this.rowOf = new Map();
    this.notes = new Map();
    this.missing = new Map();
    this.flat = null;
  }

  /**
   * Brings the passage list in line with the vault (notes changed by mtime or size are re-split,
   * vanished ones dropped) and counts what embedding would take. No model call.
   */
  plan(signal?: AbortSignal, progress: ProgressReporter = noProgress): Promise<VectorPlan> {
    return this.exclusive(async () => {
      if (this.model === '*') throw new Error(tr('core.search.noEmbeddingModel'));
      const files = (await this.vault.list()).filter((f) => this.includes(f.path));
      const present = new Set(files.map((f) => f.path));
      for (const path of [...this.notes.keys()]) {
        if (!present.has(path)) {
          this.notes.delete(path);
          this.changed = true;
        }
      }
      this.missing = new Map();
      const todo = files.filter((f) => {
        const known = this.notes.get(f.path);
        return !known || known.mtime !== f.mtime || known.size !== f.size || known.passages.some((p) => !this.rowOf.has(p.key));
      });
      const firstRun = this.count === 0;
      let tokens = 0;
      let done = 0;
      for (const f of todo) {
        signal?.throwIfAborted();
        let text: string;
        try {
          text = await this.vault.read(f.path);
        } catch {
          this.notes.delete(f.path);
          continue;
        }
        const passages: PassageText[] = passagesForEmbedding(f.path, text, this.model, { maxChars: this.maxChars, passageWords: this.passageWords });
        for (const p of passages) {
          if (this.rowOf.has(p.key) || this.missing.has(p.key)) continue;
          this.missing.set(p.key, p.text);
          tokens += Math.ceil(p.text.length / 4);
        }
        this.notes.set(f.path, { mtime: f.mtime, size: f.size, passages: passages.map(({ key, line, endLine, heading }) => ({ key, line, endLine, heading })) });
        this.changed = true;
        if (++done % 200 === 0) progress({ done, total: todo.length, message: tr('core.search.readingForEmbedding', { done, total: todo.length }) });
      }
      this.flat = null;
      return { notes: todo.length, passages: this.missing.size, tokens, firstRun };
    });
  }

  /**
   * Embeds the passages the last `plan` found without a vector. Each answered batch is stored at
   * once, so a stop or a failure keeps the work done (call `persist` to save it); the next `plan`
   * finds only what is left. Rejects with the client's error after keeping the finished batches.
   */
  embed(client: EmbeddingsClient, options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<EmbedReport> {
    return this.exclusive(async () => {
      const started = Date.now();
      const progress = options.progress ?? noProgress;
      const todo = [...this.missing];
      const report: EmbedReport = { embedded: 0, tokens: 0, left: todo.length, ms: 0 };
      const off = client.onUsage((u) => (report.tokens += u.promptTokens));
      progress({ done: 0, total: todo.length, message: todo.length === 1 ? tr('core.search.embeddingOne') : tr('core.search.embedding', { count: todo.length }) });
      try {
        for (let start = 0; start < todo.length; start += this.chunk) {
          options.signal?.throwIfAborted();
          const slice = todo.slice(start, start + this.chunk);
          await client.embed(
            slice.map(([, text]) => text),
            {
              signal: options.signal,
              onBatch: (offset, vectors) => {
                vectors.forEach((vector, i) => {
                  const key = slice[offset + i][0];
                  this.addRow(key, vector);
                  this.missing.delete(key);
                });
                report.embedded += vectors.length;
                report.left = this.missing.size;
                progress({ done: report.embedded, total: todo.length, message: tr('core.search.embeddedProgress', { done: report.embedded, total: todo.length }) });
              },
            },
          );
        }
      } finally {
        off();
        this.flat = null;
        report.ms = Date.now() - started;
      }
      return report;
    });
  }

  /** `plan`, then `embed` of everything it found. */
  async sync(client: EmbeddingsClient, options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<EmbedReport> {
    await this.plan(options.signal, options.progress);
    return this.embed(client, options);
  }

  private addRow(key: string, vector: Float32Array): void {
    if (this.rowOf.has(key)) return;
    if (this.dim !== 0 && vector.length !== this.dim) {
      // The model behind the name changed: vectors of two models cannot be compared.
      const notes = this.notes;
      this.clear();
      this.notes = notes;
    }
    if (this.dim === 0) {
      this.dim = vector.length;
      this.arena = this.simd ? SimdArena.create(this.dim) : null;
    }
    if (this.count === this.scales.length) {
      const capacity = Math.max(64, Math.ceil(this.count * 1.5));
      if (this.arena) {
        // The arena keeps the components in place as it grows; only the view is new.
        this.data = this.arena.reserve(capacity);
      } else {
        const data = new Int8Array(capacity * this.dim);
        data.set(this.data.subarray(0, this.count * this.dim));
        this.data = data;
      }
      const scales = new Float32Array(capacity);
      scales.set(this.scales.subarray(0, this.count));
      this.scales = scales;
    }
    const row = this.count++;
    this.scales[row] = quantize(vector, this.data, row * this.dim);
    this.keys[row] = key;
    this.rowOf.set(key, row);
    this.changed = true;
  }

  /**
   * Saves the vectors if anything changed, keeping only rows some passage still uses (vectors of
   * edited-away text are dropped here, not at the edit, so a rename between two saves costs nothing).
   */
  persist(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.changed) return;
      this.compact();
      const records: NoteRecord[] = [...this.notes].map(([path, n]) => [path, n.mtime, n.size, n.passages.map((p) => [p.key, p.line, p.endLine, p.heading] as [string, number, number, string | null])]);
      const bytes = encodeVectorFile({ header: { model: this.model, keys: this.keys.slice(0, this.count), notes: records }, dimension: Math.max(1, this.dim), scales: this.scales, data: this.data });
      await writeBytes(this.state, this.cacheKey, bytes);
      this.changed = false;
    });
  }

  private compact(): void {
    const used = new Set<string>();
    for (const n of this.notes.values()) for (const p of n.passages) used.add(p.key);
    if (this.count === 0 || this.keys.slice(0, this.count).every((k) => used.has(k))) return;
    const dim = this.dim;
    const keep: number[] = [];
    for (let row = 0; row < this.count; row++) if (used.has(this.keys[row])) keep.push(row);
    // In place: rows only move down (to a smaller index), so each copy reads a row not yet overwritten.
    const keys: string[] = [];
    const rowOf = new Map<string, number>();
    keep.forEach((row, i) => {
      if (row !== i) {
        this.data.copyWithin(i * dim, row * dim, (row + 1) * dim);
        this.scales[i] = this.scales[row];
      }
      keys.push(this.keys[row]);
      rowOf.set(this.keys[row], i);
    });
    this.keys = keys;
    this.rowOf = rowOf;
    this.count = keep.length;
    this.flat = null;
  }

  /** Removes the stored vectors and forgets every passage. */
  async drop(): Promise<void> {
    await this.exclusive(async () => {
      this.clear();
      this.changed = false;
      await this.state.delete(this.cacheKey);
    });
  }

  stats(): VectorStats {
    const flat = this.flatten();
    let embedded = 0;
    for (let i = 0; i < flat.rows.length; i++) if (flat.rows[i] >= 0) embedded++;
    return { notes: this.notes.size, passages: flat.rows.length, embedded, rows: this.count, dimension: this.dim, bytes: this.count * (this.dim + 4) };
  }

  /** Every passage in note order with its row (−1: no vector yet), and each passage's note number. */
  private flatten(): NonNullable<VectorIndex['flat']> {
    if (this.flat) return this.flat;
    let total = 0;
    for (const n of this.notes.values()) total += n.passages.length;
    const rows = new Int32Array(total);
    const noteOf = new Int32Array(total);
    const passages: VectorHit[] = new Array<VectorHit>(total);
    const paths: string[] = [];
    let i = 0;
    for (const [path, n] of this.notes) {
      const note = paths.length;
      paths.push(path);
      for (const p of n.passages) {
        rows[i] = this.rowOf.get(p.key) ?? -1;
        noteOf[i] = note;
        passages[i] = { ...p, path, score: 0 };
        i++;
      }
    }
    this.flat = { rows, passages, noteOf, paths };
    return this.flat;
  }

  /** The passages closest to `query` (any vector of the model's length), best first. */
  search(query: ArrayLike<number>, options: VectorSearchOptions = {}): VectorHit[] {
    if (this.count === 0 || query.length !== this.dim) return [];
    return this.nearest(unit(query), options);
  }

  private nearest(q: Float32Array, options: VectorSearchOptions, skipNote = -1): VectorHit[] {
    const limit = Math.max(1, options.limit ?? 10);
    const flat = this.flatten();
    const dim = this.dim;
    const data = this.data;
    const scales = this.scales;
    const allowed = new Uint8Array(flat.paths.length);
    const folder = options.folder?.replace(/\/+$/, '');
    flat.paths.forEach((path, i) => {
      const inFolder = !folder || path.startsWith(`${folder}/`);
      allowed[i] = i !== skipNote && inFolder && !options.exclude?.(path) ? 1 : 0;
    });
    const top = new TopScores(limit);
    if (this.rowScores.length < this.count) this.rowScores = new Float32Array(this.scales.length);
    const scores = this.rowScores;
    if (this.arena) {
      const { q: qi, factor } = integerQuery(q);
      const dots = this.arena.scan(qi, this.count);
      const inverse = 1 / factor;
      for (let r = 0; r < this.count; r++) scores[r] = dots[r] * inverse * scales[r];
    } else scoreRows(q, data, scales, this.count, dim, scores);
    const score = (row: number) => scores[row];
    const rows = flat.rows;
    const noteOf = flat.noteOf;
    if (options.notes) {
      let best = -Infinity;
      let bestAt = -1;
      let note = -1;
      for (let i = 0; i <= rows.length; i++) {
        const n = i < rows.length ? noteOf[i] : -2;
        if (n !== note) {
          if (bestAt >= 0) top.offer(bestAt, best);
          best = -Infinity;
          bestAt = -1;
          note = n;
        }
        if (n < 0 || allowed[n] === 0) continue;
        const row = rows[i];
        if (row < 0) continue;
        const s = score(row);
        if (s > best) {
          best = s;
          bestAt = i;
        }
      }
    } else {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (row < 0 || allowed[noteOf[i]] === 0) continue;
        const s = score(row);
        if (top.wouldTake(s)) top.offer(i, s);
      }
    }
    return top.sorted().map(({ id, score }) => ({ ...flat.passages[id], score }));
  }

  /** The stored vector of a row, back to floats. */
  private vectorOf(row: number): Float32Array {
    const out = new Float32Array(this.dim);
    const scale = this.scales[row];
    for (let i = 0; i < this.dim; i++) out[i] = this.data[row * this.dim + i] * scale;
    return out;
  }

  /**
   * Notes closest in meaning to the note at `path`, from stored vectors only (no model call): the
   * mean of its passages' vectors is the query, each other note ranks by its closest passage, and
   * `from` names the note's own passage nearest that passage. Empty when the note has no vectors.
   */
  related(path: string, limit = 10, options: { folder?: string } = {}): RelatedNote[] {
    const entry = this.notes.get(path);
    if (!entry || this.count === 0) return [];
    const own = entry.passages.map((p) => ({ p, row: this.rowOf.get(p.key) ?? -1 })).filter((x) => x.row >= 0);
    if (own.length === 0) return [];
    const centroid = new Float32Array(this.dim);
    const vectors = own.map((x) => this.vectorOf(x.row));
    for (const v of vectors) for (let i = 0; i < this.dim; i++) centroid[i] += v[i];
    const q = unit(centroid);
    const flat = this.flatten();
    const hits = this.nearest(q, { limit, notes: true, folder: options.folder }, flat.paths.indexOf(path));
    return hits.map((hit) => {
      const row = this.rowOf.get(hit.key) ?? -1;
      const target = this.vectorOf(row);
      let best = 0;
      let bestScore = -Infinity;
      vectors.forEach((v, i) => {
        let s = 0;
        for (let d = 0; d < this.dim; d++) s += v[d] * target[d];
        if (s > bestScore) {
          bestScore = s;
          best = i;
        }
      });
      const { key, line, endLine, heading } = own[best].p;
      return { path: hit.path, score: hit.score, passage: hit, from: { key, line, endLine, heading } };
    });
  }

  /** The note's passages as stored (with or without vectors), or undefined when it is not known. */
  passagesOf(path: string): readonly VectorPassage[] | undefined {
    return this.notes.get(path)?.passages;
  }

  /** Whether the note's stored passages are current (same mtime and size) and all have vectors. */
  current(path: string, stat: { mtime: number; size: number }): boolean {
    const n = this.notes.get(path);
    return !!n && n.mtime === stat.mtime && n.size === stat.size && n.passages.every((p) => this.rowOf.has(p.key));
  }
}

/** The best `limit` ids by score (ties: the earlier id first). */
class TopScores {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];
  constructor(private readonly limit: number) {}

  wouldTake(score: number): boolean {
    return this.ids.length < this.limit || score > this.scores[this.scores.length - 1];
  }

  offer(id: number, score: number): void {
    if (!this.wouldTake(score)) return;
    let at = this.scores.length;
    while (at > 0 && this.scores[at - 1] < score) at--;
    this.ids.splice(at, 0, id);
    this.scores.splice(at, 0, score);
    if (this.ids.length > this.limit) {
      this.ids.pop();
      this.scores.pop();
    }
  }

  sorted(): { id: number; score: number }[] {
    return this.ids.map((id, i) => ({ id, score: this.scores[i] }));
  }
}
