import { PlanError, PlanJournal, renderArticle, WikiWriter, WriterLock, type ChangePlan, type WriterOwner } from '../../../src/core/plan';
import type { VaultWriteOptions } from '../../../src/core/ports/vault';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

const clock = { now: () => Date.UTC(2026, 10, 26, 12, 0, 0) };

function article(title: string, body: string): string {
  return renderArticle({ title, summary: `About ${title}.`, type: 'concept', updated: '2026-11-26' }, body);
}

const never = new Promise<void>(() => undefined);

/**
 * A vault whose process "dies" at its N-th mutating call: that call and every later one never
 * settle, as when the process is killed. A second writer over the same files and state then plays
 * the next process.
 */
class DyingVault extends MemoryVault {
  ops = 0;
  dieAt = Infinity;
  dead = false;
  private step(): boolean {
    if (this.dead) return true;
    this.ops++;
    if (this.ops >= this.dieAt) this.dead = true;
    return this.dead;
  }
  override write(path: string, content: string, options?: VaultWriteOptions): Promise<void> {
    return this.step() ? never : super.write(path, content, options);
  }
  override delete(path: string): Promise<void> {
    return this.step() ? never : super.delete(path);
  }
  /** The same files, seen by the next process. */
  survivor(): MemoryVault {
    return new MemoryVault(this.snapshot());
  }
}

/** A state store that dies with its vault (a journal write after the kill never happens). */
class DyingState extends MemoryStateStore {
  constructor(private readonly vault: DyingVault) {
    super();
  }
  override set(key: string, value: string): Promise<void> {
    if (key === 'plan-journal.json' && this.vault.dead) return never;
    return super.set(key, value);
  }
  copy(): MemoryStateStore {
    const next = new MemoryStateStore();
    for (const [k, v] of this.values) next.values.set(k, v);
    return next;
  }
}

const dead: (o: WriterOwner) => boolean = () => false;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function samplePlanFiles() {
  return [
    { path: 'wiki/concepts/A.md', content: article('A', '# A\n\nMerged.\n'), reason: 'merge' },
    { path: 'wiki/concepts/B.md', content: article('B', '# B\n'), reason: 'new' },
    { path: 'wiki/sources/S.md', content: article('S', '# S\n'), reason: 'summary' },
  ];
}

const initial = { 'raw/S.md': 'raw\n', 'wiki/concepts/A.md': article('A', '# A\n'), 'wiki/concepts/Gone.md': article('Gone', '# Gone\n') };

describe('WikiWriter under a crash at every step', () => {
  it('an apply killed at any write is rolled back whole by the next process', async () => {
    // Count the writes of a clean apply first.
    const clean = new DyingVault(initial);
    const cleanWriter = new WikiWriter({ vault: clean, state: new MemoryStateStore(), clock });
    await cleanWriter.apply(await cleanWriter.plan({ operation: 'compile', title: 'c', files: [...samplePlanFiles(), { path: 'wiki/concepts/Gone.md', content: null, reason: 'drop' }] }));
    const total = clean.ops;
    expect(total).toBeGreaterThanOrEqual(6);
    for (let n = 1; n <= total; n++) {
      const vault = new DyingVault(initial);
      const state = new DyingState(vault);
      const before = vault.snapshot();
      const writer = new WikiWriter({ vault, state, clock, owner: { id: 'first', label: 'the command line', pid: 1 } });
      const plan = await writer.plan({ operation: 'compile', title: 'c', files: [...samplePlanFiles(), { path: 'wiki/concepts/Gone.md', content: null, reason: 'drop' }] });
      vault.dieAt = n;
      void writer.apply(plan);
      for (let i = 0; i < 20 && !vault.dead; i++) await tick();
      expect(vault.dead).toBe(true);
      const next = vault.survivor();
      const nextState = state.copy();
      const recovered = new WikiWriter({ vault: next, state: nextState, clock, isAlive: dead });
      await recovered.recover();
      expect(next.snapshot()).toEqual(before);
      expect(await recovered.history()).toEqual([]);
      // …and the next apply works.
      await recovered.apply(await recovered.plan({ operation: 'compile', title: 'again', files: samplePlanFiles() }));
      expect((await recovered.history()).map((h) => h.title)).toEqual(['again']);
    }
  });

  it('an undo killed at any write is completed by the next process, never left half undone', async () => {
    const build = async () => {
      const vault = new DyingVault(initial);
      const state = new DyingState(vault);
      const writer = new WikiWriter({ vault, state, clock, owner: { id: 'first', label: 'the command line', pid: 1 } });
      const before = vault.snapshot();
      await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
      return { vault, state, writer, before, start: vault.ops };
    };
    const probe = await build();
    await probe.writer.undo();
    const total = probe.vault.ops - probe.start;
    expect(total).toBeGreaterThanOrEqual(5);
    for (let n = 1; n <= total; n++) {
      const { vault, state, writer, before, start } = await build();
      vault.dieAt = start + n;
      void writer.undo();
      for (let i = 0; i < 20 && !vault.dead; i++) await tick();
      expect(vault.dead).toBe(true);
      const next = vault.survivor();
      const recovered = new WikiWriter({ vault: next, state: state.copy(), clock, isAlive: dead });
      const report = await recovered.recover();
      expect(next.snapshot()).toEqual(before);
      expect(report.plans.map((p) => p.kind)).toEqual(['undo']);
      expect(await recovered.history()).toEqual([]);
    }
  });
});

