import { tr } from '../../i18n';
import { LlmError, type LlmClient, type ReplyShape } from '../llm';
import { addUsage, emptyUsage, type TokenUsage } from '../llm/types';
import { basename, basenameNoExt, hashText, normalizeVaultPath, sanitizeFileName, utf8Length } from '../markdown';
import { isoDate, readArticle, renderArticle, WikiWriter, type AppliedPlan, type ApplyOptions, type ChangePlan, type PlanProblem } from '../plan';
import { editedParts } from '../plan/article';
import type { ChatImage, ChatMessage } from '../llm/types';
import type { Clock } from '../ports/clock';
import { noProgress, type ProgressReporter } from '../ports/progress';
import type { StateStore } from '../ports/state-store';
import type { VaultPort } from '../ports/vault';
import type { VaultSearch } from '../search/types';
import { describeFolderProblem, validateFolders, type FolderProblem } from '../settings';
import { cleanModelBody, conceptBody, linkPages, normaliseLinks, splitConceptBody, summaryBody, withoutSource, withSourceLine } from './article-bodies';
import { CompileState, type CompiledSource } from './compile-state';
import { EXTRACTION_REPLY, mergeReply, type ExtractedConcept, type SourceExtraction } from './extraction';
import { KeyedLock } from './keyed-lock';
import { checkLoss, describeLosses } from './loss-check';
import { applyMergeOperations, MERGE_OPERATIONS_REPLY, mergeView } from './merge-ops';
import { extractionMessages, mergeMessages, mergeOperationsMessages, PROMPT_OVERHEAD_TOKENS, type CandidateArticle } from './prompts';
import { roughTokens, splitIntoParts } from './source-reader';
import { currentHash, imageMime, imageMimeOfBytes, imageSize, imageSizeProblem, isDefect, readerForFile, toBase64, sourceUnits, supportedExtensions, unitFor, unsupportedReason, type SkippedFile, type SourceDocument, type SourceEngines, type SourceKind, type SourceUnit } from '../sources';
import type { VaultFileStat } from '../ports/vault';
import { conceptKey, WikiCatalog } from './wiki-catalog';

export interface CompilerOptions {
  vault: VaultPort;
  state: StateStore;
  clock: Clock;
  /** The model client, or a function making it on first use (so an up-to-date run needs no endpoint). */
  llm: LlmClient | (() => LlmClient);
  /** Folders and budgets; read once per run. */
  settings: {
    rawFolder: string;
    wikiFolder: string;
    contextTokens: number;
    maxConcurrentRequests: number;
    /** Largest raw note sent to the model, in KB; 0 or absent = no limit. */
    maxSourceKB?: number;
    /**
     * Where notes' images are kept (default "<raw>/assets"): images there are read with the notes
     * that show them, not compiled one by one, unless named on purpose.
     */
    attachmentsFolder?: string;
    /** Whether images go to the model ('auto' when absent); the client decides, this is for estimates. */
    vision?: 'auto' | 'on' | 'off';
  };
  /** The vault index, when one is running: finds candidate articles beyond exact titles and aliases. */
  search?: VaultSearch;
  /** Shared writer (so the plugin has one journal); built from the other options when absent. */
  writer?: WikiWriter;
  /** Shared compile state (so the editor badge sees updates); built from `state` when absent. */
  compileState?: CompileState;
  /** Platform tools for source readers (PDF text, HTML to markdown); a kind whose tool is missing is reported per file. */
  engines?: SourceEngines;
}

/** What a compile would read: its sources by path, and files left out with why. */
export interface ListedSources {
  paths: string[];
  problems: PlanProblem[];
  units: Map<string, SourceUnit>;
  /** Every file of the vault outside the wiki and config folders, listed once for the run. */
  files: VaultFileStat[];
  skipped: SkippedFile[];
}

export interface CompileOptions {
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Compile even sources that are up to date. Default false. */
  force?: boolean;
}

export type SourceStatus = 'compiled' | 'up-to-date' | 'failed';

export interface SourceOutcome {
  path: string;
  /** What kind of source it is (note, pdf, image, dataset, repository, web-page). */
  kind?: SourceKind;
  status: SourceStatus;
  hash?: string;
  /** Summary path and concept paths it produced (compiled) or produced last time (up-to-date). */
  summary?: string;
  concepts?: string[];
  error?: string;
  usage?: TokenUsage;
  modelCalls?: number;
  /** Things the plan should say about this source (e.g. a locked article still citing it). */
  problems?: PlanProblem[];
}

export interface CompileRun {
  plan: ChangePlan;
  sources: SourceOutcome[];
  /** Files of kinds Scriptorium does not compile, found in the folders asked for. */
  skipped: SkippedFile[];
  usage: TokenUsage;
  modelCalls: number;
}

export interface CompileEstimate {
  /** Every markdown source considered. */
  total: number;
  /** Sources that would be sent to the model. */
  toCompile: string[];
  upToDate: string[];
  /** Sources that cannot be compiled (empty, binary, broken frontmatter, too big, unreadable). */
  problems: PlanProblem[];
  /** Files of kinds Scriptorium does not compile, found in the folders asked for. */
  skipped: SkippedFile[];
  /** Images that would go to the model (when it can see), counted in the prompt tokens. */
  images: number;
  /**
   * Model calls the run will likely make: one per part the context budget cuts each source into,
   * plus one merge per existing concept article it probably touches.
   */
  modelCalls: number;
  /** Rough prompt and completion tokens (4 characters a token); merges are guessed from likely concepts. */
  promptTokens: number;
  completionTokens: number;
  /** The source needing the most model calls, when any source is to be compiled. */
  largest?: { path: string; modelCalls: number; promptTokens: number };
}

/** A run above any of these asks first (Obsidian: a dialog; CLI: a prompt on a terminal, else --yes). */
export const CONFIRM_ABOVE = { sources: 10, modelCalls: 25, promptTokens: 150_000 } as const;

/**
 * Why a run needs a person's go-ahead before it spends anything (a sentence with the numbers), or
 * null when it is small enough to just run. Counts model calls and prompt tokens, not only notes:
 * one huge note can cost thousands of calls.
 */
export function costConfirmation(e: CompileEstimate): string | null {
  const over = limitsPassed(e);
  return over.length === 0 ? null : tr('core.compile.confirmation', { estimate: describeEstimate(e), limits: over.join(tr('core.compile.limit.and')) });
}

/** Which of {@link CONFIRM_ABOVE} a run passes: "more than 25 model calls", … (empty: none). */
export function limitsPassed(e: CompileEstimate): string[] {
  const over: string[] = [];
  if (e.toCompile.length > CONFIRM_ABOVE.sources) over.push(tr('core.compile.limit.sources', { count: CONFIRM_ABOVE.sources }));
  if (e.modelCalls > CONFIRM_ABOVE.modelCalls) over.push(tr('core.compile.limit.modelCalls', { count: CONFIRM_ABOVE.modelCalls }));
  if (e.promptTokens > CONFIRM_ABOVE.promptTokens) over.push(tr('core.compile.limit.promptTokens', { count: CONFIRM_ABOVE.promptTokens.toLocaleString('en') }));
  return over;
}

