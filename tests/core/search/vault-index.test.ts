import type { PostingStore } from '../../../src/core/search/posting-store';
import { VaultIndex } from '../../../src/core/search/vault-index';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { noteText } from '../../support/builders';
import { hashText } from '../../../src/core/markdown/hash';
import { wordsHash } from '../../../src/core/search/index-cache';

const rust = `---
title: Rust ownership
aliases: [Ownership model]
tags: [lang/rust, memory]
summary: How Rust decides who frees memory.
---
Intro paragraph about values.

# Borrowing
The borrow checker enforces aliasing rules at compile time.

## Lifetimes
Lifetimes describe how long references stay valid.

# Drop
Values are dropped when their owner goes out of scope. #cleanup
`;

const gc = `# Garbage collection
Tracing collectors find live objects; reference counting frees memory eagerly.

# Pauses
Stop-the-world pauses hurt latency.
`;

function setup(files: Record<string, string> = {}, settings: { indexExclusions?: string[]; maxIndexedFileBytes?: number } = {}) {
  const vault = new MemoryVault({ 'raw/Rust ownership.md': rust, 'wiki/concepts/Garbage collection.md': gc, ...files });
  const state = new MemoryStateStore();
  const index = new VaultIndex({ vault, state, settings, debounceMs: 5 });
  return { vault, state, index };
}

describe('VaultIndex.sync', () => {
  it('indexes every note, one document per section, and reports counts', async () => {
    const { index } = setup({ 'image.png': 'binary', '.obsidian/plugins/x/data.md': '# hidden' });
    const progress: { done: number; total?: number }[] = [];
    const report = await index.sync(undefined, (p) => progress.push(p));
    expect(report).toMatchObject({ added: 2, updated: 0, removed: 0, unchanged: 0 });
    expect(index.stats()).toMatchObject({ notes: 2, sections: 6 });
    expect(progress[progress.length - 1]).toMatchObject({ done: 2, total: 2 });
    expect(index.paths()).toEqual(['raw/Rust ownership.md', 'wiki/concepts/Garbage collection.md']);
  });

  it('re-indexes only what changed since the last sync', async () => {
    const { vault, index } = setup();
    await index.sync();
    await vault.write('raw/New.md', '# Fresh\nnew words here');
    await vault.write('raw/Rust ownership.md', rust.replace('borrow checker', 'borrowck'));
    await vault.delete('wiki/concepts/Garbage collection.md');
    const report = await index.sync();
    expect(report).toMatchObject({ added: 1, updated: 1, removed: 1, unchanged: 0 });
    expect(await index.search('borrowck')).toHaveLength(1);
    expect(await index.search('tracing collectors')).toHaveLength(0);
  });

  it('leaves out excluded folders and globs', async () => {
    const { index } = setup({ 'templates/T.md': '# template words', 'a/b/Sketch.excalidraw.md': 'drawing words' }, { indexExclusions: ['templates', '**/*.excalidraw.md'] });
    await index.sync();
    expect(index.paths()).toEqual(['raw/Rust ownership.md', 'wiki/concepts/Garbage collection.md']);
  });

  it('indexes huge notes up to the cap and says so', async () => {
    const huge = '# Big\n' + 'filler words line\n'.repeat(5000) + 'needle at the end\n';
    const { index } = setup({ 'raw/Huge.md': huge }, { maxIndexedFileBytes: 10_000 });
    await index.sync();
    expect(index.stats().truncated).toBe(1);
    expect(await index.search('needle')).toHaveLength(0);
    expect(await index.search('filler')).not.toHaveLength(0);
  });

  it('indexes notes with broken frontmatter or binary bytes without throwing', async () => {
    const { index } = setup({ 'raw/Broken.md': '---\ntitle: [unclosed\n---\n# Body\nstill searchable text', 'raw/Bin.md': 'PNG\u0000\u0001data' });
    await index.sync();
    expect(index.stats().problems).toBe(2);
    const [hit] = await index.search('searchable');
    expect(hit.path).toBe('raw/Broken.md');
    expect((await index.search('Bin'))[0].path).toBe('raw/Bin.md');
  });

  it('stops when aborted', async () => {
    const { index } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(index.sync(controller.signal)).rejects.toThrow();
  });
});

