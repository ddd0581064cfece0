import {
  basenameNoExt,
  extname,
  extractLinks,
  fmString,
  fmStringList,
  headingsOf,
  LinkResolver,
  parseNote,
  resolveNoteLink,
  type NoteLink,
} from '../markdown';
import { tr } from '../../i18n';
import { ARTICLE_TYPES } from '../plan';
import type { LinkLookup, ProgressReporter, VaultPort } from '../ports';
import { LintLayout } from './lint-layout';
import { quickAliases } from './quick-aliases';
import { currentHash, imageMime, sourceUnits, type SourceKind } from '../sources';

/** What a note is to the health checks. */
export type NoteRole = 'raw' | 'article' | 'index' | 'log' | 'report' | 'other';

/**
 * One markdown note as the checks see it, parsed once. Outside the wiki folder the frontmatter
 * may hold only `aliases` (the one property the checks use there) and `title` is the file name.
 */
export interface SnapshotNote {
  path: string;
  role: NoteRole;
  text: string;
  frontmatter: Record<string, unknown>;
  frontmatterError?: string;
  body: string;
  /** 1-based line where the body starts. */
  bodyStartLine: number;
  links: NoteLink[];
  /** Frontmatter `title`, else the file name. */
  title: string;
  aliases: string[];
  /** Frontmatter `type` (source, concept, output, report), or the folder's default. */
  type: string | undefined;
  /** Whether the frontmatter itself declares one of the contract's types (what the index catalogues). */
  typed: boolean;
}

/** A link and where it points, computed once for all checks. */
export interface ResolvedNoteLink {
  from: string;
  link: NoteLink;
  /** The file it resolves to, or null. */
  path: string | null;
  /** False when the file exists but the `#heading` or `#^block` does not. */
  subpathFound: boolean;
}

export interface LoadSnapshotOptions {
  vault: VaultPort;
  layout: LintLayout;
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Files read at once. Default 32. */
  readConcurrency?: number;
}

function hidden(path: string): boolean {
  return path.split('/').some((s) => s.startsWith('.'));
}

