import { hashBytes, hashText } from '../markdown/hash';
import { readBytes, writeBytes, type StateStore } from '../ports/state-store';

/**
 * The index cache in the plugin folder, written so that a crash can never poison the next start:
 *
 *   search-index.json             manifest: format, schema, generation, chunk keys and hashes
 *   search-index.g<N>.<i>.json    chunks of generation N: JSON texts of about 250k characters,
 *                                 lines of terms, or pieces of a byte image of up to 1 MB (`bytesToText`)
 *   search-index.g<N>.<i>.bin     byte chunks of generation N (the passage texts), through the
 *                                 store's bytes methods (base-64 text where it has none)
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
  /** `bytes`: a byte chunk (`length` in bytes, `hash` by `hashBytes`), read with {@link readByteChunk}. */
  chunks: { key: string; hash: string; length: number; kind?: string; bytes?: boolean }[];
}

// 5: the posting store is a byte image (typed-array views on load) and its terms one sorted list.
export const CACHE_FORMAT = 5;

/** Target size of one chunk, in characters. */
// 250k characters parse in a few milliseconds, leaving room in a UI slice for the work on the rows.
const CHUNK_CHARS = 250_000;

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
  if (bytes.length !== chunk.length || hashBytes(bytes) !== chunk.hash) throw new CacheError(`chunk ${chunk.key} is damaged`);
  return bytes;
}

/** Reads one chunk and checks it against the manifest. */
export async function readChunk(state: StateStore, chunk: CacheManifest['chunks'][number]): Promise<string> {
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

/** 32-bit words in one chunk of a byte image (1 MB): decoding and checking one takes a few milliseconds. */
const CHUNK_WORDS = 1 << 18;
/** A word is written as five base-85 digits, characters "!" (33) to "u" (117): plain ASCII, no line breaks. */
const DIGIT0 = 33;

/**
 * A byte image as chunks the state store can keep, and each chunk's checksum (of its words): every
 * 32-bit word (the last one padded with zero bytes) as five base-85 digits, so the text is ASCII
 * (the platform decodes it fastest) and reading it back is one pass writing a word per five
 * characters straight into a Uint32Array, with nothing to parse. `bytes` must start at a multiple of 4.
 */
export function* bytesToText(bytes: Uint8Array): Generator<{ text: string; hash: string }> {
  if (bytes.byteOffset % 4 !== 0) throw new CacheError('byte image is not aligned');
  const whole = bytes.length >> 2;
  const count = imageWords(bytes.length);
  const words = new Uint32Array(count);
  words.set(new Uint32Array(bytes.buffer, bytes.byteOffset, whole));
  if (count > whole) {
    const tail = new Uint8Array(4);
    tail.set(bytes.subarray(whole << 2));
    words[whole] = new Uint32Array(tail.buffer)[0];
  }
  const ascii = new TextDecoder();
  for (let start = 0; start < count; start += CHUNK_WORDS) {
    const end = Math.min(count, start + CHUNK_WORDS);
    const hash = new WordHash();
    const codes = new Uint8Array(5 * (end - start));
    for (let i = start, k = 0; i < end; i++, k += 5) {
      let w = words[i];
      hash.add(w);
      for (let d = 4; d >= 0; d--) {
        const q = Math.floor(w / 85);
        codes[k + d] = DIGIT0 + (w - q * 85);
        w = q;
      }
    }
    yield { text: ascii.decode(codes), hash: hash.digest() };
  }
}

/** Words a byte image of `byteLength` bytes is written as (the last one padded). */
export function imageWords(byteLength: number): number {
  return Math.ceil(byteLength / 4);
}

/**
 * Reads one chunk of a byte image into `target` at word `at` and checks its words against the
 * manifest's checksum; returns the next word. Throws CacheError when it is missing, damaged or
 * does not fit.
 */
export async function readImageChunk(state: StateStore, chunk: CacheManifest['chunks'][number], target: Uint32Array, at: number): Promise<number> {
  const text = await state.get(chunk.key);
  if (text === null) throw new CacheError(`chunk ${chunk.key} is missing`);
  if (text.length !== chunk.length || text.length % 5 !== 0) throw new CacheError(`chunk ${chunk.key} is damaged`);
  const count = text.length / 5;
  if (at + count > target.length) throw new CacheError('byte image is longer than its head says');
  if (decodeWords(text, target, at) !== chunk.hash) throw new CacheError(`chunk ${chunk.key} is damaged`);
  return at + count;
}

/** Decodes a chunk's text into `target` from word `at`; returns the checksum of the words (a plain loop the engine optimises whole). */
function decodeWords(text: string, target: Uint32Array, at: number): string {
  let a = HASH_A;
  let b = HASH_B;
  const n = text.length;
  for (let i = 0, j = at; i < n; i += 5, j++) {
    const v =
      ((((text.charCodeAt(i) - DIGIT0) * 85 + (text.charCodeAt(i + 1) - DIGIT0)) * 85 + (text.charCodeAt(i + 2) - DIGIT0)) * 85 + (text.charCodeAt(i + 3) - DIGIT0)) * 85 +
      (text.charCodeAt(i + 4) - DIGIT0);
    target[j] = v;
    const w = target[j];
    // The steps of WordHash.add, inlined.
    a = Math.imul(a ^ w, 0x01000193);
    b = (Math.imul((b << 13) | (b >>> 19), 5) + (w ^ 0xe6546b64)) | 0;
  }
  return digest(a, b, n / 5);
}

const HASH_A = 0x811c9dc5;
const HASH_B = 0x9747b28c;

/** A 64-bit checksum of 32-bit words: two multiplicative lanes, as "w" and 16 hex characters. */
class WordHash {
  private a = HASH_A;
  private b = HASH_B;
  private count = 0;

  add(v: number): void {
    this.a = Math.imul(this.a ^ v, 0x01000193);
    this.b = (Math.imul((this.b << 13) | (this.b >>> 19), 5) + (v ^ 0xe6546b64)) | 0;
    this.count++;
  }

  digest(): string {
    return digest(this.a, this.b, this.count);
  }
}

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
  chunks: AsyncIterable<{ kind: string; text: string; hash?: string } | { kind: string; bytes: Uint8Array }>,
): Promise<CacheManifest> {
  const generation = (previous?.generation ?? 0) + 1;
  const manifest: CacheManifest = { format: CACHE_FORMAT, schema, generation, chunks: [] };
  let i = 0;
  for await (const chunk of chunks) {
    if ('bytes' in chunk) {
      const chunkKey = `${key}.g${generation}.${i++}.bin`;
      await writeBytes(state, chunkKey, chunk.bytes);
      manifest.chunks.push({ key: chunkKey, hash: hashBytes(chunk.bytes), length: chunk.bytes.length, kind: chunk.kind, bytes: true });
      continue;
    }
    const { kind, text, hash } = chunk;
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
  entries: Iterable<[number, string | Uint8Array]>,
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
  for (const [id, text] of entries) {
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
