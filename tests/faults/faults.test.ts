/**
 * The permanent fault suite (issue 10): the BUILT command-line tool, run in child processes, in a
 * hostile world. A preload (support/fault-preload.cjs) kills the process, or fails the call with
 * ENOSPC or EIO, at the N-th mutating file operation under the vault, for every N of an apply and
 * of an undo; two CLIs write one vault at once; an undo starts during an apply; a person edits after
 * a crash; a crafted journal points outside the wiki; the wiki is a symbolic link out of the vault;
 * names are long CJK or NFD.
 *
 * Every case checks: each wiki file is at its "before" or its "after" bytes; after the next
 * command's recovery the plan is whole (all before or all after); no byte of raw/ or of a person's
 * edit is lost; nothing is written outside the wiki folder (the whole temporary tree beside the
 * vault is compared too); the next command recovers on its own; messages are sentences a person
 * can act on, with the right exit code. Failures are collected per injected fault and reported
 * together, so one run shows every N that broke.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wikiModelReply } from '../core/compile/wiki-model';
import { OpenAiTestServer, type RecordedRequest, type ScriptedReply } from '../support/openai-server';
import { describeMix, guardOutsideWiki, hasStackTrace, messageProblems, STATE, strayTemps, wikiState } from './support/checks';
import { buildCli, runBuiltCli, type CliResult, type Fault } from './support/cli-process';
import { pool, Tally } from './support/tally';
import { World, type Tree } from './support/world';

/** Child processes run side by side (each in its own vault); the machine is small. */
const LANES = 4;
/** A child that runs longer than this is killed and counted as a hang. */
const RUN_LIMIT_MS = 45_000;
const CASE_TIMEOUT_MS = 300_000;

const RAW_LEVAIN = 'A **Levain** is built from the **Sourdough starter** the night before. Feed it at a ratio of 1:5:5 and use it at its peak.\n';
const RAW_CRUMB = 'An open **Crumb** needs a strong **Levain** and a **Hydration** of 78 percent. The **Bulk fermentation** sets the crumb too.\n';
const RAW_OVEN = 'A **Dutch oven** traps steam around the **Levain** loaf at 250 degrees for 20 minutes.\n';
const MY_NOTE = '# My bakes\n\nSaturday: 78 percent hydration was too slack for me. Try 75 percent next time.\n';

const tally = new Tally();
let server: OpenAiTestServer;
let bundle: string;
let disposeBundle: (() => void) | undefined;
let scratch: string;
const worlds: World[] = [];

/** The world before the compile under test: Levain compiled, Crumb and Oven new in raw/. */
let before: World;
/** The same world after a clean compile of Crumb and Oven (4 created concepts, Levain merged). */
let after: World;
let beforeTree: Tree;
let afterTree: Tree;
/** The file operations of a clean compile apply and a clean undo, as the preload counts them. */
let applyOps: { kind: string; path: string }[] = [];
let undoOps: { kind: string; path: string }[] = [];

function track(w: World): World {
  worlds.push(w);
  return w;
}

/** The loopback model: compile's prompts as a deterministic wiki model, anything else (ask) a cited answer. */
function modelReply(request: RecordedRequest): ScriptedReply {
  const system = request.body.messages?.find((m) => m.role === 'system')?.content ?? '';
  if (system.startsWith('You compile a wiki') || system.startsWith('You maintain the wiki article')) return wikiModelReply(request);
  return { kind: 'text', content: 'A levain is built from the starter the night before and used at its peak [[raw/Levain]].' };
}

interface CliOptions {
  fault?: Omit<Fault, 'root'>;
}