/** "About 3,270 model calls and ~13,080,000 prompt tokens for 1 source (raw/x.md alone: 3,270 calls)". */
export function describeEstimate(e: CompileEstimate): string {
  const n = e.toCompile.length;
  const largest = e.largest && n > 1 && e.largest.modelCalls > 1 ? tr('core.compile.estimate.largest', { path: e.largest.path, count: e.largest.modelCalls.toLocaleString('en') }) : '';
  const parts = e.largest && n === 1 && e.largest.modelCalls > 1 ? tr('core.compile.estimate.part', { path: e.largest.path }) : '';
  const count = e.modelCalls.toLocaleString('en');
  return tr('core.compile.estimate', {
    calls: e.modelCalls === 1 ? tr('core.compile.modelCallsOne', { count }) : tr('core.compile.modelCalls', { count }),
    prompt: e.promptTokens.toLocaleString('en'),
    completion: e.completionTokens.toLocaleString('en'),
    sources: n === 1 ? tr('core.compile.sourcesOne', { count: n }) : tr('core.compile.sources', { count: n }),
    detail: `${parts}${largest}`,
  });
}

/** Thrown before any model call when the folder settings cannot be used. Nothing was read or written. */
export class CompileSettingsError extends Error {
  readonly problem: FolderProblem;

  constructor(problem: FolderProblem) {
    super(describeFolderProblem(problem));
    this.name = 'CompileSettingsError';
    this.problem = problem;
  }
}

/** Where one raw note stands, for the editor badge. */
export interface NoteCompileStatus {
  state: 'never' | 'compiled' | 'changed';
  summary?: string;
  concepts?: string[];
  compiledAt?: number;
}

/** At most this many images of one source go to the model, each at most this big. */
const MAX_IMAGES = 8;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** What one image costs in prompt tokens, roughly (a high-detail image at common endpoints). */
const IMAGE_TOKENS = 800;

// Failures that would hit every other source too: stop the run rather than repeat them.
const FATAL: ReadonlySet<string> = new Set(['auth', 'connection', 'model_not_found', 'aborted']);

type CatalogInfo = Parameters<WikiCatalog['put']>[1];

interface Draft {
  content: string;
  reasons: string[];
}

/** Per-run working set shared by the concurrent source workers. */
interface RunContext {
  catalog: WikiCatalog;
  listed: ListedSources;
  drafts: Map<string, Draft>;
  /**
   * The text each drafted file had on disk when this run first read it (null: absent). The plan
   * carries it, so a file another process wrote meanwhile is a conflict, not silently replaced by
   * a merge made from its older text.
   */
  bases: Map<string, string | null>;
  /** Summary paths taken by a raw note in this run. */
  summaryOwners: Map<string, string>;
  locks: KeyedLock;
  /**
   * `turns[i]` resolves once source i has resolved its paths and taken its locks. Source i waits
   * for turn i-1 first, so shared articles see sources in a fixed order (same input, same wiki)
   * while model calls still overlap.
   */
  turns: { promise: Promise<void>; done: () => void }[];
  signal: AbortSignal;
  date: string;
}

function turn(): { promise: Promise<void>; done: () => void } {
  let done: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    done = resolve;
  });
  return { promise, done };
}

/**
 * Raw notes → a change plan: a source summary per note, concept articles created or merged, links
 * both ways; `apply` writes it through the {@link WikiWriter} and records compile state.
 */
export class Compiler {
  readonly writer: WikiWriter;
  readonly compileState: CompileState;
  private readonly vault: VaultPort;
  private readonly clock: Clock;
  private readonly llmSource: LlmClient | (() => LlmClient);
  private llmValue: LlmClient | undefined;
  private readonly search: VaultSearch | undefined;
  private readonly rawFolder: string;
  private readonly wikiFolder: string;
  private readonly contextTokens: number;
  private readonly concurrency: number;
  private readonly maxSourceBytes: number;
  private readonly folderProblem: FolderProblem | null;
  private readonly engines: SourceEngines;
  private readonly attachmentsFolder: string;
  private readonly vision: 'auto' | 'on' | 'off';

  constructor(options: CompilerOptions) {
    this.vault = options.vault;
    this.engines = options.engines ?? {};
    // Checked on the folders as given, before normalising ("a/ .. / .. /x" must not become "../x").
    this.folderProblem = validateFolders(options.settings, options.vault.configDir);
    this.maxSourceBytes = Math.max(0, options.settings.maxSourceKB ?? 0) * 1024;
    this.clock = options.clock;
    this.llmSource = options.llm;
    this.search = options.search;
    this.rawFolder = normalizeVaultPath(options.settings.rawFolder);
    this.wikiFolder = normalizeVaultPath(options.settings.wikiFolder);
    this.vision = options.settings.vision ?? 'auto';
    this.attachmentsFolder = normalizeVaultPath(options.settings.attachmentsFolder ?? `${this.rawFolder}/assets`);
    this.contextTokens = options.settings.contextTokens;
    this.concurrency = Math.max(1, Math.min(16, options.settings.maxConcurrentRequests));
    this.writer = options.writer ?? new WikiWriter({ vault: options.vault, state: options.state, clock: options.clock, wikiFolder: this.wikiFolder, rawFolder: this.rawFolder });
    this.compileState = options.compileState ?? new CompileState({ state: options.state });
  }

  private get llm(): LlmClient {
    this.llmValue ??= typeof this.llmSource === 'function' ? this.llmSource() : this.llmSource;
    return this.llmValue;
  }

