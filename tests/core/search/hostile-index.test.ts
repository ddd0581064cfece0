import { VaultIndex } from '../../../src/core/search/vault-index';
import { PostingStore } from '../../../src/core/search/posting-store';
import { Tokenizer } from '../../../src/core/search/tokenizer';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

/**
 * The search index under a messy vault and a hostile user: hyphenated compounds and single
 * letters in queries and exclusions, term frequencies past what the compact arrays hold, notes
 * that change behind the index's back before its cache is written.
 */

const paths = (hits: { path: string }[]) => hits.map((h) => h.path).sort();

describe('VaultIndex exclusions of words of several terms', () => {
  const notes = {
    'compound.md': 'IL-6 levels rose in the cohort.\n',
    'joined.md': 'IL6 levels rose as well.\n',
    'number.md': 'Cytokine levels in 6 patients.\n',
    'disease.md': "Alzheimer's disease levels.\n",
    'possessive.md': "The patient's levels were fine.\n",
  };

  it('-IL-6 leaves out the notes IL-6 finds (either spelling), not every note with a 6 in it', async () => {
    const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
    await index.sync();
    expect(paths(await index.search('IL-6'))).toEqual(expect.arrayContaining(['compound.md', 'joined.md']));
    expect(paths(await index.search('levels -IL-6'))).toEqual(['disease.md', 'number.md', 'possessive.md']);
    expect(paths(await index.search('levels -IL6'))).toEqual(['disease.md', 'number.md', 'possessive.md']);
  });

  it("-Alzheimer's leaves out that word, not every note with a possessive 's", async () => {
    const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
    await index.sync();
    expect(paths(await index.search("levels -Alzheimer's"))).toEqual(['compound.md', 'joined.md', 'number.md', 'possessive.md']);
    // A single letter excluded on its own still means that letter.
    expect(paths(await index.search('levels -s'))).toEqual(['compound.md', 'joined.md', 'number.md']);
  });
});

describe('VaultIndex ranking of a hyphenated query word', () => {
  const files: Record<string, string> = {
    'hyphenated.md': '# Assay\nIL-6 levels in T-cell cultures were measured.\n',
    'joined.md': '# Assay\nIL6 levels in T cell cultures were measured.\n',
    'spaced.md': '# Assay\nIL 6 levels were measured too.\n',
  };
  // Notes with a 6 and the other words many times, but no IL at all.
  for (let i = 0; i < 8; i++) files[`noise${i}.md`] = `# Noise ${i}\n${'6 levels cell T 6 6 levels. '.repeat(3)}\n`;
  for (let i = 0; i < 30; i++) files[`other${i}.md`] = `# Other ${i}\nUnrelated words about gardening and bread ${i}.\n`;

  it('ranks a note with either spelling of the compound, or its parts, above notes with one part', async () => {
    const index = new VaultIndex({ vault: new MemoryVault(files), state: new MemoryStateStore() });
    await index.sync();
    for (const query of ['IL-6', 'IL-6 levels']) {
      const top = (await index.search(query)).map((h) => h.path).slice(0, 3);
      expect([query, top.sort()]).toEqual([query, ['hyphenated.md', 'joined.md', 'spaced.md']]);
    }
    for (const query of ['IL6 levels', 'IL-6 T-cell', 'IL6 T-cell']) {
      const top = (await index.search(query)).map((h) => h.path).slice(0, 2);
      expect([query, top.sort()]).toEqual([query, ['hyphenated.md', 'joined.md']]);
    }
  });
});

describe('PostingStore term frequencies past 65535', () => {
  it('scores the same before and after a compaction (the overlay holds what the arrays hold)', () => {
    const store = new PostingStore(['body']);
    const words = (text: string) => text.split(' ').filter(Boolean);
    store.add(1, [`${'x '.repeat(70_000)}y`], words);
    store.add(2, ['x y z'], words);
    store.add(3, ['z'], words);
    const query = { terms: ['x'], boost: { body: 1 }, bm25: { k: 1.2, b: 0.75, d: 0.5 } };
    const scores = (): number[] => {
      const out: number[] = [];
      store.score(query, (id, score) => (out[id] = score));
      return out;
    };
    const before = scores();
    store.compact();
    expect(scores()).toEqual(before);
  });
});

