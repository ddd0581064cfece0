import { VaultIndex } from '../../../src/core/search/vault-index';
import { wordsHash } from '../../../src/core/search/index-cache';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

/** A vault that records which notes were read, so a test can tell whether a query read any. */
class CountingVault extends MemoryVault {
  reads: string[] = [];
  override read(path: string): Promise<string> {
    this.reads.push(path);
    return super.read(path);
  }
}

const long = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => `Paragraph ${i} speaks of ${word} number ${i} and of ordinary filler words that pad it out to length.`).join('\n\n');

const files: Record<string, string> = {
  'raw/Ownership.md': `---\ntitle: Ownership\n---\nIntro about values.\n\n# Borrowing\nThe borrow checker enforces aliasing rules at compile time.\n\n# Long part\n${long(40, 'lifetimes')}\n`,
  'raw/Windows.md': '# Line ends\r\nThis note was written with carriage returns.\r\nThe borrow checker reads it as well.\r\n',
  'wiki/Phrases.md': '# Phrase\nThe quick brown fox jumps over the lazy dog.\n\n# Other\nA brown quick fox does not match.\n',
  'raw/Bom.md': '\ufeff# Heading\nA note that starts with a byte order mark about borrow rules.\n',
};

const queries = ['borrow checker', 'lifetimes number 33', '"quick brown fox"', 'carriage returns', 'brown -"quick brown"', 'byte order mark'];

/** What the queries return when every snippet is made from the note read from disk. */
async function fromNotes(vault: MemoryVault): Promise<unknown[]> {
  const index = new VaultIndex({ vault, state: new MemoryStateStore(), preloadTexts: false });
  await index.sync();
  // Built from nothing: the texts were kept while indexing. A fresh cache without texts chunks
  // makes the index read notes, as before this store existed.
  const state = new MemoryStateStore();
  const reading = new VaultIndex({ vault, state });
  await reading.sync();
  await reading.persist();
  dropTexts(state);
  const cold = new VaultIndex({ vault, state, preloadTexts: false });
  expect(await cold.load()).toBe(true);
  const out: unknown[] = [];
  for (const q of queries) out.push(await cold.search(q, { limit: 20 }));
  return out;
}

interface Manifest {
  chunks: { key: string; kind: string; hash: string; length: number; bytes?: boolean }[];
}

function manifestOf(state: MemoryStateStore): Manifest {
  return JSON.parse(state.values.get('search-index.json')!) as Manifest;
}

function dropTexts(state: MemoryStateStore): void {
  const manifest = manifestOf(state);
  for (const c of manifest.chunks) if (c.kind === 'texts') state.binaries.delete(c.key);
  manifest.chunks = manifest.chunks.filter((c) => c.kind !== 'texts');
  state.values.set('search-index.json', JSON.stringify(manifest));
}