  /**
   * The sources to compile: the given files and folders (default the raw folder), outside the wiki
   * and config folders. A folder a folder kind claims (a repository) is one source, known by its
   * anchor file. Explicitly named files that cannot be compiled are problems; files of kinds no
   * reader takes, found in a folder, are listed as skipped with the reason.
   */
  async listSources(paths?: string[]): Promise<ListedSources> {
    if (this.folderProblem) throw new CompileSettingsError(this.folderProblem);
    const files = (await this.vault.list()).filter((f) => !this.isOwnFile(f.path));
    const wanted = (paths && paths.length ? paths : [this.rawFolder]).map((p) => normalizeVaultPath(p));
    const units = new Map<string, SourceUnit>();
    const skipped = new Map<string, SkippedFile>();
    const problems: PlanProblem[] = [];
    for (const want of wanted) {
      if (this.isOwnFile(want) && want !== '') {
        problems.push({ subject: want, message: tr('core.compile.inWiki', { folder: this.rawFolder }) });
        continue;
      }
      const exact = files.find((f) => f.path === want);
      if (exact) {
        const unit = unitFor(want, files, this.rawFolder);
        if (unit) units.set(unit.path, unit);
        else problems.push({ subject: want, message: unsupportedReason(want) });
        continue;
      }
      const found = sourceUnits(files, want, (p) => this.isAttachedImage(p));
      if (found.units.length === 0) problems.push({ subject: want, message: await this.whyNotListed(want) });
      for (const u of found.units) units.set(u.path, u);
      for (const f of found.skipped) skipped.set(f.path, f);
    }
    for (const p of units.keys()) skipped.delete(p);
    return { paths: [...units.keys()].sort(), problems, units, files, skipped: [...skipped.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
  }

  /** Why a path named on purpose is not among the vault's sources: the adapter's refusal when it has one. */
  private async whyNotListed(path: string): Promise<string> {
    if (!readerForFile(path)) return tr('core.compile.nothingThere', { extensions: supportedExtensions().join(tr('core.plan.listSeparator')) });
    try {
      await this.vault.read(path);
      return tr('core.compile.notVaultNote');
    } catch (error) {
      const code = error && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
      return code === 'ENOENT' || !code ? tr('core.compile.noNote') : unreadable(error);
    }
  }

  /** An image in the attachments folder: part of the notes that embed it. */
  private isAttachedImage(path: string): boolean {
    return this.attachmentsFolder !== '' && path.startsWith(`${this.attachmentsFolder}/`) && imageMime(path) !== undefined;
  }

  private isOwnFile(path: string): boolean {
    return path === this.wikiFolder || path.startsWith(`${this.wikiFolder}/`) || path.startsWith(`${this.vault.configDir}/`);
  }

  /** Whether `rawPath` with content hash `hash` is compiled and its summary still says so. */
  private async upToDate(rawPath: string, hash: string, catalog: WikiCatalog): Promise<CompiledSource | undefined> {
    const recorded = await this.compileState.get(rawPath);
    const summaries = catalog.summariesOf(rawPath);
    const summary = (recorded && summaries.find((s) => s.path === recorded.summary)) ?? summaries[0];
    if (!summary || summary.sourceHashes[rawPath] !== hash) return undefined;
    if (recorded && recorded.hash === hash && recorded.summary === summary.path) return recorded;
    // State lost or stale, but the wiki's own frontmatter says this content was compiled.
    const concepts = catalog.entries().filter((e) => e.type === 'concept' && e.sources.includes(rawPath)).map((e) => e.path);
    return { hash, summary: summary.path, concepts, compiledAt: 0 };
  }

  /**
   * For a source hashed by its bytes (PDF, image, dataset): up to date, known without parsing it.
   * Notes are cheap to read anyway; repositories are hashed by reading them.
   */
  private async unchangedByHash(unit: SourceUnit, listed: ListedSources, catalog: WikiCatalog): Promise<CompiledSource | undefined> {
    if (unit.kind === 'note' || unit.kind === 'repository' || catalog.summariesOf(unit.path).length === 0) return undefined;
    const hash = await currentHash(unit, { vault: this.vault, files: listed.files, engines: this.engines, budgetTokens: this.partBudget() });
    return hash === undefined ? undefined : this.upToDate(unit.path, hash, catalog);
  }

  /** How many sources a compile would send and roughly how many tokens; no model call. */
  async estimate(paths?: string[], options: { force?: boolean } = {}): Promise<CompileEstimate> {
    const listed = await this.listSources(paths);
    const catalog = await WikiCatalog.load(this.vault, this.wikiFolder);
    const estimate: CompileEstimate = { total: listed.paths.length, toCompile: [], upToDate: [], problems: [...listed.problems], skipped: listed.skipped, images: 0, modelCalls: 0, promptTokens: 0, completionTokens: 0 };
    for (const path of listed.paths) {
      const unit = listed.units.get(path);
      if (!unit) continue;
      if (!options.force && (await this.unchangedByHash(unit, listed, catalog))) {
        estimate.upToDate.push(path);
        continue;
      }
      const loaded = await this.loadSource(unit, listed, catalog);
      if ('problem' in loaded) {
        // A big note compiled before the limit (or before it was lowered) is simply unchanged.
        if (!options.force && loaded.hash && (await this.upToDate(path, loaded.hash, catalog))) estimate.upToDate.push(path);
        else estimate.problems.push({ subject: path, message: loaded.problem });
        continue;
      }
      const { source, hash } = loaded;
      if (!options.force && (await this.upToDate(path, hash, catalog))) {
        estimate.upToDate.push(path);
        continue;
      }
      estimate.toCompile.push(path);
      // The same parts compile will cut the source into: one extraction call each.
      const parts = splitIntoParts(source.body, this.partBudget());
      let calls = parts.length;
      let prompt = parts.reduce((n, p) => n + roughTokens(p) + PROMPT_OVERHEAD_TOKENS + 150, 0);
      // Images go with the first part, each costing about what a high-detail tile set does.
      const images = this.wouldSendImages() ? this.sendableImages(source).length : 0;
      estimate.images += images;
      prompt += images * IMAGE_TOKENS;
      estimate.completionTokens += parts.length * 700;
      const merges = catalog.mentionedIn(`${source.title}\n${source.body}`, 8);
      for (const m of merges) {
        const size = (await this.vault.stat(m.path).catch(() => null))?.size ?? 2000;
        calls++;
        prompt += PROMPT_OVERHEAD_TOKENS + Math.ceil(size / 4) + 200;
        estimate.completionTokens += Math.ceil(size / 4) + 150;
      }
      estimate.modelCalls += calls;
      estimate.promptTokens += prompt;
      if (!estimate.largest || calls > estimate.largest.modelCalls) estimate.largest = { path, modelCalls: calls, promptTokens: prompt };
    }
    return estimate;
  }

  /**
   * A source read and parsed by its kind's reader, or why it cannot be compiled: vanished, over
   * the size limit (a note is not even read), unreadable (the reason the vault gave), binary, not
   * UTF-8, empty, broken frontmatter, a PDF without text. One bad source is a problem of its own,
   * never the end of the run.
   */
  private async loadSource(unit: SourceUnit, listed: ListedSources, catalog: WikiCatalog, signal?: AbortSignal): Promise<{ source: SourceDocument; hash: string } | { problem: string; hash?: string }> {
    const path = unit.path;
    const limit = (size: number) =>
      unit.kind === 'note'
        ? tr('core.compile.tooLargeNote', { size: formatSize(size), limit: formatSize(this.maxSourceBytes) })
        : tr('core.compile.tooLarge', { kind: kindName(unit.reader.kind, unit.reader.label), size: formatSize(size), limit: formatSize(this.maxSourceBytes) });
    try {
      const stat = await this.vault.stat(path);
      if (stat === null) return { problem: vanished() };
      if (unit.kind === 'note' && this.maxSourceBytes > 0 && stat.size > this.maxSourceBytes) {
        // Read (never sent) only when the wiki says it was compiled: it may be unchanged since.
        const compiledBefore = catalog.summariesOf(path).length > 0;
        return { ...(compiledBefore ? { hash: hashText(await this.vault.read(path)) } : {}), problem: limit(stat.size) };
      }
      const doc = await unit.reader.read(unit.folder ?? path, { vault: this.vault, files: listed.files, engines: this.engines, budgetTokens: this.partBudget(), signal });
      if (isDefect(doc)) return { problem: doc.message, ...(doc.hash ? { hash: doc.hash } : {}) };
      const source: SourceDocument = { ...doc, path, ...(unit.folder ? { folder: unit.folder } : {}) };
      const bytes = utf8Length(source.body);
      if (unit.kind !== 'note' && this.maxSourceBytes > 0 && bytes > this.maxSourceBytes) return { problem: limit(bytes), hash: source.hash };
      return { source, hash: source.hash };
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      return { problem: unreadable(error) };
    }
  }

  /** Whether images would go to the model (vision on, or auto and not refused); false when no model is configured. */
  private wouldSendImages(): boolean {
    // Before the first call the client may not exist yet (the CLI makes it only when needed).
    const client = this.llmValue ?? (typeof this.llmSource === 'function' ? undefined : this.llmSource);
    return client ? client.sendsImages() : this.vision !== 'off';
  }

  /** The local images of a source the model may be shown, capped in number; remote ones are never fetched. */
  private sendableImages(source: SourceDocument): { path: string; alt: string }[] {
    const out: { path: string; alt: string }[] = [];
    for (const image of source.images ?? []) {
      if (image.path && imageMime(image.path) && out.length < MAX_IMAGES) out.push({ path: image.path, alt: image.alt });
    }
    return out;
  }

  /**
   * The source's images as data URLs, when the model may see them (the client drops them again
   * for an endpoint that refuses images). An image over the size cap or unreadable is left out.
   */
  private async loadImages(source: SourceDocument, ctx: RunContext): Promise<ChatImage[]> {
    const wanted = this.sendableImages(source);
    if (wanted.length === 0 || !this.llm.sendsImages()) return [];
    const out: ChatImage[] = [];
    for (const image of wanted) {
      if (ctx.signal.aborted) throw cancelled();
      const stat = await this.vault.stat(image.path).catch(() => null);
      if (!stat || stat.size > MAX_IMAGE_BYTES) continue;
      try {
        const bytes = await this.vault.readBinary(image.path);
        const size = imageSize(bytes);
        // Not an image after all, or one whose header claims a size no model should be sent.
        if (!size || imageSizeProblem(size)) continue;
        // The type the bytes say (a JPEG named .png is sent as a JPEG): an endpoint that checks would refuse a wrong one.
        const mime = imageMimeOfBytes(bytes) ?? imageMime(image.path) ?? 'image/png';
        out.push({ url: `data:${mime};base64,${toBase64(bytes)}`, alt: image.alt || basename(image.path) });
      } catch {
        // Unreadable now: the summary still lists it.
      }
    }
    return out;
  }

  private partBudget(): number {
    // Leave room in the context for instructions, candidates and the reply.
    return Math.max(500, Math.floor(this.contextTokens * 0.75) - PROMPT_OVERHEAD_TOKENS);
  }

  /** Where a raw note stands, from compile state and the note's current text; no model call. */
  async status(rawPath: string, text: string): Promise<NoteCompileStatus> {
    const recorded = await this.compileState.get(rawPath);
    if (!recorded) return { state: 'never' };
    const base = { summary: recorded.summary, concepts: recorded.concepts, compiledAt: recorded.compiledAt };
    return { state: recorded.hash === hashText(text) ? 'compiled' : 'changed', ...base };
  }

  /**
   * Compiles the sources into one change plan without writing anything. Up-to-date sources cost
   * no model call. A failing source is reported while the others continue; a cancelled run, or
   * one whose endpoint is unreachable, throws and plans nothing.
   */
  async compile(paths?: string[], options: CompileOptions = {}): Promise<CompileRun> {
    const progress = options.progress ?? noProgress;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw cancelled();
      const listed = await this.listSources(paths);
      const catalog = await WikiCatalog.load(this.vault, this.wikiFolder);
      const ctx: RunContext = {
        catalog,
        listed,
        drafts: new Map(),
        bases: new Map(),
        summaryOwners: new Map(),
        locks: new KeyedLock(),
        turns: listed.paths.map(() => turn()),
        signal: stop.signal,
        date: isoDate(this.clock.now()),
      };
      const outcomes: SourceOutcome[] = new Array<SourceOutcome>(listed.paths.length);
      const problems: PlanProblem[] = [...listed.problems];
      const total = listed.paths.length;
      let done = 0;
      let fatal: LlmError | undefined;
      progress({ done: 0, total, message: total === 1 ? tr('core.compile.progress.startOne') : tr('core.compile.progress.start', { count: total }) });
      let next = 0;
      const worker = async () => {
        while (next < listed.paths.length && fatal === undefined) {
          const i = next++;
          const path = listed.paths[i];
          try {
            outcomes[i] = await this.compileOne(path, i, ctx, options.force === true);
          } catch (error) {
            if (error instanceof LlmError && FATAL.has(error.kind)) {
              fatal ??= error;
              stop.abort();
              return;
            }
            outcomes[i] = { path, status: 'failed', error: describe(error) };
          } finally {
            ctx.turns[i].done();
          }
          done++;
          progress({ done, total, message: outcomeLine(outcomes[i], path), ...(outcomes[i]?.status === 'up-to-date' ? { idle: true } : {}) });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, Math.max(1, total)) }, worker));
      if (options.signal?.aborted) throw cancelled();
      if (fatal !== undefined) throw fatal.kind === 'aborted' ? cancelled() : fatal;
      const usage = emptyUsage();
      let modelCalls = 0;
      for (const o of outcomes) {
        if (o.usage) addUsage(usage, o.usage);
        modelCalls += o.modelCalls ?? 0;
        if (o.status === 'failed') problems.push({ subject: o.path, message: o.error ?? tr('core.compile.failed') });
        if (o.status === 'compiled' && o.problems) problems.push(...o.problems);
      }
      const compiled = outcomes.filter((o) => o.status === 'compiled');
      const failed = outcomes.filter((o) => o.status === 'failed');
      const title = compiled.length === 1 ? tr('core.compile.title.one', { name: basenameNoExt(compiled[0].path) }) : tr('core.compile.title', { count: compiled.length });
      const logDetails = [
        tr('core.compile.log.counts', {
          compiled: compiled.length,
          unchanged: outcomes.length - compiled.length - failed.length,
          failed: failed.length,
          calls: modelCalls,
          prompt: usage.promptTokens,
          completion: usage.completionTokens,
        }),
        ...failed.map((o) => tr('core.compile.log.failed', { path: o.path, error: o.error ?? '' })),
      ];
      const files = [...ctx.drafts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([path, d]) => ({ path, content: d.content, reason: d.reasons.join(tr('core.compile.reason.separator')), ...(ctx.bases.has(path) ? { basedOn: ctx.bases.get(path) ?? null } : {}) }));
      const plan = await this.writer.plan({ operation: 'compile', title, files, problems, usage, logDetails });
      return { plan, sources: outcomes, skipped: listed.skipped, usage, modelCalls };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Applies a run's plan and records compile state for the sources whose summary was written. */
  async apply(run: CompileRun, options: ApplyOptions = {}): Promise<AppliedPlan> {
    // Compile state is recorded under the writer lock, so two processes never lose each other's entries.
    return this.writer.apply(run.plan, {
      ...options,
      afterApply: async (applied) => {
        const written = new Set(applied.paths);
        const entries: Record<string, CompiledSource> = {};
        for (const o of run.sources) {
          if (o.status !== 'compiled' || !o.summary || !o.hash || !written.has(o.summary)) continue;
          entries[o.path] = { hash: o.hash, summary: o.summary, concepts: o.concepts ?? [], compiledAt: applied.appliedAt };
        }
        if (Object.keys(entries).length > 0) await this.compileState.record(entries);
      },
    });
  }

  /** Undoes the last applied plan; compile state heals itself from the wiki's frontmatter. */
  async undo(): Promise<AppliedPlan> {
    return this.writer.undo();
  }

  private async compileOne(path: string, index: number, ctx: RunContext, force: boolean): Promise<SourceOutcome> {
    const kind = ctx.listed.units.get(path)?.kind;
    return { ...(await this.compileUnit(path, index, ctx, force)), ...(kind ? { kind } : {}) };
  }

  private async compileUnit(path: string, index: number, ctx: RunContext, force: boolean): Promise<SourceOutcome> {
    if (ctx.signal.aborted) throw cancelled();
    const unit = ctx.listed.units.get(path);
    if (!unit) return { path, status: 'failed', error: vanished() };
    const unchanged = force ? undefined : await this.unchangedByHash(unit, ctx.listed, ctx.catalog);
    if (unchanged) return { path, status: 'up-to-date', hash: unchanged.hash, summary: unchanged.summary, concepts: unchanged.concepts };
    const loaded = await this.loadSource(unit, ctx.listed, ctx.catalog, ctx.signal);
    if ('problem' in loaded) {
      const current = !force && loaded.hash ? await this.upToDate(path, loaded.hash, ctx.catalog) : undefined;
      if (current) return { path, status: 'up-to-date', hash: loaded.hash, summary: current.summary, concepts: current.concepts };
      return { path, status: 'failed', error: loaded.problem };
    }
    const { source, hash } = loaded;
    if (!force) {
      const current = await this.upToDate(path, hash, ctx.catalog);
      if (current) return { path, status: 'up-to-date', hash, summary: current.summary, concepts: current.concepts };
    }
    const usage = emptyUsage();
    let modelCalls = 0;
    const ask = async <T>(messages: ChatMessage[], reply: ReplyShape<T>): Promise<T> => {
      modelCalls++;
      try {
        const { value, usage: used } = await this.llm.json({ messages, temperature: 0.2, signal: ctx.signal }, reply);
        addUsage(usage, used);
        return value;
      } catch (error) {
        if (ctx.signal.aborted) throw cancelled();
        throw error;
      }
    };
    try {
      return { ...(await this.draftSource(source, index, ctx, ask)), usage, modelCalls };
    } catch (error) {
      if (error instanceof LlmError && FATAL.has(error.kind)) throw error;
      return { path, status: 'failed', hash, error: describe(error), usage, modelCalls };
    }
  }

  /** One source's summary and concept drafts, staged and committed to the run only when all succeed. */
  private async draftSource(
    source: SourceDocument,
    index: number,
    ctx: RunContext,
    ask: <T>(messages: ChatMessage[], reply: ReplyShape<T>) => Promise<T>,
  ): Promise<SourceOutcome> {
    const { path, hash } = source;
    // 1. Read the source in parts (one in the usual case) and combine what the model found.
    const candidates = await this.candidates(source, ctx.catalog);
    const parts = source.paged ? carryPageMarkers(splitIntoParts(source.body, this.partBudget())) : splitIntoParts(source.body, this.partBudget());
    const extractions: SourceExtraction[] = [];
    for (let i = 0; i < parts.length; i++) {
      // Images go with the first part: they belong to the source as a whole.
      const images = i === 0 ? await this.loadImages(source, ctx) : [];
      extractions.push(await ask(extractionMessages(source, parts[i], i + 1, parts.length, candidates, images), EXTRACTION_REPLY));
    }
    const extraction = combine(extractions);

    // 2. In source order: resolve paths (the summary's, each concept's) and lock them.
    if (index > 0) await ctx.turns[index - 1].promise;
    if (ctx.signal.aborted) throw cancelled();
    const { summaryPath, concepts } = await this.resolve(source, extraction.concepts, ctx);
    const summaryTitle = source.title;
    // Links may point at this source's own new articles and at anything that exists or is committed.
    const local = new Map<string, string>();
    for (const c of concepts) for (const n of [c.title, c.concept.name, ...c.concept.aliases]) local.set(conceptKey(n), c.path);
    local.set(conceptKey(summaryTitle), summaryPath);
    const resolveLink = (target: string) => {
      const mine = local.get(conceptKey(target.slice(target.lastIndexOf('/') + 1)));
      return mine ? { path: mine } : ctx.catalog.resolveLink(target);
    };

    // A paper's "(p. 3)" becomes a link that opens the PDF at that page.
    const pages = (text: string) => (source.paged ? linkPages(text, path) : text);

    // Concept articles this source contributed to before and no longer names: they drop it below.
    const named = new Set([summaryPath, ...concepts.map((c) => c.path)]);
    const dropped = (await this.previousConcepts(path, ctx.catalog)).filter((p) => !named.has(p));

    // 3. Draft under per-file locks; staged so a failure leaves no trace of this source.
    const release = await ctx.locks.acquire([...named, ...dropped]);
    ctx.turns[index].done();
    try {
      const staged = new Map<string, { content: string; reason: string; info: CatalogInfo }>();
      const linked: { path: string; title: string; summary: string }[] = [];
      const problems: PlanProblem[] = [];
      for (const c of concepts) {
        if (ctx.signal.aborted) throw cancelled();
        const current = await this.readDraft(ctx, c.path);
        const info = current === null ? undefined : readArticle(current);
        if (info?.ownership === 'locked') {
          linked.push({ path: c.path, title: info.title ?? c.title, summary: info.summary ?? '' });
          continue;
        }
        if (current === null || !info) {
          const { summary: about, details } = c.concept;
          const text = details && about && !details.includes(about) ? `${about}\n\n${details}` : details || about || c.title;
          const prose = pages(normaliseLinks(cleanModelBody(text), resolveLink, c.path));
          const body = conceptBody(c.title, prose, withSourceLine([], summaryPath, summaryTitle, ''));
          const fields = { title: c.title, summary: c.concept.summary, type: 'concept' as const, sources: [path], sourceHashes: { [path]: hash }, aliases: c.concept.aliases, tags: [] };
          staged.set(c.path, { content: renderArticle({ ...fields, updated: ctx.date }, body), reason: tr('core.compile.reason.newConcept', { path }), info: fields });
          linked.push({ path: c.path, title: c.title, summary: c.concept.summary });
          continue;
        }
        const title = info.title ?? c.title;
        const { prose: oldProse, sourceLines } = splitConceptBody(info.body);
        const citation = `[[${summaryPath.replace(/\.md$/i, '')}|${summaryTitle}]]`;
        const base = ctx.bases.get(c.path);
        const review = [info, base ? readArticle(base) : undefined].some((a) => a?.ownership === 'edited' || a?.ownership === 'foreign');
        // A generated article is merged by edit operations our code applies (nothing old is
        // re-emitted); a person-edited one still gets a whole rewrite, proposed for review.
        let newProse: string;
        let modelSummary: string;
        let modelAliases: string[];
        const notes: string[] = [];
        if (review) {
          const merged = await ask(mergeMessages({ title, existingBody: oldProse, concept: c.concept, sourceTitle: source.title, citation }), mergeReply(oldProse.length));
          newProse = cleanModelBody(merged.body);
          modelSummary = merged.summary;
          modelAliases = merged.aliases;
        } else {
          const material = `${c.concept.name} ${c.concept.summary} ${c.concept.details}`;
          // The index knows the article as it is on disk; once this run has drafted it, it does not.
          const fromIndex = ctx.drafts.has(c.path) ? [] : await this.sectionsFromIndex(c.path, material);
          const view = mergeView(oldProse, material, fromIndex);
          const ops = await ask(mergeOperationsMessages({ title, ...view, concept: c.concept, sourceTitle: source.title }), MERGE_OPERATIONS_REPLY);
          // Links are normalised in what is added only: the existing text is left byte for byte.
          const link = (text: string) => pages(normaliseLinks(text, resolveLink, c.path));
          const operations = ops.operations.map((o) => (o.op === 'add_section' ? { ...o, paragraphs: o.paragraphs.map(link) } : { ...o, text: link(o.text) }));
          const applied = applyMergeOperations(oldProse, operations, citation);
          newProse = applied.prose;
          modelSummary = ops.summary;
          modelAliases = ops.aliases;
          for (const message of applied.problems) problems.push({ subject: c.path, message: `${c.path}: ${message}` });
          if (applied.added === 0) notes.push(tr('core.compile.reason.nothingNew'));
        }
        // A person who changed the properties (summary, aliases, tags…) keeps their summary; the
        // merge still goes to review because the article is `edited`.
        const personSummary = editedParts(info.frontmatter, info.body).fields && info.summary ? info.summary : undefined;
        const fields = {
          title,
          summary: personSummary ?? ((review ? modelSummary : '') || info.summary || modelSummary || c.concept.summary),
          type: 'concept' as const,
          sources: dedupe([...info.sources, path]),
          sourceHashes: { ...info.sourceHashes, [path]: hash },
          aliases: dedupe([...info.aliases, ...c.concept.aliases, ...modelAliases]).filter((a) => conceptKey(a) !== conceptKey(title)),
          tags: info.tags,
        };
        // The loss check: a rewrite that drops old text is refused, unless a person edited the
        // article, where the (unticked) review change says what it would remove. Applied
        // operations only insert lines, so for them it is a guard that passes.
        const losses = checkLoss(oldProse, newProse);
        if (losses.length > 0 && !review) {
          problems.push({
            subject: c.path,
            message: tr('core.compile.mergeDropped', { article: c.path, losses: describeLosses(losses), path }),
          });
          linked.push({ path: c.path, title, summary: info.summary ?? '' });
          continue;
        }
        const body = conceptBody(title, review ? normaliseLinks(newProse, resolveLink, c.path) : newProse, withSourceLine(sourceLines, summaryPath, summaryTitle, ''));
        staged.set(c.path, {
          content: renderArticle({ ...fields, updated: ctx.date, extra: extraFrontmatter(info.frontmatter) }, body),
          reason: [tr('core.compile.reason.merge', { path }), ...(losses.length ? [tr('core.compile.reason.wouldRemove', { losses: describeLosses(losses) })] : []), ...notes].join(tr('core.compile.reason.separator')),
          info: fields,
        });
        linked.push({ path: c.path, title, summary: fields.summary });
      }
      for (const p of dropped) {
        if (ctx.signal.aborted) throw cancelled();
        const current = await this.readDraft(ctx, p);
        const drop = current === null ? undefined : this.dropSource(p, current, path, summaryPath, ctx);
        if (drop && 'problem' in drop) problems.push(drop.problem);
        else if (drop) staged.set(p, drop);
      }
      const body = summaryBody({ source, extraction, concepts: linked, resolve: resolveLink, selfPath: summaryPath });
      const existingSummary = await this.readDraft(ctx, summaryPath);
      const previous = existingSummary === null ? undefined : readArticle(existingSummary);
      const personFields = previous && editedParts(previous.frontmatter, previous.body).fields;
      const summaryFields = {
        title: (personFields && previous.title) || summaryTitle,
        summary: (personFields && previous.summary) || extraction.summary,
        type: 'source' as const,
        sources: [path],
        sourceHashes: { [path]: hash },
        aliases: previous?.aliases ?? [],
        tags: previous?.tags.length ? previous.tags : ['source'],
      };
      const extra = {
        ...(previous ? extraFrontmatter(previous.frontmatter) : {}),
        ...(source.url ? { url: source.url } : {}),
        ...(source.authors.length ? { author: source.authors } : {}),
        ...(source.published ? { published: source.published } : {}),
      };
      staged.set(summaryPath, { content: renderArticle({ ...summaryFields, updated: ctx.date, extra }, body), reason: tr('core.compile.reason.summary', { path }), info: summaryFields });
      if (ctx.signal.aborted) throw cancelled();
      for (const [p, s] of staged) {
        const draft = ctx.drafts.get(p);
        if (draft) {
          draft.content = s.content;
          draft.reasons.push(s.reason);
        } else ctx.drafts.set(p, { content: s.content, reasons: [s.reason] });
        ctx.catalog.put(p, s.info);
      }
      return { path, status: 'compiled', hash, summary: summaryPath, concepts: linked.map((l) => l.path), ...(problems.length ? { problems } : {}) };
    } finally {
      release();
    }
  }

  /**
   * The concept articles `rawPath`'s last compile contributed to: compile state's outputs, and
   * (state lost, or a dropping change left unapplied) every concept whose frontmatter cites it.
   */
  private async previousConcepts(rawPath: string, catalog: WikiCatalog): Promise<string[]> {
    const recorded = (await this.compileState.get(rawPath))?.concepts ?? [];
    const citing = catalog
      .entries()
      .filter((e) => e.type === 'concept' && !e.planned && (e.sources.includes(rawPath) || rawPath in e.sourceHashes))
      .map((e) => e.path);
    return dedupe([...recorded, ...citing]).sort();
  }

  /**
   * `article` without the source `rawPath`, which no longer names it: out of `sources` and
   * `source_hashes`, its Sources line and the paragraphs citing only it removed, the rest kept.
   * No model call. Undefined when the article does not cite it (any more).
   */
  private dropSource(
    articlePath: string,
    article: string,
    rawPath: string,
    summaryPath: string,
    ctx: RunContext,
  ): { content: string; reason: string; info: CatalogInfo } | { problem: PlanProblem } | undefined {
    const info = readArticle(article);
    if (!info.sources.includes(rawPath) && !(rawPath in info.sourceHashes)) return undefined;
    if (info.ownership === 'locked') {
      return {
        problem: {
          subject: articlePath,
          message: tr('core.compile.lockedStillCites', { path: rawPath }),
        },
      };
    }
    const noExt = (p: string) => p.replace(/\.md$/i, '');
    const summaries = dedupe([summaryPath, ...ctx.catalog.summariesOf(rawPath).map((e) => e.path)]);
    const wiki = `${this.wikiFolder}/`;
    const title = info.title ?? basenameNoExt(articlePath);
    const pruned = withoutSource(info.body, title, {
      mine: [...summaries.map(noExt), noExt(rawPath)],
      // Summaries cite sources; so do links leaving the wiki (raw notes: compile never writes those itself).
      isCitation: (t) => t.startsWith(`${wiki}sources/`) || !t.startsWith(wiki),
    });
    const sourceHashes = { ...info.sourceHashes };
    delete sourceHashes[rawPath];
    const fields = {
      title,
      summary: info.summary ?? '',
      type: info.type ?? ('concept' as const),
      sources: info.sources.filter((s) => s !== rawPath),
      sourceHashes,
      aliases: info.aliases,
      tags: info.tags,
    };
    const notes = [
      tr('core.compile.reason.drop', { path: rawPath }),
      pruned.removed ? (pruned.removed === 1 ? tr('core.compile.reason.removedOne') : tr('core.compile.reason.removed', { count: pruned.removed })) : '',
      pruned.shared ? tr('core.compile.reason.shared', { count: pruned.shared }) : '',
      fields.sources.length === 0 ? tr('core.compile.reason.noSourceLeft') : '',
    ];
    return {
      content: renderArticle({ ...fields, updated: ctx.date, extra: extraFrontmatter(info.frontmatter) }, pruned.body),
      reason: notes.filter((n) => n !== '').join(tr('core.compile.reason.separator')),
      info: fields,
    };
  }

  /**
   * The headings of `articlePath`'s sections that the search index ranks best for `material`, best
   * first (null: the text before the first heading). Empty without an index or on any failure: the
   * merge then ranks sections by word overlap alone.
   */
  private async sectionsFromIndex(articlePath: string, material: string): Promise<(string | null)[]> {
    if (!this.search) return [];
    const terms = [...new Set((material.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? []).filter((w) => !/^\d+$/.test(w)))].slice(0, 16);
    if (terms.length === 0) return [];
    try {
      const results = await this.search.search(`path:"${articlePath.replace(/"/g, '')}" ${terms.join(' ')}`, { folder: this.wikiFolder, limit: 10 });
      const headings: (string | null)[] = [];
      for (const r of results) if (r.path === articlePath && !headings.includes(r.heading)) headings.push(r.heading);
      return headings;
    } catch {
      return [];
    }
  }

  /** A file as this run sees it: its draft, else the disk's text (remembered as the draft's base). */
  private async readDraft(ctx: RunContext, path: string): Promise<string | null> {
    const draft = ctx.drafts.get(path);
    if (draft) return draft.content;
    const text = await this.readOrNull(path);
    if (!ctx.bases.has(path)) ctx.bases.set(path, text);
    return text;
  }

  private async readOrNull(path: string): Promise<string | null> {
    return (await this.vault.stat(path)) === null ? null : this.vault.read(path);
  }

  /** The few existing concept articles a source probably touches: mentioned by name, then by search. */
  private async candidates(source: SourceDocument, catalog: WikiCatalog): Promise<CandidateArticle[]> {
    const found = catalog.mentionedIn(`${source.title}\n${source.body}`, 8);
    if (this.search && found.length < 10) {
      try {
        const query = `${source.title} ${source.description ?? ''}`.trim();
        for (const r of await this.search.search(query, { folder: this.wikiFolder, notes: true, limit: 10 })) {
          const entry = catalog.get(r.path);
          if (entry?.type === 'concept' && !found.includes(entry)) found.push(entry);
          if (found.length >= 10) break;
        }
      } catch {
        // The index is a helper: compile works without it.
      }
    }
    return found.map((e) => ({ title: e.title, summary: e.summary }));
  }

  private async resolve(source: SourceDocument, extracted: ExtractedConcept[], ctx: RunContext): Promise<{ summaryPath: string; concepts: { path: string; title: string; concept: ExtractedConcept }[] }> {
    // Resolution and path reservation happen under one lock so two sources naming the same new
    // concept in the same run end up in one article.
    const release = await ctx.locks.acquire(['\u0000resolve']);
    try {
      const summaryPath = this.summaryPathFor(source, ctx);
      ctx.summaryOwners.set(summaryPath, source.path);
      const byPath = new Map<string, { path: string; title: string; concept: ExtractedConcept }>();
      for (const concept of extracted) {
        const path = await this.conceptPathFor(concept, ctx.catalog);
        if (!path) continue;
        const existing = byPath.get(path);
        if (existing) {
          // Two names of the source resolved to one article: one merge with both details.
          existing.concept = { ...existing.concept, aliases: dedupe([...existing.concept.aliases, concept.name, ...concept.aliases]), details: `${existing.concept.details}\n\n${concept.details}`.trim() };
          continue;
        }
        const entry = ctx.catalog.get(path);
        const title = entry?.title ?? concept.name;
        if (!entry) ctx.catalog.put(path, { title, type: 'concept', summary: concept.summary, aliases: concept.aliases, sources: [], sourceHashes: {} }, true);
        byPath.set(path, { path, title, concept });
      }
      return { summaryPath, concepts: [...byPath.values()] };
    } finally {
      release();
    }
  }

  private summaryPathFor(source: SourceDocument, ctx: RunContext): string {
    const own = ctx.catalog.summariesOf(source.path)[0];
    if (own) return own.path;
    // A repository's summary is named after its folder, not its README.
    const base = sanitizeFileName(source.folder ? basename(source.folder) : basenameNoExt(source.path));
    for (let n = 1; ; n++) {
      const path = `${this.wikiFolder}/sources/${n === 1 ? base : `${base} (${n})`}.md`;
      const entry = ctx.catalog.get(path);
      const owner = ctx.summaryOwners.get(path);
      if ((!entry || entry.sources.includes(source.path)) && (!owner || owner === source.path)) return path;
    }
  }

  /** The concept article for a name: an existing one (title, alias, search), else a fresh path. */
  private async conceptPathFor(concept: ExtractedConcept, catalog: WikiCatalog): Promise<string | null> {
    for (const name of [concept.name, ...concept.aliases]) {
      const hit = catalog.findByName(name, 'concept')[0];
      if (hit) return hit.path;
    }
    if (this.search) {
      try {
        const want = new Set(conceptKey(concept.name).split(' '));
        for (const r of await this.search.search(concept.name, { folder: `${this.wikiFolder}/concepts`, notes: true, limit: 3 })) {
          const entry = catalog.get(r.path);
          if (entry?.type !== 'concept') continue;
          const have = new Set(conceptKey(entry.title).split(' '));
          const common = [...want].filter((w) => have.has(w)).length;
          // Only a near-identical name: merging into the wrong article is worse than a new one.
          if (common / new Set([...want, ...have]).size >= 0.75) return entry.path;
        }
      } catch {
        // Search is optional.
      }
    }
    const name = sanitizeFileName(concept.name);
    for (let n = 1; n < 50; n++) {
      const path = `${this.wikiFolder}/concepts/${n === 1 ? name : `${name} (${n})`}.md`;
      const entry = catalog.get(path);
      if (!entry || (entry.type === 'concept' && conceptKey(entry.title) === conceptKey(concept.name))) return path;
    }
    return null;
  }
}

/**
 * A part of a paged source that starts mid-page gets that page's marker first, so the model knows
 * the page of every paragraph it reads, whichever part it is in.
 */
export function carryPageMarkers(parts: string[]): string[] {
  let page: string | undefined;
  return parts.map((part) => {
    const out = page !== undefined && !part.trimStart().startsWith('[Page ') ? `${page}\n\n${part}` : part;
    const markers = part.match(/^\[Page \d+\]$/gm);
    if (markers) page = markers[markers.length - 1];
    return out;
  });
}

function combine(parts: SourceExtraction[]): SourceExtraction {
  if (parts.length === 1) return parts[0];
  const concepts: ExtractedConcept[] = [];
  for (const part of parts) {
    for (const c of part.concepts) {
      const same = concepts.find((x) => conceptKey(x.name) === conceptKey(c.name));
      if (same) {
        same.aliases = dedupe([...same.aliases, ...c.aliases]);
        same.details = `${same.details}\n\n${c.details}`.trim();
        same.summary ||= c.summary;
      } else concepts.push({ ...c });
    }
  }
  return {
    summary: parts[0].summary,
    keyPoints: parts.flatMap((p) => p.keyPoints).slice(0, 30),
    claims: parts.flatMap((p) => p.claims).slice(0, 30),
    concepts: concepts.slice(0, 12),
  };
}

function dedupe(list: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of list) {
    const k = s.toLowerCase();
    if (!s || seen.has(k)) continue;
    seen.add(k);
    out.push(s);
  }
  return out;
}