describe('VaultIndex.search', () => {
  let index: VaultIndex;
  beforeAll(async () => {
    ({ index } = setup({
      'raw/Notes/Misc.md': '# Cooking\nThe collection of recipes includes soup.\n\n# Memory tricks\nMnemonic devices help memory.',
      'raw/日本.md': '# 東京\n東京は日本の首都です。',
    }));
    await index.sync();
  });

  it('returns sections with path, title, heading, line range, score and marked snippet', async () => {
    const results = await index.search('borrow checker');
    expect(results[0]).toMatchObject({ path: 'raw/Rust ownership.md', title: 'Rust ownership', heading: 'Borrowing', line: 9, endLine: 11, score: 1 });
    expect(results[0].snippet).toContain('**borrow** **checker**');
  });

  it('marks a word the note already set in bold with one pair of marks', async () => {
    const { index: fresh } = setup({ 'raw/Bread.md': '# Levain\nThe levain is ready at its **peak**, domed and bubbly.' });
    await fresh.sync();
    const [hit] = await fresh.search('peak');
    expect(hit.snippet).toContain('its **peak**, domed');
    expect(hit.snippet).not.toContain('***');
  });

  it('ranks sections matching all words above sections matching some', async () => {
    const results = await index.search('memory collection');
    expect(results[0].path).toBe('wiki/concepts/Garbage collection.md');
    expect(results.length).toBeGreaterThan(1);
    for (let i = 1; i < results.length; i++) expect(results[i].score).toBeLessThanOrEqual(results[i - 1].score);
    expect(results.every((r) => r.score > 0 && r.score <= 1)).toBe(true);
  });

  it('finds stemmed and accent-folded forms', async () => {
    expect((await index.search('enforcing'))[0].heading).toBe('Borrowing');
    expect((await index.search('TÔKYO 東京'))[0].path).toBe('raw/日本.md');
    expect((await index.search('首都'))[0].path).toBe('raw/日本.md');
  });

  it('matches phrases only when the words are adjacent', async () => {
    expect((await index.search('"borrow checker"'))[0].heading).toBe('Borrowing');
    expect(await index.search('"checker borrow"')).toHaveLength(0);
  });

  it('leaves out excluded words and phrases', async () => {
    const all = await index.search('memory');
    expect(all.some((r) => r.path === 'raw/Notes/Misc.md')).toBe(true);
    const without = await index.search('memory -mnemonic');
    expect(without.some((r) => r.path === 'raw/Notes/Misc.md')).toBe(false);
    const withoutPhrase = await index.search('memory -"frees memory"');
    expect(withoutPhrase.some((r) => r.heading === 'Garbage collection')).toBe(false);
  });

  it('filters by path, tag and folder', async () => {
    expect((await index.search('memory path:misc')).map((r) => r.path)).toEqual(['raw/Notes/Misc.md']);
    expect(new Set((await index.search('tag:lang')).map((r) => r.path))).toEqual(new Set(['raw/Rust ownership.md']));
    expect(new Set((await index.search('tag:cleanup')).map((r) => r.path))).toEqual(new Set(['raw/Rust ownership.md']));
    expect((await index.search('memory -tag:memory')).every((r) => r.path !== 'raw/Rust ownership.md')).toBe(true);
    expect((await index.search('memory', { folder: 'wiki' })).every((r) => r.path.startsWith('wiki/'))).toBe(true);
    expect((await index.search('memory folder:raw')).every((r) => r.path.startsWith('raw/'))).toBe(true);
  });

  it('groups per note when asked', async () => {
    const sections = await index.search('memory');
    const notes = await index.search('memory', { notes: true });
    expect(new Set(notes.map((r) => r.path)).size).toBe(notes.length);
    expect(notes.length).toBeLessThan(sections.length);
  });

  it('finds notes by title, alias and frontmatter summary', async () => {
    expect((await index.search('ownership model'))[0].path).toBe('raw/Rust ownership.md');
    // "frees" is in Rust's frontmatter summary only, and in the body of the other note.
    expect((await index.search('frees')).map((r) => r.path).sort()).toEqual(['raw/Rust ownership.md', 'wiki/concepts/Garbage collection.md']);
    expect(index.findByTitle('ownership MODEL')).toEqual(['raw/Rust ownership.md']);
    expect(index.findByTitle('garbage collection')).toEqual(['wiki/concepts/Garbage collection.md']);
  });

  it('completes the last word from three characters, not fewer, when asked (search as you type)', async () => {
    expect((await index.search('lifet', { prefix: true }))[0].heading).toBe('Lifetimes');
    expect(await index.search('li', { prefix: true })).toHaveLength(0);
    // A finished word (trailing space) is not completed: "lifet" is no word of the vault.
    expect(await index.search('lifet ', { limit: 5, prefix: true })).toEqual([]);
  });

  it('searches whole words by default, as the agent and the CLI do', async () => {
    expect(await index.search('lifet')).toEqual([]);
    expect(await index.search('lifet', { prefix: false })).toEqual([]);
    expect((await index.search('lifetimes'))[0].heading).toBe('Lifetimes');
  });

  it('searches frontmatter summaries, titles and aliases of notes whose body never says the words', async () => {
    const { vault, index: own } = setup();
    await vault.write('raw/Escape.md', noteText({ title: 'Stack allocation', aliases: ['Heap promotion'], summary: 'Escape analysis decides it.', intro: 'Nothing else here.' }));
    await own.sync();
    for (const query of ['escape analysis', 'stack allocation', 'heap promotion']) expect((await own.search(query)).map((r) => r.path)).toEqual(['raw/Escape.md']);
  });

  it('falls back to fuzzy matching for typos', async () => {
    expect((await index.search('lifetmes '))[0].heading).toBe('Lifetimes');
  });

  it('matches a misspelled word fuzzily even when the other words match exactly', async () => {
    const hits = await index.search('borrow checkr ');
    expect(hits[0]).toMatchObject({ heading: 'Borrowing' });
    expect(hits[0].snippet).toContain('**borrow**');
  });

  it('respects the limit and returns nothing for an empty query', async () => {
    expect(await index.search('memory', { limit: 1 })).toHaveLength(1);
    expect(await index.search('   ')).toEqual([]);
    expect(await index.search('the of and')).toEqual([]);
  });
});

