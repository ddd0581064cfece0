/**
 * A fast, synchronous, non-cryptographic 64-bit hash of a string's UTF-16 code units, as 16 hex
 * characters. Used for change detection (has this note's text changed since we indexed it?), where
 * crypto.subtle would force async code and is unavailable in some contexts. Two independent 32-bit
 * hashes (FNV-1a and a MurmurHash3-style mix) make accidental collisions negligible at vault scale.
 * Deterministic: the same string gives the same hash on every platform and run.
 */
export function hashText(text: string): string {
  let a = 0x811c9dc5; // FNV-1a offset basis
  let b = 0x9747b28c; // arbitrary seed for the second lane
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    let k = Math.imul(c, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    b ^= k;
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  }
  b ^= text.length;
  return hex(finalMix(a)) + hex(finalMix(b));
}

/**
 * The same two-lane hash over bytes (a PDF, an image, a dataset), prefixed "b" so a binary
 * file's hash never equals a text hash of the same length by construction.
 */
export function hashBytes(bytes: Uint8Array): string {
  return new BytesHasher().update(bytes).digest();
}

/**
 * {@link hashBytes} computed piece by piece, for files read in chunks (a 100 MB dataset): feeding
 * the chunks of a file in order gives exactly `hashBytes` of the whole file.
 */
export class BytesHasher {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;
  private length = 0;

  update(bytes: Uint8Array): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      a = Math.imul(a ^ c, 0x01000193);
      let k = Math.imul(c, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      b ^= k;
      b = (b << 13) | (b >>> 19);
      b = (Math.imul(b, 5) + 0xe6546b64) | 0;
    }
    this.a = a;
    this.b = b;
    this.length += bytes.length;
    return this;
  }

  /** The hash of everything fed so far, as {@link hashBytes} writes it. */
  digest(): string {
    // hashBytes mixes the length in as a 32-bit integer.
    return `b${hex(finalMix(this.a))}${hex(finalMix(this.b ^ this.length))}`;
  }
}

// MurmurHash3's finaliser: spreads every input bit over the output so near-identical texts differ widely.
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