const CONTRACT_KEYS = new Set(['title', 'summary', 'type', 'sources', 'source_hashes', 'aliases', 'tags', 'scriptorium', 'body_hash', 'fields_hash', 'updated']);

/** Properties a person (or another feature) added to an article: kept across merges. */
function extraFrontmatter(fm: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fm).filter(([k]) => !CONTRACT_KEYS.has(k)));
}

/** The note listed but gone by the time it is read (a function: the text is made in the interface language of the moment). */
const vanished = (): string => tr('core.compile.vanished');

/** Why the vault could not read a note, in words a person can act on. */
function unreadable(error: unknown): string {
  const code = error && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return vanished();
  // The adapter's own refusal of a link out of the vault already says what to do.
  if (code === 'EOUTSIDEVAULT') return detail;
  if (code === 'EACCES' || code === 'EPERM') return tr('core.compile.permission');
  if (code === 'EISDIR') return tr('core.compile.isFolder');
  if (code === 'ELOOP' || /outside the vault|symlink|symbolic link/i.test(detail)) {
    return tr('core.compile.outsideVault', { detail });
  }
  if (/utf-?8|decode|encoding/i.test(detail)) return tr('core.compile.notUtf8Detail', { detail });
  // Other adapter errors with a code (disk, I/O) carry their own explanation.
  if (typeof code === 'string' && code !== 'EUNKNOWN' && /[.!]$/.test(detail.trim())) return detail;
  return tr('core.compile.unreadable', { detail });
}