describe('VaultIndex.attach', () => {
  it('re-indexes only the sections an edit changed, keeping line numbers of the others current', async () => {
    const { vault, index } = setup();
    await index.sync();
    const detach = index.attach();
    const before = (await index.search('aliasing'))[0];
    expect(before).toMatchObject({ heading: 'Borrowing', line: 9 });
    const sections = index.stats().sections;
    await vault.write('raw/Rust ownership.md', rust.replace('Intro paragraph about values.', 'Intro paragraph about values.\nA second intro line on quokkas.'));
    await index.flush();
    expect((await index.search('aliasing'))[0]).toMatchObject({ heading: 'Borrowing', line: 10, endLine: before.endLine + 1 });
    expect((await index.search('quokkas'))[0]).toMatchObject({ path: 'raw/Rust ownership.md', heading: null });
    expect(index.stats().sections).toBe(sections);
    await vault.write('raw/Rust ownership.md', rust.replace('# Drop\n', '').replace('Values are dropped', 'Borrowing twice'));
    await index.flush();
    expect(await index.search('dropped')).toEqual([]);
    expect(index.stats().sections).toBe(sections - 1);
    detach();
  });

  it('follows create, modify, delete and rename events', async () => {
    const { vault, index } = setup();
    await index.sync();
    const detach = index.attach();
    await vault.write('raw/Created.md', '# Zebra\nStripes everywhere.');
    expect((await index.search('stripes'))[0].path).toBe('raw/Created.md');
    await vault.write('raw/Created.md', '# Zebra\nSpots now.');
    expect(await index.search('stripes')).toHaveLength(0);
    expect((await index.search('spots'))[0].path).toBe('raw/Created.md');
    await vault.rename('raw/Created.md', 'wiki/Moved.md');
    expect((await index.search('spots'))[0].path).toBe('wiki/Moved.md');
    expect(index.paths()).not.toContain('raw/Created.md');
    await vault.delete('wiki/Moved.md');
    expect(await index.search('spots')).toHaveLength(0);
    expect(index.stats().notes).toBe(2);
    detach();
    await vault.write('raw/After.md', 'unseen words');
    await index.flush();
    expect(index.paths()).not.toContain('raw/After.md');
  });

  it('applies changes on its own after the debounce', async () => {
    const { vault, index } = setup();
    await index.sync();
    const detach = index.attach();
    await vault.write('raw/Later.md', 'quokka');
    expect(index.stats().pending).toBe(1);
    for (let i = 0; i < 100 && index.stats().notes < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(index.stats()).toMatchObject({ notes: 3, pending: 0 });
    detach();
  });
});

/** The posting store's tables as the cache writes them (documents, then postings term by term). */
function tables(i: VaultIndex): unknown {
  const store = (i as unknown as { store: PostingStore }).store;
  return { head: store.head(), docs: [...store.docRows()], postings: [...store.postingRows()] };
}

describe('VaultIndex.persist and load', () => {
  it('starts from the cache with the same results, and picks up changes made meanwhile', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    const before = await index.search('memory');
    await index.persist();
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(true);
    expect(again.stats()).toMatchObject({ notes: 2, sections: 6, fromCache: true });
    expect(await again.search('memory')).toEqual(before);
    // Titles and aliases of the cache are found, and follow a rename and a removal made after the load.
    expect(again.findByTitle('ownership MODEL')).toEqual(['raw/Rust ownership.md']);
    expect((await again.read('Garbage collection')).path).toBe('wiki/concepts/Garbage collection.md');
    await vault.write('raw/While closed.md', 'platypus');
    expect(await again.sync()).toMatchObject({ added: 1, unchanged: 2 });
    expect((await again.search('platypus'))[0].path).toBe('raw/While closed.md');
  });

  it('finds the titles of a loaded cache after a rename and a removal made after the load', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    await index.persist();
    const later = new VaultIndex({ vault, state, debounceMs: 1 });
    expect(await later.load()).toBe(true);
    later.attach();
    await vault.rename('raw/Rust ownership.md', 'raw/Ownership.md');
    await vault.delete('wiki/concepts/Garbage collection.md');
    await later.flush();
    expect(later.findByTitle('ownership model')).toEqual(['raw/Ownership.md']);
    expect(later.findByTitle('garbage collection')).toEqual([]);
  });

  it('rebuilds the posting store exactly as it was, so later updates and compactions stay consistent', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    await index.persist();
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(true);
    expect(tables(again)).toEqual(tables(index));
    again.attach();
    await vault.write('raw/Rust ownership.md', '# Only\nplatypus now');
    await again.flush();
    expect(await again.search('borrow')).toEqual([]);
    expect((await again.search('platypus'))[0]).toMatchObject({ path: 'raw/Rust ownership.md', heading: 'Only' });
  });

  it('merges the overlay of many edits before writing, so the cache matches the index', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    const detach = index.attach();
    // Enough discarded sections to start MiniSearch's auto-vacuum (200 by our settings).
    for (let i = 0; i < 210; i++) {
      await vault.write('raw/Churn.md', `churn number w${i}`);
      await index.flush();
    }
    detach();
    await index.persist();
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(true);
    expect(tables(again)).toEqual(tables(index));
    expect((await again.search('w209'))[0].path).toBe('raw/Churn.md');
    expect(await again.search('w100')).toEqual([]);
  });

  it('rebuilds silently when a chunk is damaged', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    await index.persist();
    const chunkKey = [...state.binaries.keys()].find((k) => /\.g1\.1\.bin$/.test(k))!;
    state.binaries.set(chunkKey, state.binaries.get(chunkKey)!.slice(0, -10));
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(false);
    expect(again.stats().notes).toBe(0);
    expect(state.values.has('search-index.json')).toBe(false);
    await again.sync();
    expect((await again.search('borrow'))[0].path).toBe('raw/Rust ownership.md');
  });

  describe('its binary cache (format 9)', () => {
    interface Manifest {
      format: number;
      chunks: { key: string; hash: string; length: number; kind: string; bytes?: boolean; utf8?: boolean }[];
    }
    const manifestOf = (state: MemoryStateStore) => JSON.parse(state.values.get('search-index.json')!) as Manifest;
    const saved = async () => {
      const made = setup();
      await made.index.sync();
      await made.index.persist();
      return { ...made, expected: await made.index.search('memory borrow') };
    };
    /** A byte chunk as a string of char codes 0-255, so one edit works on text and byte chunks alike. */
    const asText = (bytes: Uint8Array) => String.fromCharCode(...bytes);
    const asBytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    /** Replaces one chunk's content; with `reseal`, also its length and hash in the manifest (damage the hash cannot see). */
    const replace = (state: MemoryStateStore, kind: string, edit: (text: string) => string, reseal: boolean) => {
      const manifest = manifestOf(state);
      const chunk = manifest.chunks.find((c) => c.kind === kind)!;
      if (chunk.bytes) {
        const bytes = asBytes(edit(asText(state.binaries.get(chunk.key)!)));
        state.binaries.set(chunk.key, bytes);
        if (reseal) {
          chunk.hash = wordsHash(bytes);
          chunk.length = bytes.length;
          state.values.set('search-index.json', JSON.stringify(manifest));
        }
        return;
      }
      const text = edit(state.values.get(chunk.key)!);
      state.values.set(chunk.key, text);
      if (reseal) {
        chunk.hash = hashText(text);
        chunk.length = text.length;
        state.values.set('search-index.json', JSON.stringify(manifest));
      }
    };
    const stored = (state: MemoryStateStore) => state.values.size + state.binaries.size;
    const flip = (at: (length: number) => number) => (text: string) => {
      const i = at(text.length);
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 0x5a) + text.slice(i + 1);
    };
    const offsets: [string, (n: number) => number][] = [
      ['first', () => 0],
      ['second', () => 1],
      ['middle', (n) => n >> 1],
      ['last but four', (n) => n - 5],
      ['last', (n) => n - 1],
    ];

    it('keeps the posting store as a byte image and its terms as sorted lines, not as JSON rows', async () => {
      const { state } = await saved();
      const manifest = manifestOf(state);
      expect(manifest.format).toBe(9);
      expect(manifest.chunks.map((c) => c.kind)).toEqual(['head', 'terms', 'image', 'notes', 'headings', 'sections', 'texts']);
      // Every chunk is bytes where the store keeps bytes; the text ones are UTF-8.
      expect(manifest.chunks.map((c) => c.bytes === true)).toEqual([true, true, true, true, true, true, true]);
      expect(manifest.chunks.map((c) => c.utf8 === true)).toEqual([true, true, false, true, true, false, false]);
      const terms = new TextDecoder().decode(state.binaries.get(manifest.chunks[1].key)).split('\n');
      expect(terms).toEqual([...terms].sort());
      expect(terms).toContain('borrow');
    });

    for (const kind of ['head', 'terms', 'image', 'notes', 'headings', 'sections']) {
      for (const [where, at] of offsets) {
        it(`rebuilds silently when the ${kind} chunk is damaged at its ${where} character`, async () => {
          const { vault, state, expected } = await saved();
          replace(state, kind, flip(at), false);
          const again = new VaultIndex({ vault, state });
          expect(await again.load()).toBe(false);
          expect(stored(state)).toBe(0);
          await again.sync();
          expect(await again.search('memory borrow')).toEqual(expected);
        });
      }
    }

    for (const kind of ['head', 'terms', 'image', 'notes', 'headings', 'sections']) {
      it(`never crashes on ${kind} damage that the hash does not see, and a rebuild mends it`, async () => {
        for (const [, at] of offsets) {
          const { vault, state, expected } = await saved();
          replace(state, kind, flip(at), true);
          const again = new VaultIndex({ vault, state });
          if (await again.load()) {
            await again.search('memory borrow');
            await again.search('memo');
          } else {
            expect(stored(state)).toBe(0);
          }
          await again.rebuild();
          expect(await again.search('memory borrow')).toEqual(expected);
        }
      });
    }

    it('rebuilds silently when the image is truncated, its last chunk is missing, or its head claims another size', async () => {
      for (const damage of [
        (state: MemoryStateStore) => replace(state, 'image', (t) => t.slice(0, -3), true),
        (state: MemoryStateStore) => replace(state, 'image', (t) => t.slice(0, 8), true),
        (state: MemoryStateStore) => {
          const manifest = manifestOf(state);
          manifest.chunks = manifest.chunks.filter((c) => c.kind !== 'image');
          state.values.set('search-index.json', JSON.stringify(manifest));
        },
        (state: MemoryStateStore) => {
          const manifest = manifestOf(state);
          state.binaries.delete(manifest.chunks.find((c) => c.kind === 'image')!.key);
        },
        (state: MemoryStateStore) =>
          replace(state, 'head', (t) => JSON.stringify({ ...(JSON.parse(t) as object), imageBytes: 1e15 }), true),
        (state: MemoryStateStore) => replace(state, 'terms', (t) => t.slice(0, t.lastIndexOf('\n')), true),
      ]) {
        const { vault, state, expected } = await saved();
        damage(state);
        const again = new VaultIndex({ vault, state });
        expect(await again.load()).toBe(false);
        expect(state.values.has('search-index.json')).toBe(false);
        await again.sync();
        expect(await again.search('memory borrow')).toEqual(expected);
      }
    });

    it('rebuilds silently from a format 5 cache (its image as base-85 text), dropping its chunks', async () => {
      const { vault, state, expected } = await saved();
      const manifest = manifestOf(state);
      state.values.clear();
      state.binaries.clear();
      const chunks = manifest.chunks.map((c, i) => ({ key: `search-index.g1.${i}.json`, text: '!!!!!'.repeat(i + 1), kind: c.kind }));
      for (const c of chunks) state.values.set(c.key, c.text);
      state.values.set('search-index.json', JSON.stringify({ format: 5, schema: 'x', generation: 1, chunks: chunks.map((c) => ({ key: c.key, hash: hashText(c.text), length: c.text.length, kind: c.kind })) }));
      const again = new VaultIndex({ vault, state });
      expect(await again.load()).toBe(false);
      expect(stored(state)).toBe(0);
      await again.sync();
      await again.persist();
      expect(manifestOf(state).format).toBe(9);
      expect(await again.search('memory borrow')).toEqual(expected);
    });

    it('rebuilds silently from a cache of the previous format (JSON rows), and writes the new one', async () => {
      const { vault, state, expected } = await saved();
      // What format 4 wrote: JSON chunks of document and posting rows.
      const old = {
        format: 4,
        schema: 'whatever it was',
        generation: 3,
        chunks: [
          { key: 'search-index.g3.0.json', text: '{"store":{"terms":1,"postings":1,"idLimit":1},"nextId":1}', kind: 'head' },
          { key: 'search-index.g3.1.json', text: '[[0,1,0,0,1,1]]', kind: 'docs' },
          { key: 'search-index.g3.2.json', text: '[["borrow",4,[0],0]]', kind: 'postings' },
        ],
      };
      state.values.clear();
      state.binaries.clear();
      for (const c of old.chunks) state.values.set(c.key, c.text);
      state.values.set(
        'search-index.json',
        JSON.stringify({ ...old, chunks: old.chunks.map((c) => ({ key: c.key, hash: hashText(c.text), length: c.text.length, kind: c.kind })) }),
      );
      const again = new VaultIndex({ vault, state });
      expect(await again.load()).toBe(false);
      expect(stored(state)).toBe(0);
      await again.sync();
      await again.persist();
      expect(manifestOf(state).format).toBe(9);
      const third = new VaultIndex({ vault, state });
      expect(await third.load()).toBe(true);
      expect(await third.search('memory borrow')).toEqual(expected);
    });
  });

  it('rebuilds silently when the manifest is garbage or from another format version', async () => {
    const { vault, state } = setup();
    state.values.set('search-index.json', '{not json');
    expect(await new VaultIndex({ vault, state }).load()).toBe(false);
    state.values.set('search-index.json', JSON.stringify({ format: 999, schema: 'x', generation: 1, chunks: [] }));
    expect(await new VaultIndex({ vault, state }).load()).toBe(false);
    expect(state.values.size).toBe(0);
  });

  it('drops a cache built with other index settings, chunks included', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    await index.persist();
    const manifest = JSON.parse(state.values.get('search-index.json')!) as { schema: string };
    manifest.schema = 'older-tokenizer';
    state.values.set('search-index.json', JSON.stringify(manifest));
    expect(await new VaultIndex({ vault, state }).load()).toBe(false);
    expect(state.values.size).toBe(0);
  });

  it('keeps the previous cache usable if a write dies before the manifest', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    await index.persist();
    const good = new Map(state.values);
    // A second persist whose manifest write fails: new chunks exist, the old manifest still rules.
    await vault.write('raw/Extra.md', 'extra words');
    await index.sync();
    const failing = {
      get: (k: string) => state.get(k),
      set: (k: string, v: string) => (k === 'search-index.json' ? Promise.reject(new Error('disk full')) : state.set(k, v)),
      delete: (k: string) => state.delete(k),
      createExclusive: (k: string, v: string) => state.createExclusive(k, v),
    };
    const crashing = new VaultIndex({ vault, state: failing });
    await crashing.sync();
    await expect(crashing.persist()).rejects.toThrow('disk full');
    expect(state.values.get('search-index.json')).toBe(good.get('search-index.json'));
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(true);
    expect(again.stats().notes).toBe(2);
  });

  it('removes the previous generation after writing a new one', async () => {
    const { vault, state, index } = setup();
    await index.sync();
    await index.persist();
    await vault.write('raw/More.md', 'more');
    await index.sync();
    await index.persist();
    const keys = [...state.values.keys(), ...state.binaries.keys()];
    expect(keys.filter((k) => k.includes('.g1.'))).toEqual([]);
    expect(keys.some((k) => k.includes('.g2.'))).toBe(true);
  });
});

