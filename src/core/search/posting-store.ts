import type { Bm25Params, ScoreQuery } from './score-query';
import { TermDictionary } from './term-dictionary';

/** MiniSearch's default weights for derived terms (kept so scores match the previous scorer). */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_TF = 0xffff;

/** The store's sizes, which the cache keeps beside its image. */
export interface StoreHead {
  /** Terms and postings in the compact arrays (sizes to allocate before reading rows). */
  terms: number;
  postings: number;
  /** One past the largest document id. */
  idLimit: number;
  /** The byte order of the cache image's numbers. */
  littleEndian: boolean;
  /** Bytes a term frequency takes in the cache image: 1 when every one is below 256, else 2. */
  tfBytes: 1 | 2;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where each array starts in a cache image (see `PostingStore.image`), and its size in bytes. */
function imageLayout(head: StoreHead, fieldCount: number): { offsets: number; docs: number; lengths: number; tfs: number; live: number; byteLength: number } {
  const offsets = 0;
  const docs = offsets + 4 * (head.terms * fieldCount + 1);
  const lengths = docs + 4 * head.postings;
  const tfs = lengths + 4 * head.idLimit * fieldCount;
  const tfSize = head.tfBytes * head.postings;
  const live = tfs + tfSize + ((4 - (tfSize % 4)) % 4);
  return { offsets, docs, lengths, tfs, live, byteLength: live + head.idLimit };
}

/** A document's row, to compare stores: [id, unique-term count per field…]. */
export type StoreDocRow = number[];

/**
 * One term's postings, to compare stores: [term, fieldId, docId deltas, term frequencies (0 when
 * all are 1), fieldId, …], fields in increasing order.
 */
export type StorePostingRow = [string, ...(number | number[])[]];

/**
 * The index's postings, compactly: for every (term, field) a run of document ids (ascending,
 * Uint32Array) and term frequencies (Uint16Array) in two shared arrays, located by `offsets`. That is
 * 6 bytes a posting where MiniSearch's `Map<docId, tf>` inside `Map<fieldId, …>` took about 50.
 *
 * Changes go to a small overlay: new documents' postings in typed arrays, linked per term in the
 * order they came (ids only grow, so they sort after every compacted one; 13 bytes a posting,
 * reused from one compaction to the next, where arrays of numbers per term took 24 bytes and became
 * garbage at every compaction of a build), removed documents as a cleared
 * `live` flag. `compaction()` merges the overlay in and drops dead postings; until then, as with
 * MiniSearch before its vacuum, a removed document's postings still count in a term's document
 * frequency. A `TermDictionary` maps terms to term ids for exact, prefix and fuzzy lookup.
 *
 * Scores are BM25+ exactly as the reference `Scorer` (tests/support/scorer.ts) computes them over MiniSearch (a test compares them).
 */
export class PostingStore {
  private readonly fieldCount: number;
  private dict = new TermDictionary();
  /** Term by term id ('' once a compaction found no postings left for it). */
  private termList: string[] = [];
  private compactedTerms = 0;
  private offsets = new Uint32Array(1);
  private docs = new Uint32Array(0);
  /** Uint8Array only when loaded from a cache whose frequencies all fit in a byte. */
  private tfs: Uint16Array | Uint8Array = new Uint16Array(0);
  /** The overlay's postings: document, term frequency, field, and the next posting of the term (index + 1; 0 ends). */
  private ovDoc = new Uint32Array(0);
  private ovTf = new Uint32Array(0);
  private ovField = new Uint8Array(0);
  private ovNext = new Uint32Array(0);
  /** By term id: the term's first and last overlay posting (index + 1; 0 when it has none). */
  private ovHead = new Uint32Array(0);
  private ovTail = new Uint32Array(0);
  private overlayPostings = 0;
  private lengths = new Uint32Array(0);
  private live = new Uint8Array(0);
  private readonly lengthSum: Float64Array;
  private docCount = 0;
  private deadSinceCompaction = 0;
  private scores = new Float64Array(0);
  private counts = new Uint8Array(0);
  private lastTerm = new Int32Array(0);
  /** By document: bit i set when it matched query term i (for `ScoreQuery.covers`). */
  private masks = new Int32Array(0);
  private touched: number[] = [];