describe('WikiWriter recovery', () => {
  const crashed = (files: { path: string; before: string | null; after: string | null }[], status = 'pending') =>
    JSON.stringify({ version: 1, entries: [{ planId: 'p1', title: 'Crashed', operation: 'compile', appliedAt: 1, status, owner: { id: 'gone', label: 'the command line', pid: 7 }, files }] });

  it('never erases text a person typed after the crash, and says what it left', async () => {
    const vault = new MemoryVault({ 'wiki/concepts/A.md': 'person typed this after the crash\n', 'wiki/concepts/B.md': 'written by the crashed apply' });
    const state = new MemoryStateStore();
    await state.set(
      'plan-journal.json',
      crashed([
        { path: 'wiki/concepts/A.md', before: 'old A', after: 'new A' },
        { path: 'wiki/concepts/B.md', before: null, after: 'written by the crashed apply' },
      ]),
    );
    const told: string[] = [];
    const writer = new WikiWriter({ vault, state, clock, isAlive: dead, onRecovered: (r) => told.push(...r.plans.flatMap((p) => p.left)) });
    const report = await writer.recover();
    expect(vault.snapshot()).toEqual({ 'wiki/concepts/A.md': 'person typed this after the crash\n' });
    expect(report.plans[0]).toMatchObject({ kind: 'apply', restored: ['wiki/concepts/B.md'], left: ['wiki/concepts/A.md'] });
    expect(told).toEqual(['wiki/concepts/A.md']);
  });

  it('recovers an unfinished entry even when its owner\'s pid now belongs to a live process (a reused pid)', async () => {
    const vault = new MemoryVault({ 'wiki/concepts/B.md': 'written by the crashed apply' });
    const state = new MemoryStateStore();
    await state.set('plan-journal.json', crashed([{ path: 'wiki/concepts/B.md', before: null, after: 'written by the crashed apply' }]));
    const writer = new WikiWriter({ vault, state, clock, isAlive: () => true });
    await writer.recover();
    expect(vault.snapshot()).toEqual({});
    expect(await new PlanJournal({ state }).unfinished()).toHaveLength(0);
  });

  it('does not trust the journal: entries naming raw notes, the config folder or paths outside are dropped, never written', async () => {
    const vault = new MemoryVault({ 'raw/Note.md': 'my raw note\n', '.obsidian/plugins/other/main.js': 'code', 'wiki/concepts/A.md': 'A now' });
    const state = new MemoryStateStore();
    const entry = (planId: string, status: string, path: string) => ({ planId, title: `Evil ${planId}`, operation: 'compile', appliedAt: 1, status, files: [{ path, before: 'EVIL', after: null }] });
    await state.set(
      'plan-journal.json',
      JSON.stringify({
        version: 1,
        entries: [
          entry('a', 'pending', 'raw/Note.md'),
          entry('b', 'pending', '.obsidian/plugins/other/main.js'),
          entry('c', 'undoing', '../outside.md'),
          entry('d', 'applied', 'wiki/../raw/Note.md'),
          entry('e', 'applied', 'raw/Note.md'),
        ],
      }),
    );
    const before = vault.snapshot();
    const writer = new WikiWriter({ vault, state, clock });
    expect(await writer.history()).toEqual([]);
    const error = await writer.undo().catch((e: unknown) => e);
    expect((error as PlanError).kind).toBe('nothing_to_undo');
    expect(vault.snapshot()).toEqual(before);
    expect(await new PlanJournal({ state }).entries()).toEqual([]);
  });
});