describe('VaultIndex.read', () => {
  it('returns line-numbered text, a heading section or a line range', async () => {
    const { index } = setup();
    await index.sync();
    const whole = await index.read('raw/Rust ownership.md');
    expect(whole.totalLines).toBe(16);
    expect(whole.text.split('\n')[0]).toBe(' 1: ---');
    const section = await index.read('Rust ownership', { heading: 'Borrowing' });
    expect(section).toMatchObject({ path: 'raw/Rust ownership.md', startLine: 9, endLine: 14, truncated: false });
    expect(section.text).toContain('12: ## Lifetimes');
    const range = await index.read('raw/Rust ownership', { lines: [10, 10] });
    expect(range.text).toBe('10: The borrow checker enforces aliasing rules at compile time.\n');
  });

  it('caps the text and says what was left out', async () => {
    const { index } = setup();
    const capped = await index.read('raw/Rust ownership.md', { maxChars: 60 });
    expect(capped.truncated).toBe(true);
    expect(capped.text).toMatch(/lines \d+–16 not shown/);
  });

  it('explains a missing note or heading', async () => {
    const { index } = setup();
    await index.sync();
    await expect(index.read('nope.md')).rejects.toThrow('no note "nope.md"');
    await expect(index.read('raw/Rust ownership.md', { heading: 'Nope' })).rejects.toThrow(/its headings are: Borrowing \| Lifetimes \| Drop/);
  });
});