  constructor(readonly fields: readonly string[]) {
    this.fieldCount = fields.length;
    this.lengthSum = new Float64Array(fields.length);
  }

  get documentCount(): number {
    return this.docCount;
  }

  get termCount(): number {
    return this.dict.size;
  }

  /** Postings waiting in the overlay, and documents removed since the last compaction. */
  get overlaySize(): number {
    return this.overlayPostings + this.deadSinceCompaction;
  }

  has(id: number): boolean {
    return id < this.live.length && this.live[id] === 1;
  }

  /** Adds a document: one text per field, in the order of `fields`. */
  add(id: number, texts: readonly string[], tokenize: (text: string) => string[]): void {
    if (this.has(id)) throw new Error(`Search: document ${id} is already indexed`);
    if (id >= this.live.length) this.growDocs(id);
    const F = this.fieldCount;
    for (let f = 0; f < F; f++) {
      const counts = new Map<string, number>();
      for (const token of tokenize(texts[f] ?? '')) counts.set(token, (counts.get(token) ?? 0) + 1);
      this.lengths[id * F + f] = counts.size;
      this.lengthSum[f] += counts.size;
      for (const [term, tf] of counts) {
        if (term === '') continue;
        let termId = this.dict.get(term);
        if (termId === undefined) {
          termId = this.termList.length;
          this.termList.push(term);
          this.dict.set(term, termId);
        }
        this.addToOverlay(termId, f, id, tf);
      }
    }
    this.live[id] = 1;
    this.docCount++;
  }

  /** Removes a document (its postings go at the next compaction). */
  discard(id: number): void {
    if (!this.has(id)) return;
    this.live[id] = 0;
    this.docCount--;
    const F = this.fieldCount;
    for (let f = 0; f < F; f++) this.lengthSum[f] -= this.lengths[id * F + f];
    this.deadSinceCompaction++;
  }

  /** Ids of live documents containing any of the terms (exact matches only). */
  documentsWith(terms: readonly string[]): Set<number> {
    const out = new Set<number>();
    for (const term of terms) {
      const termId = this.dict.get(term);
      if (termId === undefined) continue;
      this.eachPosting(termId, -1, (doc) => out.add(doc));
    }
    return out;
  }

  /**
   * Runs `visit(id, score, matchedTerms)` for every live document matching at least one term:
   * BM25+ without MiniSearch's matched-terms factor, prefix and fuzzy terms weighted as MiniSearch does.
   */
  score(q: ScoreQuery, visit: (id: number, score: number, matched: number) => void): void {
    const fields: { id: number; boost: number }[] = [];
    for (const [name, boost] of Object.entries(q.boost)) {
      const id = this.fields.indexOf(name);
      if (id >= 0 && boost > 0) fields.push({ id, boost });
    }
    this.touched.length = 0;
    for (let i = 0; i < q.terms.length; i++) {
      const term = q.terms[i];
      const w = q.weights?.[i] ?? 1;
      const exact = this.dict.get(term);
      this.addTerm(i, exact, w, fields, q.bm25);
      let fuzzy: Map<string, [number, number]> | undefined;
      if (q.fuzzy !== undefined && (!q.fuzzyOnlyMissing || (exact === undefined && term !== q.prefix))) {
        const maxDistance = Math.min(q.maxFuzzy ?? 6, Math.round(term.length * q.fuzzy));
        if (maxDistance > 0) fuzzy = this.dict.fuzzyGet(term, maxDistance);
      }
      if (q.prefix !== undefined && term === q.prefix) {
        for (const [derived, termId] of this.dict.atPrefix(term)) {
          const distance = derived.length - term.length;
          if (distance === 0) continue;
          fuzzy?.delete(derived);
          this.addTerm(i, termId, (w * PREFIX_WEIGHT * derived.length) / (derived.length + 0.3 * distance), fields, q.bm25);
        }
      }
      if (fuzzy) {
        for (const [derived, [termId, distance]] of fuzzy) {
          if (distance === 0) continue;
          this.addTerm(i, termId, (w * FUZZY_WEIGHT * derived.length) / (derived.length + distance), fields, q.bm25);
        }
      }
    }
    // With `covers`, a document's matched terms are its bit set (first 32 terms), the covered ones added.
    let cover: ((mask: number) => number) | null = null;
    if (q.covers !== undefined && q.terms.length <= 32) {
      const covers = q.covers;
      let standIns = 0;
      covers.forEach((c, i) => {
        if (c !== undefined) standIns |= 1 << i;
      });
      cover = (mask) => {
        let m = mask;
        covers.forEach((c, i) => {
          if (c !== undefined && (mask & (1 << i)) !== 0) for (const j of c) m |= 1 << j;
        });
        m &= ~standIns;
        let n = 0;
        for (; m !== 0; m &= m - 1) n++;
        return n;
      };
    }
    for (const doc of this.touched) {
      visit(doc, this.scores[doc], cover ? cover(this.masks[doc]) : this.counts[doc]);
      this.scores[doc] = 0;
      this.counts[doc] = 0;
      this.lastTerm[doc] = 0;
      this.masks[doc] = 0;
    }
    this.touched.length = 0;
  }