describe('VaultIndex term frequencies past a byte and past 65535 through the cache', () => {
  it('answers as a fresh build after each persist and load, as the frequencies grow and shrink', async () => {
    const vault = new MemoryVault({
      'many.md': `# Many\n${'spam '.repeat(300)}\n`,
      'lots.md': `# Lots\n${'spam ham '.repeat(70_000)}\n`,
      'few.md': '# Few\nspam ham eggs\n',
    });
    const state = new MemoryStateStore();
    const settings = { maxIndexedFileBytes: 2_000_000 };
    const check = async (): Promise<void> => {
      const loaded = new VaultIndex({ vault, state, settings });
      expect(await loaded.load()).toBe(true);
      const fresh = new VaultIndex({ vault, state: new MemoryStateStore(), settings });
      await fresh.sync();
      await fresh.persist();
      for (const q of ['spam', 'ham', 'spam eggs']) expect(await loaded.search(q, { limit: 50 })).toEqual(await fresh.search(q, { limit: 50 }));
    };
    let index = new VaultIndex({ vault, state, settings });
    await index.sync();
    await index.persist();
    await check();
    // Down to frequencies that fit a byte: the image's frequencies become one byte each.
    await vault.delete('lots.md');
    await index.sync();
    await index.persist();
    await check();
    // Then from a loaded store whose frequencies are bytes, back past 65535.
    index = new VaultIndex({ vault, state, settings });
    expect(await index.load()).toBe(true);
    await vault.delete('many.md');
    await vault.write('lots.md', `# Lots again\n${'spam '.repeat(66_000)}\n`);
    await index.sync();
    await index.persist();
    await check();
  }, 60_000);
});

describe('Tokenizer compounds on hostile text', () => {
  const tokenizer = new Tokenizer();
  const compounds = (text: string) => tokenizer.indexTerms(text).slice(tokenizer.tokenize(text).length);

  it('joins two to four parts only, whatever surrounds them', () => {
    expect(compounds('IL-6 and anti-PD-1 and a-b-c-d')).toEqual(['il6', 'antipd1', 'abcd']);
    // Five parts or more is a chain (an id, a date-time), not a compound; nor anything touching a hyphen.
    expect(compounds('a-b-c-d-e 550e8400-e29b-41d4-a716-446655440000')).toEqual([]);
    expect(compounds('-IL-6 IL-6- IL--6 -- - ---')).toEqual([]);
    expect(compounds('x-\u03b2 \u0436-1 caf\u00e9-bar')).toEqual(['x\u03b2', '\u04361', 'cafebar']);
  });

  it('stays linear on long hyphen chains and megabyte words', () => {
    const started = Date.now();
    for (const text of ['a-'.repeat(500_000), `${'a'.repeat(1_000_000)}-b`, '-'.repeat(1_000_000), 'ab-cd '.repeat(150_000)]) tokenizer.indexTerms(text);
    // Quadratic backtracking would take minutes; linear is well under a second each.
    expect(Date.now() - started).toBeLessThan(10_000);
    // A compound longer than a word may be is no term.
    expect(compounds(`${'a'.repeat(1_000_000)}-b`)).toEqual([]);
  });
});

describe('VaultIndex snippets of hyphenated compounds', () => {
  const filler = 'Ordinary words about other matters fill this opening stretch of the passage. '.repeat(4);
  const notes = { 'late.md': `# Results\n${filler}Then IL-6 levels rose sharply.\n`, 'joined.md': `# Results\n${filler}Then IL6 levels rose sharply.\n` };

  it('shows and marks the compound that a joined query word found, as for the hyphenated query word', async () => {
    const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
    await index.sync();
    const byPath = async (query: string) => Object.fromEntries((await index.search(query)).map((h) => [h.path, h.snippet]));
    const joined = await byPath('IL6');
    expect(joined['late.md']).toContain('**IL-6** levels');
    expect(joined['joined.md']).toContain('**IL6** levels');
    const hyphenated = await byPath('IL-6');
    expect(hyphenated['late.md']).toContain('**IL**-**6** levels');
    expect(hyphenated['joined.md']).toContain('**IL6** levels');
    expect(hyphenated['late.md']).not.toContain('****');
    // A compound whose first part is a stop word is marked whole.
    const art = new VaultIndex({ vault: new MemoryVault({ 'art.md': 'Methods at the-art level and more art.\n' }), state: new MemoryStateStore() });
    await art.sync();
    expect((await art.search('theart art'))[0].snippet).toBe('Methods at **the-art** level and more **art**.');
  });
});

