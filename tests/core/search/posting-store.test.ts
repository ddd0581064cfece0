import MiniSearch from 'minisearch';
import { PostingStore, type StoreHead } from '../../../src/core/search/posting-store';
import { Scorer, type ScoreQuery } from '../../support/scorer';
import { VaultIndex } from '../../../src/core/search/vault-index';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

// The compact posting store must score exactly as the previous scorer over MiniSearch 7.2 did
// (which `scorer.test.ts` pins to MiniSearch's own scores), before and after compaction.
const FIELDS = ['title', 'headings', 'tags', 'path', 'body'];
const boost = { title: 0.5, headings: 1, tags: 1, path: 0.5, body: 1 };
const bm25 = { k: 1.2, b: 0.75, d: 0.5 };
const tokenize = (text: string): string[] => text.split(' ').filter((t) => t !== '');

/** A deterministic corpus: Zipf-ish words, so some terms are common and some rare. */
function corpus(count: number, seed = 7): { id: number; texts: string[] }[] {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const vocabulary = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}${'abcdefgh'[i % 8]}${i % 3 === 0 ? 'ing' : ''}`);
  const word = () => vocabulary[Math.floor(vocabulary.length * rand() ** 2.5)];
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    texts: [words(1 + Math.floor(rand() * 4)), words(Math.floor(rand() * 5)), rand() < 0.3 ? words(2) : '', words(2), words(5 + Math.floor(rand() * 200))],
  }));
}

function miniSearch(docs: { id: number; texts: string[] }[]): MiniSearch<{ id: number; texts: string[] }> {
  const ms = new MiniSearch<{ id: number; texts: string[] }>({
    fields: FIELDS,
    extractField: (doc, field) => field === 'id' ? doc.id : doc.texts[FIELDS.indexOf(field)],
    tokenize,
    processTerm: (t) => t,
    autoVacuum: false,
  });
  ms.addAll(docs);
  return ms;
}

function store(docs: { id: number; texts: string[] }[]): PostingStore {
  const s = new PostingStore(FIELDS);
  for (const d of docs) s.add(d.id, d.texts, tokenize);
  return s;
}

type Scores = Map<number, { score: number; matched: number }>;

function previous(ms: MiniSearch<{ id: number; texts: string[] }>, q: ScoreQuery): Scores {
  const out: Scores = new Map();
  const ids = (ms as unknown as { _documentIds: Map<number, number> })._documentIds;
  new Scorer().score(ms, q, (shortId, score, matched) => out.set(ids.get(shortId)!, { score, matched }));
  return out;
}

function compact(s: PostingStore, q: ScoreQuery): Scores {
  const out: Scores = new Map();
  s.score(q, (id, score, matched) => out.set(id, { score, matched }));
  return out;
}

function expectSame(a: Scores, b: Scores): void {
  expect(b.size).toBeGreaterThan(0);
  expect([...a.keys()].sort((x, y) => x - y)).toEqual([...b.keys()].sort((x, y) => x - y));
  for (const [id, r] of b) {
    expect(a.get(id)!.matched).toBe(r.matched);
    expect(a.get(id)!.score).toBeCloseTo(r.score, 9);
  }
}

const queries: ScoreQuery[] = [
  { terms: ['w0aing'], boost, bm25 },
  { terms: ['w1b', 'w2c', 'w3ding'], boost, bm25 },
  { terms: ['w5f', 'w9b', 'w4e', 'w7h', 'w1b', 'wa'], weights: [1, 2, 1, 1, 3, 1], boost, bm25 },
  { terms: ['w1b', 'w1'], prefix: 'w1', boost, bm25 },
  { terms: ['w2c', 'w4x'], fuzzy: 0.2, maxFuzzy: 2, fuzzyOnlyMissing: true, boost, bm25 },
  { terms: ['w2cx', 'w9'], fuzzy: 0.34, maxFuzzy: 2, prefix: 'w9', boost, bm25 },
  { terms: ['w0aing', 'w6ging'], boost: { title: 3, body: 1 }, bm25: { k: 0.9, b: 0.4, d: 0 } },
];

describe('PostingStore', () => {
  const docs = corpus(300);

  it('scores a generated corpus exactly as the previous scorer over MiniSearch, before and after compaction', () => {
    const ms = miniSearch(docs);
    const s = store(docs);
    for (const q of queries) expectSame(compact(s, q), previous(ms, q));
    s.compact();
    expect(s.overlaySize).toBe(0);
    for (const q of queries) expectSame(compact(s, q), previous(ms, q));
  });

  it('applies adds and removals through the overlay as MiniSearch does before and after its vacuum', async () => {
    const ms = miniSearch(docs.slice(0, 200));
    const s = store(docs.slice(0, 200));
    s.compact();
    // Later documents go to the overlay, removed ones are flagged: postings of both kinds mixed.
    for (const d of docs.slice(200)) {
      ms.add(d);
      s.add(d.id, d.texts, tokenize);
    }
    for (const id of [3, 50, 150, 210, 299]) {
      ms.discard(id);
      s.discard(id);
    }
    expect(s.has(50)).toBe(false);
    expect(s.documentCount).toBe(295);
    for (const q of queries) expectSame(compact(s, q), previous(ms, q));
    await ms.vacuum();
    s.compact();
    for (const q of queries) expectSame(compact(s, q), previous(ms, q));
    // An edited document comes back under a new id (as VaultIndex re-adds a changed section).
    const edited = { id: 301, texts: docs[49].texts };
    ms.add(edited);
    s.add(edited.id, edited.texts, tokenize);
    for (const q of queries) expectSame(compact(s, q), previous(ms, q));
    expect(s.documentsWith(['w0aing']).has(50)).toBe(false);
  });

  it('drops terms left without postings, so a word of a removed note counts as missing (typo matching)', () => {
    const s = new PostingStore(FIELDS);
    s.add(1, ['', '', '', '', 'platypus echidna'], tokenize);
    s.add(2, ['', '', '', '', 'platypuses'], tokenize);
    s.compact();
    s.discard(1);
    s.compact();
    expect(s.termCount).toBe(1);
    const found = compact(s, { terms: ['platypus'], fuzzy: 0.2, maxFuzzy: 2, fuzzyOnlyMissing: true, boost, bm25 });
    expect([...found.keys()]).toEqual([2]);
  });

  it('round-trips through its cache image (typed-array views over the bytes) with the same tables and scores', () => {
    const s = store(docs);
    s.discard(17);
    s.compact();
    s.add(400, docs[16].texts, tokenize);
    s.compact();
    const image = s.image();
    // As the cache hands it over: the head through JSON, the terms as text, the bytes copied.
    const head = JSON.parse(JSON.stringify(image.head)) as StoreHead;
    const loaded = PostingStore.fromImage(FIELDS, head, [...image.terms], new Uint8Array(image.bytes));
    expect(loaded.head()).toEqual(s.head());
    expect(loaded.documentCount).toBe(s.documentCount);
    expect(loaded.termCount).toBe(s.termCount);
    expect([...loaded.docRows()]).toEqual([...s.docRows()]);
    expect([...loaded.postingRows()]).toEqual([...s.postingRows()]);
    for (const q of queries) expectSame(compact(loaded, q), compact(s, q));
    // The loaded store takes further changes, and compacts and writes again the same way.
    loaded.add(401, ['', '', '', '', 'zzzonly'], tokenize);
    loaded.discard(3);
    expect([...compact(loaded, { terms: ['zzzonly'], boost, bm25 }).keys()]).toEqual([401]);
    s.add(401, ['', '', '', '', 'zzzonly'], tokenize);
    s.discard(3);
    for (const q of queries) expectSame(compact(loaded, q), compact(s, q));
    loaded.compact();
    s.compact();
    expect([...loaded.postingRows()]).toEqual([...s.postingRows()]);
    expect(loaded.image().bytes).toEqual(s.image().bytes);
  });

  it('gives its cache image in pieces made as they are asked for, the same bytes as the whole image', () => {
    const joined = (pieces: Iterable<Uint8Array>): Uint8Array => {
      const list = [...pieces];
      const out = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of list) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    };
    const s = store(docs);
    s.discard(5);
    s.compact();
    const oneByte = s.image();
    expect(oneByte.head.tfBytes).toBe(1);
    // A frequency over 255 makes the image's frequencies two bytes each.
    s.add(500, ['', '', '', '', Array.from({ length: 300 }, () => 'often').join(' ')], tokenize);
    s.compact();
    const twoBytes = s.image();
    expect(twoBytes.head.tfBytes).toBe(2);
    const loaded = PostingStore.fromImage(FIELDS, JSON.parse(JSON.stringify(oneByte.head)) as StoreHead, [...oneByte.terms], new Uint8Array(oneByte.bytes));
    for (const [from, whole] of [[s, twoBytes], [loaded, oneByte]] as const) {
      for (const size of [4, 12, 4096, 4 * Math.ceil(whole.bytes.length / 4) + 4]) {
        const { head, terms, byteLength, pieces } = from.imagePieces(size);
        const list = [...pieces];
        expect(head).toEqual(whole.head);
        expect(terms).toEqual(whole.terms);
        expect(byteLength).toBe(whole.bytes.length);
        expect(list.slice(0, -1).every((p) => p.length === size)).toBe(true);
        expect(list[list.length - 1].length).toBeLessThanOrEqual(size);
        expect(joined(list)).toEqual(whole.bytes);
      }
    }
    expect(() => s.imagePieces(6)).toThrow(/whole words/);
  });

  it('scores the same after its overlay arrays are let go, and takes documents again', () => {
    const s = store(docs.slice(0, 40));
    s.compact();
    s.releaseOverlay();
    const other = store(docs.slice(0, 40));
    for (const d of docs.slice(40, 60)) {
      s.add(d.id, d.texts, tokenize);
      other.add(d.id, d.texts, tokenize);
    }
    // Not let go while postings wait in it.
    s.releaseOverlay();
    for (const q of queries) expectSame(compact(s, q), compact(other, q));
    s.compact();
    s.releaseOverlay();
    for (const q of queries) expectSame(compact(s, q), compact(other, q));
  });

  it('keeps term frequencies in one byte when all fit, in two when one does not', () => {
    for (const [repeat, width] of [
      [255, 1],
      [256, 2],
      [70000, 2],
    ] as const) {
      const s = store(docs.slice(0, 5));
      s.add(900, ['', '', '', '', `${'often '.repeat(repeat)}rarely`], tokenize);
      s.compact();
      const image = s.image();
      expect(image.head.tfBytes).toBe(width);
      const loaded = PostingStore.fromImage(FIELDS, image.head, [...image.terms], new Uint8Array(image.bytes));
      expect([...loaded.postingRows()]).toEqual([...s.postingRows()]);
      for (const q of [...queries, { terms: ['often'], boost, bm25 }]) expectSame(compact(loaded, q), compact(s, q));
    }
  });

  it('refuses an image that does not match its head or whose tables are out of order', () => {
    const s = store(docs.slice(0, 20));
    s.compact();
    const { head, terms, bytes } = s.image();
    const load = (h: StoreHead, t: string[], b: Uint8Array<ArrayBuffer>) => () => PostingStore.fromImage(FIELDS, h, t, b);
    expect(load(head, [...terms], new Uint8Array(bytes))).not.toThrow();
    expect(load(head, terms.slice(1), new Uint8Array(bytes))).toThrow();
    expect(load(head, [...terms].reverse(), new Uint8Array(bytes))).toThrow();
    expect(load({ ...head, postings: head.postings + 1 }, [...terms], new Uint8Array(bytes))).toThrow();
    expect(load({ ...head, littleEndian: !head.littleEndian }, [...terms], new Uint8Array(bytes))).toThrow();
    expect(load(head, [...terms], new Uint8Array(bytes.subarray(0, bytes.length - 1)))).toThrow();
    // Offsets running backwards (the first few bytes are the first offsets).
    const backwards = new Uint8Array(bytes);
    new Uint32Array(backwards.buffer, 0, 2)[1] = 0xffffffff;
    expect(load(head, [...terms], backwards)).toThrow();
    // A live flag that is neither 0 nor 1 (the last byte is the last document's flag).
    const flags = new Uint8Array(bytes);
    flags[flags.length - 1] = 7;
    expect(load(head, [...terms], flags)).toThrow();
  });
});

describe('VaultIndex over the posting store', () => {
  it('follows edits, deletes and renames through the overlay and after compaction and a reload', async () => {
    const vault = new MemoryVault({
      'raw/A.md': '# One\nplatypus venom\n# Two\nechidna spines',
      'raw/B.md': 'wombat burrows and platypus',
    });
    const state = new MemoryStateStore();
    const index = new VaultIndex({ vault, state });
    await index.sync();
    await index.persist(); // compacts: everything below starts in the overlay
    const detach = index.attach();
    await vault.write('raw/A.md', '# One\nplatypus venom\n# Two\nquoll spots');
    await vault.rename('raw/B.md', 'wiki/B moved.md');
    await index.flush();
    const paths = async (q: string) => (await index.search(q)).map((h) => `${h.path}#${h.heading ?? ''}`);
    expect(await paths('echidna')).toEqual([]);
    expect(await paths('quoll')).toEqual(['raw/A.md#Two']);
    expect(await paths('wombat')).toEqual(['wiki/B moved.md#']);
    expect((await paths('platypus')).sort()).toEqual(['raw/A.md#One', 'wiki/B moved.md#']);
    const before = await index.search('platypus venom quoll');
    await vault.delete('raw/A.md');
    await index.flush();
    expect(await paths('quoll')).toEqual([]);
    detach();
    await index.persist();
    const again = new VaultIndex({ vault, state });
    expect(await again.load()).toBe(true);
    expect(await again.search('platypus')).toEqual(await index.search('platypus'));
    expect(await again.search('quoll')).toEqual([]);
    expect(before.length).toBeGreaterThan(0);
  });
});