  private addTerm(termIndex: number, termId: number | undefined, weight: number, fields: { id: number; boost: number }[], bm25: Bm25Params): void {
    if (termId === undefined || this.docCount === 0) return;
    const { k, b, d } = bm25;
    const F = this.fieldCount;
    const mark = termIndex + 1;
    const compacted = termId < this.compactedTerms;
    const head = termId < this.ovHead.length ? this.ovHead[termId] : 0;
    const ovField = this.ovField;
    const ovNext = this.ovNext;
    for (const field of fields) {
      const f = field.id;
      const start = compacted ? this.offsets[termId * F + f] : 0;
      const end = compacted ? this.offsets[termId * F + f + 1] : 0;
      let n = end - start;
      for (let j = head; j !== 0; j = ovNext[j - 1]) if (ovField[j - 1] === f) n++;
      if (n === 0) continue;
      const idf = Math.log(1 + (this.docCount - n + 0.5) / (n + 0.5));
      const avg = this.lengthSum[f] / this.docCount;
      const factor = weight * field.boost * idf;
      const kb = (k * b) / avg;
      const k1 = k * (1 - b);
      const add = (doc: number, tf: number): void => {
        if (this.live[doc] !== 1) return;
        const s = factor * (d + (tf * (k + 1)) / (tf + k1 + kb * this.lengths[doc * F + f]));
        if (doc >= this.scores.length) this.growScratch(doc);
        if (this.lastTerm[doc] === 0) this.touched.push(doc);
        this.scores[doc] += s;
        if (this.lastTerm[doc] !== mark) {
          this.lastTerm[doc] = mark;
          if (this.counts[doc] < 255) this.counts[doc]++;
          if (termIndex < 32) this.masks[doc] |= 1 << termIndex;
        }
      };
      const docs = this.docs;
      const tfs = this.tfs;
      for (let j = start; j < end; j++) add(docs[j], tfs[j]);
      for (let j = head; j !== 0; j = ovNext[j - 1]) if (ovField[j - 1] === f) add(this.ovDoc[j - 1], this.ovTf[j - 1]);
    }
  }

  private eachPosting(termId: number, field: number, each: (doc: number, tf: number, field: number) => void): void {
    const F = this.fieldCount;
    if (termId < this.compactedTerms) {
      for (let f = 0; f < F; f++) {
        if (field >= 0 && f !== field) continue;
        for (let j = this.offsets[termId * F + f]; j < this.offsets[termId * F + f + 1]; j++) {
          if (this.live[this.docs[j]] === 1) each(this.docs[j], this.tfs[j], f);
        }
      }
    }
    for (let j = termId < this.ovHead.length ? this.ovHead[termId] : 0; j !== 0; j = this.ovNext[j - 1]) {
      const f = this.ovField[j - 1];
      const doc = this.ovDoc[j - 1];
      if ((field < 0 || f === field) && this.live[doc] === 1) each(doc, this.ovTf[j - 1], f);
    }
  }

