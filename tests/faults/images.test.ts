/**
 * The fault suite for "Download images" (issue 13 item 4): the one operation that writes raw
 * notes and creates files in the attachments folder. The BUILT command-line tool runs in child
 * processes; the images come from a loopback HTTP server started here (real PNGs built here).
 *
 * For `scriptorium images` (apply) and for the `undo` of its plan, a kill at every file operation
 * and a full disk (ENOSPC, staying full) at every operation must leave every file of the vault —
 * raw notes, new images, the wiki's log, every other note — at its before or its after bytes, the
 * undo journal whole (its earlier entries as they were, at most the images plan added or removed),
 * nothing written beside the vault. The next `images` recovers (rolls back or finishes, and says
 * so) and ends with the whole plan applied; after a kill the plan still undoes to the exact before
 * bytes. No image is left that no note links to. And `images` and `compile` run at once on one
 * vault lose nothing: both plans whole, both in the journal, both undoable.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wikiModelReply } from '../core/compile/wiki-model';
import { ImageServer, makePng } from '../support/image-server';
import { OpenAiTestServer, type RecordedRequest, type ScriptedReply } from '../support/openai-server';
import { describeMix, hasStackTrace, messageProblems, STATE, strayTemps, text, treeState, type WikiState } from './support/checks';
import { buildCli, runBuiltCli, type CliResult, type Fault } from './support/cli-process';
import { pool, Tally } from './support/tally';
import { sameEntry, World, type Tree } from './support/world';

const LANES = 4;
const RUN_LIMIT_MS = 45_000;
const CASE_TIMEOUT_MS = 240_000;

const RAW_LEVAIN = 'A **Levain** is built from the **Sourdough starter** the night before. Feed it at a ratio of 1:5:5 and use it at its peak.\n';
const MY_NOTE = '# My bakes\n\nSaturday: 78 percent hydration was too slack for me. Try 75 percent next time.\n';

/**
 * Three images served: the crumb at two addresses (one file, found by its bytes), and the starter
 * already in the attachments folder under a person's own name (reused, never written or removed).
 */
const CRUMB = makePng(24, 16, [214, 180, 120]);
const LOAF = makePng(20, 10, [150, 90, 30]);
const STARTER = makePng(6, 9, [240, 235, 220]);

const tally = new Tally();
let images: ImageServer;
let model: OpenAiTestServer;
let bundle: string;
let disposeBundle: (() => void) | undefined;
let scratch: string;
const worlds: World[] = [];

/** A compiled vault with two clipped raw notes (one in a subfolder) showing remote images. */
let before: World;
/** The same after a clean `images` of those two notes. */
let after: World;
let beforeTree: Tree;
let afterTree: Tree;
let applyOps: { kind: string; path: string }[] = [];
let undoOps: { kind: string; path: string }[] = [];
/** The files the images plan writes (vault paths), as its journal entry names them. */
let planPaths: string[] = [];

/** The notes chosen: one note and one folder (the other raw notes must stay as they are). */
const IMAGES_ARGS = ['images', 'raw/Clip.md', 'raw/clips'];
const JOURNAL = `${STATE}plan-journal.json`;

function track(w: World): World {
  worlds.push(w);
  return w;
}

function modelReply(request: RecordedRequest): ScriptedReply {
  const system = request.body.messages?.find((m) => m.role === 'system')?.content ?? '';
  if (system.startsWith('You compile a wiki') || system.startsWith('You maintain the wiki article')) return wikiModelReply(request);
  return { kind: 'text', content: 'A levain is built from the starter the night before [[raw/Levain]].' };
}

function cli(w: World, args: string[], fault?: Omit<Fault, 'root'>): Promise<CliResult> {
  const [command, ...rest] = args;
  const extra = command === 'compile' ? ['--concurrency', '1'] : [];
  return runBuiltCli(bundle, [command, '--vault', w.vault, ...extra, ...rest], {
    env: { SCRIPTORIUM_BASE_URL: model.baseURL, SCRIPTORIUM_MODEL: 'test-model', SCRIPTORIUM_TIMEOUT_MS: '15000' },
    fault: fault ? { root: w.vault, ...fault } : undefined,
    timeoutMs: RUN_LIMIT_MS,
  });
}

