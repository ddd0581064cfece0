import { confineToFolder, hashText, normalizeVaultPath, stringifyNote } from '../markdown';
import type { TokenUsage } from '../llm/types';
import type { Clock } from '../ports/clock';
import type { StateStore } from '../ports/state-store';
import type { VaultPort } from '../ports/vault';
import { isoDate, readArticle, restampArticle } from './article';
import { unifiedDiff } from './line-diff';
import { PlanError } from './plan-error';
import { PlanJournal, type JournalEntry, type JournalFile } from './plan-journal';
import type { AppliedPlan, ChangePlan, FileChange, PlanOperation, PlanProblem } from './types';
import { articleLink, renderWikiIndex, type IndexEntry } from './wiki-index';

export interface WikiWriterOptions {
  vault: VaultPort;
  /** Holds the undo journal. */
  state: StateStore;
  clock: Clock;
  /** Every write is confined to this folder. Default "wiki". */
  wikiFolder?: string;
  /** Never written, even if it lies inside the wiki folder. Default "raw". */
  rawFolder?: string;
  /** Applied plans kept for undo. Default 10. */
  journalSize?: number;
}

/** One file a caller wants written. */
export interface PlannedFile {
  /** Vault path inside the wiki folder, e.g. "wiki/concepts/Dropck.md". Normalised and confined. */
  path: string;
  /** The new text, or null to delete the file. */
  content: string | null;
  /** Why, for the preview: "summary of raw/x.md". */
  reason: string;
}

export interface PlanRequest {
  operation: PlanOperation;
  /** One line for the log and the preview title. */
  title: string;
  files: PlannedFile[];
  /** Extra lines for the log entry. */
  logDetails?: string[];
  /** Problems the caller already met (failed sources…); kept in the plan. */
  problems?: PlanProblem[];
  usage?: TokenUsage;
}

export interface ApplyOptions {
  /**
   * The paths to apply (the preview's ticks). Default: every change not awaiting review. The index
   * and the log follow from what is applied and need not be listed.
   */
  selectedPaths?: string[];
}

export interface UndoOptions {
  /** Undo even if files changed since the plan was applied (those changes are lost). Default false. */
  force?: boolean;
}

/**
 * Writes the wiki, always through a {@link ChangePlan}. See `index.ts` for the contract.
 */
export class WikiWriter {
  readonly wikiFolder: string;
  readonly rawFolder: string;
  readonly indexPath: string;
  readonly logPath: string;
  private readonly vault: VaultPort;
  private readonly clock: Clock;
  private readonly journal: PlanJournal;
  private sequence = 0;

  constructor(options: WikiWriterOptions) {
    this.vault = options.vault;
    this.clock = options.clock;
    this.wikiFolder = normalizeVaultPath(options.wikiFolder ?? 'wiki');
    this.rawFolder = normalizeVaultPath(options.rawFolder ?? 'raw');
    this.indexPath = `${this.wikiFolder}/index.md`;
    this.logPath = `${this.wikiFolder}/log.md`;
    this.journal = new PlanJournal({ state: options.state, limit: options.journalSize });
  }

  /** The confined vault path for `path`, or a reason it is refused. */
  confine(path: string): { path: string } | { refused: string } {
    const confined = confineToFolder(this.wikiFolder, path);
    const configDir = this.vault.configDir;
    if (confined === null) return { refused: `"${path}" is outside the wiki folder "${this.wikiFolder}/"` };
    if (this.rawFolder && (confined === this.rawFolder || confined.startsWith(`${this.rawFolder}/`))) {
      return { refused: `"${path}" is in the raw folder, which is never written` };
    }
    if (configDir && (confined === configDir || confined.startsWith(`${configDir}/`))) {
      return { refused: `"${path}" is in the configuration folder` };
    }
    if (confined === this.indexPath || confined === this.logPath) {
      return { refused: `"${path}" is maintained by Scriptorium itself` };
    }
    return { path: confined };
  }

  private async readOrNull(path: string): Promise<string | null> {
    if ((await this.vault.stat(path)) === null) return null;
    return this.vault.read(path);
  }