  /**
   * Merges the overlay into the compact arrays and drops removed documents' postings, yielding
   * every few thousand terms so a caller can spread it over UI slices. The store stays readable
   * (old arrays) until the last step swaps the new ones in; nothing may be added meanwhile.
   */
  *compaction(): Generator<void, void, void> {
    const F = this.fieldCount;
    const T = this.termList.length;
    const live = this.live;
    const offsets = new Uint32Array(T * F + 1);
    let total = 0;
    const { ovDoc, ovTf, ovField, ovNext, ovHead } = this;
    for (let t = 0; t < T; t++) {
      const head = t < ovHead.length ? ovHead[t] : 0;
      for (let f = 0; f < F; f++) {
        offsets[t * F + f] = total;
        if (t < this.compactedTerms) {
          for (let j = this.offsets[t * F + f]; j < this.offsets[t * F + f + 1]; j++) if (live[this.docs[j]] === 1) total++;
        }
        for (let j = head; j !== 0; j = ovNext[j - 1]) if (ovField[j - 1] === f && live[ovDoc[j - 1]] === 1) total++;
      }
      if ((t & 8191) === 8191) yield;
    }
    offsets[T * F] = total;
    const docs = new Uint32Array(total);
    const tfs = new Uint16Array(total);
    const empty: number[] = [];
    let pos = 0;
    for (let t = 0; t < T; t++) {
      const head = t < ovHead.length ? ovHead[t] : 0;
      const from = pos;
      for (let f = 0; f < F; f++) {
        if (t < this.compactedTerms) {
          for (let j = this.offsets[t * F + f]; j < this.offsets[t * F + f + 1]; j++) {
            const doc = this.docs[j];
            if (live[doc] !== 1) continue;
            docs[pos] = doc;
            tfs[pos++] = this.tfs[j];
          }
        }
        for (let j = head; j !== 0; j = ovNext[j - 1]) {
          if (ovField[j - 1] !== f || live[ovDoc[j - 1]] !== 1) continue;
          docs[pos] = ovDoc[j - 1];
          tfs[pos++] = ovTf[j - 1];
        }
      }
      if (pos === from && this.termList[t] !== '') empty.push(t);
      if ((t & 8191) === 8191) yield;
    }
    // Terms left without postings leave the dictionary, as MiniSearch's vacuum removes them.
    for (const t of empty) {
      this.dict.delete(this.termList[t]);
      this.termList[t] = '';
    }
    this.offsets = offsets;
    this.docs = docs;
    this.tfs = tfs;
    this.compactedTerms = T;
    this.ovHead.fill(0);
    this.ovTail.fill(0);
    this.overlayPostings = 0;
    this.deadSinceCompaction = 0;
  }

  private addToOverlay(termId: number, field: number, doc: number, tf: number): void {
    const at = this.overlayPostings;
    if (at === this.ovDoc.length) this.growOverlay(Math.max(1 << 16, 2 * at));
    if (termId >= this.ovHead.length) {
      const size = Math.max(1 << 12, 2 * termId);
      const head = new Uint32Array(size);
      head.set(this.ovHead);
      const tail = new Uint32Array(size);
      tail.set(this.ovTail);
      this.ovHead = head;
      this.ovTail = tail;
    }
    this.ovDoc[at] = doc;
    // Capped as the compact arrays cap it, so a compaction changes no score.
    this.ovTf[at] = Math.min(MAX_TF, tf);
    this.ovField[at] = field;
    this.ovNext[at] = 0;
    const last = this.ovTail[termId];
    if (last === 0) this.ovHead[termId] = at + 1;
    else this.ovNext[last - 1] = at + 1;
    this.ovTail[termId] = at + 1;
    this.overlayPostings = at + 1;
  }

  private growOverlay(capacity: number): void {
    const grow = <A extends Uint32Array | Uint8Array>(from: A, make: (n: number) => A): A => {
      const to = make(capacity);
      to.set(from.subarray(0, Math.min(from.length, capacity)));
      return to;
    };
    this.ovDoc = grow(this.ovDoc, (n) => new Uint32Array(n));
    this.ovTf = grow(this.ovTf, (n) => new Uint32Array(n));
    this.ovField = grow(this.ovField, (n) => new Uint8Array(n));
    this.ovNext = grow(this.ovNext, (n) => new Uint32Array(n));
  }

