import { tr } from '../../i18n';
import { systemClock, type Clock } from '../ports/clock';
import type { StateStore } from '../ports/state-store';
import { PlanError } from './plan-error';

/** Who holds (or held) the writer lock or wrote a journal entry. */
export interface WriterOwner {
  /** Random per process (CLI) or per plugin load (Obsidian). */
  id: string;
  /** For messages: "Obsidian", "the command line". */
  label: string;
  /** The process id, where there is one (not on mobile). */
  pid?: number;
  /** The machine's host name, where known: a pid means nothing on another machine. */
  host?: string;
}

/** Whether the owner's process still runs: true, false, or undefined when it cannot be known. */
export type OwnerAlive = (owner: WriterOwner) => boolean | undefined;

export interface WriterLockOptions {
  state: StateStore;
  /** This process's clock: stamps the heartbeat and times the wait. Staleness is judged by change seen on it, never by comparing another machine's stamp with it. Default Date.now. */
  clock?: Clock;
  owner: WriterOwner;
  isAlive?: OwnerAlive;
  /** Called once per acquisition when another process holds the lock and we wait. */
  onWait?: (holder: WriterOwner) => void;
  /** How long a holder's heartbeat stays valid when its process cannot be checked. Default 30 s. */
  leaseMs?: number;
  /** How long to wait for another holder before giving up with a 'busy' error. Default 60 s. */
  timeoutMs?: number;
  /** Poll interval while waiting. Default 100 ms. */
  pollMs?: number;
}

interface LockRecord {
  owner: WriterOwner;
  heartbeat: number;
  acquiredAt: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = window.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      window.clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function abortError(): PlanError {
  return new PlanError('busy', tr('core.plan.lock.stopped'));
}

function parseRecord(text: string | null): LockRecord | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    const owner = value.owner;
    if (!owner || typeof owner.id !== 'string' || typeof owner.label !== 'string' || typeof value.heartbeat !== 'number') return null;
    return { owner, heartbeat: value.heartbeat, acquiredAt: typeof value.acquiredAt === 'number' ? value.acquiredAt : value.heartbeat };
  } catch {
    return null;
  }
}

/**
 * "the command line (process 4242)". The label comes from the lock file, written by another process
 * in English; the command line's is said in the interface language of the process that shows it.
 */
export function describeOwner(owner: WriterOwner): string {
  const label = owner.label === 'the command line' ? tr('core.plan.lock.commandLine') : owner.label;
  return owner.pid !== undefined ? tr('core.plan.lock.owner', { label, pid: owner.pid }) : label;
}

/**
 * The cross-process writer lock: one file, `writer.lock`, in the plugin's state folder, honoured by
 * the plugin and the CLI alike. The holder is recorded with a heartbeat refreshed while it holds
 * the lock. A waiter takes the lock over when its holder is known to be gone (same machine, process
 * no longer running) or its heartbeat is older than the lease (the holder cannot be checked: another
 * machine, or Obsidian on mobile). Creation is exclusive where the store allows (`open(…, 'wx')` on
 * disk); see docs/change-plans.md for what the Obsidian adapter can and cannot promise.
 */
export class WriterLock {
  static readonly KEY = 'writer.lock';
  private readonly options: WriterLockOptions;
  private readonly leaseMs: number;
  private readonly clock: Clock;
  private heartbeatTimer: number | undefined;
  private held = false;

  constructor(options: WriterLockOptions) {
    this.options = options;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
  }

  get owner(): WriterOwner {
    return this.options.owner;
  }

  private record(): string {
    const now = this.clock.now();
    return JSON.stringify({ owner: this.options.owner, heartbeat: now, acquiredAt: now } satisfies LockRecord);
  }

  /**
   * Whether a record found in the lock file belongs to a holder that is gone. `unchangedMs` is how
   * long this waiter has seen the file unchanged by its own clock: a live holder rewrites it (the
   * heartbeat) every third of the lease, so a file that stops changing tells of a gone holder
   * whatever the other machine's clock says (a clock ahead or behind neither blocks nor steals).
   */
  private isStale(record: LockRecord, unchangedMs: number): boolean {
    if (record.owner.id === this.options.owner.id) return true; // our own leftover (a crashed earlier load)
    const alive = this.options.isAlive?.(record.owner);
    if (alive === false) return true;
    // A running process whose heartbeat stopped long ago is frozen, or a stranger that got a dead
    // holder's pid back: either way it is not writing the wiki.
    if (alive === true) return unchangedMs > this.leaseMs * 3;
    return unchangedMs > this.leaseMs;
  }