describe('WikiWriter with a failing journal', () => {
  /** A state store whose journal writes fail after `okWrites` of them (a full disk). */
  class FullDiskState extends MemoryStateStore {
    okWrites = Infinity;
    override set(key: string, value: string): Promise<void> {
      if (key === 'plan-journal.json' && this.okWrites-- <= 0) return Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      return super.set(key, value);
    }
  }

  it('a full disk at the journal commit rolls every file back and leaves nothing for the next compile to delete', async () => {
    const vault = new MemoryVault(initial);
    const state = new FullDiskState();
    const writer = new WikiWriter({ vault, state, clock });
    const before = vault.snapshot();
    const plan = await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() });
    state.okWrites = 1; // begin succeeds, commit fails
    const error = await writer.apply(plan).catch((e: unknown) => e);
    expect((error as PlanError).kind).toBe('write_failed');
    expect((error as PlanError).message).toMatch(/no space left/);
    expect(vault.snapshot()).toEqual(before);
    // The disk has room again: the next apply works and undo takes back exactly it.
    state.okWrites = Infinity;
    const next = await writer.plan({ operation: 'compile', title: 'next', files: samplePlanFiles() });
    await writer.apply(next);
    expect((await writer.history()).map((h) => h.title)).toEqual(['next']);
    await writer.undo();
    expect(vault.snapshot()).toEqual(before);
  });

  it('a full disk when an undo starts changes nothing and keeps the plan undoable', async () => {
    const vault = new MemoryVault(initial);
    const state = new FullDiskState();
    const writer = new WikiWriter({ vault, state, clock });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    const after = vault.snapshot();
    state.okWrites = 0;
    const error = await writer.undo().catch((e: unknown) => e);
    expect((error as PlanError).kind).toBe('write_failed');
    expect(vault.snapshot()).toEqual(after);
    state.okWrites = Infinity;
    expect((await writer.history()).map((h) => h.title)).toEqual(['c']);
  });
});