describe('VaultIndex passage texts', () => {
  it('answers queries, phrase checks included, without reading a note once indexed', async () => {
    const vault = new CountingVault(files);
    const index = new VaultIndex({ vault, state: new MemoryStateStore() });
    await index.sync();
    vault.reads = [];
    const got: unknown[] = [];
    for (const q of queries) got.push(await index.search(q, { limit: 20 }));
    expect(vault.reads).toEqual([]);
    // The same results and snippets as made from the notes read from disk.
    expect(got).toEqual(await fromNotes(new MemoryVault(files)));
    const fox = got[2] as { path: string; heading: string; snippet: string }[];
    expect(fox.map((h) => h.heading)).toEqual(['Phrase']);
    const windows = (got[3] as { snippet: string }[])[0];
    expect(windows.snippet).toContain('**carriage** **returns**');
    expect(windows.snippet).not.toContain('\r');
  });

  it('after a load, reads the texts from the cache and then no note; before that, reads the notes it shows', async () => {
    const vault = new CountingVault(files);
    const state = new MemoryStateStore();
    const built = new VaultIndex({ vault, state });
    await built.sync();
    await built.persist();
    const expected = [];
    for (const q of queries) expected.push(await built.search(q, { limit: 20 }));

    const cold = new VaultIndex({ vault, state, preloadTexts: false });
    expect(await cold.load()).toBe(true);
    vault.reads = [];
    expect(await cold.search('borrow checker')).toEqual(expected[0].slice(0, 10));
    expect(vault.reads.length).toBeGreaterThan(0);
    await cold.loadPassageTexts();
    vault.reads = [];
    const got = [];
    for (const q of queries) got.push(await cold.search(q, { limit: 20 }));
    expect(vault.reads).toEqual([]);
    expect(got).toEqual(expected);
  });

  it('keeps the text of a note edited while the cached texts are still loading', async () => {
    const vault = new CountingVault(files);
    const state = new MemoryStateStore();
    const built = new VaultIndex({ vault, state });
    await built.sync();
    await built.persist();

    const cold = new VaultIndex({ vault, state, preloadTexts: false, debounceMs: 1 });
    expect(await cold.load()).toBe(true);
    cold.attach();
    await vault.write('raw/Windows.md', '# Line ends\nNow it speaks of a zebra crossing and the borrow checker.\n');
    await cold.flush();
    await cold.loadPassageTexts();
    vault.reads = [];
    const [hit] = await cold.search('borrow checker zebra');
    expect(hit.path).toBe('raw/Windows.md');
    expect(hit.snippet).toContain('**zebra**');
    expect(vault.reads).toEqual([]);
    // And the new text is what the next cache holds.
    await cold.persist();
    const again = new VaultIndex({ vault, state, preloadTexts: false });
    expect(await again.load()).toBe(true);
    await again.loadPassageTexts();
    vault.reads = [];
    expect((await again.search('zebra'))[0].snippet).toContain('**zebra**');
    expect(vault.reads).toEqual([]);
  });

  it('falls back to reading notes when the texts chunk is damaged, and the next cache has them again', async () => {
    const vault = new CountingVault(files);
    const state = new MemoryStateStore();
    const built = new VaultIndex({ vault, state });
    await built.sync();
    await built.persist();
    const expected = await built.search('borrow checker');
    for (const damage of ['table cut, resealed', 'text changed', 'offsets past the end, resealed', 'missing'] as const) {
      const manifest = manifestOf(state);
      const chunk = manifest.chunks.find((c) => c.kind === 'texts')!;
      expect(chunk.bytes).toBe(true);
      const bytes = state.binaries.get(chunk.key)!;
      let damaged = bytes.slice();
      if (damage === 'table cut, resealed') damaged = bytes.slice(0, 6);
      if (damage === 'text changed') damaged[damaged.length - 3] ^= 0x20;
      if (damage === 'offsets past the end, resealed') {
        const view = new DataView(damaged.buffer);
        const count = view.getUint32(0, true);
        view.setUint32(4 + 4 * count + 4 * (count - 1), 0x7fffffff, true);
      }
      if (damage === 'missing') state.binaries.delete(chunk.key);
      else state.binaries.set(chunk.key, damaged);
      if (damage.endsWith('resealed')) {
        chunk.hash = wordsHash(damaged);
        chunk.length = damaged.length;
        state.values.set('search-index.json', JSON.stringify(manifest));
      }
      const cold = new VaultIndex({ vault, state });
      expect(await cold.load()).toBe(true);
      await cold.loadPassageTexts();
      vault.reads = [];
      expect(await cold.search('borrow checker')).toEqual(expected);
      expect(vault.reads.length).toBeGreaterThan(0);
      state.binaries.set(chunk.key, bytes);
      state.values.set('search-index.json', JSON.stringify({ ...manifest, chunks: manifest.chunks.map((c) => (c.key === chunk.key ? { ...c, hash: wordsHash(bytes), length: bytes.length } : c)) }));
    }
    // A rebuild writes whole texts again.
    const fixed = new VaultIndex({ vault, state });
    await fixed.rebuild();
    const cold = new VaultIndex({ vault, state });
    expect(await cold.load()).toBe(true);
    await cold.loadPassageTexts();
    vault.reads = [];
    expect(await cold.search('borrow checker')).toEqual(expected);
    expect(vault.reads).toEqual([]);
  });

  it('keeps texts in stores without bytes methods as base-64 text, and in CJK and emoji whole', async () => {
    const cjk = { ...files, 'raw/中文.md': '# 借用检查\n借用检查器在编译时执行别名规则。🦀 borrow\n' };
    const vault = new CountingVault(cjk);
    const inner = new MemoryStateStore();
    const textOnly = {
      get: (k: string) => inner.get(k),
      set: (k: string, v: string) => inner.set(k, v),
      delete: (k: string) => inner.delete(k),
      createExclusive: (k: string, v: string) => inner.createExclusive(k, v),
    };
    const built = new VaultIndex({ vault, state: textOnly });
    await built.sync();
    await built.persist();
    expect(inner.binaries.size).toBe(0);
    const expected = await built.search('borrow', { limit: 20 });
    expect(expected.map((h) => h.snippet).join(' ')).toContain('🦀');
    const cold = new VaultIndex({ vault, state: textOnly, preloadTexts: false });
    expect(await cold.load()).toBe(true);
    await cold.loadPassageTexts();
    vault.reads = [];
    expect(await cold.search('borrow', { limit: 20 })).toEqual(expected);
    expect(vault.reads).toEqual([]);
  });

  it('a persist after a load carries the cached texts into the next generation', async () => {
    const vault = new CountingVault(files);
    const state = new MemoryStateStore();
    const built = new VaultIndex({ vault, state });
    await built.sync();
    await built.persist();
    const cold = new VaultIndex({ vault, state, preloadTexts: false, debounceMs: 1 });
    expect(await cold.load()).toBe(true);
    cold.attach();
    await vault.write('raw/New.md', '# New\nA fresh note about borrow checkers.\n');
    await cold.flush();
    await cold.persist();
    const next = new VaultIndex({ vault, state, preloadTexts: false });
    expect(await next.load()).toBe(true);
    await next.loadPassageTexts();
    vault.reads = [];
    expect((await next.search('borrow checker', { limit: 20 })).length).toBeGreaterThanOrEqual(4);
    expect(vault.reads).toEqual([]);
  });

  describe('past the memory budget for texts (a large first build)', () => {
    it('keeps no text past the budget, writes every text to the cache from the notes, and serves them from there', async () => {
      const vault = new CountingVault(files);
      const state = new MemoryStateStore();
      const index = new VaultIndex({ vault, state, textMemoryChars: 1 });
      await index.sync();
      // One passage's text is held (the budget is reached by it); the others are not.
      vault.reads = [];
      const before: unknown[] = [];
      for (const q of queries) before.push(await index.search(q, { limit: 20 }));
      expect(vault.reads.length).toBeGreaterThan(0);
      expect(before).toEqual(await fromNotes(new MemoryVault(files)));
      await index.persist();
      // Every passage has its text in the cache: a cold index reads no note for any query.
      const cold = new VaultIndex({ vault, state });
      expect(await cold.load()).toBe(true);
      await cold.search('borrow', { limit: 1 });
      await cold.loadPassageTexts();
      vault.reads = [];
      const fromCache: unknown[] = [];
      for (const q of queries) fromCache.push(await cold.search(q, { limit: 20 }));
      expect(vault.reads).toEqual([]);
      expect(fromCache).toEqual(before);
      // The index that wrote the cache reads the texts back from it too, and then no note.
      await index.search('borrow', { limit: 1 });
      await index.loadPassageTexts();
      vault.reads = [];
      const after: unknown[] = [];
      for (const q of queries) after.push(await index.search(q, { limit: 20 }));
      expect(vault.reads).toEqual([]);
      expect(after).toEqual(before);
    });

    it('writes no text of a note changed after it was indexed: that note is read when shown', async () => {
      const vault = new CountingVault(files);
      const state = new MemoryStateStore();
      const index = new VaultIndex({ vault, state, textMemoryChars: 1 });
      await index.sync();
      // Changed on disk, not yet re-indexed (no events followed): its indexed lines no longer match.
      await vault.write('wiki/Phrases.md', 'Completely different text now.\n');
      await index.persist();
      const cold = new VaultIndex({ vault, state });
      expect(await cold.load()).toBe(true);
      await cold.search('borrow', { limit: 1 });
      await cold.loadPassageTexts();
      vault.reads = [];
      const hits = await cold.search('"quick brown fox"', { limit: 20 });
      // The phrase check reads the note as it is now: the passage no longer holds the phrase.
      expect(vault.reads).toContain('wiki/Phrases.md');
      expect(hits).toEqual([]);
      vault.reads = [];
      await cold.search('borrow checker', { limit: 20 });
      expect(vault.reads.filter((p) => p !== 'wiki/Phrases.md')).toEqual([]);
    });
  });
});