/** A paragraph of about `words` words on one line, each sentence naming `topic`. */
function paragraph(topic: string, words = 80): string {
  const sentence = `The ${topic} shows how plain words fill a paragraph here.`;
  const count = Math.ceil(words / sentence.split(' ').length);
  return Array.from({ length: count }, () => sentence).join(' ');
}

describe('VaultIndex passages', () => {
  const essay = [
    '---',
    'title: Long essay',
    '---',
    '# Long essay',
    '',
    paragraph('orchard'),
    '',
    paragraph('bridge'),
    '',
    paragraph('comet'),
    '',
    '## Later',
    paragraph('harbour'),
    '',
    `Glaciers move. ${paragraph('glacier')}`,
    '',
  ].join('\n');
  const lineOf = (needle: string) => essay.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('indexes a long section as passages of paragraphs, each with its line range and a snippet from it', async () => {
    const { index } = setup({ 'raw/Essay.md': essay });
    await index.sync();
    const [bridge] = await index.search('bridge');
    expect(bridge).toMatchObject({ path: 'raw/Essay.md', title: 'Long essay', heading: 'Long essay', line: lineOf('The bridge'), endLine: lineOf('The comet') - 1 });
    expect(bridge.snippet).toContain('**bridge**');
    expect(bridge.snippet).not.toContain('comet');
    // The section's first passage starts at its heading line.
    expect((await index.search('orchard'))[0]).toMatchObject({ heading: 'Long essay', line: lineOf('# Long essay'), endLine: lineOf('The bridge') - 1 });
    // A later passage of a section keeps the heading as context and its first line in the snippet.
    const [glacier] = await index.search('later glaciers');
    expect(glacier).toMatchObject({ heading: 'Later', line: lineOf('Glaciers move'), endLine: lineOf('Glaciers move') });
    expect(glacier.snippet).toMatch(/^\*\*Glaciers\*\* move/);
  });

  it('gives the title to the first passage only, and does not index an H1 equal to it as a heading', async () => {
    const { index } = setup({ 'raw/Essay.md': essay });
    await index.sync();
    expect((await index.search('essay')).map((r) => r.line)).toEqual([lineOf('# Long essay')]);
  });

  it('groups by note with the best passage, and many passages of one note do not crowd out other notes', async () => {
    const river = Array.from({ length: 30 }, (_, i) => `${paragraph('river')} Part ${i}.`).join('\n\n');
    const { index } = setup({ 'raw/Essay.md': essay, 'raw/Rivers.md': river, 'raw/Brook.md': 'A brook joins the river once, among many other words about valleys and stones and moss.' });
    await index.sync();
    expect((await index.search('river', { limit: 50 })).length).toBe(31);
    const notes = await index.search('river', { notes: true, limit: 2 });
    expect(notes.map((r) => r.path)).toEqual(['raw/Rivers.md', 'raw/Brook.md']);
    const [best] = await index.search('comet', { notes: true });
    expect(best).toMatchObject({ path: 'raw/Essay.md', line: lineOf('The comet') });
  });

  it('keeps passages and their line ranges through the cache', async () => {
    const { vault, state, index } = setup({ 'raw/Essay.md': essay });
    await index.sync();
    const before = await index.search('later glaciers');
    await index.persist();
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(true);
    expect(again.stats().sections).toBe(index.stats().sections);
    expect(await again.search('later glaciers')).toEqual(before);
  });

  it('indexes whole sections when passages are turned off, in a cache of its own', async () => {
    const { vault, state, index } = setup({ 'raw/Essay.md': essay });
    await index.sync();
    await index.persist();
    const whole = new VaultIndex({ vault, state, ranking: { passageWords: 0 } });
    expect(await whole.load()).toBe(false);
    await whole.sync();
    expect((await whole.search('bridge'))[0]).toMatchObject({ line: lineOf('# Long essay'), endLine: lineOf('## Later') - 1 });
    expect(whole.stats().sections).toBeLessThan(index.stats().sections);
  });
});