  /**
   * Lets go of the overlay's arrays when they are empty and large: a build fills and empties them
   * many times (they are kept between its compactions); afterwards, edits need only a few postings.
   */
  releaseOverlay(): void {
    if (this.overlayPostings > 0) return;
    if (this.ovDoc.length > 1 << 16) this.growOverlay(0);
    if (this.ovHead.length > 1 << 16) {
      this.ovHead = new Uint32Array(0);
      this.ovTail = new Uint32Array(0);
    }
  }

  /** Runs a whole compaction at once. */
  compact(): void {
    const steps = this.compaction();
    while (!steps.next().done) {
      // every step runs
    }
  }

  // ---------------------------------------------------------------- cache

  /** Scalars for the cache; call on a compacted store (`overlaySize` 0). */
  head(): StoreHead {
    if (this.overlaySize > 0) throw new Error('Search: compact the store before writing it');
    let terms = 0;
    for (const t of this.termList) if (t !== '') terms++;
    let idLimit = this.live.length;
    while (idLimit > 0 && this.live[idLimit - 1] !== 1) idLimit--;
    let maxTf = 0;
    for (let j = 0; j < this.tfs.length; j++) if (this.tfs[j] > maxTf) maxTf = this.tfs[j];
    return { terms, postings: this.tfs.length, idLimit, littleEndian: LITTLE_ENDIAN, tfBytes: maxTf < 256 ? 1 : 2 };
  }

  *docRows(): Generator<StoreDocRow> {
    const F = this.fieldCount;
    for (let id = 0; id < this.live.length; id++) {
      if (this.live[id] !== 1) continue;
      const row = [id];
      for (let f = 0; f < F; f++) row.push(this.lengths[id * F + f]);
      yield row;
    }
  }

  *postingRows(): Generator<StorePostingRow> {
    const F = this.fieldCount;
    // In term order, so that loading appends to the sorted dictionary.
    for (const term of this.dict.terms()) {
      const t = this.dict.get(term)!;
      const row: StorePostingRow = [term];
      for (let f = 0; f < F; f++) {
        const start = this.offsets[t * F + f];
        const end = this.offsets[t * F + f + 1];
        if (start === end) continue;
        const deltas: number[] = [];
        const tfs: number[] = [];
        let previous = 0;
        let allOnes = true;
        for (let j = start; j < end; j++) {
          deltas.push(this.docs[j] - previous);
          previous = this.docs[j];
          tfs.push(this.tfs[j]);
          if (this.tfs[j] !== 1) allOnes = false;
        }
        row.push(f, deltas, allOnes ? 0 : tfs);
      }
      yield row;
    }
  }