describe('One writer at a time', () => {
  /** A vault whose writes take a while, so two applies overlap. */
  class SlowVault extends MemoryVault {
    override async write(path: string, content: string, options?: VaultWriteOptions): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return super.write(path, content, options);
    }
  }

  it('two processes applying at once on one vault both land, and both can be undone', async () => {
    const vault = new SlowVault({ 'wiki/concepts/Shared.md': article('Shared', '# Shared\n') });
    const state = new MemoryStateStore();
    const waits: string[] = [];
    const one = new WikiWriter({ vault, state, clock, owner: { id: 'one', label: 'Obsidian' }, isAlive: () => true, onWait: (h) => waits.push(h.label), lock: { pollMs: 5 } });
    const two = new WikiWriter({ vault, state, clock, owner: { id: 'two', label: 'the command line', pid: 2 }, isAlive: () => true, onWait: (h) => waits.push(h.label), lock: { pollMs: 5 } });
    const before = vault.snapshot();
    const p1 = await one.plan({ operation: 'compile', title: 'first', files: [{ path: 'wiki/sources/One.md', content: article('One', '# One\n'), reason: 'r' }] });
    const p2 = await two.plan({ operation: 'compile', title: 'second', files: [{ path: 'wiki/sources/Two.md', content: article('Two', '# Two\n'), reason: 'r' }] });
    await Promise.all([one.apply(p1), two.apply(p2)]);
    expect(waits.length).toBeGreaterThan(0);
    expect((await one.history()).map((h) => h.title).sort()).toEqual(['first', 'second']);
    expect(vault.snapshot()['wiki/log.md']).toMatch(/first[\s\S]*second|second[\s\S]*first/);
    await one.undo();
    await two.undo();
    expect(vault.snapshot()).toEqual(before);
  });

  it('a plan made before another process wrote the same article is refused, not applied over it', async () => {
    const vault = new SlowVault({ 'wiki/concepts/Shared.md': article('Shared', '# Shared\n') });
    const state = new MemoryStateStore();
    const one = new WikiWriter({ vault, state, clock, owner: { id: 'one', label: 'the command line', pid: 1 }, isAlive: () => true, lock: { pollMs: 5 } });
    const two = new WikiWriter({ vault, state, clock, owner: { id: 'two', label: 'the command line', pid: 2 }, isAlive: () => true, lock: { pollMs: 5 } });
    const merge = (text: string): Promise<ChangePlan> => one.plan({ operation: 'compile', title: text, files: [{ path: 'wiki/concepts/Shared.md', content: article('Shared', `# Shared\n\n${text}\n`), reason: 'merge' }] });
    const p1 = await merge('from one');
    const p2 = await merge('from two');
    const results = await Promise.allSettled([one.apply(p1), two.apply(p2)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failure.reason as PlanError).kind).toBe('conflict');
    expect((failure.reason as PlanError).message).toMatch(/changed since the plan was made.*make the plan again/i);
    expect(await one.history()).toHaveLength(1);
  });

  it('an undo asked for during an apply waits for it and then undoes it whole', async () => {
    const vault = new SlowVault(initial);
    const state = new MemoryStateStore();
    const before = vault.snapshot();
    const applier = new WikiWriter({ vault, state, clock, owner: { id: 'a', label: 'the command line', pid: 1 }, isAlive: () => true, lock: { pollMs: 5 } });
    const undoer = new WikiWriter({ vault, state, clock, owner: { id: 'b', label: 'the command line', pid: 2 }, isAlive: () => true, lock: { pollMs: 5 } });
    const plan = await applier.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() });
    const applying = applier.apply(plan);
    await tick();
    const undone = await undoer.undo();
    await applying;
    expect(undone.title).toBe('c');
    expect(vault.snapshot()).toEqual(before);
  });

  it('gives up with a clear message when another process holds the lock too long, and takes over a dead one at once', async () => {
    const state = new MemoryStateStore();
    await state.createExclusive(WriterLock.KEY, JSON.stringify({ owner: { id: 'other', label: 'the command line', pid: 99 }, heartbeat: Date.now(), acquiredAt: Date.now() }));
    const vault = new MemoryVault(initial);
    const busy = new WikiWriter({ vault, state, clock, isAlive: () => true, lock: { timeoutMs: 50, pollMs: 10 } });
    const error = await busy.apply(await busy.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() })).catch((e: unknown) => e);
    expect((error as PlanError).kind).toBe('busy');
    expect((error as PlanError).message).toMatch(/the command line \(process 99\).*Nothing was written/);
    const taker = new WikiWriter({ vault, state, clock, isAlive: () => false, lock: { timeoutMs: 50, pollMs: 10 } });
    await taker.apply(await taker.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    expect(await state.get(WriterLock.KEY)).toBeNull();
  });

  it('takes over a lock whose holder cannot be checked once it has not changed for a lease', async () => {
    const state = new MemoryStateStore();
    await state.createExclusive(WriterLock.KEY, JSON.stringify({ owner: { id: 'phone', label: 'Obsidian' }, heartbeat: Date.now() - 11 * 30_000, acquiredAt: 0 }));
    const vault = new MemoryVault(initial);
    const writer = new WikiWriter({ vault, state, clock, lock: { leaseMs: 100, timeoutMs: 2_000, pollMs: 10 } });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    expect((await writer.history()).map((h) => h.title)).toEqual(['c']);
  });

  it('judges a lock by whether it changes, not by another machine\'s clock: a heartbeat from the future neither blocks for ever nor a recent one from behind gets stolen', async () => {
    const vault = new MemoryVault(initial);
    // A clock an hour ahead left this lock: once it has not changed for a lease, it is taken over.
    const ahead = new MemoryStateStore();
    await ahead.createExclusive(WriterLock.KEY, JSON.stringify({ owner: { id: 'ahead', label: 'Obsidian' }, heartbeat: Date.now() + 3_600_000, acquiredAt: 0 }));
    const writer = new WikiWriter({ vault, state: ahead, clock, lock: { leaseMs: 100, timeoutMs: 5_000, pollMs: 10 } });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    // A holder whose clock is a minute behind but who keeps beating is waited for, not robbed.
    const behind = new MemoryStateStore();
    const beat = () => behind.set(WriterLock.KEY, JSON.stringify({ owner: { id: 'behind', label: 'Obsidian' }, heartbeat: Date.now() - 60_000, acquiredAt: 0 }));
    await beat();
    const beating = setInterval(() => void beat(), 20);
    const waiter = new WikiWriter({ vault: new MemoryVault(initial), state: behind, clock, lock: { leaseMs: 100, timeoutMs: 400, pollMs: 10 } });
    const error = await waiter.apply(await waiter.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() })).catch((e: unknown) => e);
    clearInterval(beating);
    expect((error as PlanError).kind).toBe('busy');
  });

  it('a lock file that cannot be read (a dangling link, garbage) is taken over instead of waited on for ever', async () => {
    const state = new MemoryStateStore();
    await state.createExclusive(WriterLock.KEY, 'garbage');
    const unreadable = Object.assign(Object.create(state) as MemoryStateStore, {
      get: (key: string) => (key === WriterLock.KEY && state.values.get(key) === 'garbage' ? Promise.reject(new Error('ENOENT: dangling link')) : state.get(key)),
    });
    const writer = new WikiWriter({ vault: new MemoryVault(initial), state: unreadable, clock, lock: { timeoutMs: 3_000, pollMs: 10 } });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    expect((await writer.history()).map((h) => h.title)).toEqual(['c']);
  });

  it('a writer whose lock was taken over while it was paused stops before its next write and puts back what it wrote', async () => {
    const vault = new MemoryVault(initial);
    const state = new MemoryStateStore();
    const before = vault.snapshot();
    let writes = 0;
    const pausing = Object.assign(Object.create(vault) as MemoryVault, {
      write: async (p: string, text: string, options?: VaultWriteOptions) => {
        if (++writes === 2) {
          // Paused here for minutes: another process took the lock over.
          await state.set(WriterLock.KEY, JSON.stringify({ owner: { id: 'thief', label: 'the command line', pid: 9 }, heartbeat: Date.now(), acquiredAt: Date.now() }));
        }
        return vault.write(p, text, options);
      },
    });
    const writer = new WikiWriter({ vault: pausing, state, clock });
    const error = await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() })).catch((e: unknown) => e);
    expect((error as PlanError).message).toMatch(/lost the writer lock to the command line \(process 9\)/);
    expect(vault.snapshot()).toEqual(before);
  });

  it('a stop while waiting for the lock writes nothing', async () => {
    const state = new MemoryStateStore();
    await state.createExclusive(WriterLock.KEY, JSON.stringify({ owner: { id: 'other', label: 'Obsidian' }, heartbeat: Date.now(), acquiredAt: Date.now() }));
    const vault = new MemoryVault(initial);
    const before = vault.snapshot();
    const writer = new WikiWriter({ vault, state, clock, lock: { pollMs: 10 } });
    const plan = await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() });
    const controller = new AbortController();
    const applying = writer.apply(plan, { signal: controller.signal }).catch((e: unknown) => e);
    await tick();
    controller.abort();
    const error = await applying;
    expect((error as PlanError).message).toMatch(/Stopped while waiting.*nothing was written/);
    expect(vault.snapshot()).toEqual(before);
  });
});