  /** Waits for the lock (or times out with a PlanError 'busy'); the caller must `release()`. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const { state } = this.options;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const pollMs = this.options.pollMs ?? 100;
    const started = this.clock.now();
    let told = false;
    let seen: { text: string | null; since: number } | null = null;
    for (;;) {
      if (await state.createExclusive(WriterLock.KEY, this.record())) {
        const check = parseRecord(await state.get(WriterLock.KEY));
        if (check?.owner.id === this.options.owner.id) {
          this.held = true;
          this.startHeartbeat();
          return;
        }
      } else {
        let text: string | null;
        try {
          text = await state.get(WriterLock.KEY);
        } catch {
          text = null; // unreadable (a folder, a dangling link): judged like a torn file below
        }
        const now = this.clock.now();
        if (seen === null || seen.text !== text) seen = { text, since: now };
        const unchanged = now - seen.since;
        const record = parseRecord(text);
        if (record === null) {
          // Torn, empty or unreadable: a holder killed between creating the file and filling it,
          // or one writing it right now. Taken over once it has read the same for a moment.
          if (unchanged >= Math.max(pollMs, 250)) {
            await this.takeOver(text);
            seen = null;
            continue;
          }
        } else if (this.isStale(record, unchanged)) {
          await this.takeOver(text);
          seen = null;
          continue;
        } else if (!told) {
          told = true;
          this.options.onWait?.(record.owner);
        }
        if (now - started > timeoutMs) {
          const seconds = Math.round(timeoutMs / 1000);
          throw new PlanError('busy', record ? tr('core.plan.lock.busyProcess', { owner: describeOwner(record.owner), seconds }) : tr('core.plan.lock.busyFile', { seconds }));
        }
      }
      await sleep(pollMs, signal);
    }
  }

  /**
   * Throws unless this writer still holds the lock: called before every write, so a writer whose
   * lock was taken over (it was paused for minutes) stops instead of writing over the new holder.
   */
  async verify(): Promise<void> {
    if (!this.held) return;
    let record: LockRecord | null = null;
    try {
      record = parseRecord(await this.options.state.get(WriterLock.KEY));
    } catch {
      record = null;
    }
    if (record?.owner.id === this.options.owner.id) return;
    this.held = false;
    throw new PlanError('busy', record ? tr('core.plan.lock.lostTo', { owner: describeOwner(record.owner) }) : tr('core.plan.lock.lost'));
  }

  /** Removes a stale lock, but only if it still holds the text we judged stale. */
  private async takeOver(seen: string | null): Promise<void> {
    const { state } = this.options;
    const now = await state.get(WriterLock.KEY).catch(() => null);
    if (now === seen) await state.delete(WriterLock.KEY).catch(() => undefined);
  }

  private startHeartbeat(): void {
    const every = Math.max(50, Math.floor(this.leaseMs / 3));
    this.heartbeatTimer = window.setInterval(() => {
      void this.beat();
    }, every);
    // A CLI process must not stay alive for the heartbeat alone.
    (this.heartbeatTimer as { unref?: () => void }).unref?.();
  }

  private async beat(): Promise<void> {
    if (!this.held) return;
    try {
      const record = parseRecord(await this.options.state.get(WriterLock.KEY));
      if (record?.owner.id !== this.options.owner.id) return;
      await this.options.state.set(WriterLock.KEY, JSON.stringify({ ...record, heartbeat: this.clock.now() } satisfies LockRecord));
    } catch {
      // A missed heartbeat only shortens the lease; the next one tries again.
    }
  }

  /** Releases the lock if we still hold it. Never throws. */
  async release(): Promise<void> {
    if (this.heartbeatTimer !== undefined) window.clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (!this.held) return;
    this.held = false;
    try {
      const record = parseRecord(await this.options.state.get(WriterLock.KEY));
      if (record?.owner.id === this.options.owner.id) await this.options.state.delete(WriterLock.KEY);
    } catch {
      // Left behind, the lock is taken over once our process is gone or the lease ends.
    }
  }
}

/** Runs async work one at a time, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