/** A state store whose `failAt`-th write (set, setBytes or delete, counted from 1) fails as a full disk does. */
class FailingStore extends MemoryStateStore {
  writes = 0;
  failAt = Infinity;
  private refused(): Promise<never> | null {
    return ++this.writes === this.failAt ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : null;
  }
  override set(key: string, value: string): Promise<void> {
    return this.refused() ?? super.set(key, value);
  }
  override setBytes(key: string, bytes: Uint8Array): Promise<void> {
    return this.refused() ?? super.setBytes(key, bytes);
  }
  override delete(key: string): Promise<void> {
    return this.refused() ?? super.delete(key);
  }
}

const hostileNotes = (): Record<string, string> => {
  const out: Record<string, string> = {};
  const words = ['IL-6', 'IL6', 'T cells', 'vitamin D', "Alzheimer's", 'café', '中文検索', 'anti-PD-1', 'levels', 'state-of-the-art'];
  for (let i = 0; i < 24; i++) {
    const nl = i % 3 === 0 ? '\r\n' : '\n';
    const bom = i % 5 === 0 ? '\ufeff' : '';
    const paragraphs = Array.from({ length: 2 + (i % 4) }, (_, p) => Array.from({ length: 30 + ((i * 7 + p * 13) % 90) }, (_, w) => words[(i + p + w * w) % words.length]).join(' '));
    out[`notes/n${i}.md`] = `${bom}# Note ${i}${nl}${paragraphs.join(nl + nl)}${nl}${nl}## Part ${words[i % words.length]}${nl}${paragraphs.reverse().join(nl + nl)}${nl}`;
  }
  return out;
};
const QUERIES = ['IL-6', 'IL6', 'T cells', '"vitamin D"', 'levels -IL-6', "Alzheimer's", 'cafe', '中文', 'anti-PD-1', '"IL-6 levels"', 'state-of-the-art', 'levels -"T cells"'];

/** Every query's hits with their snippets, in an order that does not depend on passage ids. */
async function answers(index: VaultIndex, scores = true): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of QUERIES) {
    const hits = await index.search(q, { limit: 1000 });
    out.push(hits.map((h) => JSON.stringify([h.path, h.heading, h.line, h.endLine, h.snippet, scores ? h.score : 0])).sort());
  }
  return out;
}

async function freshAnswers(vault: MemoryVault): Promise<unknown[]> {
  const fresh = new VaultIndex({ vault, state: new MemoryStateStore() });
  await fresh.sync();
  await fresh.persist();
  return answers(fresh);
}

describe('VaultIndex persist that fails at any write, texts past the memory budget', () => {
  it('keeps the old cache or the new one, never garbage, and its snippets match the notes', async () => {
    let failures = 0;
    let expected: unknown[] | undefined;
    for (let failAt = 1; ; failAt++) {
      const vault = new MemoryVault(hostileNotes());
      const state = new FailingStore();
      const index = new VaultIndex({ vault, state, textMemoryChars: 3000, debounceMs: 0 });
      await index.sync();
      await index.persist();
      // Edited, removed, renamed and replaced by a binary file between the sync and the persist.
      const off = index.attach();
      await vault.write('notes/n1.md', '# Rewritten\nIL-6 levels changed completely.\n');
      await vault.delete('notes/n2.md');
      await vault.rename('notes/n3.md', 'moved/n3.md');
      await vault.write('notes/n4.md', 'vitamin D\u0000\u0001binary');
      await index.flush();
      off();
      // The same vault every round: a fresh build's answers are computed once.
      expected ??= await freshAnswers(vault);
      state.writes = 0;
      state.failAt = failAt;
      let failed = false;
      try {
        await index.persist();
      } catch {
        failed = true;
      }
      state.failAt = Infinity;
      // The same index answers as a fresh one, before and after its retry.
      expect(await answers(index)).toEqual(expected);
      const reloaded = new VaultIndex({ vault, state, preloadTexts: false });
      expect(await reloaded.load()).toBe(true);
      await reloaded.sync();
      // Its scores still count the postings of the notes changed since (until a compaction, as documented).
      expect(await answers(reloaded, false)).toEqual(expected.map((hits) => (hits as string[]).map((h) => h.replace(/,[0-9.]+\]$/, ',0]'))));
      await index.persist();
      const again = new VaultIndex({ vault, state });
      expect(await again.load()).toBe(true);
      expect((await again.sync()).updated + (await again.sync()).added).toBe(0);
      expect(await answers(again)).toEqual(expected);
      if (!failed) break;
      failures++;
    }
    expect(failures).toBeGreaterThan(3);
  }, 120_000);
});