function readTrace(file: string, vault: string): { kind: string; path: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; path: string })
    .map((op) => ({ kind: op.kind, path: path.relative(vault, op.path).split(path.sep).join('/') }));
}

function short(output: string): string {
  return JSON.stringify(output.trim().slice(0, 300));
}

/** Every vault file but the plugin's state folder (journal, lock, compile state: checked on their own). */
const inVault = (p: string) => p.startsWith('vault/') && !p.startsWith(STATE);

function vaultState(now: Tree, planBefore = beforeTree, planAfter = afterTree): WikiState {
  return treeState(now, planBefore, planAfter, inVault);
}

/** Files beside the vault that changed (nothing may write there). */
function outsideWrites(now: Tree): string[] {
  return [...new Set([...beforeTree.keys(), ...now.keys()])].filter((p) => !p.startsWith('vault/') && !sameEntry(beforeTree.get(p), now.get(p))).sort();
}

/** Images in the attachments folder that were not there before and that no raw note links to. */
function orphanImages(now: Tree): string[] {
  const notes = [...now.keys()].filter((p) => p.startsWith('vault/raw/') && p.endsWith('.md')).map((p) => text(now.get(p)) ?? '');
  return [...now.keys()]
    .filter((p) => p.startsWith('vault/raw/assets/') && !beforeTree.has(p) && !/\.tmp$/.test(p))
    .filter((p) => !notes.some((note) => note.includes(path.posix.basename(p))))
    .map((p) => p.replace(/^vault\//, ''));
}

/** Raw notes that link to a planned image that is not there: a broken image in a person's note. */
function danglingLinks(now: Tree): string[] {
  const planned = [...afterTree.keys()].filter((p) => p.startsWith('vault/raw/assets/') && !beforeTree.has(p));
  const out: string[] = [];
  for (const p of [...now.keys()].filter((k) => k.startsWith('vault/raw/') && k.endsWith('.md'))) {
    const note = text(now.get(p)) ?? '';
    for (const image of planned) if (note.includes(path.posix.basename(image)) && !now.has(image)) out.push(`${p.slice(6)} → ${image.slice(6)}`);
  }
  return out;
}

interface Entry {
  planId: string;
  title: string;
  operation: string;
  status: string;
  files: { path: string }[];
}

function journalOf(tree: Tree): { entries: Entry[] } | { problem: string } {
  const e = tree.get(JOURNAL);
  if (!e) return { entries: [] };
  try {
    const data = JSON.parse(text(e) ?? '') as { entries?: Entry[] };
    if (!Array.isArray(data.entries)) return { problem: 'the undo journal has no list of entries' };
    return { entries: data.entries };
  } catch {
    return { problem: `the undo journal is not whole JSON: ${short(text(e) ?? '')}` };
  }
}

/**
 * The undo journal is at its before or after state: whole JSON, no damaged copy set aside, every
 * entry of other plans exactly as it was, and at most one entry for the images plan, naming
 * exactly the plan's files, in a state `allowed` for the moment checked.
 */
function journalProblems(now: Tree, base: Tree, allowed: string[]): string[] {
  const problems: string[] = [];
  const was = journalOf(base);
  const is = journalOf(now);
  if ('problem' in was) return [`(setup) ${was.problem}`];
  if ('problem' in is) return [is.problem];
  const damaged = [...now.keys()].filter((p) => p.startsWith(`${STATE}plan-journal.damaged`));
  if (damaged.length) problems.push(`a damaged journal was set aside: ${damaged.join(', ')}`);
  const isImages = (e: Entry) => e.operation === 'download-images';
  for (const old of was.entries.filter((e) => !isImages(e))) {
    const kept = is.entries.find((e) => e.planId === old.planId);
    if (!kept) problems.push(`the journal lost the entry "${old.title}"`);
    else if (JSON.stringify(kept) !== JSON.stringify(old)) problems.push(`the journal entry "${old.title}" changed`);
  }
  const extra = is.entries.filter((e) => !was.entries.some((o) => o.planId === e.planId) && !isImages(e));
  if (extra.length) problems.push(`the journal gained entries of other plans: ${extra.map((e) => e.title).join(', ')}`);
  const ours = is.entries.filter(isImages);
  if (ours.length > 1) problems.push(`the journal holds ${ours.length} images plans, expected at most one`);
  for (const e of ours) {
    if (!allowed.includes(e.status)) problems.push(`the images plan's journal entry is "${e.status}", expected ${allowed.join(' or ')}`);
    const paths = e.files.map((f) => f.path).sort();
    if (JSON.stringify(paths) !== JSON.stringify(planPaths)) problems.push(`the images plan's journal entry names ${JSON.stringify(paths)}, expected ${JSON.stringify(planPaths)}`);
  }
  return problems;
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'scriptorium-faults-images-'));
  const built = await buildCli();
  bundle = built.bundle;
  disposeBundle = built.dispose;
  model = await new OpenAiTestServer().start();
  model.handler = modelReply;
  images = await new ImageServer().start();
  images.routes.set('/img/crumb.png', { body: CRUMB });
  images.routes.set('/img/crumb%20large.png', { body: CRUMB });
  images.routes.set('/photos/loaf', { body: LOAF, type: 'image/png; charset=binary', chunked: true });
  images.routes.set('/img/starter.png', { body: STARTER });
  const base = images.base;

  before = track(World.create());
  before.put('raw/Levain.md', RAW_LEVAIN);
  before.put('notes/Mine.md', MY_NOTE);
  before.put('.obsidian/app.json', '{"promptDelete":false}\n');
  before.put('.obsidian/plugins/other/main.js', 'module.exports = class Other {};\n');
  before.write('outside/keep.md', 'Not in any vault: nothing may write here.\n');
  const seeded = await cli(before, ['compile']);
  if (seeded.code !== 0) throw new Error(`images fault suite setup: the seed compile failed: ${seeded.text}`);
  before.put(
    'raw/Clip.md',
    `# An open crumb\n\nAn open **Crumb** after a long **Bulk fermentation**.\n\n![The crumb](${base}/img/crumb.png "crumb")\n\n<p><img src="${base}/img/crumb%20large.png" alt="the crumb, large"></p>\n\nMy starter: ![starter](${base}/img/starter.png)\n`,
  );
  before.put('raw/clips/Gallery.md', `# Gallery\n\n![again](${base}/img/crumb.png)\n\n![loaf](<${base}/photos/loaf>)\n`);
  before.put('raw/Other.md', `Not chosen: ![elsewhere](${base}/img/crumb.png)\n`);
  before.put('raw/assets/starter-by-hand.png', Buffer.from(STARTER));
  beforeTree = before.snapshot();

  after = track(before.clone());
  const trace = path.join(scratch, 'apply.trace');
  const applied = await cli(after, IMAGES_ARGS, { trace });
  if (applied.code !== 0) throw new Error(`images fault suite setup: the clean images run failed: ${applied.text}`);
  afterTree = after.snapshot();
  applyOps = readTrace(trace, after.vault);
  const journal = journalOf(afterTree);
  const entry = 'entries' in journal ? journal.entries.find((e) => e.operation === 'download-images') : undefined;
  if (!entry) throw new Error('images fault suite setup: the clean images run left no journal entry');
  planPaths = entry.files.map((f) => f.path).sort();

  // "after" is one set of bytes: a second clean run of the same world gives the same vault.
  const again = track(before.clone());
  await cli(again, IMAGES_ARGS);
  const s = vaultState(again.snapshot());
  if (!s.atAfter) throw new Error(`images fault suite setup: two clean images runs differ: ${describeMix(s)}`);

  const undone = track(after.clone());
  const undoTrace = path.join(scratch, 'undo.trace');
  const u = await cli(undone, ['undo'], { trace: undoTrace });
  if (u.code !== 0) throw new Error(`images fault suite setup: the clean undo failed: ${u.text}`);
  undoOps = readTrace(undoTrace, undone.vault);
  const back = vaultState(undone.snapshot());
  if (!back.atBefore) throw new Error(`images fault suite setup: a clean undo does not restore the before bytes: ${describeMix(back)}`);
}, 120_000);

