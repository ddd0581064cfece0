import type { StateStore } from '../ports/state-store';
import type { PlanOperation } from './types';
import type { WriterOwner } from './writer-lock';

/** One file as it was before and after an applied plan (null = absent). */
export interface JournalFile {
  path: string;
  before: string | null;
  after: string | null;
  /**
   * A binary file the plan created (a downloaded image): `before` and `after` are null and only
   * its hash and size are kept, so the journal never holds image bytes. Undo and recovery remove
   * it only while it still holds exactly those bytes.
   */
  binary?: { hash: string; size: number };
}

export interface JournalEntry {
  planId: string;
  title: string;
  operation: PlanOperation;
  appliedAt: number;
  /**
   * `pending` while an apply writes its files, `undoing` while an undo writes them back, `applied`
   * once the apply finished. A crash leaves `pending` or `undoing`, and the next writer to hold the
   * lock finishes the job: rolls the apply back, or completes the undo.
   */
  status: 'pending' | 'applied' | 'undoing';
  /** The process that wrote the entry (absent in journals from before owners were recorded). */
  owner?: WriterOwner;
  files: JournalFile[];
}

interface JournalData {
  version: 1;
  entries: JournalEntry[];
}

/**
 * The undo journal in the plugin folder (`plan-journal.json`): the exact bytes before and after
 * each applied plan, newest last, the last `limit` kept. Text in a StateStore, so the plugin and
 * the CLI share it. Read-modify-write: callers hold the writer lock (`WikiWriter` does).
 *
 * The journal is data from disk, not trusted: a synced or shared vault can carry a crafted one.
 * Entries are checked for shape here; `WikiWriter` confines every path before acting on one.
 */
export class PlanJournal {
  static readonly KEY = 'plan-journal.json';
  private readonly state: StateStore;
  private readonly limit: number;

  constructor(options: { state: StateStore; limit?: number }) {
    this.state = options.state;
    this.limit = Math.max(1, options.limit ?? 10);
  }

  /** The journal's text when it could not be read whole (a sync conflict, a damaged entry). */
  private damaged: string | null = null;

  async entries(): Promise<JournalEntry[]> {
    const text = await this.state.get(PlanJournal.KEY);
    if (!text) return [];
    try {
      const data = JSON.parse(text) as Partial<JournalData>;
      const all: unknown[] = Array.isArray(data.entries) ? data.entries : [];
      const good = all.filter(isEntry);
      if (good.length !== all.length || !Array.isArray(data.entries)) this.damaged = text;
      return good;
    } catch {
      // A corrupt journal only costs the ability to undo; never block writing the wiki on it. Its
      // text is kept aside before the journal is next written (see save).
      this.damaged = text;
      return [];
    }
  }

  /** The key a damaged journal's text was copied to before it was rewritten, if one was. */
  damagedCopy: string | null = null;

  private async save(entries: JournalEntry[]): Promise<void> {
    if (this.damaged !== null) {
      // Never silently drop what could not be read: keep it beside the journal for a person to see.
      const key = `plan-journal.damaged-${Date.now()}.json`;
      await this.state.set(key, this.damaged);
      this.damaged = null;
      this.damagedCopy = key;
    }
    const applied = entries.filter((e) => e.status === 'applied');
    const unfinished = entries.filter((e) => e.status !== 'applied');
    const kept = [...applied.slice(Math.max(0, applied.length - this.limit)), ...unfinished];
    const data: JournalData = { version: 1, entries: kept };
    await this.state.set(PlanJournal.KEY, JSON.stringify(data));
  }

  async begin(entry: Omit<JournalEntry, 'status'>): Promise<void> {
    const entries = (await this.entries()).filter((e) => e.planId !== entry.planId);
    await this.save([...entries, { ...entry, status: 'pending' }]);
  }

  /** Sets an entry's status (and owner, for the process now acting on it). */
  async mark(planId: string, status: JournalEntry['status'], owner?: WriterOwner): Promise<void> {
    const entries = await this.entries();
    // Ids are unique in a journal we wrote; in a damaged or crafted one, act on the newest only.
    const at = lastIndexOf(entries, planId);
    await this.save(entries.map((e, i) => (i === at ? { ...e, status, ...(owner ? { owner } : {}) } : e)));
  }

  async commit(planId: string): Promise<void> {
    await this.mark(planId, 'applied');
  }

  async remove(planId: string): Promise<void> {
    const entries = await this.entries();
    const at = lastIndexOf(entries, planId);
    await this.save(entries.filter((_, i) => i !== at));
  }

  /** The newest applied entry, or null. */
  async last(): Promise<JournalEntry | null> {
    const applied = (await this.entries()).filter((e) => e.status === 'applied');
    return applied.length ? applied[applied.length - 1] : null;
  }

  /** Entries an apply or an undo left unfinished. */
  async unfinished(): Promise<JournalEntry[]> {
    return (await this.entries()).filter((e) => e.status !== 'applied');
  }
}

function lastIndexOf(entries: JournalEntry[], planId: string): number {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].planId === planId) return i;
  return -1;
}

function isOwner(value: unknown): value is WriterOwner {
  if (!value || typeof value !== 'object') return false;
  const o = value as Partial<WriterOwner>;
  return typeof o.id === 'string' && typeof o.label === 'string' && (o.pid === undefined || typeof o.pid === 'number') && (o.host === undefined || typeof o.host === 'string');
}

function isEntry(value: unknown): value is JournalEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Partial<JournalEntry>;
  return (
    typeof e.planId === 'string' &&
    typeof e.title === 'string' &&
    typeof e.appliedAt === 'number' &&
    (e.status === 'pending' || e.status === 'applied' || e.status === 'undoing') &&
    (e.owner === undefined || isOwner(e.owner)) &&
    Array.isArray(e.files) &&
    e.files.every((f) => f && typeof f.path === 'string' && (f.before === null || typeof f.before === 'string') && (f.after === null || typeof f.after === 'string') && (f.binary === undefined || isBinary(f)))
  );
}

/** A binary entry is a creation: nothing before, no text after, a hash and a size. */
function isBinary(f: JournalFile): boolean {
  const b = f.binary as unknown;
  if (!b || typeof b !== 'object') return false;
  const { hash, size } = b as { hash?: unknown; size?: unknown };
  return f.before === null && f.after === null && typeof hash === 'string' && hash !== '' && typeof size === 'number' && size >= 0;
}
