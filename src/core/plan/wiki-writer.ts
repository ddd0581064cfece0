import { tr } from '../../i18n';
import { confineToFolder, hashBytes, hashText, normalizeVaultPath, stringifyNote } from '../markdown';
import type { TokenUsage } from '../llm/types';
import type { Clock } from '../ports/clock';
import type { StateStore } from '../ports/state-store';
import { isVaultConflict, type VaultPort } from '../ports/vault';
import { isoDate, readArticle, restampArticle } from './article';
import { unifiedDiff } from './line-diff';
import { PlanError } from './plan-error';
import { PlanJournal, type JournalEntry, type JournalFile } from './plan-journal';
import type { AppliedPlan, ChangePlan, FileChange, PlanOperation, PlanProblem, RawAccess } from './types';
import { articleLink, describeUntypedNote, renderWikiIndex, type IndexEntry } from './wiki-index';
import { Mutex, WriterLock, type OwnerAlive, type WriterOwner } from './writer-lock';

export interface WikiWriterOptions {
  vault: VaultPort;
  /** Holds the undo journal. */
  state: StateStore;
  clock: Clock;
  /** Every write is confined to this folder. Default "wiki". A function is read at each use (live settings). */
  wikiFolder?: string | (() => string);
  /** Never written, even if it lies inside the wiki folder. Default "raw". */
  rawFolder?: string | (() => string);
  /**
   * Where "Download images" creates image files (the `attachmentsFolder` setting). Default: the
   * raw folder's "assets". Images a journal names are trusted only inside it or the raw folder.
   */
  attachmentsFolder?: string | (() => string);
  /** Applied plans kept for undo. Default 10. */
  journalSize?: number;
  /** Who this writer is, for the cross-process lock and the journal. Default: a random id, "Scriptorium". */
  owner?: WriterOwner;
  /** Whether another owner's process still runs (CLI: same host and pid alive). */
  isAlive?: OwnerAlive;
  /** Called once when another process holds the writer lock and this writer waits for it. */
  onWait?: (holder: WriterOwner) => void;
  /** Called when recovery finished or rolled back a change a crash interrupted. */
  onRecovered?: (report: RecoveryReport) => void;
  /** Lock timings (tests shorten them). */
  lock?: { leaseMs?: number; timeoutMs?: number; pollMs?: number };
}

/** What recovery did with one interrupted apply or undo. */
export interface RecoveredPlan {
  planId: string;
  title: string;
  /** 'apply': the interrupted apply was rolled back; 'undo': the interrupted undo was completed. */
  kind: 'apply' | 'undo';
  /** Files set back to the bytes recovery aimed for. */
  restored: string[];
  /** Files left as they are because someone changed them after the crash (their text is kept). */
  left: string[];
  /** Files recovery could not write (with the reason); the rest was still recovered. */
  failed: { path: string; reason: string }[];
  /** Every file of the plan, and those it had created (for an undo's report). */
  paths: string[];
  removed: string[];
  operation: PlanOperation;
  appliedAt: number;
}

export interface RecoveryReport {
  plans: RecoveredPlan[];
  /** Journal entries ignored because a path in them is not a wiki path (a crafted or damaged journal). */
  ignored: { planId: string; title: string; path: string }[];
}

/** One paragraph for a notice or the terminal, or null when recovery did nothing worth saying. */
export function describeRecovery(report: RecoveryReport): string | null {
  const lines: string[] = [];
  const list = (items: string[]) => items.join(tr('core.plan.listSeparator'));
  for (const p of report.plans) {
    const n = p.restored.length;
    const parts = [n === 1 ? tr('core.plan.recovery.restoredOne') : tr('core.plan.recovery.restored', { count: n })];
    if (p.left.length) {
      parts.push(p.left.length === 1 ? tr('core.plan.recovery.leftOne', { paths: list(p.left) }) : tr('core.plan.recovery.left', { count: p.left.length, paths: list(p.left) }));
    }
    if (p.failed.length) {
      parts.push(tr('core.plan.recovery.failed', { count: p.failed.length, list: list(p.failed.map((f) => tr('core.plan.recovery.failedItem', { path: f.path, reason: f.reason }))) }));
    }
    if (p.restored.length === 0 && p.left.length === 0 && p.failed.length === 0) continue;
    const joined = parts.join(tr('core.plan.partsSeparator'));
    lines.push(p.kind === 'apply' ? tr('core.plan.recovery.rolledBack', { title: p.title, parts: joined }) : tr('core.plan.recovery.finishedUndo', { title: p.title, parts: joined }));
  }
  for (const i of report.ignored) {
    lines.push(tr('core.plan.recovery.ignored', { title: i.title, path: i.path }));
  }
  return lines.length ? lines.join('\n') : null;
}

/** One file a caller wants written. */
export interface PlannedFile {
  /** Vault path inside the wiki folder, e.g. "wiki/concepts/Dropck.md". Normalised and confined. */
  path: string;
  /** The new text, or null to delete the file (and null for a binary file: see `bytes`). */
  content: string | null;
  /**
   * The bytes of a new binary file (a downloaded image), for a plan with `rawAccess` only: created
   * inside its attachments folder, never over an existing file.
   */
  bytes?: Uint8Array;
  /** The content type of `bytes`, e.g. "image/png". */
  mime?: string;
  /** For `bytes`: the notes of the plan that link to the file (it is written when one of them is). */
  usedBy?: string[];
  /**
   * The file's text the new content was made from (null: it did not exist), when the caller read it
   * earlier. If the file holds something else by the time the plan is made — another Scriptorium
   * process or a person wrote it meanwhile — planning fails with a conflict rather than replacing
   * that newer text with a merge made from the older one.
   */
  basedOn?: string | null;
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
  /**
   * Only for operation 'download-images': the raw notes it may rewrite and the attachments folder
   * it may create images in. The plan then writes nothing else but its log entry.
   */
  rawAccess?: RawAccess;
}