afterAll(async () => {
  await images?.stop();
  await model?.stop();
  disposeBundle?.();
  for (const w of worlds) w.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  console.log(tally.line().replace(/^faults:/, 'faults (Download images):'));
});

type Action = 'kill' | 'enospc';

interface Injected extends CliResult {
  faulted: { kind: string; path: string };
}

async function inject(w: World, args: string[], action: Action, n: number): Promise<Injected | null> {
  const mark = path.join(scratch, `${path.basename(w.root)}.mark`);
  const result = await cli(w, args, { at: n, action, persist: action === 'enospc', mark });
  if (!existsSync(mark)) return null;
  const first = JSON.parse(readFileSync(mark, 'utf8').split('\n')[0]) as { kind: string; path: string };
  return { ...result, faulted: { kind: first.kind, path: path.relative(w.root, first.path).split(path.sep).join('/') } };
}

/**
 * One fault in an images apply or in the undo of its plan; then the next `images` (recovers, and
 * ends with the whole plan applied) and, after a kill, an undo back to the exact before bytes.
 */
async function operationFault(operation: 'apply' | 'undo', action: Action, n: number): Promise<{ injected: boolean; problems: string[] }> {
  const start = operation === 'apply' ? before : after;
  const startTree = operation === 'apply' ? beforeTree : afterTree;
  const w = track(start.clone());
  const r = await inject(w, operation === 'apply' ? IMAGES_ARGS : ['undo'], action, n);
  if (r === null) return { injected: false, problems: [] };
  const problems: string[] = [];

  // Right after the fault.
  const mid = w.snapshot();
  const s = vaultState(mid);
  if (s.neither.length) problems.push(`files at neither their before nor their after bytes: ${s.neither.join(', ')}`);
  problems.push(...journalProblems(mid, startTree, operation === 'apply' ? ['pending', 'applied'] : ['applied', 'undoing']));
  if (action === 'kill') {
    if (r.signal !== 'SIGKILL') problems.push(`the process was not killed (exit ${r.code}, signal ${r.signal})`);
  } else {
    const temps = strayTemps(mid).filter((p) => !(/^(rm|unlink)$/.test(r.faulted.kind) && p === r.faulted.path));
    if (temps.length) problems.push(`the failed command left temporary files: ${temps.join(', ')}`);
    if (hasStackTrace(r.text)) problems.push('printed a stack trace');
    const done = operation === 'apply' ? s.atAfter : s.atBefore;
    if (r.code === 0) {
      if (!done) problems.push(`exit 0 although the plan was not carried out: ${describeMix(s)}`);
    } else {
      if (r.code !== 1) problems.push(`exit code ${r.code}, expected 1`);
      problems.push(...messageProblems(r.stderr, action));
      // A full disk may keep a rollback from putting text back: that is allowed (the journal keeps
      // it, the message says the next command finishes it), a broken image link is not (above).
    }
  }
  const mixed = !s.atBefore && !s.atAfter;
  // Images are written before the notes that link to them and removed after: whatever stopped the
  // run, no note shows a broken image. An image no note links to yet is allowed only while the
  // journal keeps the plan unfinished, so the next command's recovery removes it.
  const dangling = danglingLinks(mid);
  if (dangling.length) problems.push(`notes link to images that are not there: ${dangling.join(', ')}`);
  const unfinished = (() => {
    const j = journalOf(mid);
    return 'entries' in j && j.entries.some((e) => e.operation === 'download-images' && e.status !== 'applied');
  })();
  const midOrphans = orphanImages(mid);
  if (midOrphans.length && !unfinished) problems.push(`images no note links to, and no unfinished plan in the journal to remove them: ${midOrphans.join(', ')}`);

  // The next command: images again. It recovers first (an interrupted apply rolled back, an
  // interrupted undo finished), then downloads what is still remote: the whole plan, once.
  const next = await cli(w, IMAGES_ARGS);
  const now = w.snapshot();
  const n2 = vaultState(now);
  if (next.code !== 0) problems.push(`the next images run exited ${next.code}: ${short(next.text)}`);
  if (hasStackTrace(next.text)) problems.push('the next images run printed a stack trace');
  if (!n2.atAfter) problems.push(`after the next images run, the vault is not the whole plan: ${describeMix(n2)}`);
  const temps = strayTemps(now);
  if (temps.length) problems.push(`temporary files left after the next images run: ${temps.join(', ')}`);
  if (now.has(`${STATE}writer.lock`)) problems.push('the writer lock was left behind after the next images run exited');
  if (mixed && !/recover|roll(ed)? ?back|restor|interrupted|unfinished|crash/i.test(next.text)) {
    problems.push(`the next images run repaired a half-written plan without saying so: ${short(next.text)}`);
  }
  const orphans = orphanImages(now);
  if (orphans.length) problems.push(`images no note links to after the next images run: ${orphans.join(', ')}`);
  problems.push(...journalProblems(now, afterTree, ['applied']).map((p) => `after the next images run, ${p}`));

  if (action === 'kill' && next.code === 0) {
    const u = await cli(w, ['undo']);
    const end = w.snapshot();
    const back = vaultState(end);
    if (u.code !== 0) problems.push(`undo after recovery exited ${u.code}: ${short(u.text)}`);
    else if (!back.atBefore) problems.push(`undo after recovery did not restore the before bytes: ${describeMix(back)}`);
    problems.push(...journalProblems(end, beforeTree, []).map((p) => `after the undo, ${p}`));
  }
  const outside = outsideWrites(w.snapshot());
  if (outside.length) problems.push(`written beside the vault: ${outside.join(', ')}`);
  tally.record(`${action} images ${operation}`, problems, 0, outside.length);
  return { injected: true, problems };
}

