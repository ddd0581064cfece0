import { hashText } from '../markdown/hash';
import { readBytes, writeBytes, type StateStore } from '../ports/state-store';

/**
 * The index cache in the plugin folder, written so that a crash can never poison the next start:
 *
 *   search-index.json             manifest: format, schema, generation, chunk keys and hashes
 *   search-index.g<N>.<i>.json    text chunks of generation N: JSON of about a million characters, or
 *                                 lines of terms
 *   search-index.g<N>.<i>.bin     byte chunks of generation N: pieces of the posting store's byte
 *                                 image (4 MB) and passage texts (~4 MB), through the store's bytes
 *                                 methods (base-64 text where it has none)
 *
 * A new generation's chunks are written first, the manifest last (each write is atomic), and the
 * old chunks are removed only after that. A reader trusts a chunk only if its hash matches the
 * manifest, so a torn or stale chunk means "rebuild", never "load garbage". Chunks keep each
 * `JSON.parse` short, so loading a large index does not freeze the app.
 */
export interface CacheManifest {
  format: number;
  /** Changes whenever tokenization or fields change: an index built differently is useless. */
  schema: string;
  generation: number;
  /** `kind` says what a chunk holds (the index decides the kinds), so a loader can read them in its own order. */
  /**
   * `bytes`: a byte chunk (`length` in bytes, `hash` the checksum of its words), read with
   * {@link readByteChunk}; with `utf8` as well, a text chunk kept as its UTF-8 bytes.
   */
  chunks: { key: string; hash: string; length: number; kind?: string; bytes?: boolean; utf8?: boolean }[];
}

// 5: the posting store is a byte image (typed-array views on load) and its terms one sorted list.
// 6: the image is kept as byte chunks (no base-85 text to decode), and passage texts are cached.
// 7: passages are a byte table (`sections`) and their headings a list, no longer JSON rows per note.
// 8: a note's row is its info alone; its passages' ids come from the byte table.
// 9: where the store keeps bytes, text chunks are UTF-8 byte chunks too, and every byte chunk is
//    checked by the checksum of its 32-bit words (a quarter of the steps of hashing it by byte or by character).
export const CACHE_FORMAT = 9;

/** Target size of one chunk, in characters. */
// A million characters of rows parse in 5-15 ms, inside a UI slice; each chunk is a file read (and, in
// the CLI's store, a listing of the state folder), so 250k-character chunks made 50k notes' load slower.
const CHUNK_CHARS = 1_000_000;

export class CacheError extends Error {
  constructor(message: string) {
    super(`Search cache: ${message}`);
    this.name = 'CacheError';
  }
}

/** Reads and checks the manifest; null when there is no cache. Throws CacheError when it is unusable. */
export async function readManifest(state: StateStore, key: string, schema: string): Promise<CacheManifest | null> {
  const text = await state.get(`${key}.json`);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CacheError('manifest is not valid JSON');
  }
  const m = value as Partial<CacheManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== CACHE_FORMAT) throw new CacheError(`format ${String(m?.format)} is not ${CACHE_FORMAT}`);
  if (m.schema !== schema) throw new CacheError('built with other index settings');
  if (!Array.isArray(m.chunks) || typeof m.generation !== 'number') throw new CacheError('manifest is incomplete');
  return m as CacheManifest;
}

/**
 * The manifest on disk whatever its version, or null: a writer needs the current generation and
 * chunk keys even when it could not use them, so that it neither overwrites chunks a valid
 * manifest points at nor leaves them behind.
 */
export async function peekManifest(state: StateStore, key: string): Promise<Pick<CacheManifest, 'generation' | 'chunks'> | null> {
  try {
    const m = JSON.parse((await state.get(`${key}.json`)) ?? 'null') as Partial<CacheManifest> | null;
    if (!m || typeof m.generation !== 'number' || !Array.isArray(m.chunks)) return null;
    return { generation: m.generation, chunks: m.chunks.filter((c) => c && typeof c.key === 'string' && c.key.startsWith(`${key}.g`)) };
  } catch {
    return null;
  }
}