export interface ApplyOptions {
  /** Stops a wait for another process's lock (an apply already writing always finishes or rolls back). */
  signal?: AbortSignal;
  /**
   * The paths to apply (the preview's ticks). Default: every change not awaiting review. The index
   * and the log follow from what is applied and need not be listed.
   */
  selectedPaths?: string[];
  /**
   * Runs after the plan is applied, still holding the writer, for state that must move with the
   * wiki (compile state). Its failure does not undo the plan.
   */
  afterApply?: (applied: AppliedPlan) => Promise<void>;
}

export interface UndoOptions {
  /** Undo even if files changed since the plan was applied (those changes are lost). Default false. */
  force?: boolean;
  signal?: AbortSignal;
}

/**
 * Writes the wiki, always through a {@link ChangePlan}. See `index.ts` for the contract.
 */
export class WikiWriter {
  private readonly vault: VaultPort;
  private readonly clock: Clock;
  private readonly journal: PlanJournal;
  private readonly lock: WriterLock;
  private readonly mutex = new Mutex();
  private readonly options: WikiWriterOptions;
  private sequence = 0;

  constructor(options: WikiWriterOptions) {
    this.options = options;
    this.vault = options.vault;
    this.clock = options.clock;
    this.journal = new PlanJournal({ state: options.state, limit: options.journalSize });
    const owner = options.owner ?? { id: randomId(), label: 'Scriptorium' };
    this.lock = new WriterLock({ state: options.state, owner, isAlive: options.isAlive, onWait: options.onWait, ...options.lock });
  }

  /** The wiki folder, normalised ("wiki"). Follows the settings when given as a function. */
  get wikiFolder(): string {
    const value = this.options.wikiFolder;
    return normalizeVaultPath((typeof value === 'function' ? value() : value) ?? 'wiki');
  }

  /** The raw folder, never written. */
  get rawFolder(): string {
    const value = this.options.rawFolder;
    return normalizeVaultPath((typeof value === 'function' ? value() : value) ?? 'raw');
  }

  /** Where downloaded images go: the setting, else "<raw>/assets". */
  get attachmentsFolder(): string {
    const value = this.options.attachmentsFolder;
    const folder = normalizeVaultPath((typeof value === 'function' ? value() : value) ?? '');
    return folder || `${this.rawFolder}/assets`;
  }

  get indexPath(): string {
    return `${this.wikiFolder}/index.md`;
  }

  get logPath(): string {
    return `${this.wikiFolder}/log.md`;
  }

  /** Who this writer is in the lock and the journal. */
  get owner(): WriterOwner {
    return this.lock.owner;
  }

  /**
   * Runs `work` holding the writer: one at a time in this process (a mutex) and across processes
   * (the lock file shared with the plugin or the CLI). Changes a crashed writer left unfinished are
   * recovered first. Every apply and undo runs inside it; callers use it for state that must change
   * with the wiki (compile state).
   */
  async exclusive<T>(work: (recovered: RecoveryReport) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.mutex.run(async () => {
      await this.lock.acquire(signal);
      try {
        const recovered = await this.recoverHeld();
        return await work(recovered);
      } finally {
        await this.lock.release();
      }
    });
  }

  /** Is `path` one the journal may name: inside the wiki, not raw, not config (index and log allowed)? */
  private journalPathProblem(path: string): string | null {
    if (path === this.indexPath || path === this.logPath) return null;
    const confined = this.confine(path);
    if ('refused' in confined) return confined.refused;
    if (confined.path !== path) return tr('core.plan.why.notCleanWikiPath', { path });
    return null;
  }

  /** The confined vault path for `path`, or a reason it is refused. */
  confine(path: string): { path: string } | { refused: string } {
    const confined = confineToFolder(this.wikiFolder, path);
    const configDir = this.vault.configDir;
    if (confined === null) return { refused: tr('core.plan.why.outsideWiki', { path, folder: this.wikiFolder }) };
    if (this.rawFolder && (confined === this.rawFolder || confined.startsWith(`${this.rawFolder}/`))) {
      return { refused: tr('core.plan.why.inRaw', { path }) };
    }
    if (configDir && (confined === configDir || confined.startsWith(`${configDir}/`))) {
      return { refused: tr('core.plan.why.inConfig', { path }) };
    }
    if (confined === this.indexPath || confined === this.logPath) {
      return { refused: tr('core.plan.why.maintained', { path }) };
    }
    return { path: confined };
  }

  private async readOrNull(path: string): Promise<string | null> {
    if ((await this.vault.stat(path)) === null) return null;
    return this.vault.read(path);
  }

  private async readBytesOrNull(path: string): Promise<Uint8Array | null> {
    if ((await this.vault.stat(path)) === null) return null;
    return this.vault.readBinary(path);
  }

  /** What a journalled file holds now: its bytes for a binary file, else its text; null when absent. */
  private async current(file: { path: string; binary?: unknown }): Promise<Body> {
    return file.binary ? this.readBytesOrNull(file.path) : this.readOrNull(file.path);
  }

  /** Why a raw note may not be rewritten by "Download images", or null: a markdown note inside the raw folder. */
  private rawNoteProblem(path: string): string | null {
    const raw = this.rawFolder;
    if (!raw || confineToFolder(raw, path) !== path) return tr('core.plan.why.notRawNote', { path, folder: raw });
    if (!/\.md$/i.test(path)) return tr('core.plan.why.notMarkdown', { path });
    return null;
  }