async function everyOperation(
  ops: { kind: string; path: string }[],
  run: (n: number) => Promise<{ injected: boolean; problems: string[] }>,
): Promise<{ injected: number; problems: string[] }> {
  let hangs = 0;
  const results = await pool(
    ops.map((_, i) => i + 1),
    LANES,
    async (n) => {
      const label = `op ${n}/${ops.length} (${ops[n - 1].kind} ${ops[n - 1].path})`;
      if (hangs >= 2) {
        tally.record('hung', ['not run']);
        return { injected: true, problems: [`${label}: not run, two earlier runs hung for ${RUN_LIMIT_MS / 1000} s`] };
      }
      try {
        const r = await run(n);
        return { injected: r.injected, problems: r.problems.map((p) => `${label}: ${p}`) };
      } catch (error) {
        hangs += 1;
        tally.record('hung', ['hung']);
        return { injected: true, problems: [`${label}: ${error instanceof Error ? error.message : String(error)}`] };
      }
    },
  );
  return { injected: results.filter((r) => r.injected).length, problems: results.flatMap((r) => r.problems) };
}

describe('fault suite: Download images (the built CLI, images from a loopback server)', () => {
  it('measures a real images plan: two notes rewritten, two new images (one from two addresses), the log; a reused image and the other raw notes untouched', () => {
    const s = vaultState(afterTree);
    const written = s.after.map((p) => p.replace(/^vault\//, ''));
    expect(written.filter((p) => p.startsWith('raw/assets/'))).toHaveLength(2);
    expect(written).toEqual(expect.arrayContaining(['raw/Clip.md', 'raw/clips/Gallery.md', 'wiki/log.md']));
    expect(written).toHaveLength(5);
    expect(planPaths).toEqual([...written].sort());
    expect(text(afterTree.get('vault/raw/clips/Gallery.md'))).toMatch(/!\[again\]\(\.\.\/assets\/crumb-[0-9a-f]{8}\.png\)/);
    expect(text(afterTree.get('vault/raw/Clip.md'))).toContain('![starter](assets/starter-by-hand.png)');
    expect(text(afterTree.get('vault/raw/Clip.md'))).toMatch(/<img src="assets\/crumb-[0-9a-f]{8}\.png" alt="the crumb, large">/);
    expect(applyOps.some((op) => op.path.startsWith('raw/assets/'))).toBe(true);
    expect(applyOps.length).toBeGreaterThan(written.length);
    expect(undoOps.length).toBeGreaterThan(written.length);
  });

  it('kill -9 at every file operation of an images apply and of its undo; the next images run recovers, and the plan undoes exactly', async () => {
    const apply = await everyOperation(applyOps, (n) => operationFault('apply', 'kill', n));
    const undo = await everyOperation(undoOps, (n) => operationFault('undo', 'kill', n));
    expect(apply.injected + undo.injected).toBe(applyOps.length + undoOps.length);
    expect([...apply.problems, ...undo.problems]).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('a full disk (ENOSPC, and it stays full) at every operation of an images apply and of its undo', async () => {
    const apply = await everyOperation(applyOps, (n) => operationFault('apply', 'enospc', n));
    const undo = await everyOperation(undoOps, (n) => operationFault('undo', 'enospc', n));
    expect(apply.injected + undo.injected).toBe(applyOps.length + undoOps.length);
    expect([...apply.problems, ...undo.problems]).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it("the disk still full during the next command's recovery, at every operation: no note links to a missing image, and a later run finishes", async () => {
    // An apply stopped by a full disk once both notes were rewritten: its rollback cannot put the
    // notes back, so notes and images stay at "after" and the journal keeps the plan pending.
    const gallery = applyOps.findIndex((op) => op.kind === 'rename' && op.path === 'raw/clips/Gallery.md');
    expect(gallery).toBeGreaterThan(0);
    const stopped = track(before.clone());
    const first = await inject(stopped, IMAGES_ARGS, 'enospc', gallery + 2);
    expect(first?.code).toBe(1);
    const setup = stopped.snapshot();
    const s0 = vaultState(setup);
    expect(s0.after).toEqual(expect.arrayContaining(['vault/raw/Clip.md', 'vault/raw/clips/Gallery.md']));
    expect(danglingLinks(setup)).toEqual([]);
    // The operations of the recovery, as `undo --list` (which only recovers) makes them.
    const traced = track(stopped.clone());
    const trace = path.join(scratch, 'recovery.trace');
    await cli(traced, ['undo', '--list'], { trace });
    const recoveryOps = readTrace(trace, traced.vault);
    expect(recoveryOps.some((op) => op.kind === 'unlink' && op.path.startsWith('raw/assets/'))).toBe(true);
    const { injected, problems } = await everyOperation(recoveryOps, async (n) => {
      const w = track(stopped.clone());
      const r = await inject(w, ['undo', '--list'], 'enospc', n);
      if (r === null) return { injected: false, problems: [] };
      const out: string[] = [];
      const mid = w.snapshot();
      const s = vaultState(mid);
      if (s.neither.length) out.push(`files at neither their before nor their after bytes: ${s.neither.join(', ')}`);
      const dangling = danglingLinks(mid);
      if (dangling.length) out.push(`notes link to images that are not there: ${dangling.join(', ')}`);
      if (hasStackTrace(r.text)) out.push('printed a stack trace');
      if (r.code !== 0 && r.code !== 1) out.push(`exit code ${r.code}: ${short(r.text)}`);
      out.push(...journalProblems(mid, beforeTree, ['pending']));
      const next = await cli(w, IMAGES_ARGS);
      const now = w.snapshot();
      const n2 = vaultState(now);
      if (next.code !== 0) out.push(`the next images run exited ${next.code}: ${short(next.text)}`);
      if (!n2.atAfter) out.push(`after the next images run, the vault is not the whole plan: ${describeMix(n2)}`);
      const orphans = orphanImages(now);
      if (orphans.length) out.push(`images no note links to after the next images run: ${orphans.join(', ')}`);
      const temps = strayTemps(now);
      if (temps.length) out.push(`temporary files left: ${temps.join(', ')}`);
      out.push(...journalProblems(now, afterTree, ['applied']).map((p) => `after the next images run, ${p}`));
      const outside = outsideWrites(w.snapshot());
      if (outside.length) out.push(`written beside the vault: ${outside.join(', ')}`);
      tally.record('enospc images recovery', out, 0, outside.length);
      return { injected: true, problems: out };
    });
    expect(injected).toBe(recoveryOps.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('images and compile run at once on one vault: both plans whole, both in the journal, both undo to the exact before bytes', async () => {
    const problems: string[] = [];
    for (let round = 1; round <= 4; round++) {
      const w = track(before.clone());
      // Even rounds slow every rename down, widening the window in which the two applies overlap.
      const fault = round % 2 === 0 ? { delayMs: 40 } : undefined;
      const runs = await Promise.all([cli(w, IMAGES_ARGS, fault), cli(w, ['compile'], fault)]);
      const names = ['images', 'compile'];
      const argsOf = [IMAGES_ARGS, ['compile']];
      const roundProblems: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = runs[i];
        if (hasStackTrace(r.text)) roundProblems.push(`${names[i]} printed a stack trace`);
        if (r.code === 0) continue;
        if (r.code !== 1 || !/another Scriptorium process|busy|try again|run [^\n]* again|make the plan again/i.test(r.stderr)) {
          roundProblems.push(`${names[i]} failed without a clear "another process is writing" message (exit ${r.code}): ${short(r.text)}`);
          continue;
        }
        const again = await cli(w, argsOf[i]);
        if (again.code !== 0) roundProblems.push(`${names[i]} run again after "busy" exited ${again.code}: ${short(again.text)}`);
      }
      const now = w.snapshot();
      // The images plan is whole: every raw file and image at its "after" bytes.
      const raw = treeState(now, beforeTree, afterTree, (p) => p.startsWith('vault/raw/'));
      if (!raw.atAfter) roundProblems.push(`the images plan is not whole in raw/: ${describeMix(raw)}`);
      // The compile is whole: a summary of each clipped note, and the log keeps both entries.
      for (const summary of ['vault/wiki/sources/Clip.md', 'vault/wiki/sources/Gallery.md']) if (!now.has(summary)) roundProblems.push(`${summary.slice(6)} is missing: the compile was lost`);
      const log = text(now.get('vault/wiki/log.md')) ?? '';
      if (!/download-images \| Download images/.test(log)) roundProblems.push("wiki/log.md lost the images plan's entry");
      if (!/compile \| Compile/.test(log)) roundProblems.push("wiki/log.md lost the compile's entry");
      const list = await cli(w, ['undo', '--list', '--json']);
      let ops: string[] = [];
      try {
        ops = (JSON.parse(list.stdout) as { operation: string }[]).map((h) => h.operation);
      } catch {
        roundProblems.push(`undo --list --json did not print JSON: ${short(list.text)}`);
      }
      if (ops.filter((o) => o === 'download-images').length !== 1 || ops.filter((o) => o === 'compile').length !== 2) {
        roundProblems.push(`undo --list shows ${JSON.stringify(ops)}: expected the images plan and both compiles`);
      }
      // Both plans undo, newest first, back to the exact bytes from before either ran.
      for (let k = 0; k < 2; k++) {
        const u = await cli(w, ['undo']);
        if (u.code !== 0) roundProblems.push(`undo #${k + 1} exited ${u.code}: ${short(u.text)}`);
      }
      const end = w.snapshot();
      const s = vaultState(end);
      if (!s.atBefore) roundProblems.push(`undoing both plans did not restore the before bytes: ${describeMix(s)}`);
      const temps = strayTemps(end);
      if (temps.length) roundProblems.push(`temporary files left: ${temps.join(', ')}`);
      const outside = outsideWrites(end);
      if (outside.length) roundProblems.push(`written beside the vault: ${outside.join(', ')}`);
      tally.record('images and compile at once', roundProblems, 0, outside.length);
      const said = runs.map((r, i) => `${names[i]} exit ${r.code}: ${short(r.text)}`).join('; ');
      problems.push(...roundProblems.map((p) => `round ${round}${round % 2 === 0 ? ' (slow renames)' : ''}: ${p} [${said}]`));
    }
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);
});