/** "2 MB", "50 MB", "512 KB", "1.5 MB" (1024-based, as the setting is in KB). */
function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}

function cancelled(): LlmError {
  return new LlmError('aborted', tr('core.compile.stopped'));
}

function describe(error: unknown): string {
  if (error instanceof LlmError) return error.withHint;
  return error instanceof Error ? error.message : String(error);
}

/** The progress line of one finished source: "Compiled raw/x.md", "Unchanged …", "Failed …". */
function outcomeLine(o: SourceOutcome | undefined, path: string): string {
  if (!o) return tr('core.compile.progress.skipped', { path });
  if (o.status === 'compiled') return tr('core.compile.progress.compiled', { path });
  return o.status === 'up-to-date' ? tr('core.compile.progress.unchanged', { path }) : tr('core.compile.progress.failed', { path });
}

/** What a kind of source is called in a sentence ("the PDF's text"); a kind without a name of its own says its reader's label. */
function kindName(kind: SourceKind, label: string): string {
  switch (kind) {
    case 'pdf':
      return tr('core.compile.kind.pdf');
    case 'image':
      return tr('core.compile.kind.image');
    case 'dataset':
      return tr('core.compile.kind.dataset');
    case 'repository':
      return tr('core.compile.kind.repository');
    case 'web-page':
      return tr('core.compile.kind.webPage');
    default:
      return label;
  }
}