  /**
   * Why images may not be created in `folder`, or null: a clean, visible folder that is the
   * attachments folder of the settings or lies inside the raw folder (so its images stay
   * undoable), never inside the wiki or the configuration folder.
   */
  private attachmentsFolderProblem(folder: string): string | null {
    if (folder === '' || normalizeVaultPath(folder) !== folder) return tr('core.plan.why.notCleanFolder', { folder });
    if (folder.split('/').some((segment) => segment.startsWith('.'))) return tr('core.plan.why.hiddenFolder', { folder });
    const configDir = this.vault.configDir;
    if (configDir && (folder === configDir || folder.startsWith(`${configDir}/`))) return tr('core.plan.why.folderInConfig', { folder });
    const wiki = this.wikiFolder;
    if (folder === wiki || folder.startsWith(`${wiki}/`)) return tr('core.plan.why.folderInWiki', { folder });
    const raw = this.rawFolder;
    if (folder === this.attachmentsFolder || (raw && folder.startsWith(`${raw}/`)) || folder === raw) return null;
    return tr('core.plan.why.notAttachmentsFolder', { folder, attachments: this.attachmentsFolder, raw });
  }

  /** Why `path` may not be created as a downloaded image in `folder`, or null. */
  private attachmentProblem(path: string, folder: string): string | null {
    const bad = this.attachmentsFolderProblem(folder);
    if (bad !== null) return bad;
    if (confineToFolder(folder, path) !== path) return tr('core.plan.why.notInAttachments', { path, folder });
    if (!IMAGE_FILE.test(path)) return tr('core.plan.why.notImageName', { path });
    return null;
  }

  /** An image file a download-images journal entry names: trusted inside the attachments folder or the raw folder. */
  private trustedAttachment(path: string): boolean {
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    return this.attachmentProblem(path, folder) === null;
  }

  /** Why a change of a download-images or clip plan must not be written, or null (checked when planning and again when applying). */
  private rawChangeProblem(access: RawAccess, change: FileChange): string | null {
    if (access.clipFolder !== undefined) {
      if (change.binary || change.action !== 'create' || change.before !== null || change.after === null) return tr('core.plan.why.clipCreateOnly', { path: change.path });
      if (confineToFolder(access.clipFolder, change.path) !== change.path) return tr('core.plan.why.notInClipFolder', { path: change.path, folder: access.clipFolder });
      return this.rawNoteProblem(change.path);
    }
    if (change.binary) {
      const bytes = change.afterBytes;
      if (change.action !== 'create' || change.before !== null || change.after !== null) return tr('core.plan.why.createOnly', { path: change.path });
      if (!bytes || bytes.length !== change.binary.size || hashBytes(bytes) !== change.binary.hash) return tr('core.plan.why.bytesDiffer', { path: change.path });
      return this.attachmentProblem(change.path, access.attachments);
    }
    if (!access.notes.includes(change.path)) return tr('core.plan.why.rawNeverWritten', { path: change.path });
    if (change.action !== 'modify' || change.before === null || change.after === null) return tr('core.plan.why.imageLinksOnly', { path: change.path });
    return this.rawNoteProblem(change.path);
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
    const moved: string[] = [];
    const date = isoDate(this.clock.now());
    const access = request.rawAccess ? this.checkRawAccess(request) : undefined;
    for (const file of request.files) {
      if (access) {
        await this.planRawFile(access, file, changes, problems, seen, moved);
        continue;
      }
      if (file.bytes) {
        problems.push({ subject: file.path, message: tr('core.plan.refusedBinary') });
        continue;
      }
      const confined = this.confine(file.path);
      if ('refused' in confined) {
        problems.push({ subject: file.path, message: tr('core.plan.refused', { why: confined.refused }) });
        continue;
      }
      const path = confined.path;
      const linked = await this.linkProblem(path);
      if (linked !== null) {
        problems.push({ subject: path, message: tr('core.plan.refused', { why: linked }) });
        continue;
      }
      if (seen.has(path)) {
        problems.push({ subject: path, message: tr('core.plan.refused', { why: tr('core.plan.why.plannedTwice') }) });
        continue;
      }
      seen.add(path);
      const before = await this.readOrNull(path);
      if (file.basedOn !== undefined && before !== file.basedOn) moved.push(path);
      const after = file.content === null ? null : restampArticle(file.content, undefined);
      if (before === after) continue;
      if (before === null && after === null) continue;
      let needsReview = false;
      let reason = file.reason;
      if (before !== null) {
        const ownership = readArticle(before).ownership;
        if (ownership === 'locked') {
          problems.push({ subject: path, message: tr('core.plan.leftLocked') });
          continue;
        }
        if (ownership === 'edited' || ownership === 'foreign') {
          needsReview = true;
          reason = ownership === 'edited' ? tr('core.plan.reviewEdited', { reason }) : tr('core.plan.reviewForeign', { reason });
        }
      }
      changes.push({ path, action: before === null ? 'create' : after === null ? 'delete' : 'modify', before, after, reason, ...(needsReview ? { needsReview } : {}) });
    }

    if (moved.length > 0) {
      throw new PlanError(
        'conflict',
        moved.length === 1
          ? tr('core.plan.movedOne', { path: moved[0], title: request.title.trim() })
          : tr('core.plan.moved', { count: moved.length, paths: moved.join(tr('core.plan.listSeparator')), title: request.title.trim() }),
        { paths: moved },
      );
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
      ...(access ? { rawAccess: access } : {}),
    };
    if (access) {
      // An image goes with the notes that link to it: none left, no image.
      const notes = new Set(changes.filter((c) => !c.binary).map((c) => c.path));
      const kept = changes.filter((c) => !c.binary || (c.usedBy ?? []).some((p) => notes.has(p)));
      changes.splice(0, changes.length, ...kept);
    }
    const chosen = changes.filter((c) => !c.needsReview);
    if (changes.length > 0) {
      const derived = await this.derivedChanges(planned, chosen.length > 0 ? chosen : changes, date, problems);
      changes.push(...derived);
    }
    planned.id = `${request.operation}-${hashText(`${planned.createdAt}|${++this.sequence}|${changes.map((c) => `${c.path}:${c.binary?.hash ?? hashText(c.after ?? '')}`).join(',')}`).slice(0, 12)}`;
    return planned;
  }

