import { imageChunks, imageWords, readImageByteChunk, readTextChunk, textChunks, textToTerms, termsToText, CacheError } from '../../../src/core/search/index-cache';
import { MemoryStateStore } from '../../support/memory-vault';

function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Writes the byte chunks of `bytes` to a store and reads them back as the loader does. */
async function roundTrip(bytes: Uint8Array, state: MemoryStateStore = new MemoryStateStore()): Promise<{ read: Uint8Array; chunks: number }> {
  const manifest: { key: string; hash: string; length: number; bytes: true }[] = [];
  for (const chunk of imageChunks(bytes)) {
    const key = `c${manifest.length}`;
    await state.setBytes(key, chunk.bytes);
    manifest.push({ key, hash: chunk.hash, length: chunk.bytes.length, bytes: true });
  }
  const words = new Uint32Array(imageWords(bytes.length));
  let at = 0;
  for (const chunk of manifest) at = await readImageByteChunk(state, chunk, words, at);
  expect(at).toBe(words.length);
  return { read: new Uint8Array(words.buffer, 0, bytes.length), chunks: manifest.length };
}

describe('the byte image as byte chunks', () => {
  it('round-trips images of every length modulo 4, and of more than one chunk', async () => {
    for (const length of [0, 1, 2, 3, 4, 5, 7, 8, 1000]) {
      const bytes = randomBytes(length, length + 1);
      expect((await roundTrip(bytes)).read).toEqual(bytes);
    }
    const big = randomBytes((4 << 20) * 2 + 5, 9);
    const { read, chunks } = await roundTrip(big);
    expect(chunks).toBe(3);
    expect(read.length).toBe(big.length);
    expect(read.findIndex((b, i) => b !== big[i])).toBe(-1);
  });

  it('refuses a chunk whose words do not match its checksum, or that is cut, missing, text, or does not fit', async () => {
    const state = new MemoryStateStore();
    const [{ bytes, hash }] = [...imageChunks(randomBytes(4000, 3))];
    const target = new Uint32Array(1000);
    const read = (b: Uint8Array, h = hash, into = target) => {
      void state.setBytes('k', b);
      return readImageByteChunk(state, { key: 'k', hash: h, length: b.length, bytes: true }, into, 0);
    };
    await expect(read(bytes)).resolves.toBe(1000);
    for (const i of [0, 1, 2, 2500, bytes.length - 1]) {
      const other = bytes.slice();
      other[i] ^= 0x01;
      await expect(read(other)).rejects.toThrow(CacheError);
    }
    await expect(read(bytes.slice(0, -4))).rejects.toThrow(CacheError);
    await expect(read(bytes, hash, new Uint32Array(999))).rejects.toThrow('longer than its head');
    await expect(readImageByteChunk(state, { key: 'gone', hash, length: bytes.length, bytes: true }, target, 0)).rejects.toThrow('missing');
    await expect(readImageByteChunk(state, { key: 'k', hash, length: bytes.length }, target, 0)).rejects.toThrow('not a byte chunk');
  });

  it('keeps sorted terms as lines in chunks of about a million characters', () => {
    const terms = Array.from({ length: 200_000 }, (_, i) => `term${String(i).padStart(7, '0')}`);
    const chunks = [...termsToText(terms)];
    expect(chunks.length).toBe(3);
    expect(chunks.flatMap(textToTerms)).toEqual(terms);
    expect(() => [...termsToText(['a\nb'])]).toThrow(CacheError);
  });
});

describe('passage texts as byte chunks', () => {
  const collect = async (entries: [number, string | Uint8Array][]) => {
    const out: Uint8Array[] = [];
    for await (const chunk of textChunks(entries, () => Promise.resolve())) out.push(chunk);
    return out;
  };
  const decode = (chunks: Uint8Array[]) => {
    const decoder = new TextDecoder();
    const got: [number, string][] = [];
    for (const c of chunks) {
      const { ids, ends, data } = readTextChunk(c);
      for (let i = 0; i < ids.length; i++) got.push([ids[i], decoder.decode(data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]))]);
    }
    return got;
  };

  it('round-trips texts of every script, empty ones and bytes given as they are, across chunks', async () => {
    const texts: [number, string][] = [
      [1, ''],
      [7, 'plain ASCII'],
      [9, '借用检查器 🦀 naïve café\nsecond line'],
      [4_000_000_000, 'a high id'],
    ];
    expect(decode(await collect(texts))).toEqual(texts);
    const raw: [number, string | Uint8Array][] = [[3, new TextEncoder().encode('already bytes ✓')], [5, 'text']];
    expect(decode(await collect(raw))).toEqual([
      [3, 'already bytes ✓'],
      [5, 'text'],
    ]);
    // About 9 MB of text: more than one chunk, nothing lost at the seams.
    const many: [number, string][] = Array.from({ length: 3000 }, (_, i) => [i + 1, `${i} ${'word '.repeat(600)}`]);
    const chunks = await collect(many);
    expect(chunks.length).toBeGreaterThan(1);
    expect(decode(chunks)).toEqual(many);
    expect(await collect([])).toEqual([]);
  });

  it('refuses a chunk whose table is cut or whose offsets run backwards or past its end', async () => {
    const [chunk] = await collect([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(() => readTextChunk(chunk.slice(0, 2))).toThrow(CacheError);
    expect(() => readTextChunk(chunk.slice(0, 10))).toThrow(CacheError);
    const backwards = chunk.slice();
    new DataView(backwards.buffer).setUint32(4 + 8 + 4, 1, true);
    expect(() => readTextChunk(backwards)).toThrow('offsets');
    const past = chunk.slice();
    new DataView(past.buffer).setUint32(4 + 8 + 4, 1000, true);
    expect(() => readTextChunk(past)).toThrow('offsets');
  });
});