  /**
   * The store as the cache keeps it: its terms in sorted order (a term's id in the cache is its
   * position) and one byte image of its arrays, laid out so that loading makes typed-array views
   * over the bytes instead of decoding them:
   *
   *   offsets  Uint32 × (terms × fields + 1)   where each (term, field) run starts in docs and tfs
   *   docs     Uint32 × postings               document ids, ascending within a run
   *   lengths  Uint32 × idLimit × fields       unique terms per (document, field)
   *   tfs      Uint8 or Uint16 × postings      term frequencies (Uint8 when all are below 256)
   *   (0–3 bytes of padding to a multiple of 4)
   *   live     Uint8  × idLimit                1 for an indexed document, else 0 (idLimit: one past the last indexed one)
   *
   * Numbers are in the platform's byte order, which the head records. Call on a compacted store.
   */
  /**
   * The cache image (see `image`) as pieces of `pieceBytes` bytes (a multiple of 4; the last piece
   * may be shorter), each made when asked for: writing the cache needs no copy of the whole store
   * (141 MB at 50k notes). Nothing may change the store until the last piece is taken.
   */
  imagePieces(pieceBytes: number): { head: StoreHead; terms: readonly string[]; byteLength: number; pieces: Generator<Uint8Array, void, void> } {
    if (pieceBytes <= 0 || pieceBytes % 4 !== 0) throw new Error('Search: image pieces must be whole words');
    const head = this.head();
    const F = this.fieldCount;
    const terms = this.dict.terms();
    const layout = imageLayout(head, F);
    const termIds = terms.map((term) => this.dict.get(term)!);
    const store = { offsets: this.offsets, docs: this.docs, tfs: this.tfs, lengths: this.lengths, live: this.live };
    function* pieces(): Generator<Uint8Array, void, void> {
      let piece: Uint8Array = new Uint8Array(Math.min(pieceBytes, layout.byteLength));
      let used = 0;
      let done = 0;
      const fresh = (): Uint8Array => {
        done += piece.length;
        const next = new Uint8Array(Math.min(pieceBytes, layout.byteLength - done));
        used = 0;
        return next;
      };
      /** Appends bytes, yielding each piece as it fills. */
      function* put(bytes: Uint8Array): Generator<Uint8Array, void, void> {
        let from = 0;
        while (from < bytes.length) {
          const n = Math.min(bytes.length - from, piece.length - used);
          piece.set(bytes.subarray(from, from + n), used);
          used += n;
          from += n;
          if (used === piece.length && piece.length > 0) {
            const full = piece;
            piece = fresh();
            yield full;
          }
        }
      }
      const bytesOf = (a: Uint32Array | Uint16Array | Uint8Array, start: number, end: number): Uint8Array =>
        new Uint8Array(a.buffer, a.byteOffset + start * a.BYTES_PER_ELEMENT, (end - start) * a.BYTES_PER_ELEMENT);
      // Offsets: each (term, field) run's start in term order, then the total.
      const words = new Uint32Array(1 << 14);
      let filled = 0;
      let pos = 0;
      for (const t of termIds) {
        for (let f = 0; f < F; f++) {
          words[filled++] = pos;
          pos += store.offsets[t * F + f + 1] - store.offsets[t * F + f];
          if (filled === words.length) {
            yield* put(bytesOf(words, 0, filled));
            filled = 0;
          }
        }
      }
      words[filled++] = pos;
      yield* put(bytesOf(words, 0, filled));
      for (const t of termIds) yield* put(bytesOf(store.docs, store.offsets[t * F], store.offsets[t * F + F]));
      yield* put(bytesOf(store.lengths, 0, head.idLimit * F));
      const small = new Uint8Array(1 << 16);
      for (const t of termIds) {
        const start = store.offsets[t * F];
        const end = store.offsets[t * F + F];
        if (head.tfBytes === 2 || store.tfs instanceof Uint8Array) {
          yield* put(bytesOf(store.tfs, start, end));
          continue;
        }
        for (let at = start; at < end; at += small.length) {
          const n = Math.min(small.length, end - at);
          for (let i = 0; i < n; i++) small[i] = store.tfs[at + i];
          yield* put(small.subarray(0, n));
        }
      }
      yield* put(new Uint8Array(layout.live - layout.tfs - head.tfBytes * head.postings));
      yield* put(bytesOf(store.live, 0, head.idLimit));
      if (used > 0) yield piece;
    }
    return { head, terms, byteLength: layout.byteLength, pieces: pieces() };
  }

  image(): { head: StoreHead; terms: readonly string[]; bytes: Uint8Array } {
    const head = this.head();
    const F = this.fieldCount;
    const terms = this.dict.terms();
    const layout = imageLayout(head, F);
    const buffer = new ArrayBuffer(layout.byteLength);
    const offsets = new Uint32Array(buffer, layout.offsets, head.terms * F + 1);
    const docs = new Uint32Array(buffer, layout.docs, head.postings);
    const tfs = head.tfBytes === 1 ? new Uint8Array(buffer, layout.tfs, head.postings) : new Uint16Array(buffer, layout.tfs, head.postings);
    let pos = 0;
    for (let i = 0; i < terms.length; i++) {
      const t = this.dict.get(terms[i])!;
      for (let f = 0; f < F; f++) {
        offsets[i * F + f] = pos;
        const start = this.offsets[t * F + f];
        const end = this.offsets[t * F + f + 1];
        docs.set(this.docs.subarray(start, end), pos);
        tfs.set(this.tfs.subarray(start, end), pos);
        pos += end - start;
      }
    }
    offsets[terms.length * F] = pos;
    new Uint32Array(buffer, layout.lengths, head.idLimit * F).set(this.lengths.subarray(0, head.idLimit * F));
    new Uint8Array(buffer, layout.live, head.idLimit).set(this.live.subarray(0, head.idLimit));
    return { head, terms, bytes: new Uint8Array(buffer) };
  }

