import { hashText } from '../../../src/core/markdown';

describe('hashText', () => {
  it('returns 16 lowercase hex characters', () => {
    expect(hashText('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashText('')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is deterministic with pinned values', () => {
    // Pinned so a change to the algorithm (which would invalidate every stored cache) is noticed.
    expect(hashText('hello')).toBe(hashText('hel' + 'lo'));
    expect(hashText('hello')).toBe(PINNED_HELLO);
  });

  it('distinguishes near-identical texts', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20000; i++) seen.add(hashText(`note ${i}`));
    expect(seen.size).toBe(20000);
    expect(hashText('ab')).not.toBe(hashText('ba'));
    expect(hashText('a\n')).not.toBe(hashText('a\r\n'));
  });

  it('hashes characters outside the BMP by their code units', () => {
    expect(hashText('😀')).not.toBe(hashText('😁'));
    expect(hashText('日本')).not.toBe(hashText('本日'));
  });

  it('changes both halves when the text changes', () => {
    const a = hashText('The quick brown fox');
    const b = hashText('The quick brown fox.');
    expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
    expect(a.slice(8)).not.toBe(b.slice(8));
  });
});

const PINNED_HELLO = '888d766e70e9cdc1';
