import { hashText } from '../markdown/hash';
import type { StateStore } from '../ports/state-store';

/**
 * The index cache in the plugin folder, written so that a crash can never poison the next start:
 *
 *   search-index.json             manifest: format, schema, generation, chunk keys and hashes
 *   search-index.g<N>.<i>.json    chunks of generation N: JSON texts of about 250k characters, or
 *                                 pieces of a byte image of up to 1 MB (`bytesToText`)
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
  chunks: { key: string; hash: string; length: number; kind?: string }[];
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

/** Bytes in one chunk of a byte image: decoding 1 MB takes a few milliseconds. */
const CHUNK_BYTES = 1 << 20;

/**
 * A byte image as chunk texts the state store can keep: one character (U+0000 to U+00FF) per byte,
 * so reading it back is one pass copying character codes, with nothing to parse.
 */
export function* bytesToText(bytes: Uint8Array): Generator<string> {
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    const piece = bytes.subarray(start, Math.min(bytes.length, start + CHUNK_BYTES));
    const parts: string[] = [];
    for (let i = 0; i < piece.length; i += 8192) parts.push(String.fromCharCode(...piece.subarray(i, i + 8192)));
    yield parts.join('');
  }
}

/** Copies the bytes a `bytesToText` chunk holds into `target` at `at`; returns the new end. Throws if it does not fit. */
export function textToBytes(text: string, target: Uint8Array, at: number): number {
  if (at + text.length > target.length) throw new CacheError('byte image is longer than its head says');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new CacheError('byte image holds a character that is not a byte');
    target[at + i] = c;
  }
  return at + text.length;
}

/** Sorted terms as chunk texts of about CHUNK_BYTES characters, one term a line. */
export function* termsToText(terms: readonly string[]): Generator<string> {
  let start = 0;
  while (start < terms.length) {
    let size = 0;
    let end = start;
    while (end < terms.length && (end === start || size < CHUNK_BYTES)) {
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
  chunks: AsyncIterable<{ kind: string; text: string }>,
): Promise<CacheManifest> {
  const generation = (previous?.generation ?? 0) + 1;
  const manifest: CacheManifest = { format: CACHE_FORMAT, schema, generation, chunks: [] };
  let i = 0;
  for await (const { kind, text } of chunks) {
    const chunkKey = `${key}.g${generation}.${i++}.json`;
    await state.set(chunkKey, text);
    manifest.chunks.push({ key: chunkKey, hash: hashText(text), length: text.length, kind });
  }
  await state.set(`${key}.json`, JSON.stringify(manifest));
  const kept = new Set(manifest.chunks.map((c) => c.key));
  for (const old of previous?.chunks ?? []) {
    if (!kept.has(old.key)) await state.delete(old.key).catch(() => undefined);
  }
  return manifest;
}

/** Removes the cache (manifest first, so a crash halfway leaves no manifest pointing at nothing). */
export async function deleteCache(state: StateStore, key: string, manifest: Pick<CacheManifest, 'chunks'> | null): Promise<void> {
  await state.delete(`${key}.json`);
  for (const c of manifest?.chunks ?? []) await state.delete(c.key).catch(() => undefined);
}
