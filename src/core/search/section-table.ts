/**
 * The index's passage metadata by passage id: which note, heading, line range, whether it is a
 * later passage of its section, and the hash of its indexed fields.
 *
 * A loaded cache's passages stay in typed columns indexed by id (read from one byte chunk, nothing
 * parsed per passage: one object per passage and its row array were most of a load's garbage);
 * passages indexed since live in a `Map`. `get` builds the object a caller reads.
 */
export interface SectionMeta {
  path: string;
  heading: string | null;
  line: number;
  endLine: number;
  /** A later passage of its section (its range starts after the heading line). */
  continued: boolean;
  /** Hash of the section's field texts (16 hex characters): an edit re-indexes only the sections it changed. */
  hash: string;
}

/** 32-bit words per passage in the byte form: id, note number, line, end line, flags, hash (2). */
export const SECTION_WORDS = 7;

/** Loaded columns: one slot per id up to the largest loaded id. */
interface Columns {
  /** Note number (into `paths`) + 1; 0 for an id not loaded or since removed. */
  note: Uint32Array;
  line: Uint32Array;
  endLine: Uint32Array;
  continued: Uint8Array;
  /** Two words per id. */
  hash: Uint32Array;
  paths: string[];
  /** By id; a hole or undefined for a passage without a heading. */
  headings: (string | undefined)[];
}

export class SectionTable {
  private columns: Columns | null = null;
  private loadedCount = 0;
  private readonly added = new Map<number, SectionMeta>();
  /** Note number by path in `columns.paths`, made by the first {@link seal}. */
  private pathNumbers: Map<string, number> | null = null;

  /**
   * An empty table for a load: passages come in with {@link addRows}, their notes named by
   * `paths`, headings with {@link setHeading}, every id below `idLimit` (the columns are that long).
   */
  static forLoad(paths: string[], idLimit: number): SectionTable {
    const size = Math.max(0, idLimit);
    const table = new SectionTable();
    table.columns = {
      note: new Uint32Array(size),
      line: new Uint32Array(size),
      endLine: new Uint32Array(size),
      continued: new Uint8Array(size),
      hash: new Uint32Array(2 * size),
      paths,
      headings: [],
    };
    return table;
  }

  /** The heading of loaded passage `id` (before or after its row comes in; {@link checkHeadings} checks it has one). */
  setHeading(id: number, heading: string): void {
    const c = this.columns;
    if (c === null || !Number.isInteger(id) || id < 0 || id >= c.note.length) throw new Error('Search: a heading of no passage');
    c.headings[id] = heading;
  }

  /**
   * Adds the passages in `bytes` (`SECTION_WORDS` little-endian words each, as `encode` writes
   * them). Throws when a row does not fit: an id at or past the limit, a note number past the
   * notes, an id twice, a line before 1 or an end before its line.
   */
  addRows(bytes: Uint8Array, onRow?: (id: number, note: number) => void): void {
    const c = this.columns;
    if (c === null) throw new Error('Search: passage table not made for a load');
    if (bytes.length % (4 * SECTION_WORDS) !== 0) throw new Error('Search: passage table is cut');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const rows = bytes.length / (4 * SECTION_WORDS);
    const size = c.note.length;
    for (let r = 0; r < rows; r++) {
      const at = r * 4 * SECTION_WORDS;
      const id = view.getUint32(at, true);
      if (id >= size) throw new Error('Search: a passage id past the next id');
      const note = view.getUint32(at + 4, true);
      const line = view.getUint32(at + 8, true);
      const endLine = view.getUint32(at + 12, true);
      if (note >= c.paths.length || c.note[id] !== 0 || endLine < line || line < 1) throw new Error('Search: passage table does not fit its notes');
      c.note[id] = note + 1;
      c.line[id] = line;
      c.endLine[id] = endLine;
      c.continued[id] = view.getUint32(at + 16, true) & 1;
      c.hash[2 * id] = view.getUint32(at + 20, true);
      c.hash[2 * id + 1] = view.getUint32(at + 24, true);
      onRow?.(id, note);
    }
    this.loadedCount += rows;
  }

  /** Checks, once every row is in, that each heading belongs to a passage. */
  checkHeadings(): void {
    const headings = this.columns?.headings ?? [];
    for (let id = 0; id < headings.length; id++) if (headings[id] !== undefined && !this.loaded(id)) throw new Error('Search: a heading of no passage');
  }

  /** {@link forLoad}, {@link addRows} and {@link checkHeadings} at once. */
  static decode(bytes: Uint8Array, paths: string[], headings: Map<number, string>, idLimit: number): SectionTable {
    const table = SectionTable.forLoad(paths, idLimit);
    for (const [id, heading] of headings) table.setHeading(id, heading);
    table.addRows(bytes);
    table.checkHeadings();
    return table;
  }