/** A note's text, or null when it was deleted between listing and reading (the user keeps working). */
async function readUnlessGone(vault: VaultPort, path: string): Promise<string | null> {
  try {
    return await vault.read(path);
  } catch (error) {
    if ((await vault.stat(path)) === null) return null;
    throw error;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException(tr('core.lint.stopped'), 'AbortError');
}

/**
 * The vault read once and parsed for the health checks: every markdown note with its
 * frontmatter and links, every other file by path, and how links reach them: the vault's own
 * link index when it has one (Obsidian's, in the plugin), else a LinkResolver over these files.
 * Expensive derived data (resolved links, headings) is computed on first use and shared.
 */
export class WikiSnapshot {
  readonly layout: LintLayout;
  /** Markdown notes by path. */
  readonly notes: ReadonlyMap<string, SnapshotNote>;
  /** Every file path, markdown or not. */
  readonly files: ReadonlySet<string>;
  /** Where links go, as Obsidian resolves them (aliases are not destinations). */
  readonly resolver: LinkLookup;
  /** The pure resolver over this snapshot, with every note's aliases (for `aliasOwner`). */
  private readonly names: LinkResolver;
  private resolvedLinks: ResolvedNoteLink[] | undefined;
  private readonly headingCache = new Map<string, string[]>();
  private readonly memos = new Map<string, unknown>();

  /**
   * Sources in the raw folder that are not plain notes (PDFs, images, datasets, saved pages,
   * repositories by their anchor file), with the hash compile would record for them now.
   */
  readonly sources: Map<string, { kind: SourceKind; hash?: string }>;
  /** Folders read as one source (repositories): their other files are not sources of their own. */
  readonly sourceFolders: string[];

  constructor(options: { layout: LintLayout; notes: Map<string, SnapshotNote>; files: Set<string>; links?: LinkLookup; sources?: Map<string, { kind: SourceKind; hash?: string }>; sourceFolders?: string[] }) {
    this.layout = options.layout;
    this.notes = options.notes;
    this.files = options.files;
    this.sources = options.sources ?? new Map<string, { kind: SourceKind; hash?: string }>();
    this.sourceFolders = options.sourceFolders ?? [];
    const aliases = new Map<string, string[]>();
    for (const note of options.notes.values()) if (note.aliases.length > 0) aliases.set(note.path, note.aliases);
    this.names = new LinkResolver(options.files, aliases);
    this.resolver = options.links ?? this.names;
  }

  /**
   * The note that has `name` as an alias, or null. An alias is not a link destination, so
   * `[[Alias]]` is broken; this is what "did you mean [[Note|Alias]]?" names.
   */
  aliasOwner(name: string, fromPath = ''): string | null {
    return this.names.aliasOwner(name, fromPath);
  }

  /** Reads every markdown note of the vault (skipping hidden folders), with progress and cancel. */
  static async load(options: LoadSnapshotOptions): Promise<WikiSnapshot> {
    const { vault, layout, signal, progress } = options;
    const stats = (await vault.list()).filter((s) => !hidden(s.path));
    const files = new Set(stats.map((s) => s.path));
    const markdown = stats.filter((s) => extname(s.path) === '.md').map((s) => s.path);
    const notes = new Map<string, SnapshotNote>();
    const concurrency = Math.max(1, options.readConcurrency ?? 32);
    let done = 0;
    progress?.({ done, total: markdown.length, message: tr('core.lint.progress.reading') });
    for (let i = 0; i < markdown.length; i += concurrency) {
      throwIfAborted(signal);
      const batch = markdown.slice(i, i + concurrency);
      const texts = await Promise.all(batch.map((p) => readUnlessGone(vault, p)));
      batch.forEach((p, j) => {
        const text = texts[j];
        if (text === null) files.delete(p);
        else notes.set(p, WikiSnapshot.parse(p, text, layout));
      });
      done += batch.length;
      progress?.({ done, total: markdown.length, message: tr('core.lint.progress.reading') });
    }
    // The other kinds of source: what uncompiled and stale checks need of them (kind, current hash).
    const attached = (p: string) => p.startsWith(`${layout.attachmentsFolder}/`) && imageMime(p) !== undefined;
    const units = sourceUnits(stats, layout.rawFolder, attached).units;
    const sources = new Map<string, { kind: SourceKind; hash?: string }>();
    const sourceFolders: string[] = [];
    for (const unit of units) {
      if (unit.folder) sourceFolders.push(unit.folder);
      if (unit.kind === 'note') continue;
      throwIfAborted(signal);
      sources.set(unit.path, { kind: unit.kind, hash: await currentHash(unit, { vault, files: stats, engines: {}, budgetTokens: 6000, signal }) });
    }
    return new WikiSnapshot({ layout, notes, files, links: vault.links, sources, sourceFolders });
  }

  /** Whether `path` is a file inside a folder source (a repository) other than its anchor. */
  insideSourceFolder(path: string): boolean {
    return !this.sources.has(path) && this.sourceFolders.some((f) => path.startsWith(`${f}/`));
  }

  /** Builds a snapshot from texts already in memory (tests, benchmarks, the plugin's cache). */
  static fromTexts(layout: LintLayout, texts: Record<string, string>, otherFiles: string[] = []): WikiSnapshot {
    const notes = new Map<string, SnapshotNote>();
    const files = new Set<string>(otherFiles.filter((p) => !hidden(p)));
    for (const [path, text] of Object.entries(texts)) {
      if (hidden(path)) continue;
      files.add(path);
      if (extname(path) === '.md') notes.set(path, WikiSnapshot.parse(path, text, layout));
    }
    return new WikiSnapshot({ layout, notes, files });
  }

  private static parse(path: string, text: string, layout: LintLayout): SnapshotNote {
    // Outside the wiki only aliases matter; skip the YAML parser when they can be read safely.
    if (!layout.isWiki(path)) {
      const quick = quickAliases(text);
      if (quick) {
        return {
          path,
          role: layout.roleOf(path, undefined),
          text,
          frontmatter: quick.aliases.length > 0 ? { aliases: quick.aliases } : {},
          body: quick.body,
          bodyStartLine: quick.bodyStartLine,
          links: text.indexOf('[') === -1 ? [] : extractLinks(text),
          title: basenameNoExt(path),
          aliases: quick.aliases,
          type: undefined,
          typed: false,
        };
      }
    }
    const parsed = parseNote(text);
    const fm = parsed.frontmatter;
    const title = fmString(fm, 'title')?.trim() || basenameNoExt(path);
    const aliases = fmStringList(fm, 'aliases').map((a) => a.trim()).filter((a) => a !== '');
    const declared = fmString(fm, 'type')?.trim();
    const type = declared || layout.defaultTypeOf(path);
    return {
      path,
      role: layout.roleOf(path, type),
      text,
      frontmatter: fm,
      ...(parsed.frontmatterError ? { frontmatterError: parsed.frontmatterError } : {}),
      body: parsed.body,
      bodyStartLine: parsed.bodyStartLine,
      // Only the links are kept; the rest of the parse is cheap to redo where a check needs it.
      links: text.indexOf('[') === -1 ? [] : extractLinks(text),
      title,
      aliases,
      type,
      typed: declared !== undefined && (ARTICLE_TYPES as readonly string[]).includes(declared),
    };
  }

  /** Notes with the given role, sorted by path so findings come out in a stable order. */
  notesWithRole(role: NoteRole): SnapshotNote[] {
    const out: SnapshotNote[] = [];
    for (const note of this.notes.values()) if (note.role === role) out.push(note);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A value derived from the snapshot, computed once and shared by the checks that need it. */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** Headings of a markdown note, computed once. */
  headings(path: string): string[] | undefined {
    const cached = this.headingCache.get(path);
    if (cached) return cached;
    const note = this.notes.get(path);
    if (!note) return undefined;
    const list = headingsOf(note.text);
    this.headingCache.set(path, list);
    return list;
  }

  /** Every link of every note, resolved the way Obsidian resolves it. */
  links(): readonly ResolvedNoteLink[] {
    if (this.resolvedLinks) return this.resolvedLinks;
    const out: ResolvedNoteLink[] = [];
    const options = {
      headingsOf: (p: string) => (extname(p) === '.md' ? this.headings(p) : undefined),
      textOf: (p: string) => this.notes.get(p)?.text,
    };
    for (const note of this.notes.values()) {
      for (const link of note.links) {
        const resolved = resolveNoteLink(this.resolver, link, note.path, options);
        const subpathFound = resolved.headingFound !== false && resolved.blockFound !== false;
        out.push({ from: note.path, link, path: resolved.path, subpathFound });
      }
    }
    this.resolvedLinks = out;
    return out;
  }

  /** Resolves a `sources` entry ("[[raw/Note]]" or a plain path) from an article to a raw file, or null. */
  resolveSource(entry: string, fromPath: string): string | null {
    const target = sourceTarget(entry);
    if (target === null) return null;
    const path = this.resolver.resolve(target, fromPath);
    return path !== null && this.layout.isRaw(path) ? path : null;
  }

  /** 1-based line of the first frontmatter line containing `needle`, or null. */
  frontmatterLine(note: SnapshotNote, needle: string): number | null {
    if (note.bodyStartLine <= 1) return null;
    const lines = note.text.split('\n', note.bodyStartLine - 1);
    for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
    return null;
  }
}

/** The link target of a `sources` entry: the inside of `[[...]]` without `|alias` or `#heading`, or the text itself. */
export function sourceTarget(entry: string): string | null {
  const trimmed = entry.trim();
  if (trimmed === '') return null;
  const link = extractLinks(trimmed)[0];
  if (link) return link.target === '' ? null : link.target;
  return trimmed;
}