describe('A plan made from text that moved on', () => {
  it('refuses to plan a merge whose base another process changed meanwhile', async () => {
    const vault = new MemoryVault({ 'wiki/concepts/Shared.md': article('Shared', '# Shared\n') });
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock });
    const base = vault.snapshot()['wiki/concepts/Shared.md'];
    // Another run merges first, between our read of the article and our plan.
    await vault.write('wiki/concepts/Shared.md', article('Shared', '# Shared\n\nFrom the other run.\n'));
    const error = await writer
      .plan({ operation: 'compile', title: 'Compile Oven', files: [{ path: 'wiki/concepts/Shared.md', content: article('Shared', '# Shared\n\nFrom this run.\n'), reason: 'merge', basedOn: base }] })
      .catch((e: unknown) => e);
    expect((error as PlanError).kind).toBe('conflict');
    expect((error as PlanError).message).toMatch(/wiki\/concepts\/Shared\.md was changed while "Compile Oven" was being prepared.*Nothing was written; run it again/);
    expect(vault.snapshot()['wiki/concepts/Shared.md']).toContain('From the other run.');
    // A base of "absent" that now exists is the same conflict.
    await expect(writer.plan({ operation: 'compile', title: 't', files: [{ path: 'wiki/concepts/Shared.md', content: 'x', reason: 'r', basedOn: null }] })).rejects.toMatchObject({ kind: 'conflict' });
  });
});

