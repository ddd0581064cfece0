import { tr } from '../../i18n';
import { basename, basenameNoExt, extname } from '../markdown';
import { BytesHasher } from '../markdown/hash';
import { readChunks } from '../ports/vault';
import type { SourceReader } from './types';

/** Image files compile as sources and are sent to models that can see. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.gif', '.webp'];

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** The MIME type of an image path, or undefined for what is not one of {@link IMAGE_EXTENSIONS}. */
export function imageMime(path: string): string | undefined {
  return MIME[extname(path).toLowerCase()];
}

/** Width and height from the file's header (PNG, GIF, JPEG, WebP), when it can be read. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const at = (i: number) => bytes[i] ?? 0;
  const be16 = (i: number) => (at(i) << 8) | at(i + 1);
  const be32 = (i: number) => ((at(i) << 24) >>> 0) + (at(i + 1) << 16) + (at(i + 2) << 8) + at(i + 3);
  const le16 = (i: number) => at(i) | (at(i + 1) << 8);
  if (bytes.length >= 24 && at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return { width: be32(16), height: be32(20) };
  if (bytes.length >= 10 && at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46) return { width: le16(6), height: le16(8) };
  if (bytes.length >= 30 && at(0) === 0x52 && at(1) === 0x49 && at(8) === 0x57 && at(9) === 0x45) {
    const chunk = String.fromCharCode(at(12), at(13), at(14), at(15));
    if (chunk === 'VP8X') return { width: 1 + (at(24) | (at(25) << 8) | (at(26) << 16)), height: 1 + (at(27) | (at(28) << 8) | (at(29) << 16)) };
    if (chunk === 'VP8 ') return { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const b = bytes;
      return { width: 1 + (((b[22] & 0x3f) << 8) | b[21]), height: 1 + (((b[24] & 0xf) << 10) | (b[23] << 2) | ((b[22] & 0xc0) >> 6)) };
    }
  }
  if (bytes.length >= 4 && at(0) === 0xff && at(1) === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (at(i) !== 0xff) {
        i++;
        continue;
      }
      const marker = at(i + 1);
      // Start-of-frame markers carry the size; the others are skipped by their length.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: be16(i + 7), height: be16(i + 5) };
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      i += 2 + be16(i + 2);
    }
  }
  return undefined;
}

/**
 * The MIME type the bytes are, by their header (PNG, GIF, JPEG, WebP), whatever the file is named:
 * a JPEG saved as "figure.png" must reach the model as image/jpeg, or an endpoint that checks
 * refuses it (and a refusal reads as "this model cannot see").
 */
export function imageMimeOfBytes(bytes: Uint8Array): string | undefined {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46) return 'image/gif';
  if (at(0) === 0xff && at(1) === 0xd8) return 'image/jpeg';
  if (at(0) === 0x52 && at(1) === 0x49 && at(8) === 0x57 && at(9) === 0x45) return 'image/webp';
  return undefined;
}

/** Pixels an image may claim before it is refused: a 60-byte PNG can claim 100000 × 100000 (a decompression bomb for whoever decodes it). */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Why an image must not be sent to a model, by its header; undefined when it may be. */
export function imageSizeProblem(size: { width: number; height: number }): string | undefined {
  if (size.width <= 0 || size.height <= 0) return `its header says it is ${size.width} × ${size.height} pixels, which no picture is`;
  if (size.width * size.height > MAX_IMAGE_PIXELS) return `its header says it is ${size.width} × ${size.height} pixels, more than ${MAX_IMAGE_PIXELS / 1_000_000} million; it is not sent to a model`;
  return undefined;
}

/** The start of a file kept while it is hashed: enough for any header {@link imageSize} reads. */
const HEAD_BYTES = 256 * 1024;

const FORMAT_NAME: Record<string, string> = { 'image/png': 'PNG', 'image/gif': 'GIF', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };

/** Screenshots, figures, photos placed in the raw folder. The model sees the picture when it can. */
export const imageReader: SourceReader = {
  kind: 'image',
  label: 'image',
  extensions: IMAGE_EXTENSIONS,
  async read(path, ctx) {
    // Hashed as it is read, keeping only the head: a 2 GB file named .png is not held in memory.
    const hasher = new BytesHasher();
    const head = new Uint8Array(HEAD_BYTES);
    let length = 0;
    for await (const chunk of readChunks(ctx.vault, path)) {
      ctx.signal?.throwIfAborted();
      if (length < HEAD_BYTES) head.set(chunk.subarray(0, HEAD_BYTES - length), length);
      hasher.update(chunk);
      length += chunk.length;
    }
    const hash = hasher.digest();
    const bytes = head.subarray(0, Math.min(length, HEAD_BYTES));
    if (length === 0) return { kind: 'empty', message: tr('core.sources.image.empty'), hash };
    let size = imageSize(bytes);
    // A JPEG's size can follow a long metadata block: read the rest when the head was not enough.
    if (!size && imageMimeOfBytes(bytes) && length > HEAD_BYTES && length <= 64 * 1024 * 1024) size = imageSize(await ctx.vault.readBinary(path));
    if (!size) return { kind: 'unreadable', message: tr('core.sources.image.notImage', { format: extname(path).slice(1).toUpperCase() }), hash };
    const problem = imageSizeProblem(size);
    if (problem) {
      const params = { width: size.width, height: size.height };
      return { kind: 'too-big', message: size.width <= 0 || size.height <= 0 ? tr('core.sources.image.noSize', params) : tr('core.sources.image.tooManyPixels', { ...params, max: MAX_IMAGE_PIXELS / 1_000_000 }), hash };
    }
    const name = basename(path);
    const named = extname(path).slice(1).toUpperCase();
    const format = FORMAT_NAME[imageMimeOfBytes(bytes) ?? ''] ?? named;
    const facts = [`${format} image${format !== named && !(format === 'JPEG' && named === 'JPG') ? ` (named .${extname(path).slice(1)})` : ''}, ${size.width} × ${size.height} pixels, ${Math.max(1, Math.round(length / 1024))} KB`];
    return {
      path,
      kind: 'image',
      hash,
      title: basenameNoExt(path),
      authors: [],
      body: `An image file, "${name}" (${facts[0]}). Describe what it shows.`,
      images: [{ path, alt: basenameNoExt(path) }],
      facts,
    };
  },
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of bytes (no Buffer in the core), for data URLs sent to the model. */
export function toBase64(bytes: Uint8Array): string {
  const out: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (a << 16) | (b << 8) | c;
    chunk += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    if (chunk.length >= 8192) {
      out.push(chunk);
      chunk = '';
    }
  }
  out.push(chunk);
  return out.join('');
}