  /**
   * The store of a cache image: its arrays are views over `bytes` (whose offset in its buffer must
   * be a multiple of 4). Checks sizes, the order of the offsets and terms, and the live flags;
   * throws when anything does not fit (a damaged or foreign cache). The bytes become the store's.
   */
  static fromImage(fields: readonly string[], head: StoreHead, terms: string[], bytes: Uint8Array<ArrayBuffer>): PostingStore {
    const F = fields.length;
    const valid = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 2 ** 32;
    if (!valid(head.terms) || !valid(head.postings) || !valid(head.idLimit)) throw new Error('Search: cache head is malformed');
    if (head.littleEndian !== LITTLE_ENDIAN) throw new Error('Search: cache was written with another byte order');
    if (head.tfBytes !== 1 && head.tfBytes !== 2) throw new Error('Search: cache head is malformed');
    const layout = imageLayout(head, F);
    if (bytes.byteLength !== layout.byteLength) throw new Error('Search: cache image has the wrong size');
    if (bytes.byteOffset % 4 !== 0) throw new Error('Search: cache image is not aligned');
    if (terms.length !== head.terms) throw new Error('Search: cache has another number of terms than it says');
    const buffer = bytes.buffer;
    const base = bytes.byteOffset;
    const offsets = new Uint32Array(buffer, base + layout.offsets, head.terms * F + 1);
    if (offsets[0] !== 0 || offsets[head.terms * F] !== head.postings) throw new Error('Search: cache offsets do not match their head');
    for (let i = 1; i < offsets.length; i++) if (offsets[i] < offsets[i - 1]) throw new Error('Search: cache offsets are out of order');
    const live = new Uint8Array(buffer, base + layout.live, head.idLimit);
    const lengths = new Uint32Array(buffer, base + layout.lengths, head.idLimit * F);
    const store = new PostingStore(fields);
    for (let id = 0; id < live.length; id++) {
      if (live[id] === 0) continue;
      if (live[id] !== 1) throw new Error('Search: cache live flags are damaged');
      store.docCount++;
      for (let f = 0; f < F; f++) store.lengthSum[f] += lengths[id * F + f];
    }
    store.dict = TermDictionary.fromSorted(terms);
    store.termList = terms.slice();
    store.compactedTerms = terms.length;
    store.offsets = offsets;
    store.docs = new Uint32Array(buffer, base + layout.docs, head.postings);
    store.tfs = head.tfBytes === 1 ? new Uint8Array(buffer, base + layout.tfs, head.postings) : new Uint16Array(buffer, base + layout.tfs, head.postings);
    store.lengths = lengths;
    store.live = live;
    return store;
  }

  // ---------------------------------------------------------------- plumbing

  private growDocs(id: number): void {
    const size = Math.max(1024, id + 1, this.live.length * 2);
    const live = new Uint8Array(size);
    live.set(this.live);
    const lengths = new Uint32Array(size * this.fieldCount);
    lengths.set(this.lengths);
    this.live = live;
    this.lengths = lengths;
  }

  private growScratch(doc: number): void {
    const size = Math.max(1024, doc + 1, this.scores.length * 2);
    const scores = new Float64Array(size);
    scores.set(this.scores);
    const counts = new Uint8Array(size);
    counts.set(this.counts);
    const lastTerm = new Int32Array(size);
    lastTerm.set(this.lastTerm);
    const masks = new Int32Array(size);
    masks.set(this.masks);
    this.masks = masks;
    this.scores = scores;
    this.counts = counts;
    this.lastTerm = lastTerm;
  }
}