  /** The raw access of a download-images request, checked: its notes raw markdown notes, its folder one images may go in. */
  private checkRawAccess(request: PlanRequest): RawAccess {
    const access = request.rawAccess as RawAccess;
    const refuse = (why: string) => new PlanError('conflict', tr('core.plan.refusedToPlan', { title: request.title.trim(), why }));
    if (request.operation === 'clip') {
      const folder = normalizeVaultPath(access.clipFolder ?? '');
      const raw = this.rawFolder;
      if (folder === '' || confineToFolder(raw, folder) !== folder) throw refuse(tr('core.plan.why.clipFolderOutsideRaw', { folder: access.clipFolder ?? '', raw }));
      if (access.notes.length > 0) throw refuse(tr('core.plan.why.clipRewritesNone'));
      return { notes: [], attachments: '', clipFolder: folder };
    }
    if (request.operation !== 'download-images' || access.clipFolder !== undefined) throw refuse(tr('core.plan.why.rawOnlyImagesAndClip'));
    const attachments = normalizeVaultPath(access.attachments);
    const bad = this.attachmentsFolderProblem(attachments);
    if (bad !== null) throw refuse(tr('core.plan.why.attachmentsUnusable', { problem: bad }));
    const notes = access.notes.map((p) => normalizeVaultPath(p));
    for (const note of notes) {
      const problem = this.rawNoteProblem(note);
      if (problem !== null) throw refuse(problem);
    }
    return { notes, attachments };
  }

  /** One file of a download-images request: a raw note rewritten over the text it was read with, or a new image. */
  private async planRawFile(access: RawAccess, file: PlannedFile, changes: FileChange[], problems: PlanProblem[], seen: Set<string>, moved: string[]): Promise<void> {
    const path = normalizeVaultPath(file.path);
    const refuse = (why: string) => problems.push({ subject: file.path, message: tr('core.plan.refused', { why }) });
    const linked = await this.linkProblem(path);
    if (linked !== null) return void refuse(linked);
    if (seen.has(path)) return void refuse(tr('core.plan.why.plannedTwice'));
    seen.add(path);
    if (access.clipFolder !== undefined) {
      if (file.bytes || file.content === null) return void refuse(tr('core.plan.why.clipNotesOnly'));
      const change: FileChange = { path, action: 'create', before: null, after: file.content, reason: file.reason };
      const problem = this.rawChangeProblem(access, change);
      if (problem !== null) return void refuse(problem);
      if ((await this.vault.stat(path)) !== null) return void refuse(tr('core.plan.why.rawExists', { path }));
      changes.push(change);
      return;
    }
    if (file.bytes) {
      const bytes = file.bytes;
      const change: FileChange = {
        path,
        action: 'create',
        before: null,
        after: null,
        binary: { size: bytes.length, hash: hashBytes(bytes), mime: file.mime ?? 'application/octet-stream' },
        afterBytes: bytes,
        reason: file.reason,
        derived: 'attachment',
        usedBy: (file.usedBy ?? []).map((p) => normalizeVaultPath(p)),
      };
      const problem = this.rawChangeProblem(access, change);
      if (problem !== null) return void refuse(problem);
      const existing = await this.readBytesOrNull(path);
      if (existing !== null) {
        // The same bytes are there already (an earlier download): nothing to write. Other bytes are never replaced.
        if (hashBytes(existing) !== change.binary?.hash) refuse(tr('core.plan.why.otherBytes', { path }));
        return;
      }
      changes.push(change);
      return;
    }
    if (file.content === null) return void refuse(tr('core.plan.why.rawNeverDeleted', { path }));
    if (file.basedOn === undefined || file.basedOn === null) return void refuse(tr('core.plan.why.rawOverReadText', { path }));
    const before = await this.readOrNull(path);
    const change: FileChange = { path, action: 'modify', before, after: file.content, reason: file.reason };
    if (before !== file.basedOn) {
      moved.push(path);
      return;
    }
    const problem = this.rawChangeProblem(access, change);
    if (problem !== null) return void refuse(problem);
    if (before === file.content) return;
    changes.push(change);
  }

  /** A plan that only rebuilds `wiki/index.md` from the articles as they are now (lint's "index drift" fix). */
  async planIndexRebuild(): Promise<ChangePlan> {
    const plan: ChangePlan = { id: '', operation: 'index', title: tr('core.plan.title.rebuildIndex'), createdAt: this.clock.now(), changes: [], problems: [] };
    const index = await this.indexChange([], plan.problems);
    if (index) plan.changes.push(index);
    plan.id = `index-${hashText(`${plan.createdAt}|${++this.sequence}|${index?.after ?? ''}`).slice(0, 12)}`;
    return plan;
  }

  private async derivedChanges(plan: ChangePlan, chosen: FileChange[], date: string, problems: PlanProblem[]): Promise<FileChange[]> {
    const out: FileChange[] = [];
    // "Download images" changes sources, not articles: the index has nothing new to say.
    const index = plan.rawAccess ? null : await this.indexChange(chosen, problems);
    if (index) out.push(index);
    const log = await this.logChange(plan, [...chosen, ...(index ? [index] : [])], date, problems);
    if (log) out.push(log);
    return out;
  }