describe('VaultIndex notes changed between the sync and the persist, texts past the memory budget', () => {
  it('writes no text of a version it did not index; a load and sync then answer as a fresh build', async () => {
    const files = hostileNotes();
    // One note past the size cap: indexed up to it, its texts read back the same way.
    files['notes/long.md'] = `# Long\n${'IL-6 levels in T cells, vitamin D and more. '.repeat(400)}\n\n## Tail\nanti-PD-1 only here.\n`;
    const settings = { maxIndexedFileBytes: 6000 };
    const vault = new MemoryVault(files);
    const state = new MemoryStateStore();
    const index = new VaultIndex({ vault, state, settings, textMemoryChars: 2000 });
    await index.sync();
    // No events followed: the index does not know of these yet.
    await vault.write('notes/n5.md', '# Other\nIL6 in a new text entirely.\n');
    await vault.delete('notes/n6.md');
    await vault.rename('notes/n7.md', 'elsewhere/n7.md');
    await vault.write('notes/n8.md', 'IL-6\u0000\u0000binary now');
    await index.persist();
    const loaded = new VaultIndex({ vault, state, settings });
    expect(await loaded.load()).toBe(true);
    await loaded.sync();
    await loaded.persist();
    const fresh = new VaultIndex({ vault, state: new MemoryStateStore(), settings });
    await fresh.sync();
    await fresh.persist();
    expect(await answers(loaded)).toEqual(await answers(fresh));
    const cold = new VaultIndex({ vault, state, settings });
    expect(await cold.load()).toBe(true);
    expect(await answers(cold)).toEqual(await answers(fresh));
  });
});