/** Runs the built CLI on a world's vault against the loopback model. */
function cli(w: World, args: string[], options: CliOptions = {}): Promise<CliResult> {
  const [command, ...rest] = args;
  // One request at a time: merges into a shared concept happen in a fixed order, so "after" is one set of bytes.
  const extra = command === 'compile' ? ['--concurrency', '1'] : [];
  return runBuiltCli(bundle, [command, '--vault', w.vault, ...extra, ...rest], {
    env: { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model', SCRIPTORIUM_TIMEOUT_MS: '15000' },
    fault: options.fault ? { root: w.vault, ...options.fault } : undefined,
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

function baseWorld(): World {
  const w = track(World.create());
  w.put('raw/Levain.md', RAW_LEVAIN);
  w.put('notes/Mine.md', MY_NOTE);
  w.put('.obsidian/app.json', '{"promptDelete":false}\n');
  w.put('.obsidian/plugins/other/main.js', 'module.exports = class Other {};\n');
  w.write('outside/keep.md', 'Not in any vault: nothing may write here.\n');
  return w;
}

function short(output: string): string {
  return JSON.stringify(output.trim().slice(0, 300));
}

function wikiFiles(tree: Tree): string[] {
  return [...tree.keys()].filter((p) => p.startsWith('vault/wiki/')).sort();
}

/** Checks shared by every case once the next command has run: whole plan, no strays, no lock left. */
function afterNextProblems(w: World, next: CliResult, mixed: boolean, label: string): string[] {
  const problems: string[] = [];
  const now = w.snapshot();
  if (next.code !== 0) problems.push(`the next ${label} exited ${next.code}: ${short(next.text)}`);
  if (hasStackTrace(next.text)) problems.push(`the next ${label} printed a stack trace`);
  const s = wikiState(now, beforeTree, afterTree);
  if (!s.atAfter) problems.push(`after the next ${label}, the wiki is not the whole plan: ${describeMix(s)}`);
  const temps = strayTemps(now);
  if (temps.length) problems.push(`temporary files left after the next ${label}: ${temps.join(', ')}`);
  if (now.has(`${STATE}writer.lock`)) problems.push(`the writer lock was left behind after the next ${label} exited`);
  if (mixed && !/recover|roll(ed)? ?back|restor|interrupted|unfinished|crash/i.test(next.text)) {
    problems.push(`the next ${label} repaired a half-written plan without saying so: ${short(next.text)}`);
  }
  return problems;
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'scriptorium-faults-scratch-'));
  const built = await buildCli();
  bundle = built.bundle;
  disposeBundle = built.dispose;
  server = await new OpenAiTestServer().start();
  server.handler = modelReply;

  before = baseWorld();
  const seeded = await cli(before, ['compile']);
  if (seeded.code !== 0) throw new Error(`fault suite setup: the seed compile failed: ${seeded.text}`);
  before.put('raw/Crumb.md', RAW_CRUMB);
  before.put('raw/Oven.md', RAW_OVEN);
  beforeTree = before.snapshot();

  after = track(before.clone());
  const trace = path.join(scratch, 'apply.trace');
  const compiled = await cli(after, ['compile'], { fault: { trace } });
  if (compiled.code !== 0) throw new Error(`fault suite setup: the clean compile failed: ${compiled.text}`);
  afterTree = after.snapshot();
  applyOps = readTrace(trace, after.vault);

  // "after" must be one set of bytes: a second clean compile of the same world gives the same wiki.
  const again = track(before.clone());
  await cli(again, ['compile']);
  const againTree = again.snapshot();
  const differs = wikiFiles(afterTree).filter((p) => !againTree.get(p) || !afterTree.get(p) || readFileSync(path.join(again.root, p), 'utf8') !== readFileSync(path.join(after.root, p), 'utf8'));
  if (differs.length || wikiFiles(againTree).length !== wikiFiles(afterTree).length) {
    throw new Error(`fault suite setup: two clean compiles of the same vault differ (${differs.join(', ')}); the suite needs a deterministic "after"`);
  }

  const undone = track(after.clone());
  const undoTrace = path.join(scratch, 'undo.trace');
  const u = await cli(undone, ['undo'], { fault: { trace: undoTrace } });
  if (u.code !== 0) throw new Error(`fault suite setup: the clean undo failed: ${u.text}`);
  undoOps = readTrace(undoTrace, undone.vault);
  const s = wikiState(undone.snapshot(), beforeTree, afterTree);
  if (!s.atBefore) throw new Error(`fault suite setup: a clean undo does not restore the before bytes: ${describeMix(s)}`);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  disposeBundle?.();
  for (const w of worlds) w.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  // The figures for the closing note.
  console.log(tally.line());
});

type Action = 'kill' | 'enospc' | 'eio';

interface Injected extends CliResult {
  /** The operation the fault hit, path relative to the world's root. */
  faulted: { kind: string; path: string };
}

/** Runs one command with a fault at operation n; null when the command never reached operation n. */
async function inject(w: World, args: string[], action: Action, n: number): Promise<Injected | null> {
  const mark = path.join(scratch, `${path.basename(w.root)}.mark`);
  const result = await cli(w, args, { fault: { at: n, action, persist: action === 'enospc', mark } });
  if (!existsSync(mark)) return null;
  const first = JSON.parse(readFileSync(mark, 'utf8').split('\n')[0]) as { kind: string; path: string };
  return { ...result, faulted: { kind: first.kind, path: path.relative(w.root, first.path).split(path.sep).join('/') } };
}

/** Checks right after a faulted command: per-file before/after, nothing outside, the failure's message. */
function rightAfterProblems(r: Injected, mid: Tree, action: Action, planBefore: Tree, planAfter: Tree, doneMeans: 'after' | 'before'): { problems: string[]; mixed: boolean } {
  const problems: string[] = [];
  const g = guardOutsideWiki(beforeTree, mid);
  if (g.writes.length) problems.push(`wrote outside the wiki: ${g.writes.join(', ')}`);
  const s = wikiState(mid, planBefore, planAfter);
  if (s.neither.length) problems.push(`files at neither their before nor their after bytes: ${s.neither.join(', ')}`);
  if (action === 'kill') {
    if (r.signal !== 'SIGKILL') problems.push(`the process was not killed (exit ${r.code}, signal ${r.signal})`);
  } else {
    // A temporary file whose own removal was the failed operation cannot be gone yet; the next
    // command must sweep it (checked after the next command).
    const temps = strayTemps(mid).filter((p) => !(/^(rm|unlink)$/.test(r.faulted.kind) && p === r.faulted.path));
    if (temps.length) problems.push(`the failed command left temporary files: ${temps.join(', ')}`);
    if (hasStackTrace(r.text)) problems.push('printed a stack trace');
    const done = doneMeans === 'after' ? s.atAfter : s.atBefore;
    if (r.code === 0) {
      if (!done) problems.push(`exit 0 although the plan was not carried out: ${describeMix(s)}`);
    } else {
      if (r.code !== 1) problems.push(`exit code ${r.code}, expected 1`);
      problems.push(...messageProblems(r.stderr, action));
      if (action === 'eio' && !s.atBefore && !s.atAfter) problems.push(`a one-off I/O error left the plan half done: ${describeMix(s)}`);
    }
  }
  return { problems, mixed: !s.atBefore && !s.atAfter };
}

/**
 * One fault in a compile's apply or in an undo, then the next command (a compile) and, after a
 * kill, an undo: the wiki must end whole, and every plan stay undoable to the exact before bytes.
 */
async function operationFault(operation: 'apply' | 'undo', action: Action, n: number): Promise<{ injected: boolean; problems: string[] }> {
  const w = track((operation === 'apply' ? before : after).clone());
  const r = await inject(w, [operation === 'apply' ? 'compile' : 'undo'], action, n);
  if (r === null) return { injected: false, problems: [] };
  const mid = w.snapshot();
  const first = rightAfterProblems(r, mid, action, beforeTree, afterTree, operation === 'apply' ? 'after' : 'before');
  const problems = [...first.problems];
  // The next command: a compile. After an interrupted apply it recovers and re-applies; after an
  // interrupted undo, whether recovery finished it (compile re-applies) or rolled it back (nothing
  // left to compile), the wiki ends as the whole compiled plan.
  const next = await cli(w, ['compile']);
  problems.push(...afterNextProblems(w, next, first.mixed, 'compile'));
  if (action === 'kill' && next.code === 0) {
    const u = await cli(w, ['undo']);
    const s = wikiState(w.snapshot(), beforeTree, afterTree);
    if (u.code !== 0) problems.push(`undo after recovery exited ${u.code}: ${short(u.text)}`);
    else if (!s.atBefore) problems.push(`undo after recovery did not restore the before bytes: ${describeMix(s)}`);
  }
  const g = guardOutsideWiki(beforeTree, w.snapshot());
  if (g.writes.length) problems.push(`by the end, written outside the wiki: ${g.writes.join(', ')}`);
  tally.record(`${action} ${operation}`, problems, g.bytesLost, g.writes.length);
  return { injected: true, problems };
}

/** Runs a fault at every operation 1..count, LANES at a time; returns the problems, labelled. */
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

describe('fault suite: the built CLI in a hostile world', () => {
  it('the suite measures a real apply and undo (5–13 files, an existing concept merged)', () => {
    const planFiles = wikiState(afterTree, beforeTree, afterTree).after;
    expect(planFiles.length).toBeGreaterThanOrEqual(5);
    expect(planFiles.length).toBeLessThanOrEqual(13);
    expect(planFiles).toContain('vault/wiki/concepts/Levain.md');
    expect(beforeTree.has('vault/wiki/concepts/Levain.md')).toBe(true);
    expect(applyOps.length).toBeGreaterThan(planFiles.length);
    expect(undoOps.length).toBeGreaterThan(planFiles.length);
  });

  it('1. kill -9 at every file operation of a compile apply; the next compile recovers', async () => {
    const { injected, problems } = await everyOperation(applyOps, (n) => operationFault('apply', 'kill', n));
    expect(injected).toBe(applyOps.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('2. kill -9 at every file operation of an undo; the next command recovers', async () => {
    const { injected, problems } = await everyOperation(undoOps, (n) => operationFault('undo', 'kill', n));
    expect(injected).toBe(undoOps.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('3a. a full disk (ENOSPC, and it stays full) at every operation of an apply and of an undo', async () => {
    const apply = await everyOperation(applyOps, (n) => operationFault('apply', 'enospc', n));
    const undo = await everyOperation(undoOps, (n) => operationFault('undo', 'enospc', n));
    expect(apply.injected + undo.injected).toBe(applyOps.length + undoOps.length);
    expect([...apply.problems, ...undo.problems]).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('3b. an I/O error (EIO, once) at every operation of an apply and of an undo', async () => {
    const apply = await everyOperation(applyOps, (n) => operationFault('apply', 'eio', n));
    const undo = await everyOperation(undoOps, (n) => operationFault('undo', 'eio', n));
    expect(apply.injected + undo.injected).toBe(applyOps.length + undoOps.length);
    expect([...apply.problems, ...undo.problems]).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('4. two CLIs compiling different sources at once: both merges kept and both undoable, or one waits / fails clearly', async () => {
    const problems: string[] = [];
    for (let round = 1; round <= 6; round++) {
      const w = track(before.clone());
      // Even rounds slow every rename down, widening the window in which the two applies overlap.
      const fault = round % 2 === 0 ? { delayMs: 40 } : {};
      const runs = await Promise.all([cli(w, ['compile', 'raw/Crumb.md'], { fault }), cli(w, ['compile', 'raw/Oven.md'], { fault })]);
      const names = ['Crumb', 'Oven'];
      const roundProblems: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = runs[i];
        if (r.code === 0) continue;
        if (r.code !== 1 || !/another Scriptorium process|busy|try again|run [^\n]* again|make the plan again/i.test(r.stderr) || hasStackTrace(r.text)) {
          roundProblems.push(`compile ${names[i]} failed without a clear "another process is writing" message (exit ${r.code}): ${short(r.text)}`);
          continue;
        }
        // It failed clearly; running it again must now work.
        const again = await cli(w, ['compile', `raw/${names[i]}.md`]);
        if (again.code !== 0) roundProblems.push(`compile ${names[i]} run again after "busy" exited ${again.code}: ${short(again.text)}`);
      }
      const levain = w.read('wiki/concepts/Levain.md');
      const index = w.read('wiki/index.md');
      for (const name of names) {
        if (!levain.includes(`sources/${name}`) && !levain.includes(`raw/${name}`)) roundProblems.push(`${name}'s merge into wiki/concepts/Levain.md was lost (a silent lost update)`);
        if (!index.includes(`sources/${name}`)) roundProblems.push(`wiki/index.md lost ${name}'s source summary`);
        if (!existsSync(path.join(w.vault, 'wiki', 'sources', `${name}.md`))) roundProblems.push(`wiki/sources/${name}.md is missing`);
      }
      const list = await cli(w, ['undo', '--list', '--json']);
      let titles: string[] = [];
      try {
        titles = (JSON.parse(list.stdout) as { title: string }[]).map((h) => h.title);
      } catch {
        roundProblems.push(`undo --list --json did not print JSON: ${short(list.text)}`);
      }
      for (const name of names) if (!titles.includes(`Compile ${name}`)) roundProblems.push(`"Compile ${name}" is missing from undo --list (${JSON.stringify(titles)})`);
      // Both plans undo, newest first, back to the exact bytes from before either compile.
      for (let k = 0; k < 2; k++) {
        const u = await cli(w, ['undo']);
        if (u.code !== 0) roundProblems.push(`undo #${k + 1} exited ${u.code}: ${short(u.text)}`);
      }
      const s = wikiState(w.snapshot(), beforeTree, afterTree);
      if (!s.atBefore) roundProblems.push(`undoing both plans did not restore the before bytes: ${describeMix(s)}`);
      const g = guardOutsideWiki(beforeTree, w.snapshot());
      if (g.writes.length) roundProblems.push(`wrote outside the wiki: ${g.writes.join(', ')}`);
      tally.record('two writers', roundProblems, g.bytesLost, g.writes.length);
      const said = runs.map((r, i) => `compile ${names[i]} exit ${r.code}: ${short(r.text)}`).join('; ');
      problems.push(...roundProblems.map((p) => `round ${round}${round % 2 === 0 ? ' (slow renames)' : ''}: ${p} [${said}]`));
    }
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('5. an undo started during a compile apply undoes one whole plan or refuses clearly; the journal keeps every plan', async () => {
    const problems: string[] = [];
    for (let round = 1; round <= 2; round++) {
      const w = track(before.clone());
      const trace = path.join(scratch, `${path.basename(w.root)}.trace`);
      const compiling = cli(w, ['compile'], { fault: { delayMs: 120, trace } });
      // Start the undo once the apply has begun writing the wiki.
      const started = Date.now();
      while (!readTrace(trace, w.vault).some((op) => op.path.startsWith('wiki/')) && Date.now() - started < 15_000) await sleep(10);
      const undo = await cli(w, ['undo']);
      const compile = await compiling;
      const roundProblems: string[] = [];
      if (compile.code !== 0 || !/Applied/.test(compile.stdout)) roundProblems.push(`the compile did not apply (exit ${compile.code}): ${short(compile.text)}`);
      const now = w.snapshot();
      const s = wikiState(now, beforeTree, afterTree);
      const list = await cli(w, ['undo', '--list', '--json']);
      let titles: string[] = [];
      try {
        titles = (JSON.parse(list.stdout) as { title: string }[]).map((h) => h.title);
      } catch {
        roundProblems.push(`undo --list --json did not print JSON: ${short(list.text)}`);
      }
      if (undo.code === 0) {
        // It waited for the compile, then undid it: the wiki is back to before, the seed plan remains.
        if (!s.atBefore) roundProblems.push(`undo exited 0 but the wiki is not the state before the compile: ${describeMix(s)}`);
        if (JSON.stringify(titles) !== JSON.stringify(['Compile Levain'])) roundProblems.push(`after the compile and its undo, undo --list shows ${JSON.stringify(titles)}, expected ["Compile Levain"]`);
      } else {
        if (undo.code !== 1 || !/another Scriptorium process|busy|try again/i.test(undo.stderr)) roundProblems.push(`undo failed without a clear "another process is writing" message (exit ${undo.code}): ${short(undo.text)}`);
        if (!s.atAfter) roundProblems.push(`the undo refused, yet the compile's plan is not whole: ${describeMix(s)}`);
        if (JSON.stringify(titles) !== JSON.stringify(['Compile 2 sources', 'Compile Levain'])) roundProblems.push(`undo --list shows ${JSON.stringify(titles)}, expected both plans`);
      }
      const g = guardOutsideWiki(beforeTree, now);
      if (g.writes.length) roundProblems.push(`wrote outside the wiki: ${g.writes.join(', ')}`);
      const temps = strayTemps(now);
      if (temps.length) roundProblems.push(`temporary files left: ${temps.join(', ')}`);
      tally.record('undo during apply', roundProblems, g.bytesLost, g.writes.length);
      problems.push(...roundProblems.map((p) => `round ${round} (undo exit ${undo.code}: ${short(undo.text)}): ${p}`));
    }
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it("6. a person's edits made after a crash survive the next command's recovery, and it says so", async () => {
    // Kill just after the merged concept (Levain, modified) and a created one (Crumb) are in place.
    const levainAt = applyOps.findIndex((op) => op.kind === 'rename' && op.path === 'wiki/concepts/Levain.md');
    const crumbAt = applyOps.findIndex((op) => op.kind === 'rename' && op.path === 'wiki/concepts/Crumb.md');
    expect(levainAt).toBeGreaterThan(0);
    expect(crumbAt).toBeGreaterThan(0);
    const n = Math.max(levainAt, crumbAt) + 2; // 1-based: the operation after the later rename
    const w = track(before.clone());
    const r = await inject(w, ['compile'], 'kill', n);
    expect(r?.signal).toBe('SIGKILL');
    const problems: string[] = [];
    const edits: Record<string, string> = {
      'wiki/concepts/Levain.md': '\nMy note: at 24 degrees my levain peaks after six hours, not four.\n',
      'wiki/concepts/Crumb.md': '\nMy note: a 75 percent dough gave me my best crumb so far.\n',
    };
    const mine: Record<string, string> = {};
    for (const [p, added] of Object.entries(edits)) {
      const now = w.read(p);
      if (now !== readFileSync(path.join(after.vault, p), 'utf8')) problems.push(`${p} was not yet at its after bytes when the person edited it`);
      mine[p] = now + added;
      w.put(p, mine[p]);
    }
    const snap = w.snapshot();
    const next = await cli(w, ['compile']);
    let lost = 0;
    for (const [p, text] of Object.entries(mine)) {
      const abs = path.join(w.vault, p);
      const kept = existsSync(abs) ? readFileSync(abs, 'utf8') : null;
      if (kept !== text) {
        lost += Buffer.byteLength(edits[p]);
        problems.push(`the person's edit of ${p} was ${kept === null ? 'deleted' : 'overwritten'} by the next compile (${Buffer.byteLength(edits[p])} bytes typed after the crash)`);
      }
      if (!next.text.includes(p)) problems.push(`the next compile did not report that it left ${p} (edited by a person after the crash) as it is: ${short(next.text)}`);
    }
    if (![0, 1].includes(next.code ?? -1) || hasStackTrace(next.text)) problems.push(`the next compile exited ${next.code}: ${short(next.text)}`);
    const end = w.snapshot();
    const temps = strayTemps(end);
    if (temps.length) problems.push(`temporary files left: ${temps.join(', ')}`);
    const g = guardOutsideWiki(snap, end);
    if (g.writes.length) problems.push(`wrote outside the wiki: ${g.writes.join(', ')}`);
    const list = await cli(w, ['undo', '--list']);
    if (list.code !== 0) problems.push(`undo --list exited ${list.code}: ${short(list.text)}`);
    tally.record('edit after crash', problems, lost + g.bytesLost, g.writes.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('7. a crafted plan-journal.json pointing into raw/, another plugin and outside the vault: recovery and undo write none of it', async () => {
    const w = track(after.clone());
    const outsideAbs = path.join(w.root, 'outside', 'abs.md');
    const current = (rel: string): string | null => {
      const abs = path.resolve(w.vault, rel);
      return existsSync(abs) ? readFileSync(abs, 'utf8') : null;
    };
    const targets = ['raw/Levain.md', '.obsidian/plugins/other/main.js', '../outside/keep.md', 'wiki/../raw/Crumb.md', 'wiki/../../outside/new.md', outsideAbs, '.obsidian/app.json', 'notes/Mine.md'];
    // "after" is what each file holds now, so an undo's "changed since" check would pass.
    const files = targets.map((p) => ({ path: p, before: `PWNED ${p}\n`, after: current(p) }));
    const entry = (planId: string, status: string, appliedAt: number) => ({ planId, title: `Crafted ${status}`, operation: 'compile', appliedAt, status, files });
    const journal = { version: 1, entries: [entry('compile-crafted-applied', 'applied', Date.now() - 3000), entry('compile-crafted-undoing', 'undoing', Date.now() - 2000), entry('compile-crafted-pending', 'pending', Date.now() - 1000)] };
    w.put('.obsidian/plugins/scriptorium/plan-journal.json', JSON.stringify(journal));
    const snap = w.snapshot();
    const problems: string[] = [];
    for (const args of [['compile'], ['undo', '--list'], ['undo'], ['undo', '--force'], ['compile']]) {
      const r = await cli(w, args);
      const g = guardOutsideWiki(snap, w.snapshot());
      if (g.writes.length) problems.push(`${args.join(' ')} wrote outside the wiki: ${g.writes.join(', ')}`);
      if (hasStackTrace(r.text)) problems.push(`${args.join(' ')} printed a stack trace`);
      if (r.code !== 0 && r.code !== 1) problems.push(`${args.join(' ')} exited ${r.code}: ${short(r.text)}`);
      if (r.code === 1) problems.push(...messageProblems(r.stderr, 'any').map((m) => `${args.join(' ')}: ${m}`));
    }
    const g = guardOutsideWiki(snap, w.snapshot());
    tally.record('crafted journal', problems, g.bytesLost, g.writes.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('8a. wiki/ a symbolic link out of the vault: compile, ask --save and canvas write nothing outside and say why', async () => {
    const w = baseWorld();
    mkdirSync(path.join(w.root, 'outside', 'wikidir'));
    symlinkSync(path.join(w.root, 'outside', 'wikidir'), path.join(w.vault, 'wiki'));
    const snap = w.snapshot();
    const problems: string[] = [];
    for (const args of [['compile'], ['ask', '--save', 'How is a levain built?'], ['canvas', 'raw/Levain.md']]) {
      const r = await cli(w, args);
      const g = guardOutsideWiki(snap, w.snapshot());
      if (g.writes.length) problems.push(`${args[0]} wrote outside the vault: ${g.writes.join(', ')}`);
      if (r.code !== 1 || hasStackTrace(r.text) || !/link/i.test(r.stderr)) problems.push(`${args[0]} should refuse with exit 1 and say the wiki folder is a link out of the vault; exit ${r.code}: ${short(r.text)}`);
    }
    const g = guardOutsideWiki(snap, w.snapshot());
    tally.record('symlinked wiki', problems, g.bytesLost, g.writes.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('8b. wiki/outputs/ a symbolic link out of the vault: ask --save and canvas write nothing outside and say why', async () => {
    const w = baseWorld();
    const seeded = await cli(w, ['compile']);
    expect(seeded.code).toBe(0);
    mkdirSync(path.join(w.root, 'outside', 'outs'));
    mkdirSync(path.join(w.vault, 'wiki'), { recursive: true });
    symlinkSync(path.join(w.root, 'outside', 'outs'), path.join(w.vault, 'wiki', 'outputs'));
    const snap = w.snapshot();
    const problems: string[] = [];
    for (const args of [['ask', '--save', 'How is a levain built?'], ['canvas', 'wiki/concepts/Levain.md']]) {
      const r = await cli(w, args);
      const g = guardOutsideWiki(snap, w.snapshot());
      const outs = readdirSync(path.join(w.root, 'outside', 'outs'));
      if (g.writes.length || outs.length) problems.push(`${args[0]} wrote outside the vault: ${[...g.writes, ...outs].join(', ')}`);
      if (r.code !== 1 || hasStackTrace(r.text) || !/link/i.test(r.stderr)) problems.push(`${args[0]} should refuse with exit 1 and say wiki/outputs is a link out of the vault; exit ${r.code}: ${short(r.text)}`);
    }
    // Compiling still works: it writes nothing into outputs.
    w.put('raw/Crumb.md', RAW_CRUMB);
    const snap2 = w.snapshot();
    const c = await cli(w, ['compile']);
    if (c.code !== 0) problems.push(`compile beside a linked wiki/outputs exited ${c.code}: ${short(c.text)}`);
    const g = guardOutsideWiki(snap2, w.snapshot());
    if (g.writes.length) problems.push(`compile wrote outside the wiki: ${g.writes.join(', ')}`);
    if (readdirSync(path.join(w.root, 'outside', 'outs')).length) problems.push('compile wrote into the linked outputs folder');
    tally.record('symlinked outputs', problems, g.bytesLost, g.writes.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it("8c. a concept article that is a symbolic link to a file outside is never read: its text never reaches the model", async () => {
    const w = baseWorld();
    expect((await cli(w, ['compile'])).code).toBe(0);
    const secret = 'SECRET-7f3a: the door code is 4711.';
    const levain = path.join(w.vault, 'wiki', 'concepts', 'Levain.md');
    const outsideFile = path.join(w.root, 'outside', 'secret.md');
    // The secret sits in the article's prose, the part a merge sends to the model.
    const article = readFileSync(levain, 'utf8');
    const withSecret = article.replace(/^(# Levain\n+)/m, `$1${secret}\n\n`);
    expect(withSecret).not.toBe(article);
    writeFileSync(outsideFile, withSecret);
    unlinkSync(levain);
    symlinkSync(outsideFile, levain);
    w.put('raw/Crumb.md', RAW_CRUMB);
    const snap = w.snapshot();
    const seen = server.requests.length;
    const problems: string[] = [];
    const c = await cli(w, ['compile']);
    if (hasStackTrace(c.text) || ![0, 1].includes(c.code ?? -1)) problems.push(`compile exited ${c.code}: ${short(c.text)}`);
    if (!/wiki\/concepts\/Levain\.md/.test(c.text) || !/link/i.test(c.text)) problems.push(`compile did not report the linked article wiki/concepts/Levain.md: ${short(c.text)}`);
    server.script({ kind: 'tools', calls: [{ name: 'read', arguments: { path: 'wiki/concepts/Levain.md' } }] }, { kind: 'text', content: 'A levain is built the night before [[raw/Levain]].' });
    const a = await cli(w, ['ask', 'What is the door code in the levain article?']);
    if (hasStackTrace(a.text)) problems.push(`ask printed a stack trace: ${short(a.text)}`);
    const leaked = server.requests.slice(seen).filter((r) => JSON.stringify(r.body).includes('SECRET-7f3a'));
    if (leaked.length) problems.push(`the linked file's text was sent to the model in ${leaked.length} request(s)`);
    const g = guardOutsideWiki(snap, w.snapshot());
    if (g.writes.length) problems.push(`wrote outside the wiki: ${g.writes.join(', ')}`);
    tally.record('symlinked article', problems, g.bytesLost, g.writes.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('9. long CJK names (84-character raw note, 86-character question) and NFD names compile, save, undo, and later commands keep working', async () => {
    const w = baseWorld();
    const cjkName = '关于天然酵种面包的长期发酵与温度控制以及面粉吸水率对面包组织结构影响的详细实验记录和个人观察笔记第一部分之补充说明与后续改进计划的完整版本草稿修订稿最终稿备份副本存档记录';
    const name84 = [...cjkName].slice(0, 84).join('');
    expect([...name84]).toHaveLength(84);
    const longConcept = [...'天然酵种在低温环境下长时间发酵时产生的乳酸与醋酸比例变化及其对面包风味与组织结构的综合影响研究'].join('');
    w.put(`raw/${name84}.md`, `**天然酵种**需要在前一天晚上喂养。**${longConcept}**决定了面包的风味。温度保持在24度左右最为理想。\n`);
    const nfd = 'Crème brûlée'.normalize('NFD');
    w.put(`raw/${nfd}.md`, 'A **Crème brûlée** needs a hot grill and a cold custard set at 4 degrees overnight.\n');
    const question = [...'天然酵种面包在长时间低温发酵过程中乳酸和醋酸的比例会如何变化并且这种变化会怎样影响面包最终的风味组织结构以及保存时间请结合笔记详细说明其中的原因和实际操作建议并给出温度时间的参考范围'].slice(0, 85).join('') + '？';
    expect([...question]).toHaveLength(86);
    const problems: string[] = [];
    const steps: [string[], (r: CliResult) => string | null][] = [
      [['compile'], (r) => (r.code === 0 ? null : 'compile failed')],
      [['compile'], (r) => (r.code === 0 && /up to date/.test(r.stdout) ? null : 'a second compile is not "up to date"')],
      [['ask', '--save', question], (r) => (r.code === 0 && /Saved to/.test(r.stdout) ? null : 'ask --save with an 86-character Chinese question did not save')],
      [['ask', '--save', `${question.slice(0, -1)}呢？`], (r) => (r.code === 0 && /Saved to/.test(r.stdout) ? null : 'a second long question did not save')],
      [['undo'], (r) => (r.code === 0 ? null : 'undo of the saved answer failed')],
      [['undo'], (r) => (r.code === 0 ? null : 'undo of the first saved answer failed')],
      [['undo'], (r) => (r.code === 0 ? null : 'undo of the compile failed')],
      [['compile'], (r) => (r.code === 0 ? null : 'compile after the undos failed')],
      [['lint'], (r) => (r.code === 0 || r.code === 1 ? null : 'lint failed')],
    ];
    const snap = w.snapshot();
    for (const [args, judge] of steps) {
      const r = await cli(w, args);
      const verdict = judge(r);
      if (verdict) problems.push(`${args.slice(0, 2).join(' ')}: ${verdict} (exit ${r.code}): ${short(r.text)}`);
      if (/ENAMETOOLONG|ENOENT/.test(r.text)) problems.push(`${args.slice(0, 2).join(' ')} shows a bare error code: ${short(r.text)}`);
      if (hasStackTrace(r.text)) problems.push(`${args.slice(0, 2).join(' ')} printed a stack trace`);
    }
    const sources = existsSync(path.join(w.vault, 'wiki', 'sources')) ? readdirSync(path.join(w.vault, 'wiki', 'sources')).map((n) => n.normalize('NFC')) : [];
    if (!sources.includes('Crème brûlée.md')) problems.push(`the NFD-named raw note has no source summary (${JSON.stringify(sources)})`);
    if (!sources.some((n) => n.startsWith(name84.slice(0, 20)))) problems.push(`the 84-character CJK raw note has no source summary (${JSON.stringify(sources)})`);
    for (const n of sources) if (Buffer.byteLength(n) > 255) problems.push(`a file name is over 255 bytes: ${n}`);
    const g = guardOutsideWiki(snap, w.snapshot());
    if (g.writes.length) problems.push(`wrote outside the wiki: ${g.writes.join(', ')}`);
    const temps = strayTemps(w.snapshot());
    if (temps.length) problems.push(`temporary files left: ${temps.join(', ')}`);
    tally.record('long and NFD names', problems, g.bytesLost, g.writes.length);
    expect(problems).toEqual([]);
  }, CASE_TIMEOUT_MS);
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
