import { hashText } from '../markdown/hash';
import type { StateStore } from '../ports/state-store';

/**
 * The index cache in the plugin folder, written so that a crash can never poison the next start:
 *
 *   search-index.json             manifest: format, schema, generation, chunk keys and hashes
 *   search-index.g<N>.<i>.json    chunks of generation N, each a JSON text of about 250k characters
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

export const CACHE_FORMAT = 4;

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