/** Reads one byte chunk and checks it against the manifest. */
export async function readByteChunk(state: StateStore, chunk: CacheManifest['chunks'][number]): Promise<Uint8Array> {
  if (chunk.bytes !== true) throw new CacheError(`chunk ${chunk.key} is not a byte chunk`);
  const bytes = await readBytes(state, chunk.key);
  if (bytes === null) throw new CacheError(`chunk ${chunk.key} is missing`);
  if (bytes.length !== chunk.length || wordsHash(bytes) !== chunk.hash) throw new CacheError(`chunk ${chunk.key} is damaged`);
  return bytes;
}

/** Reads one chunk and checks it against the manifest. */
export async function readChunk(state: StateStore, chunk: CacheManifest['chunks'][number]): Promise<string> {
  if (chunk.bytes === true) {
    if (chunk.utf8 !== true) throw new CacheError(`chunk ${chunk.key} is not text`);
    return new TextDecoder().decode(await readByteChunk(state, chunk));
  }
  const text = await state.get(chunk.key);
  if (text === null) throw new CacheError(`chunk ${chunk.key} is missing`);
  if (text.length !== chunk.length || hashText(text) !== chunk.hash) throw new CacheError(`chunk ${chunk.key} is damaged`);
  return text;
}

/**
 * Groups JSON texts into chunk texts of about CHUNK_CHARS: each chunk is a JSON array of the
 * given items. Calls `pause` between groups of work so the caller can yield.
 */