  /**
   * Every note of the wiki as its frontmatter describes it, with `overlay` changes applied. Notes
   * without a contract type are adopted: typed by their folder (sources, concepts, outputs) or
   * listed as other notes, titled and summarised from what they hold.
   */
  async indexEntries(overlay: FileChange[] = []): Promise<IndexEntry[]> {
    const overrides = new Map(overlay.map((c) => [c.path, c.after]));
    const paths = new Set<string>();
    const wiki = this.wikiFolder;
    for (const f of await this.vault.list()) {
      if (f.path.startsWith(`${wiki}/`) && f.path.toLowerCase().endsWith('.md')) paths.add(f.path);
    }
    for (const c of overlay) if (c.path.toLowerCase().endsWith('.md')) paths.add(c.path);
    const raw = this.rawFolder;
    const entries: IndexEntry[] = [];
    for (const path of [...paths].sort()) {
      if (path === this.indexPath || path === this.logPath) continue;
      if (raw && path.startsWith(`${raw}/`)) continue;
      if (path.split('/').some((segment) => segment.startsWith('.'))) continue;
      let text: string | null;
      try {
        text = overrides.has(path) ? overrides.get(path) ?? null : await this.readOrNull(path);
      } catch {
        continue; // unreadable (a link out of the vault, vanished): not catalogued, lint says why
      }
      if (text === null) continue;
      const info = readArticle(text);
      const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
      if (info.type) {
        entries.push({ path, title: info.title ?? name, summary: info.summary ?? '', type: info.type });
        continue;
      }
      const described = describeUntypedNote(name, info.frontmatter, info.body);
      entries.push({ path, ...described, type: this.folderType(path) ?? 'note' });
    }
    return entries;
  }

  /** The type a note has by its folder alone: wiki/sources, wiki/concepts, wiki/outputs. */
  private folderType(path: string): IndexEntry['type'] | undefined {
    const rest = path.slice(this.wikiFolder.length + 1);
    if (rest.startsWith('sources/')) return 'source';
    if (rest.startsWith('concepts/')) return 'concept';
    if (rest.startsWith('outputs/')) return 'output';
    return undefined;
  }

  private async indexChange(chosen: FileChange[], problems: PlanProblem[]): Promise<FileChange | null> {
    const before = await this.readOrNull(this.indexPath);
    const after = renderWikiIndex(await this.indexEntries(chosen));
    if (before === after) return null;
    if (before !== null) {
      const ownership = readArticle(before).ownership;
      if (ownership === 'locked') {
        problems.push({ subject: this.indexPath, message: tr('core.plan.indexLocked') });
        return null;
      }
      if (ownership !== 'generated') {
        return { path: this.indexPath, action: 'modify', before, after, reason: tr('core.plan.reason.rebuildIndexEdited'), needsReview: true, derived: 'index' };
      }
    }
    return { path: this.indexPath, action: before === null ? 'create' : 'modify', before, after, reason: tr('core.plan.reason.rebuildIndex'), derived: 'index' };
  }