describe('VaultIndex titles from a leading H1', () => {
  it('takes a leading H1 as the title when the frontmatter has none', async () => {
    const { index } = setup({ 'raw/qw-2024.md': '# Quantum widgets\n\nWidgets that tunnel.\n\n## Uses\nSensors.' });
    await index.sync();
    expect(index.note('raw/qw-2024.md')?.title).toBe('Quantum widgets');
    expect(index.findByTitle('quantum WIDGETS')).toEqual(['raw/qw-2024.md']);
    expect((await index.search('tunnel'))[0]).toMatchObject({ title: 'Quantum widgets', heading: 'Quantum widgets' });
    // The title is context of the note's first passage only, not of every section under the H1.
    expect((await index.search('uses sensors'))[0]).toMatchObject({ heading: 'Uses' });
    expect((await index.search('quantum sensors', { notes: true })).map((r) => r.path)).toEqual(['raw/qw-2024.md']);
  });

  it('keeps the file name when the H1 is not leading or not the only one', async () => {
    const { index } = setup({ 'raw/Two.md': '# First part\ntext\n# Second part\nmore', 'raw/Late.md': 'Intro line.\n\n# Heading\ntext' });
    await index.sync();
    expect(index.note('raw/Two.md')?.title).toBe('Two');
    expect(index.note('raw/Late.md')?.title).toBe('Late');
    expect(index.note('raw/Rust ownership.md')?.title).toBe('Rust ownership');
  });
});