  /**
   * The byte form of `ids` (each live here) with their note numbers, and the headings that are not
   * null. The caller keeps the note numbering.
   */
  encode(ids: readonly number[], noteNumber: (path: string) => number): { bytes: Uint8Array; headings: [number, string][] } {
    const bytes = new Uint8Array(ids.length * 4 * SECTION_WORDS);
    const view = new DataView(bytes.buffer);
    const headings: [number, string][] = [];
    ids.forEach((id, r) => {
      const s = this.get(id);
      if (!s) throw new Error(`Search: passage ${id} is not in the table`);
      const at = r * 4 * SECTION_WORDS;
      view.setUint32(at, id, true);
      view.setUint32(at + 4, noteNumber(s.path), true);
      view.setUint32(at + 8, s.line, true);
      view.setUint32(at + 12, s.endLine, true);
      view.setUint32(at + 16, s.continued ? 1 : 0, true);
      const [a, b] = hashWords(s.hash);
      view.setUint32(at + 20, a, true);
      view.setUint32(at + 24, b, true);
      if (s.heading !== null) headings.push([id, s.heading]);
    });
    return { bytes, headings };
  }

  /**
   * Moves the passages added since the load (or the last seal) into the typed columns: a few bytes
   * a passage instead of an object, its hash string and a `Map` entry (about 130 bytes). A build
   * calls it as it goes, so 330k passages at 50k notes are not held as objects.
   */
  seal(): void {
    if (this.added.size === 0) return;
    let top = -1;
    for (const id of this.added.keys()) if (id > top) top = id;
    const before = this.columns;
    let c: Columns;
    if (before === null || top >= before.note.length) {
      const size = Math.max(top + 1, Math.ceil(1.5 * (before?.note.length ?? 0)));
      const grow = <A extends Uint32Array | Uint8Array>(from: A | undefined, made: A): A => {
        if (from) made.set(from);
        return made;
      };
      c = {
        note: grow(before?.note, new Uint32Array(size)),
        line: grow(before?.line, new Uint32Array(size)),
        endLine: grow(before?.endLine, new Uint32Array(size)),
        continued: grow(before?.continued, new Uint8Array(size)),
        hash: grow(before?.hash, new Uint32Array(2 * size)),
        paths: before?.paths ?? [],
        headings: before?.headings ?? [],
      };
      this.columns = c;
    } else c = before;
    if (this.pathNumbers === null) {
      this.pathNumbers = new Map();
      c.paths.forEach((path, i) => this.pathNumbers!.set(path, i));
    }
    for (const [id, meta] of this.added) {
      let note = this.pathNumbers.get(meta.path);
      if (note === undefined) {
        note = c.paths.length;
        c.paths.push(meta.path);
        this.pathNumbers.set(meta.path, note);
      }
      c.note[id] = note + 1;
      c.line[id] = meta.line;
      c.endLine[id] = meta.endLine;
      c.continued[id] = meta.continued ? 1 : 0;
      const [a, b] = hashWords(meta.hash);
      c.hash[2 * id] = a;
      c.hash[2 * id + 1] = b;
      if (meta.heading !== null) c.headings[id] = meta.heading;
      else if (id < c.headings.length) c.headings[id] = undefined;
      this.loadedCount++;
    }
    this.added.clear();
  }

  get size(): number {
    return this.loadedCount + this.added.size;
  }

  has(id: number): boolean {
    return this.added.has(id) || this.loaded(id);
  }

  get(id: number): SectionMeta | undefined {
    const own = this.added.get(id);
    if (own !== undefined) return own;
    const c = this.columns;
    if (c === null || !this.loaded(id)) return undefined;
    return {
      path: c.paths[c.note[id] - 1],
      heading: c.headings[id] ?? null,
      line: c.line[id],
      endLine: c.endLine[id],
      continued: c.continued[id] === 1,
      hash: hex(c.hash[2 * id]) + hex(c.hash[2 * id + 1]),
    };
  }

  /** The note of a passage, without building its object (ranking asks this for every candidate). */
  pathOf(id: number): string | undefined {
    const own = this.added.get(id);
    if (own !== undefined) return own.path;
    const c = this.columns;
    return c !== null && this.loaded(id) ? c.paths[c.note[id] - 1] : undefined;
  }

  /** The passage's hash, without building its object. */
  hashOf(id: number): string | undefined {
    const own = this.added.get(id);
    if (own !== undefined) return own.hash;
    const c = this.columns;
    return c !== null && this.loaded(id) ? hex(c.hash[2 * id]) + hex(c.hash[2 * id + 1]) : undefined;
  }

  set(id: number, meta: SectionMeta): void {
    this.drop(id);
    this.added.set(id, meta);
  }

  delete(id: number): void {
    this.drop(id);
    this.added.delete(id);
  }

  *keys(): Generator<number> {
    const c = this.columns;
    if (c !== null) for (let id = 0; id < c.note.length; id++) if (c.note[id] !== 0) yield id;
    yield* this.added.keys();
  }

  private loaded(id: number): boolean {
    const c = this.columns;
    return c !== null && id >= 0 && id < c.note.length && c.note[id] !== 0;
  }

  /** Forgets the loaded row of `id`, if any. */
  private drop(id: number): void {
    if (!this.loaded(id)) return;
    const c = this.columns!;
    c.note[id] = 0;
    if (id < c.headings.length) c.headings[id] = undefined;
    this.loadedCount--;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** A 16-hex-character hash as two words; anything else (an empty hash of a damaged row) as zeros. */
function hashWords(hash: string): [number, number] {
  if (!/^[0-9a-f]{16}$/.test(hash)) return [0, 0];
  return [parseInt(hash.slice(0, 8), 16) >>> 0, parseInt(hash.slice(8), 16) >>> 0];
}