export async function* chunkJsonItems(items: Iterable<string>, pause: () => Promise<void>): AsyncGenerator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const item of items) {
    parts.push(item);
    size += item.length + 1;
    if (size >= CHUNK_CHARS) {
      yield `[${parts.join(',')}]`;
      parts = [];
      size = 0;
      await pause();
    }
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`;
}

/** 32-bit words in one chunk of a byte image (4 MB): copying and checking one takes a few milliseconds. */
const CHUNK_WORDS = 1 << 20;
/** Bytes in one chunk of the posting store's image: 4 MB. */
export const IMAGE_CHUNK_BYTES = CHUNK_WORDS * 4;
/**
 * A byte image as byte chunks of up to 4 MB, each with the checksum of its 32-bit words (the last
 * padded with zero bytes), as {@link readImageByteChunk} checks it. `bytes` must start at a multiple of 4.
 */
export function* imageChunks(bytes: Uint8Array): Generator<{ bytes: Uint8Array; hash: string }> {
  if (bytes.byteOffset % 4 !== 0) throw new CacheError('byte image is not aligned');
  const chunkBytes = CHUNK_WORDS * 4;
  for (let start = 0; start < bytes.length; start += chunkBytes) {
    const piece = bytes.subarray(start, Math.min(bytes.length, start + chunkBytes));
    yield { bytes: piece, hash: wordsHash(piece) };
  }
}

/** The checksum of the 32-bit words of `bytes` (the last one padded with zero bytes): every byte chunk's manifest hash. */
export function wordsHash(bytes: Uint8Array): string {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const whole = aligned.length >> 2;
  const view = new Uint32Array(aligned.buffer, aligned.byteOffset, whole);
  let a = HASH_A;
  let b = HASH_B;
  for (let i = 0; i < whole; i++) {
    const w = view[i];
    a = Math.imul(a ^ w, 0x01000193);
    b = (Math.imul((b << 13) | (b >>> 19), 5) + (w ^ 0xe6546b64)) | 0;
  }
  let words = whole;
  if (aligned.length > whole << 2) {
    const tail = new Uint8Array(4);
    tail.set(aligned.subarray(whole << 2));
    const w = new Uint32Array(tail.buffer)[0];
    a = Math.imul(a ^ w, 0x01000193);
    b = (Math.imul((b << 13) | (b >>> 19), 5) + (w ^ 0xe6546b64)) | 0;
    words++;
  }
  return digest(a, b, words);
}

/**
 * Reads one byte chunk of an image into `target` at word `at` (a copy, then the checksum of the
 * words copied); returns the next word. Throws CacheError when it is missing, damaged or does not fit.
 */
export async function readImageByteChunk(state: StateStore, chunk: CacheManifest['chunks'][number], target: Uint32Array, at: number): Promise<number> {
  if (chunk.bytes !== true) throw new CacheError(`chunk ${chunk.key} is not a byte chunk`);
  const bytes = await readBytes(state, chunk.key);
  if (bytes === null) throw new CacheError(`chunk ${chunk.key} is missing`);
  if (bytes.length !== chunk.length) throw new CacheError(`chunk ${chunk.key} is damaged`);
  const words = Math.ceil(bytes.length / 4);
  if (at + words > target.length) throw new CacheError('byte image is longer than its head says');
  // Only the last chunk may end inside a word: every other one is a whole number of words.
  new Uint8Array(target.buffer, target.byteOffset + at * 4, bytes.length).set(bytes);
  if (checkWords(target, at, at + words) !== chunk.hash) throw new CacheError(`chunk ${chunk.key} is damaged`);
  return at + words;
}

/** The checksum of `words[from..to)` (two multiplicative lanes, as "w" and 16 hex characters), as one plain loop the engine optimises whole. */
function checkWords(words: Uint32Array, from: number, to: number): string {
  let a = HASH_A;
  let b = HASH_B;
  for (let i = from; i < to; i++) {
    const w = words[i];
    a = Math.imul(a ^ w, 0x01000193);
    b = (Math.imul((b << 13) | (b >>> 19), 5) + (w ^ 0xe6546b64)) | 0;
  }
  return digest(a, b, to - from);
}

/** Words a byte image of `byteLength` bytes is written as (the last one padded). */
export function imageWords(byteLength: number): number {
  return Math.ceil(byteLength / 4);
}

const HASH_A = 0x811c9dc5;
const HASH_B = 0x9747b28c;


function digest(a: number, b: number, count: number): string {
  return `w${mix(a)}${mix(b ^ count)}`;
}

function mix(h: number): string {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0).toString(16).padStart(8, '0');
}

const TERM_CHUNK_CHARS = 1 << 20;

/** Sorted terms as chunk texts of about a million characters, one term a line. */
export function* termsToText(terms: readonly string[]): Generator<string> {
  let start = 0;
  while (start < terms.length) {
    let size = 0;
    let end = start;
    while (end < terms.length && (end === start || size < TERM_CHUNK_CHARS)) {
      if (terms[end].includes('\n')) throw new CacheError('a term holds a line break');
      size += terms[end++].length + 1;
    }
    yield terms.slice(start, end).join('\n');
    start = end;
  }
}

/** The terms of one `termsToText` chunk. */
export function textToTerms(text: string): string[] {
  return text.split('\n');
}

/** Writes chunks, then the manifest, then removes the previous generation's chunks. */
export async function writeCache(
  state: StateStore,
  key: string,
  schema: string,
  previous: Pick<CacheManifest, 'generation' | 'chunks'> | null,
  /** Each chunk's text, and its hash when it is not `hashText` of the text (image chunks); or its bytes. */
  chunks: AsyncIterable<{ kind: string; text: string; hash?: string } | { kind: string; bytes: Uint8Array; hash?: string }>,
): Promise<CacheManifest> {
  const generation = (previous?.generation ?? 0) + 1;
  const manifest: CacheManifest = { format: CACHE_FORMAT, schema, generation, chunks: [] };
  let i = 0;
  for await (const chunk of chunks) {
    if ('bytes' in chunk) {
      const chunkKey = `${key}.g${generation}.${i++}.bin`;
      await writeBytes(state, chunkKey, chunk.bytes);
      manifest.chunks.push({ key: chunkKey, hash: chunk.hash ?? wordsHash(chunk.bytes), length: chunk.bytes.length, kind: chunk.kind, bytes: true });
      continue;
    }
    const { kind, text, hash } = chunk;
    if (hash === undefined && state.setBytes) {
      const bytes = new TextEncoder().encode(text);
      const chunkKey = `${key}.g${generation}.${i++}.bin`;
      await state.setBytes(chunkKey, bytes);
      manifest.chunks.push({ key: chunkKey, hash: wordsHash(bytes), length: bytes.length, kind, bytes: true, utf8: true });
      continue;
    }
    const chunkKey = `${key}.g${generation}.${i++}.json`;
    await state.set(chunkKey, text);
    manifest.chunks.push({ key: chunkKey, hash: hash ?? hashText(text), length: text.length, kind });
  }
  await state.set(`${key}.json`, JSON.stringify(manifest));
  const kept = new Set(manifest.chunks.map((c) => c.key));
  for (const old of previous?.chunks ?? []) {
    if (!kept.has(old.key)) await state.delete(old.key).catch(() => undefined);
  }
  return manifest;
}

/** Passage texts a byte chunk of the `texts` kind holds. */
export interface TextChunkEntries {
  ids: Uint32Array;
  /** Byte offsets into `data`: entry i spans `ends[i - 1]` (0 for the first) to `ends[i]`. */
  ends: Uint32Array;
  /** The texts, UTF-8, one after another. */
  data: Uint8Array;
}

/** Target size of a texts chunk's UTF-8 data: a few milliseconds to hash when read. */
const TEXT_CHUNK_BYTES = 4 << 20;

/**
 * Passage texts as byte chunks: `[count][id × count][end × count]` (little-endian 32-bit words)
 * then the texts in UTF-8. `raw` gives a text already held as UTF-8 bytes (copied as they are).
 */
export async function* textChunks(
  entries: Iterable<[number, string | Uint8Array]> | AsyncIterable<[number, string | Uint8Array]>,
  pause: () => Promise<void>,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let ids: number[] = [];
  let ends: number[] = [];
  let data = new Uint8Array(TEXT_CHUNK_BYTES + (1 << 16));
  let used = 0;
  const seal = (): Uint8Array => {
    const n = ids.length;
    const out = new Uint8Array(4 + 8 * n + used);
    const view = new DataView(out.buffer);
    view.setUint32(0, n, true);
    for (let i = 0; i < n; i++) {
      view.setUint32(4 + 4 * i, ids[i], true);
      view.setUint32(4 + 4 * n + 4 * i, ends[i], true);
    }
    out.set(data.subarray(0, used), 4 + 8 * n);
    ids = [];
    ends = [];
    used = 0;
    return out;
  };
  for await (const [id, text] of entries) {
    const most = typeof text === 'string' ? 3 * text.length : text.length;
    if (used + most > data.length) {
      const grown = new Uint8Array(Math.max(2 * data.length, used + most));
      grown.set(data.subarray(0, used));
      data = grown;
    }
    if (typeof text === 'string') used += encoder.encodeInto(text, data.subarray(used)).written;
    else {
      data.set(text, used);
      used += text.length;
    }
    ids.push(id);
    ends.push(used);
    if (used >= TEXT_CHUNK_BYTES) {
      yield seal();
      await pause();
    }
  }
  if (ids.length > 0) yield seal();
}

/** The entries of a texts chunk; throws CacheError when its table does not fit its bytes. */
export function readTextChunk(bytes: Uint8Array): TextChunkEntries {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new CacheError('texts chunk is cut');
  const n = view.getUint32(0, true);
  const dataStart = 4 + 8 * n;
  if (dataStart > bytes.length) throw new CacheError('texts chunk is cut');
  const ids = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const size = bytes.length - dataStart;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    ids[i] = view.getUint32(4 + 4 * i, true);
    const end = view.getUint32(4 + 4 * n + 4 * i, true);
    if (end < previous || end > size) throw new CacheError('texts chunk offsets do not fit');
    ends[i] = previous = end;
  }
  return { ids, ends, data: bytes.subarray(dataStart) };
}

/** Removes the cache (manifest first, so a crash halfway leaves no manifest pointing at nothing). */
export async function deleteCache(state: StateStore, key: string, manifest: Pick<CacheManifest, 'chunks'> | null): Promise<void> {
  await state.delete(`${key}.json`);
  for (const c of manifest?.chunks ?? []) await state.delete(c.key).catch(() => undefined);
}
