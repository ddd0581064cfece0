/**
 * The vector cache's file: one byte image, loaded as typed-array views (no per-vector decoding).
 *
 *   0  "SCRV"            magic
 *   4  u32 version       FORMAT
 *   8  u32 headerBytes   length of the header JSON (UTF-8)
 *  12  u32 dimension
 *  16  u32 rows          vectors stored
 *  20  u32 checksum      over every 32-bit word from byte 24 to the end
 *  24  header JSON, padded with spaces to a multiple of 4: model id, row keys, notes
 *      then rows × f32 scales, then rows × dimension int8 components, padded to a multiple of 4
 *
 * Little-endian throughout. Anything that does not add up (magic, version, sizes, checksum, JSON)
 * is reported as `null` by `decodeVectorFile`, and the caller rebuilds.
 */

export const FORMAT = 1;
const MAGIC = 0x56524353; // "SCRV" read as a little-endian u32
const FIXED = 24;

/** A note as the vector cache keeps it: mtime, size and its passages (key, line, endLine, heading). */
export type NoteRecord = [path: string, mtime: number, size: number, passages: [key: string, line: number, endLine: number, heading: string | null][]];

export interface VectorFileHeader {
  model: string;
  /** The key of each stored row, in row order. */
  keys: string[];
  notes: NoteRecord[];
}

export interface VectorFile {
  header: VectorFileHeader;
  dimension: number;
  scales: Float32Array;
  data: Int8Array;
}

const pad4 = (n: number) => (n + 3) & ~3;

function checksum(words: Uint32Array, from: number): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = from; i < words.length; i++) {
    const w = words[i];
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b + w, 0x85ebca6b) ^ (b >>> 13);
  }
  return (a ^ b) >>> 0;
}

/** The file for `header` and rows `scales`/`data` (only the first `header.keys.length` rows are written). */
export function encodeVectorFile(file: VectorFile): Uint8Array {
  const rows = file.header.keys.length;
  const dim = file.dimension;
  const json = new TextEncoder().encode(JSON.stringify(file.header));
  const headerBytes = pad4(json.length);
  const total = FIXED + headerBytes + 4 * rows + pad4(rows * dim);
  const buffer = new ArrayBuffer(total);
  const bytes = new Uint8Array(buffer);
  bytes.set(json, FIXED);
  bytes.fill(0x20, FIXED + json.length, FIXED + headerBytes);
  new Float32Array(buffer, FIXED + headerBytes, rows).set(file.scales.subarray(0, rows));
  new Int8Array(buffer, FIXED + headerBytes + 4 * rows, rows * dim).set(file.data.subarray(0, rows * dim));
  const words = new Uint32Array(buffer);
  words[0] = MAGIC;
  words[1] = FORMAT;
  words[2] = json.length;
  words[3] = dim;
  words[4] = rows;
  words[5] = checksum(words, FIXED / 4);
  return bytes;
}

/** The file's contents as views over its bytes, or null when it is not a complete, intact file of this format. */
export function decodeVectorFile(input: Uint8Array): VectorFile | null {
  if (input.length < FIXED || input.length % 4 !== 0) return null;
  // Typed-array views need aligned offsets; a buffer from a pool may start anywhere.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  if (words[0] !== MAGIC || words[1] !== FORMAT) return null;
  const jsonBytes = words[2];
  const dim = words[3];
  const rows = words[4];
  const headerBytes = pad4(jsonBytes);
  if (dim === 0 || FIXED + headerBytes + 4 * rows + pad4(rows * dim) !== bytes.length) return null;
  if (checksum(words, FIXED / 4) !== words[5]) return null;
  let header: VectorFileHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(FIXED, FIXED + jsonBytes))) as VectorFileHeader;
  } catch {
    return null;
  }
  if (!header || typeof header.model !== 'string' || !Array.isArray(header.keys) || !Array.isArray(header.notes) || header.keys.length !== rows) return null;
  const start = bytes.byteOffset + FIXED + headerBytes;
  return {
    header,
    dimension: dim,
    scales: new Float32Array(bytes.buffer, start, rows),
    data: new Int8Array(bytes.buffer, start + 4 * rows, rows * dim),
  };
}
