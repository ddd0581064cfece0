import { hashBytes } from '../../../src/core/markdown';
import { isDefect, type SourceDefect, type SourceDocument } from '../../../src/core/sources';
import { imageMimeOfBytes, imageReader } from '../../../src/core/sources/image-reader';
import { MemoryVault } from '../../support/memory-vault';
import { makePng } from '../../support/image-server';

// A real 1×1 JPEG (baseline, one gray pixel).
const JPEG = Uint8Array.from(
  atob('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA='),
  (c) => c.charCodeAt(0),
);

/** A PNG signature and IHDR claiming `width` × `height` (what a decoder would allocate), and nothing else. */
function pngHeader(width: number, height: number): Uint8Array {
  const out = new Uint8Array(33);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(out.buffer).setUint32(16, width);
  new DataView(out.buffer).setUint32(20, height);
  out.set([8, 6, 0, 0, 0], 24);
  return out;
}

async function read(path: string, bytes: Uint8Array): Promise<SourceDocument | SourceDefect> {
  const vault = new MemoryVault({ [path]: bytes });
  return imageReader.read(path, { vault, files: await vault.list(), engines: {}, budgetTokens: 8000 });
}

describe('hostile images', () => {
  it('a JPEG named .png is described as the JPEG it is, and its bytes say image/jpeg', async () => {
    expect(imageMimeOfBytes(JPEG)).toBe('image/jpeg');
    expect(imageMimeOfBytes(makePng(2, 2, [1, 2, 3]))).toBe('image/png');
    const doc = await read('raw/figure.png', JPEG);
    if (isDefect(doc)) throw new Error(doc.message);
    expect(doc.facts?.[0]).toMatch(/^JPEG image \(named \.png\), 1 × 1 pixels/);
    expect(doc.hash).toBe(hashBytes(JPEG));
  });

  it('a PNG header claiming 100000 × 100000 pixels is refused, with its hash', async () => {
    const bomb = pngHeader(100_000, 100_000);
    const out = await read('raw/bomb.png', bomb);
    expect(isDefect(out) && out.kind).toBe('too-big');
    expect(isDefect(out) && out.message).toContain('100000 × 100000 pixels');
    expect(isDefect(out) && out.hash).toBe(hashBytes(bomb));
    expect(await read('raw/zero.png', pngHeader(0, 10))).toMatchObject({ kind: 'too-big' });
  });

  it('a 0-byte image and a text file named .jpg are defects', async () => {
    expect(await read('raw/empty.png', new Uint8Array())).toMatchObject({ kind: 'empty' });
    expect(await read('raw/note.jpg', new TextEncoder().encode('<html>not an image</html>'))).toMatchObject({ kind: 'unreadable' });
  });

  it('the hash of a large image is the hash of all its bytes, read in pieces', async () => {
    const big = new Uint8Array(300 * 1024 + 17);
    big.set(makePng(4, 4, [9, 9, 9]).subarray(0, 33));
    for (let i = 33; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const doc = await read('raw/big.png', big);
    if (isDefect(doc)) throw new Error(doc.message);
    expect(doc.hash).toBe(hashBytes(big));
  });
});