describe('Undo under faults', () => {
  /** A vault whose write fails once, after `failAfter` of them succeeded (an I/O error). */
  class FillingVault extends MemoryVault {
    failAfter = Infinity;
    override write(path: string, content: string, options?: VaultWriteOptions): Promise<void> {
      if (this.failAfter-- === 0) return Promise.reject(Object.assign(new Error('i/o error'), { code: 'EIO' }));
      return super.write(path, content, options);
    }
  }

  it('a forced undo that fails half-way puts back the person\'s edit, not the plan\'s text', async () => {
    const vault = new FillingVault(initial);
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    const edited = `${vault.snapshot()['wiki/concepts/A.md']}\nA line a person added.\n`;
    await vault.write('wiki/concepts/A.md', edited);
    const before = vault.snapshot();
    vault.failAfter = 0; // the undo deletes the log, the index, S and B, then fails writing A back
    const error = await writer.undo({ force: true }).catch((e: unknown) => e);
    expect((error as PlanError).kind).toBe('write_failed');
    vault.failAfter = Infinity;
    expect(vault.snapshot()).toEqual(before);
    expect(vault.snapshot()['wiki/concepts/A.md']).toContain('A line a person added.');
  });

  it('an undo interrupted earlier and asked for again undoes that one plan, not one more', async () => {
    const vault = new MemoryVault(initial);
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock });
    const start = vault.snapshot();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'first', files: [{ path: 'wiki/concepts/B.md', content: article('B', '# B\n'), reason: 'r' }] }));
    const afterFirst = vault.snapshot();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'second', files: [{ path: 'wiki/concepts/C.md', content: article('C', '# C\n'), reason: 'r' }] }));
    // The undo of "second" was killed after marking its entry: it is left "undoing".
    const journal = new PlanJournal({ state });
    const second = (await journal.last())!;
    await journal.mark(second.planId, 'undoing');
    const undone = await new WikiWriter({ vault, state, clock }).undo();
    expect(undone).toMatchObject({ title: 'second', completedInterrupted: true });
    expect(vault.snapshot()).toEqual(afterFirst);
    expect((await writer.history()).map((h) => h.title)).toEqual(['first']);
    await writer.undo();
    expect(vault.snapshot()).toEqual(start);
  });
});

describe('A damaged journal', () => {
  it('is kept aside, never silently overwritten, when it cannot be read whole', async () => {
    const vault = new MemoryVault(initial);
    const state = new MemoryStateStore();
    const damaged = '<<<<<<< sync conflict\n{"version":1,"entries":[]}\n>>>>>>> other device\n';
    await state.set('plan-journal.json', damaged);
    const writer = new WikiWriter({ vault, state, clock });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: samplePlanFiles() }));
    const copies = [...state.values.keys()].filter((k) => k.startsWith('plan-journal.damaged-'));
    expect(copies).toHaveLength(1);
    expect(state.values.get(copies[0])).toBe(damaged);
    expect((await writer.history()).map((h) => h.title)).toEqual(['c']);
  });

  it('with two entries under one id, one undo takes back one plan', async () => {
    const vault = new MemoryVault(initial);
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'first', files: [{ path: 'wiki/concepts/B.md', content: article('B', '# B\n'), reason: 'r' }] }));
    const afterFirst = vault.snapshot();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'second', files: [{ path: 'wiki/concepts/C.md', content: article('C', '# C\n'), reason: 'r' }] }));
    const data = JSON.parse((await state.get('plan-journal.json'))!) as { entries: { planId: string }[] };
    data.entries[1].planId = data.entries[0].planId; // a crafted or merged journal
    await state.set('plan-journal.json', JSON.stringify(data));
    await writer.undo();
    expect(vault.snapshot()).toEqual(afterFirst);
    expect((await writer.history()).map((h) => h.title)).toEqual(['first']);
  });
});