  /**
   * Describes the writes without making them: reads each file's current text, refuses paths
   * outside the wiki folder, skips locked files, turns overwrites of a person's edits into merge
   * proposals awaiting review, and adds the index rebuild and the log entry.
   */
  async plan(request: PlanRequest): Promise<ChangePlan> {
    const problems: PlanProblem[] = [...(request.problems ?? [])];
    const changes: FileChange[] = [];
    const seen = new Set<string>();
    const date = isoDate(this.clock.now());
    for (const file of request.files) {
      const confined = this.confine(file.path);
      if ('refused' in confined) {
        problems.push({ subject: file.path, message: `Refused: ${confined.refused}.` });
        continue;
      }
      const path = confined.path;
      if (seen.has(path)) {
        problems.push({ subject: path, message: 'Refused: the same file was planned twice; the first version is kept.' });
        continue;
      }
      seen.add(path);
      const before = await this.readOrNull(path);
      const after = file.content === null ? null : restampArticle(file.content, undefined);
      if (before === after) continue;
      if (before === null && after === null) continue;
      let needsReview = false;
      let reason = file.reason;
      if (before !== null) {
        const ownership = readArticle(before).ownership;
        if (ownership === 'locked') {
          problems.push({ subject: path, message: 'Left untouched: the article is marked `scriptorium: locked`.' });
          continue;
        }
        if (ownership === 'edited' || ownership === 'foreign') {
          needsReview = true;
          reason = `${reason} — ${ownership === 'edited' ? 'a person edited this article since it was generated' : 'this note was not written by Scriptorium'}; review before applying`;
        }
      }
      changes.push({ path, action: before === null ? 'create' : after === null ? 'delete' : 'modify', before, after, reason, ...(needsReview ? { needsReview } : {}) });
    }

    const planned: ChangePlan = {
      id: '',
      operation: request.operation,
      title: request.title.replace(/\s+/g, ' ').trim(),
      createdAt: this.clock.now(),
      changes,
      problems,
      ...(request.usage ? { usage: request.usage } : {}),
      ...(request.logDetails?.length ? { logDetails: request.logDetails } : {}),
    };
    const chosen = changes.filter((c) => !c.needsReview);
    if (changes.length > 0) {
      const derived = await this.derivedChanges(planned, chosen.length > 0 ? chosen : changes, date, problems);
      changes.push(...derived);
    }
    planned.id = `${request.operation}-${hashText(`${planned.createdAt}|${++this.sequence}|${changes.map((c) => `${c.path}:${hashText(c.after ?? '')}`).join(',')}`).slice(0, 12)}`;
    return planned;
  }

  /** A plan that only rebuilds `wiki/index.md` from the articles as they are now (lint's "index drift" fix). */
  async planIndexRebuild(): Promise<ChangePlan> {
    const plan: ChangePlan = { id: '', operation: 'index', title: 'Rebuild the index', createdAt: this.clock.now(), changes: [], problems: [] };
    const index = await this.indexChange([], plan.problems);
    if (index) plan.changes.push(index);
    plan.id = `index-${hashText(`${plan.createdAt}|${++this.sequence}|${index?.after ?? ''}`).slice(0, 12)}`;
    return plan;
  }

  private async derivedChanges(plan: ChangePlan, chosen: FileChange[], date: string, problems: PlanProblem[]): Promise<FileChange[]> {
    const out: FileChange[] = [];
    const index = await this.indexChange(chosen, problems);
    if (index) out.push(index);
    const log = await this.logChange(plan, [...chosen, ...(index ? [index] : [])], date, problems);
    if (log) out.push(log);
    return out;
  }

  /** Every article of the wiki as its frontmatter describes it, with `overlay` changes applied. */
  async indexEntries(overlay: FileChange[] = []): Promise<IndexEntry[]> {
    const overrides = new Map(overlay.map((c) => [c.path, c.after]));
    const paths = new Set<string>();
    for (const f of await this.vault.list()) {
      if (f.path.startsWith(`${this.wikiFolder}/`) && f.path.endsWith('.md')) paths.add(f.path);
    }
    for (const c of overlay) if (c.path.endsWith('.md')) paths.add(c.path);
    const entries: IndexEntry[] = [];
    for (const path of [...paths].sort()) {
      if (path === this.indexPath || path === this.logPath) continue;
      const text = overrides.has(path) ? overrides.get(path) ?? null : await this.readOrNull(path);
      if (text === null) continue;
      const info = readArticle(text);
      if (!info.type) continue;
      const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
      entries.push({ path, title: info.title ?? name, summary: info.summary ?? '', type: info.type });
    }
    return entries;
  }

