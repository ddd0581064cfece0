import { StructuralLinter, type Finding, type LintLayout, type StructuralKind } from '../../core/lint';
import type { VaultFileStat, VaultPort } from '../../core/ports/vault';

/** The finding kinds the `status` tool lists. */
export const STATUS_KINDS: readonly StructuralKind[] = ['uncompiled', 'stale'];

function hidden(path: string): boolean {
  return path.split('/').some((s) => s.startsWith('.'));
}

/** Whether two sorted listings name the same files with the same times and sizes. */
function sameFiles(a: readonly VaultFileStat[], b: readonly VaultFileStat[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].path !== b[i].path || a[i].mtime !== b[i].mtime || a[i].size !== b[i].size) return false;
  }
  return true;
}

/** `work`, or a rejection as soon as `signal` aborts (the work itself goes on, for the next call). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const stopped = () => (signal.reason instanceof Error ? signal.reason : new Error('The call was cancelled.'));
  if (signal.aborted) return Promise.reject(stopped());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

interface Checked {
  /** The change count when the vault was read. */
  generation: number;
  /** The listing given just before the vault was read, and its files without the hidden ones. */
  listing: readonly VaultFileStat[];
  files: readonly VaultFileStat[];
  findings: Promise<Finding[]>;
}

/**
 * The vault's listing and its uncompiled and stale sources for the `status` tool, which agents
 * call first and often. Only the checks that report those two kinds run (the whole health check
 * costs seconds per 10,000 notes), and their findings are kept until the vault changes: a change
 * is known from the watcher and from this server's own writes (`changed`), and from the listing
 * (a file added, removed, or with another time or size). The listing itself is kept while the
 * watcher follows the vault and has told no change; when the vault is polled instead, it is read
 * again at every call. The findings are exactly the full health check's of those kinds.
 */
export class SourceStatus {
  private readonly vault: VaultPort;
  private readonly layout: LintLayout;
  private readonly signal: AbortSignal;
  private readonly watching: () => boolean;
  private generation = 0;
  private last: Checked | null = null;
  private listed: { generation: number; files: readonly VaultFileStat[] } | null = null;

  /** `watching`: whether a watcher now reports every change of the vault (false while it is polled). */
  constructor(options: { vault: VaultPort; layout: LintLayout; signal: AbortSignal; watching?: () => boolean }) {
    this.vault = options.vault;
    this.layout = options.layout;
    this.signal = options.signal;
    this.watching = options.watching ?? (() => false);
  }

  /**
   * The vault's files, as `vault.list()` gives them: the last listing while the watcher has told
   * no change since it was read, else a new one.
   */
  async listing(): Promise<readonly VaultFileStat[]> {
    const kept = this.listed;
    if (kept !== null && this.watching()) {
      // One turn of the event loop first: what the watcher already holds (an edit made just
      // before this call was asked for) is delivered before the listing is trusted.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.listed === kept && kept.generation === this.generation && this.watching()) return kept.files;
    }
    const generation = this.generation;
    const files = await this.vault.list();
    this.listed = { generation, files };
    return files;
  }

  /** Something in the vault changed: the next call reads it again. */
  changed(): void {
    this.generation++;
  }

  /**
   * The uncompiled and stale findings, sorted as the health check sorts them. `listing` is the
   * vault's listing the caller just read; `signal` cancels the wait (not the check, whose result
   * the next call may use).
   */
  findings(listing: readonly VaultFileStat[], signal: AbortSignal): Promise<Finding[]> {
    let checked = this.last;
    const files = checked !== null && checked.listing === listing ? checked.files : listing.filter((f) => !hidden(f.path));
    if (checked === null || checked.generation !== this.generation || !sameFiles(checked.files, files)) {
      const fresh: Checked = { generation: this.generation, listing, files, findings: this.check() };
      this.last = checked = fresh;
      // A failed check (the vault unreadable for a moment) is not kept: the next call tries again.
      fresh.findings.catch(() => {
        if (this.last === fresh) this.last = null;
      });
    }
    return unlessAborted(checked.findings, signal);
  }

  private async check(): Promise<Finding[]> {
    const linter = new StructuralLinter({ vault: this.vault, layout: this.layout, checks: StructuralLinter.checksFor(STATUS_KINDS) });
    const result = await linter.run({ signal: this.signal });
    const wanted = new Set<string>(STATUS_KINDS);
    return result.findings.filter((f) => wanted.has(f.kind));
  }
}
