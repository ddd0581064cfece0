import { readFile } from 'node:fs/promises';
import path from 'node:path';
import stemWord from 'wink-porter2-stemmer';
import { FsStateStore, FsVault } from '../../src/cli/fs-vault';
import { parseNote } from '../../src/core/markdown/frontmatter';
import { hashText } from '../../src/core/markdown/hash';
import { splitSections } from '../../src/core/markdown/sections';
import { buildNoteDocuments, cleanBody } from '../../src/core/search/note-documents';
import { PostingStore } from '../../src/core/search/posting-store';
import { STOPWORDS } from '../../src/core/search/stopwords';
import { TitleIndex } from '../../src/core/search/title-index';
import { Tokenizer } from '../../src/core/search/tokenizer';
import { VaultIndex } from '../../src/core/search/vault-index';

/**
 * Where the time of our build goes, stage by stage: the steps `VaultIndex.sync` runs for every
 * note (read, split into sections, hash, tokenise, add postings; compaction at the end), run one
 * stage at a time over the whole vault with a timer around each (median of three runs), next to
 * the real `sync` for comparison. Stages that the build interleaves run here back to back, so the JIT and the caches
 * see them in another order: the sum is close to, not equal to, the real build.
 */
export interface StageProfile {
  notes: number;
  sections: number;
  /** The real `VaultIndex.sync` on the same folder, in the same process, after the stages (median of three). */
  realSyncMs: number;
  stages: { name: string; ms: number; note: string }[];
}

/** The field order of `VaultIndex` (title, headings, tags, path, body). */
const FIELDS = ['title', 'headings', 'tags', 'path', 'body'];
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function profileStages(vaultDir: string): Promise<StageProfile> {
  const stages: StageProfile['stages'] = [];
  // Each stage runs three times; the median counts (one run is at the mercy of the JIT and of other load).
  const time = async <T>(name: string, note: string, work: () => T | Promise<T>): Promise<T> => {
    const runs: number[] = [];
    let out: T | undefined;
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      out = await work();
      runs.push(performance.now() - s);
    }
    stages.push({ name, ms: median(runs), note });
    return out as T;
  };
  const vault = new FsVault(vaultDir);
  const files = await time('list the vault', '`FsVault.list` (readdir + stat of every file)', async () => (await vault.list()).filter((f) => f.path.endsWith('.md') && !f.path.startsWith('.')));
  const texts = await time('read the notes', '`FsVault.read`, one note after another', async () => {
    const out: string[] = [];
    for (const f of files) out.push(await vault.read(f.path));
    return out;
  });
  // Not what sync does: how much of reading is FsVault's path checks, and how much overlapping reads would save.
  await time('  the same with `fs.readFile`', 'without `FsVault.locate` (NFC/NFD lookup, `realpath`, inside-the-vault check)', async () => {
    for (const f of files) await readFile(path.join(vaultDir, f.path), 'utf8');
  });
  await time('  `FsVault.read`, 16 at a time', 'reads overlapped in windows of 16 (sync reads one after another)', async () => {
    for (let i = 0; i < files.length; i += 16) await Promise.all(files.slice(i, i + 16).map((f) => vault.read(f.path)));
  });
  const built = await time('split into sections', '`buildNoteDocuments` whole (frontmatter, sections, inline tags, `cleanBody`, field texts)', () =>
    files.map((f, i) => buildNoteDocuments(f.path, texts[i], f, 1_000_000)),
  );
  await time('  frontmatter', '`parseNote` (YAML of every note), part of `buildNoteDocuments`', () => {
    for (const t of texts) parseNote(t);
  });
  const sectionTexts = await time('  heading scan', '`splitSections`, part of `buildNoteDocuments`', () => texts.flatMap((t) => splitSections(t).map((x) => x.text)));
  await time('  body cleaning', '`cleanBody` of every section (links, code, markup), part of `buildNoteDocuments`', () => {
    for (const t of sectionTexts) cleanBody(t);
  });
  const fieldTexts: string[][] = [];
  for (const b of built) for (const s of b.sections) fieldTexts.push([s.fields.title, s.fields.headings, s.fields.tags, s.fields.path, s.fields.body]);
  await time('hash the sections', '`hashText` of the five fields joined, as `indexFile` does', () => {
    for (const f of fieldTexts) hashText(`${f[0]}\u0000${f[1]}\u0000${f[2]}\u0000${f[3]}\u0000${f[4]}`);
  });
  // A fresh tokenizer per run, so every run starts with the memo empty as a build does.
  let tokenizer = new Tokenizer();
  const tokens = await time('tokenise (fresh memo)', '`Tokenizer.tokenize` of every field, the memo empty at the start as in a build', () => {
    tokenizer = new Tokenizer();
    return fieldTexts.map((f) => f.map((t) => tokenizer.tokenize(t)));
  });
  await time('  tokenise again (warm memo)', 'the same calls, every word now a memo hit: the regex split and memo lookups alone', () => {
    for (const f of fieldTexts) for (const t of f) tokenizer.tokenize(t);
  });
  const distinct = new Set<string>();
  for (const f of fieldTexts) for (const t of f) for (const m of t.matchAll(WORD)) distinct.add(m[0].toLowerCase());
  const stemmable = [...distinct].filter((w) => w.length > 3 && /^[a-z]+$/.test(w) && !STOPWORDS.has(w));
  await time('  stem the distinct words', `Porter2 (wink) once per distinct word: ${stemmable.length} words`, () => {
    for (const w of stemmable) stemWord(w);
  });
  await time('add postings', '`PostingStore.add` with the tokens computed above (term counts per field, dictionary, overlay)', () => {
    const store = new PostingStore(FIELDS);
    for (let i = 0; i < fieldTexts.length; i++) {
      let f = 0;
      const mine = tokens[i];
      store.add(i + 1, fieldTexts[i], () => mine[f++]);
    }
  });
  // Compaction empties the overlay: each run compacts a store filled afresh (the filling untimed).
  const compactRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const fresh = new PostingStore(FIELDS);
    for (let d = 0; d < fieldTexts.length; d++) {
      let f = 0;
      const mine = tokens[d];
      fresh.add(d + 1, fieldTexts[d], () => mine[f++]);
    }
    const s = performance.now();
    for (const step of fresh.compaction()) void step;
    compactRuns.push(performance.now() - s);
  }
  stages.push({ name: 'compact postings', ms: median(compactRuns), note: '`PostingStore.compaction` (overlay into typed arrays), run once at the end of a sync' });
  await time('title index', '`TitleIndex.set` per note', () => {
    const titles = new TitleIndex();
    for (const b of built) titles.set(b.info.path, b.info.title, b.info.aliases);
  });
  const syncRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    // A cache key of its own; nothing is persisted.
    const index = new VaultIndex({ vault, state: new FsStateStore(vaultDir), cacheKey: 'bench-profile' });
    await index.sync();
    syncRuns.push(performance.now() - s);
  }
  const realSyncMs = median(syncRuns);
  return { notes: files.length, sections: fieldTexts.length, realSyncMs, stages };
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function in a `--cpu-prof` file, largest first. */
export async function summariseCpuProfile(file: string, top = 20): Promise<{ totalMs: number; functions: { name: string; ms: number; share: number }[] }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byNode = new Map<number, CpuProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    // Our code is one bundle, where line numbers say little: named by function; Node's own files by file and line.
    const where = url && !url.endsWith('.cjs') ? `${path.basename(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + dt);
  }
  const functions = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { totalMs: total, functions };
}