describe('VaultIndex searches while a persist or a compaction runs', () => {
  it('answer as before and after it all along', async () => {
    const vault = new MemoryVault(hostileNotes());
    const state = new MemoryStateStore();
    const index = new VaultIndex({ vault, state, textMemoryChars: 2000, sliceMs: 0, debounceMs: 0 });
    await index.sync();
    await index.persist();
    const off = index.attach();
    await vault.write('notes/n9.md', '# New\nIL-6 levels in T cells.\n');
    await vault.delete('notes/n10.md');
    await vault.rename('notes/n11.md', 'moved/n11.md');
    await index.flush();
    off();
    const fresh = new VaultIndex({ vault, state: new MemoryStateStore() });
    await fresh.sync();
    const expected = await answers(fresh, false);
    let done = false;
    const persisting = index.persist().then(() => (done = true));
    let rounds = 0;
    while (!done) {
      expect(await answers(index, false)).toEqual(expected);
      rounds++;
      // The persist goes on in the slices between.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await persisting;
    expect(rounds).toBeGreaterThan(0);
    await fresh.persist();
    expect(await answers(index)).toEqual(await answers(fresh));
  });
});

describe('VaultIndex through random edits, deletes, renames, persists and loads', () => {
  const WORDS = ['alpha', 'beta', 'IL-6', 'IL6', 'T', 'cells', 'vitamin', 'D', "Alzheimer's", 'café', 'cafe', '中文', '検索', 'anti-PD-1', 'x', 'levels', 'state-of-the-art', 'a-b-c-d-e'];
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const note = (r: () => number): string => {
    const nl = r() < 0.3 ? '\r\n' : '\n';
    let out = r() < 0.2 ? '\ufeff' : '';
    for (let s = 0, sections = 1 + Math.floor(r() * 3); s < sections; s++) {
      if (s > 0 || r() < 0.5) out += `# H${s} ${WORDS[Math.floor(r() * WORDS.length)]}${nl}`;
      for (let p = 0, paragraphs = 1 + Math.floor(r() * 4); p < paragraphs; p++) {
        out += Array.from({ length: 3 + Math.floor(r() * 60) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ') + nl + nl;
      }
    }
    return out;
  };

  for (const [seed, textMemoryChars] of [
    [1, 0],
    [2, 2000],
  ]) {
    it(`answers as a fresh build after every persist (seed ${seed}, texts kept up to ${textMemoryChars} characters)`, async () => {
      const r = random(seed);
      const files: Record<string, string> = {};
      for (let i = 0; i < 30; i++) files[`n${i}.md`] = note(r);
      const vault = new MemoryVault(files);
      const state = new MemoryStateStore();
      let index = new VaultIndex({ vault, state, textMemoryChars, debounceMs: 0 });
      await index.sync();
      let off = index.attach();
      for (let round = 0; round < 5; round++) {
        for (let k = 0; k < 6; k++) {
          const path = `n${Math.floor(r() * 40)}.md`;
          const op = r();
          if (op < 0.5 || (await vault.stat(path)) === null) await vault.write(path, note(r));
          else if (op < 0.7) await vault.delete(path);
          else await vault.rename(path, `r${round}-${k}.md`);
        }
        await index.flush();
        await index.persist();
        if (r() < 0.5) {
          off();
          index = new VaultIndex({ vault, state, textMemoryChars, debounceMs: 0 });
          expect(await index.load()).toBe(true);
          await index.sync();
          await index.persist();
          off = index.attach();
        }
        const fresh = new VaultIndex({ vault, state: new MemoryStateStore() });
        await fresh.sync();
        await fresh.persist();
        expect(await answers(index)).toEqual(await answers(fresh));
      }
      off();
    }, 60_000);
  }
});

/** A state store whose byte reads wait until `release` is called: a slow disk under a texts load. */
class SlowReadsStore extends MemoryStateStore {
  private gate: Promise<void> | null = null;
  release: () => void = () => undefined;
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  override async getBytes(key: string): Promise<Uint8Array | null> {
    if (this.gate) await this.gate;
    return super.getBytes(key);
  }
}

describe('VaultIndex edits while the cached texts load', () => {
  it('shows the edited text, not the cached one, for a passage kept through the edit', async () => {
    const vault = new MemoryVault({ 'links.md': '# Links\nSee https://example.com/old-page about IL-6 levels.\n\n# Other\nMore words here.\n' });
    const state = new SlowReadsStore();
    const built = new VaultIndex({ vault, state });
    await built.sync();
    await built.persist();
    // Texts past the budget after the load: an edited passage's text is not kept in memory.
    const index = new VaultIndex({ vault, state, textMemoryChars: 0, debounceMs: 0 });
    expect(await index.load()).toBe(true);
    const off = index.attach();
    state.hold();
    expect((await index.search('IL-6'))[0].snippet).toContain('old-page');
    // Only the URL's path changes: the indexed fields (URLs by their host) do not, so the passage is kept.
    await vault.write('links.md', '# Links\nSee https://example.com/new-page about IL-6 levels.\n\n# Other\nMore words here.\n');
    await index.flush();
    state.release();
    await index.loadPassageTexts();
    expect((await index.search('IL-6'))[0].snippet).toContain('new-page');
    off();
  });
});

describe('VaultIndex caches written by two processes in turn (the plugin and the CLI)', () => {
  it("a persist that fails after another process's persist leaves that cache whole, and a finished one leaves no chunk behind", async () => {
    const vault = new MemoryVault(hostileNotes());
    const state = new FailingStore();
    const first = new VaultIndex({ vault, state });
    await first.sync();
    await first.persist();
    const plugin = new VaultIndex({ vault, state });
    const cli = new VaultIndex({ vault, state });
    expect(await plugin.load()).toBe(true);
    expect(await cli.load()).toBe(true);
    await vault.write('notes/n1.md', '# From the CLI\nIL-6 levels.\n');
    await cli.sync();
    await cli.persist();
    await vault.write('notes/n2.md', '# From the plugin\nT cells.\n');
    await plugin.sync();
    state.writes = 0;
    state.failAt = 2;
    await expect(plugin.persist()).rejects.toThrow('ENOSPC');
    state.failAt = Infinity;
    // The CLI's cache is still there, and whole.
    const next = new VaultIndex({ vault, state });
    expect(await next.load()).toBe(true);
    expect((await next.sync()).updated).toBe(1);
    await plugin.persist();
    const last = new VaultIndex({ vault, state });
    expect(await last.load()).toBe(true);
    expect((await last.sync()).updated).toBe(0);
    // Only the chunks the manifest lists remain.
    const manifest = JSON.parse(state.values.get('search-index.json')!) as { chunks: { key: string }[] };
    const stored = [...state.values.keys(), ...state.binaries.keys()].filter((k) => k !== 'search-index.json').sort();
    expect(stored).toEqual(manifest.chunks.map((c) => c.key).sort());
  });
});