  private async indexChange(chosen: FileChange[], problems: PlanProblem[]): Promise<FileChange | null> {
    const before = await this.readOrNull(this.indexPath);
    const after = renderWikiIndex(await this.indexEntries(chosen));
    if (before === after) return null;
    if (before !== null) {
      const ownership = readArticle(before).ownership;
      if (ownership === 'locked') {
        problems.push({ subject: this.indexPath, message: 'Not rebuilt: the index is marked `scriptorium: locked`.' });
        return null;
      }
      if (ownership !== 'generated') {
        return { path: this.indexPath, action: 'modify', before, after, reason: 'rebuild the index — a person edited it; review before applying', needsReview: true, derived: 'index' };
      }
    }
    return { path: this.indexPath, action: before === null ? 'create' : 'modify', before, after, reason: 'rebuild the index from article frontmatter', derived: 'index' };
  }

  private async logChange(plan: ChangePlan, applied: FileChange[], date: string, problems: PlanProblem[]): Promise<FileChange | null> {
    const before = await this.readOrNull(this.logPath);
    if (before !== null && readArticle(before).ownership === 'locked') {
      problems.push({ subject: this.logPath, message: 'No log entry: the log is marked `scriptorium: locked`.' });
      return null;
    }
    const lines = [`## [${date}] ${plan.operation} | ${plan.title}`, ''];
    const listed = applied.filter((c) => !c.derived);
    const verb = { create: 'created', modify: 'updated', delete: 'deleted' } as const;
    for (const c of listed.slice(0, 30)) lines.push(`- ${verb[c.action]} ${c.action === 'delete' ? `\`${c.path}\`` : articleLink(c.path)}`);
    if (listed.length > 30) lines.push(`- … and ${listed.length - 30} more`);
    for (const d of plan.logDetails ?? []) lines.push(`- ${d.replace(/\s+/g, ' ').trim()}`);
    const entry = `${lines.join('\n')}\n`;
    const base =
      before ?? stringifyNote({ title: 'Log', summary: 'Append-only record of every change Scriptorium applied to the wiki.', scriptorium: 'generated' }, '# Log\n');
    const after = `${base.replace(/\n*$/, '\n')}\n${entry}`;
    return { path: this.logPath, action: before === null ? 'create' : 'modify', before, after, reason: 'append a log entry', derived: 'log' };
  }

  /** The paths the preview ticks by default: everything that does not await review. */
  defaultSelection(plan: ChangePlan): string[] {
    return plan.changes.filter((c) => !c.needsReview && !c.derived).map((c) => c.path);
  }

  /** A unified diff of one change, for previews and `--dry-run`. */
  diff(change: FileChange, context = 3): string {
    return unifiedDiff(change.path, change.before, change.after, context);
  }

  /**
   * Applies the selected changes all-or-nothing: refuses if any file changed since the plan was
   * made, journals the previous bytes, writes, and on any failure restores every touched file.
   */
  async apply(plan: ChangePlan, options: ApplyOptions = {}): Promise<AppliedPlan> {
    await this.recover();
    const selected = new Set((options.selectedPaths ?? this.defaultSelection(plan)).map((p) => normalizeVaultPath(p)));
    const chosen = plan.changes.filter((c) => !c.derived && selected.has(c.path));
    const skipped = plan.changes.filter((c) => !c.derived && !selected.has(c.path)).map((c) => c.path);
    const appliedAt = this.clock.now();
    // An index-only plan (planIndexRebuild) holds nothing but its derived index change.
    const indexOnly = plan.operation === 'index' && plan.changes.some((c) => c.derived === 'index' && (!c.needsReview || selected.has(c.path)));
    if (chosen.length === 0 && !indexOnly) {
      return { planId: plan.id, title: plan.title, appliedAt, paths: [], operation: plan.operation, skipped };
    }
    for (const c of chosen) {
      // Re-check confinement: a plan may have been built elsewhere or edited in between.
      const confined = this.confine(c.path);
      if ('refused' in confined || confined.path !== c.path) {
        throw new PlanError('conflict', `Refused to apply "${plan.title}": ${'refused' in confined ? confined.refused : `"${c.path}" is not a clean wiki path`}.`, { paths: [c.path] });
      }
    }
    const stale: string[] = [];
    for (const c of chosen) {
      if ((await this.readOrNull(c.path)) !== c.before) stale.push(c.path);
    }
    if (stale.length > 0) {
      throw new PlanError('conflict', `Not applied: ${stale.length === 1 ? `${stale[0]} has` : `${stale.length} files have`} changed since the plan was made. Make the plan again.`, { paths: stale });
    }
    const problems: PlanProblem[] = [];
    const wantIndex = plan.changes.some((c) => c.derived === 'index' && (!c.needsReview || selected.has(c.path)));
    const index = wantIndex ? await this.indexChange(chosen, problems) : null;
    const wantLog = plan.changes.some((c) => c.derived === 'log');
    const log = wantLog ? await this.logChange(plan, [...chosen, ...(index ? [index] : [])], isoDate(appliedAt), problems) : null;
    const writes = [...chosen, ...(index ? [index] : []), ...(log ? [log] : [])];
    const files: JournalFile[] = writes.map((c) => ({ path: c.path, before: c.before, after: c.after }));
    await this.journal.begin({ planId: plan.id, title: plan.title, operation: plan.operation, appliedAt, files });
    await this.writeAll(files, 'after', `apply "${plan.title}"`, plan.id);
    await this.journal.commit(plan.id);
    return { planId: plan.id, title: plan.title, appliedAt, paths: writes.map((c) => c.path), operation: plan.operation, skipped };
  }

  /** Writes each file's `which` text; on failure restores the other side for every file touched. */
  private async writeAll(files: JournalFile[], which: 'before' | 'after', what: string, planId: string): Promise<void> {
    const other = which === 'after' ? 'before' : 'after';
    const touched: JournalFile[] = [];
    try {
      for (const f of files) {
        touched.push(f);
        await this.put(f.path, f[which]);
      }
    } catch (error) {
      const failedRestore: string[] = [];
      for (const f of touched.reverse()) {
        try {
          await this.put(f.path, f[other]);
        } catch {
          failedRestore.push(f.path);
        }
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (failedRestore.length > 0) {
        throw new PlanError('rollback_failed', `Could not ${what}: ${reason}. Restoring failed for ${failedRestore.join(', ')}; the undo journal keeps their previous text.`, {
          paths: failedRestore,
          cause: error,
        });
      }
      if (which === 'after') await this.journal.remove(planId);
      throw new PlanError('write_failed', `Could not ${what}: ${reason}. Nothing was changed.`, { paths: touched.map((f) => f.path), cause: error });
    }
  }

  private async put(path: string, text: string | null): Promise<void> {
    if (text === null) await this.vault.delete(path);
    else await this.vault.write(path, text);
  }

  /**
   * Restores the exact bytes from before the last applied plan and forgets it. Refuses when a
   * file changed since the plan was applied, unless `force`.
   */
  async undo(options: UndoOptions = {}): Promise<AppliedPlan> {
    await this.recover();
    const entry = await this.journal.last();
    if (!entry) throw new PlanError('nothing_to_undo', 'Nothing to undo: no applied plan is recorded.');
    if (!options.force) {
      const changed: string[] = [];
      for (const f of entry.files) {
        if ((await this.readOrNull(f.path)) !== f.after) changed.push(f.path);
      }
      if (changed.length > 0) {
        throw new PlanError(
          'conflict',
          `Not undone: ${changed.join(', ')} changed after "${entry.title}" was applied; undoing would lose those changes.`,
          { paths: changed },
        );
      }
    }
    await this.writeAll([...entry.files].reverse(), 'before', `undo "${entry.title}"`, entry.planId);
    await this.journal.remove(entry.planId);
    return { planId: entry.planId, title: entry.title, appliedAt: entry.appliedAt, paths: entry.files.map((f) => f.path), operation: entry.operation };
  }

  /** The applied plans that can be undone, newest first. */
  async history(): Promise<AppliedPlan[]> {
    const entries = (await this.journal.entries()).filter((e) => e.status === 'applied');
    return entries.reverse().map((e: JournalEntry) => ({ planId: e.planId, title: e.title, appliedAt: e.appliedAt, paths: e.files.map((f) => f.path), operation: e.operation }));
  }

  /**
   * Finishes what a crash interrupted: a plan journalled as pending is rolled back to its previous
   * bytes. Called before every apply and undo; cheap when there is nothing pending.
   */
  async recover(): Promise<string[]> {
    const restored: string[] = [];
    for (const entry of await this.journal.pending()) {
      for (const f of [...entry.files].reverse()) {
        await this.put(f.path, f.before);
        restored.push(f.path);
      }
      await this.journal.remove(entry.planId);
    }
    return restored;
  }
}