  private async logChange(plan: ChangePlan, applied: FileChange[], date: string, problems: PlanProblem[]): Promise<FileChange | null> {
    const before = await this.readOrNull(this.logPath);
    if (before !== null && readArticle(before).ownership === 'locked') {
      problems.push({ subject: this.logPath, message: tr('core.plan.logLocked') });
      return null;
    }
    const lines = [`## [${date}] ${plan.operation} | ${plan.title}`, ''];
    const listed = applied.filter((c) => !c.derived || c.derived === 'attachment');
    const verb = { create: 'created', modify: 'updated', delete: 'deleted' } as const;
    for (const c of listed.slice(0, 30)) lines.push(`- ${verb[c.action]} ${c.action === 'delete' ? `\`${c.path}\`` : articleLink(c.path)}`);
    if (listed.length > 30) lines.push(`- … and ${listed.length - 30} more`);
    for (const d of plan.logDetails ?? []) lines.push(`- ${d.replace(/\s+/g, ' ').trim()}`);
    const entry = `${lines.join('\n')}\n`;
    const base =
      before ?? stringifyNote({ title: 'Log', summary: 'Append-only record of every change Scriptorium applied to the wiki.', scriptorium: 'generated' }, '# Log\n');
    const after = `${base.replace(/\n*$/, '\n')}\n${entry}`;
    return { path: this.logPath, action: before === null ? 'create' : 'modify', before, after, reason: tr('core.plan.reason.appendLog'), derived: 'log' };
  }

  /** The paths the preview ticks by default: everything that does not await review. */
  defaultSelection(plan: ChangePlan): string[] {
    return plan.changes.filter((c) => !c.needsReview && !c.derived).map((c) => c.path);
  }

  /** A unified diff of one change, for previews and `--dry-run` (one line for a new binary file). */
  diff(change: FileChange, context = 3): string {
    if (change.binary) return tr('core.plan.binaryDiff', { path: change.path, what: describeBinary(change.binary) });
    return unifiedDiff(change.path, change.before, change.after, context);
  }

  /**
   * Applies the selected changes all-or-nothing: refuses if any file changed since the plan was
   * made, journals the previous bytes, writes, and on any failure restores every touched file.
   */
  async apply(plan: ChangePlan, options: ApplyOptions = {}): Promise<AppliedPlan> {
    return this.exclusive(async () => {
      const applied = await this.applyHeld(plan, options);
      if (options.afterApply && applied.paths.length > 0) await options.afterApply(applied);
      return applied;
    }, options.signal);
  }

  private async applyHeld(plan: ChangePlan, options: ApplyOptions): Promise<AppliedPlan> {
    const selected = new Set((options.selectedPaths ?? this.defaultSelection(plan)).map((p) => normalizeVaultPath(p)));
    const chosen = plan.changes.filter((c) => !c.derived && selected.has(c.path));
    const skipped = plan.changes.filter((c) => !c.derived && !selected.has(c.path)).map((c) => c.path);
    // Downloaded images follow the notes chosen: each is written when a note that links to it is.
    const chosenPaths = new Set(chosen.map((c) => c.path));
    const attachments = plan.changes.filter((c) => c.derived === 'attachment' && (c.usedBy ?? []).some((p) => chosenPaths.has(p)));
    const appliedAt = this.clock.now();
    // An index-only plan (planIndexRebuild) holds nothing but its derived index change.
    const indexOnly = plan.operation === 'index' && plan.changes.some((c) => c.derived === 'index' && (!c.needsReview || selected.has(c.path)));
    if (chosen.length === 0 && !indexOnly) {
      return { planId: plan.id, title: plan.title, appliedAt, paths: [], operation: plan.operation, skipped };
    }
    const access = plan.rawAccess;
    for (const c of [...attachments, ...chosen]) {
      // Re-check confinement: a plan may have been built elsewhere or edited in between.
      let refused: string | null;
      if (access) {
        const allowed = plan.operation === 'clip' ? access.clipFolder !== undefined : plan.operation === 'download-images' && access.clipFolder === undefined;
        refused = allowed ? this.rawChangeProblem(access, c) : tr('core.plan.why.rawOnlyImagesAndClip');
      } else if (c.binary) {
        refused = tr('core.plan.why.binaryOnlyImages', { path: c.path });
      } else {
        const confined = this.confine(c.path);
        refused = 'refused' in confined ? confined.refused : confined.path !== c.path ? tr('core.plan.why.notCleanWikiPath', { path: c.path }) : null;
      }
      if (refused !== null) throw new PlanError('conflict', tr('core.plan.refusedToApply', { title: plan.title, why: refused }), { paths: [c.path] });
    }
    const stale: string[] = [];
    for (const c of [...attachments, ...chosen]) {
      if (!same(await this.current(c), c.before)) stale.push(c.path);
    }
    if (stale.length > 0) {
      throw new PlanError(
        'conflict',
        stale.length === 1 ? tr('core.plan.staleOne', { path: stale[0] }) : tr('core.plan.stale', { count: stale.length }),
        { paths: stale },
      );
    }
    const problems: PlanProblem[] = [];
    const wantIndex = plan.changes.some((c) => c.derived === 'index' && (!c.needsReview || selected.has(c.path)));
    const index = wantIndex ? await this.indexChange(chosen, problems) : null;
    const wantLog = plan.changes.some((c) => c.derived === 'log');
    const log = wantLog ? await this.logChange(plan, [...chosen, ...(index ? [index] : [])], isoDate(appliedAt), problems) : null;
    // Images first, so no note ever links to a file not written yet; undo goes the other way.
    const writes = [...attachments, ...chosen, ...(index ? [index] : []), ...(log ? [log] : [])];
    const files: JournalFile[] = writes.map((c) =>
      c.binary ? { path: c.path, before: null, after: null, binary: { hash: c.binary.hash, size: c.binary.size } } : { path: c.path, before: c.before, after: c.after },
    );
    const bytes = new Map(attachments.map((c) => [c.path, c.afterBytes as Uint8Array]));
    try {
      await this.journal.begin({ planId: plan.id, title: plan.title, operation: plan.operation, appliedAt, owner: this.owner, files });
    } catch (error) {
      throw new PlanError('write_failed', tr('core.plan.applyJournalFailed', { title: plan.title, reason: reasonOf(error) }), { cause: error });
    }
    try {
      await this.writeAll(files, 'after', tr('core.plan.what.apply', { title: plan.title }), () => this.journal.commit(plan.id), false, bytes);
    } catch (error) {
      // Rolled back: forget the attempt (if this fails too, recovery finds every file at "before").
      if (error instanceof PlanError && error.kind !== 'rollback_failed') await this.journal.remove(plan.id).catch(() => undefined);
      throw error;
    }
    return { planId: plan.id, title: plan.title, appliedAt, paths: writes.map((c) => c.path), operation: plan.operation, skipped };
  }

  /**
   * Writes each file's `which` text, each only over the text the other side expects (a file
   * someone changed meanwhile is a conflict, not overwritten), then runs `finish` (the journal
   * update). Any failure, `finish` included, restores every touched file to the other side and
   * forgets the attempt; what could not be restored is named, and the journal keeps it for recovery.
   */
  private async writeAll(
    files: JournalFile[],
    which: 'before' | 'after',
    what: string,
    finish: () => Promise<void>,
    force = false,
    bytes: ReadonlyMap<string, Uint8Array> = new Map(),
  ): Promise<void> {
    const other = which === 'after' ? 'before' : 'after';
    // A binary file's "after" is its bytes, held in memory (the journal has only their hash).
    const side = (f: JournalFile, w: 'before' | 'after'): Body => {
      if (!f.binary || w === 'before') return f[w];
      const held = bytes.get(f.path);
      if (!held) throw new Error(`the bytes of "${f.path}" are not at hand`);
      return held;
    };
    // What each file held before this pass touched it: the other side, or — forced past a person's
    // edit — whatever it held then, so a failed pass puts that back and not the plan's text.
    const touched: { file: JournalFile; prior: Body }[] = [];
    try {
      for (const f of files) {
        touched.push({ file: f, prior: force ? await this.current(f) : side(f, other) });
        await this.put(f.path, side(f, which), force ? undefined : side(f, other));
      }
      await finish();
    } catch (error) {
      const failedRestore: string[] = [];
      // Downloaded images and the notes that link to them move together. Rolling back an apply,
      // the notes come first: if one cannot be put back (a full disk), the images stay, or the
      // note would show broken images. Rolling back an undo, the images come first: if one cannot
      // be put back, the notes keep their remote links. The journal keeps what is left as it is,
      // and the next command's recovery finishes it.
      const heldBack: string[] = [];
      const isBinary = (path: string) => files.some((g) => g.path === path && g.binary !== undefined);
      for (const { file: f, prior } of touched.reverse()) {
        try {
          const now = await this.current(f);
          if (same(now, prior)) continue;
          if (!same(now, side(f, which))) continue; // not ours: a conflict left it as the person has it
          if (f.binary ? failedRestore.some((p) => !isBinary(p)) : failedRestore.some(isBinary)) {
            heldBack.push(f.path);
            continue;
          }
          await this.put(f.path, prior, side(f, which), true);
        } catch {
          failedRestore.push(f.path);
        }
      }
      const reason = reasonOf(error);
      if (failedRestore.length > 0) {
        const sep = tr('core.plan.listSeparator');
        const paths = failedRestore.join(sep);
        const held = heldBack.join(sep);
        throw new PlanError(
          'rollback_failed',
          heldBack.length === 0
            ? tr('core.plan.rollbackFailed', { what, reason, paths })
            : heldBack.length === 1
              ? tr('core.plan.rollbackFailedHeldOne', { what, reason, paths, held })
              : tr('core.plan.rollbackFailedHeld', { what, reason, paths, held }),
          { paths: [...failedRestore, ...heldBack], cause: error },
        );
      }
      // Every file is back; the journal entry may still say otherwise, which recovery tolerates.
      throw new PlanError(isVaultConflict(error) ? 'conflict' : 'write_failed', tr('core.plan.writeFailed', { what, reason }), {
        paths: touched.map((t) => t.file.path),
        cause: error,
      });
    }
  }

  /**
   * Why `path` must not be written because a link makes it land elsewhere (in the raw folder, the
   * config folder, outside the wiki), or null. Only vaults that resolve links can say.
   */
  private async linkProblem(path: string): Promise<string | null> {
    if (!this.vault.realPath) return null;
    let real: string;
    try {
      real = await this.vault.realPath(path);
    } catch {
      return null; // the vault refuses the path itself (a link out of the vault), with its own message
    }
    if (real === path) return null;
    const problem = this.journalPathProblem(real);
    return problem === null ? null : tr('core.plan.why.link', { path, real, problem });
  }

  /**
   * Writes (or deletes, for null) `path`, only if it holds `expected` when given. Bytes are only
   * ever created, never written over a file; a binary file is deleted only while it holds the
   * expected bytes.
   */
  private async put(path: string, content: Body, expected?: Body, restoring = false): Promise<void> {
    // A rollback puts back only our own bytes (compared first), so it runs even without the lock.
    if (!restoring) await this.lock.verify();
    const linked = await this.linkProblem(path);
    if (linked !== null) throw new Error(linked);
    if (content === null) {
      if (expected !== undefined) {
        const now = expected instanceof Uint8Array ? await this.readBytesOrNull(path) : await this.readOrNull(path);
        if (now === null) return;
        if (!same(now, expected)) throw new PlanConflict(path);
      }
      await this.vault.delete(path);
    } else if (content instanceof Uint8Array) {
      await this.vault.writeBinary(path, content, { expected: null });
    } else {
      if (expected instanceof Uint8Array) throw new PlanConflict(path);
      await this.vault.write(path, content, expected === undefined ? {} : { expected });
    }
  }

  /**
   * Restores the exact bytes from before the last applied plan and forgets it. Refuses when a
   * file changed since the plan was applied, unless `force`.
   */
  async undo(options: UndoOptions = {}): Promise<AppliedPlan> {
    return this.exclusive(async (recovered) => {
      // An undo that was interrupted (killed, or a full disk) has just been completed: that was the
      // undo asked for before, so this request is answered by it instead of undoing one plan more.
      const finished = recovered.plans.find((p) => p.kind === 'undo' && p.failed.length === 0);
      if (finished) {
        return { planId: finished.planId, title: finished.title, appliedAt: finished.appliedAt, paths: finished.paths, operation: finished.operation, removed: finished.removed, completedInterrupted: true };
      }
      return this.undoHeld(options);
    }, options.signal);
  }

  private async undoHeld(options: UndoOptions): Promise<AppliedPlan> {
    const entry = await this.journal.last();
    if (!entry) throw new PlanError('nothing_to_undo', tr('core.plan.nothingToUndo'));
    // A downloaded image is removed only while it holds the bytes the plan wrote: they are read
    // now, so a failed undo can put it back. One already gone needs nothing.
    const bytes = new Map<string, Uint8Array>();
    const gone = new Set<string>();
    const changed: string[] = [];
    for (const f of entry.files) {
      if (f.binary) {
        const now = await this.readBytesOrNull(f.path);
        if (now === null) gone.add(f.path);
        else if (hashBytes(now) === f.binary.hash) bytes.set(f.path, now);
        else changed.push(f.path);
      } else if ((await this.readOrNull(f.path)) !== f.after) changed.push(f.path);
    }
    if (!options.force) {
      if (changed.length > 0) {
        throw new PlanError(
          'conflict',
          tr('core.plan.notUndone', { paths: changed.join(tr('core.plan.listSeparator')), title: entry.title }),
          { paths: changed },
        );
      }
    }
    try {
      await this.journal.mark(entry.planId, 'undoing', this.owner);
    } catch (error) {
      throw new PlanError('write_failed', tr('core.plan.undoJournalFailed', { title: entry.title, reason: reasonOf(error) }), { cause: error });
    }
    try {
      const files = entry.files.filter((f) => !gone.has(f.path)).reverse();
      await this.writeAll(files, 'before', tr('core.plan.what.undo', { title: entry.title }), () => this.journal.remove(entry.planId), options.force, bytes);
    } catch (error) {
      // Every file is back at its "after" bytes: the plan stays applied (and undoable).
      if (error instanceof PlanError && error.kind !== 'rollback_failed') await this.journal.mark(entry.planId, 'applied').catch(() => undefined);
      throw error;
    }
    return {
      planId: entry.planId,
      title: entry.title,
      appliedAt: entry.appliedAt,
      paths: entry.files.map((f) => f.path),
      operation: entry.operation,
      removed: entry.files.filter((f) => f.before === null).map((f) => f.path),
    };
  }

  /** The applied plans that can be undone, newest first (entries naming paths outside the wiki are not offered). */
  async history(): Promise<AppliedPlan[]> {
    const entries = (await this.journal.entries()).filter((e) => e.status === 'applied' && this.untrustedPath(e) === null);
    return entries.reverse().map((e: JournalEntry) => ({ planId: e.planId, title: e.title, appliedAt: e.appliedAt, paths: e.files.map((f) => f.path), operation: e.operation }));
  }

  private untrustedPath(entry: JournalEntry): string | null {
    for (const f of entry.files) {
      // "Download images" alone may name raw notes (rewritten, never created or deleted) and new images.
      if (entry.operation === 'download-images') {
        if (f.binary ? this.trustedAttachment(f.path) : f.before !== null && f.after !== null && this.rawNoteProblem(f.path) === null) continue;
      }
      // "Clip" alone may name new raw notes (created, so undo only ever removes them).
      if (entry.operation === 'clip' && !f.binary && f.before === null && f.after !== null && this.rawNoteProblem(f.path) === null) continue;
      if (f.binary || this.journalPathProblem(f.path) !== null) return f.path;
    }
    return null;
  }

  /**
   * Finishes what a crash interrupted, holding the writer: rolls back applies and completes undos
   * the journal shows unfinished, touching only files still holding what the interrupted run wrote
   * (text changed since is left and reported), and drops journal entries that name paths outside
   * the wiki. Called at start-up by the plugin and the CLI; apply and undo also call it first.
   */
  async recover(signal?: AbortSignal): Promise<RecoveryReport> {
    let report: RecoveryReport = { plans: [], ignored: [] };
    await this.mutex.run(async () => {
      await this.lock.acquire(signal);
      try {
        report = await this.recoverHeld();
      } finally {
        await this.lock.release();
      }
    });
    return report;
  }

  private async recoverHeld(): Promise<RecoveryReport> {
    const report: RecoveryReport = { plans: [], ignored: [] };
    let entries: JournalEntry[];
    try {
      entries = await this.journal.entries();
    } catch {
      return report;
    }
    for (const entry of entries) {
      const bad = this.untrustedPath(entry);
      if (bad !== null) {
        report.ignored.push({ planId: entry.planId, title: entry.title, path: bad });
        await this.journal.remove(entry.planId).catch(() => undefined);
        continue;
      }
      if (entry.status === 'applied') continue;
      // Holding the lock, no other writer is writing: every unfinished entry was interrupted, even
      // when its owner's pid now belongs to some other live process. (A writer that lost the lock
      // while paused checks it before each write and stops.)
      const kind = entry.status === 'pending' ? 'apply' : 'undo';
      const plan: RecoveredPlan = {
        planId: entry.planId,
        title: entry.title,
        kind,
        restored: [],
        left: [],
        failed: [],
        paths: entry.files.map((f) => f.path),
        removed: entry.files.filter((f) => f.before === null).map((f) => f.path),
        operation: entry.operation,
        appliedAt: entry.appliedAt,
      };
      // Roll an apply back to "before"; take an undo forward to "before" too. Notes go before the
      // images they link to: an image stays while a note still linking to it could not be restored.
      const binary = new Set(entry.files.filter((f) => f.binary).map((f) => f.path));
      for (const f of [...entry.files].reverse()) {
        try {
          const now = await this.current(f);
          if (same(now, f.before)) continue;
          if (f.binary && plan.failed.some((x) => !binary.has(x.path))) {
            plan.failed.push({ path: f.path, reason: tr('core.plan.recovery.keptForNotes') });
            continue;
          }
          // A created image is removed only while it holds the bytes the plan wrote.
          const ours = f.binary ? now instanceof Uint8Array && hashBytes(now) === f.binary.hash : now === f.after;
          if (!ours) {
            plan.left.push(f.path);
            continue;
          }
          await this.put(f.path, f.before, f.binary ? now : f.after);
          plan.restored.push(f.path);
        } catch (error) {
          // A name the disk refuses was never written; anything else is reported, never blocking.
          if ((await this.vault.stat(f.path).catch(() => null)) === null && f.before === null) continue;
          plan.failed.push({ path: f.path, reason: reasonOf(error) });
        }
      }
      if (plan.failed.length === 0) await this.journal.remove(entry.planId).catch(() => undefined);
      report.plans.push(plan);
    }
    if (report.ignored.length || report.plans.some((p) => p.restored.length || p.left.length || p.failed.length)) this.options.onRecovered?.(report);
    return report;
  }
}

/** What a file holds as the writer moves it: text, bytes (a downloaded image), or nothing. */
type Body = string | Uint8Array | null;

/** Image file names "Download images" may create. */
const IMAGE_FILE = /\.(png|jpe?g|gif|webp|avif|svg|bmp|ico|tiff?)$/i;

function same(a: Body, b: Body): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** "new image, 34 KB (image/png)" */
export function describeBinary(binary: { size: number; mime: string }): string {
  const size =
    binary.size < 1024
      ? tr('core.plan.size.bytes', { count: binary.size })
      : binary.size < 1024 * 1024
        ? `${Math.round(binary.size / 1024)} KB`
        : `${(binary.size / (1024 * 1024)).toFixed(1)} MB`;
  return binary.mime.startsWith('image/') ? tr('core.plan.newImage', { size }) : tr('core.plan.newFile', { size });
}

/** A deletion refused because the file no longer held the expected text. */
class PlanConflict extends Error {
  readonly code = 'EVAULTCONFLICT';
  constructor(path: string) {
    super(tr('core.plan.changedWhileWriting', { path }));
  }
}

/** The error's message as a clause: messages that end a sentence lose their final full stop. */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*[.。]+\s*$/, '');
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
