import { slugify } from '../../../src/core/markdown';

describe('slugify', () => {
  it('lowercases and joins words with dashes', () => {
    expect(slugify('Hello, World!  Again')).toBe('hello-world-again');
  });

  it('folds accents', () => {
    expect(slugify('Café Déjà Vu')).toBe('cafe-deja-vu');
  });

  it('trims dashes at the ends', () => {
    expect(slugify('--- a b ---')).toBe('a-b');
  });

  it('keeps letters of other scripts by default', () => {
    expect(slugify('日本語 ノート')).toBe('日本語-ノート');
  });

  it('keeps only ASCII in ascii mode and falls back to a stable hash id', () => {
    expect(slugify('Émoji 🚀 Rocket', { ascii: true })).toBe('emoji-rocket');
    const id = slugify('日本語', { ascii: true });
    expect(id).toMatch(/^h-[0-9a-f]{8}$/);
    expect(slugify('日本語', { ascii: true })).toBe(id);
    expect(slugify('中文', { ascii: true })).not.toBe(id);
  });

  it('returns untitled for blank input', () => {
    expect(slugify('   ')).toBe('untitled');
  });

  it('caps the length without a trailing dash', () => {
    const s = slugify('word '.repeat(50), { maxLength: 12 });
    expect(s).toBe('word-word-wo');
    expect(slugify('abc def', { maxLength: 4 })).toBe('abc');
  });
});
