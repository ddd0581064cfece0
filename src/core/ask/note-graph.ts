import { tr } from '../../i18n';
import { extname } from '../markdown/paths';
import { fmStringList, parseNote } from '../markdown/frontmatter';
import { LinkResolver, resolveNoteLink, type ResolvedLink } from '../markdown/link-resolver';
import { extractLinks, type NoteLink } from '../markdown/wikilinks';
import type { LinkLookup } from '../ports/link-lookup';
import type { VaultPort } from '../ports/vault';

export interface NoteGraphOptions {
  vault: VaultPort;
  signal?: AbortSignal;
}

/** An outgoing link of a note, resolved. */
export interface OutLink {
  /** The link as written. */
  raw: string;
  /** Where it points, or null when nothing in the vault matches. */
  path: string | null;
  heading?: string;
}

/**
 * Every note's outgoing links resolved by `lookup` (each link once per target and heading), and
 * the backlinks they make (a note's link to itself is no backlink). Shared by `NoteGraph` and the
 * MCP server's warm link graph, so both resolve alike.
 */
export function resolveLinks(
  linksByNote: Iterable<[string, readonly NoteLink[]]>,
  lookup: Pick<LinkLookup, 'resolve'>,
): { out: Map<string, OutLink[]>; back: Map<string, Set<string>> } {
  const out = new Map<string, OutLink[]>();
  const back = new Map<string, Set<string>>();
  for (const [from, links] of linksByNote) {
    const resolved: OutLink[] = [];
    const seen = new Set<string>();
    for (const link of links) {
      const target = lookup.resolve(link.target, from);
      const key = `${target ?? link.target}#${link.heading ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      resolved.push({ raw: link.raw, path: target, ...(link.heading !== undefined ? { heading: link.heading } : {}) });
      if (target !== null && target !== from) {
        let set = back.get(target);
        if (!set) back.set(target, (set = new Set()));
        set.add(from);
      }
    }
    out.set(from, resolved);
  }
  return { out, back };
}

/**
 * The vault's link structure as one question's research sees it: file paths for resolving
 * links, and (built on first need) every note's outgoing links, backlinks and aliases. Built
 * from the vault itself so the CLI and the plugin agree, and cached for one run only: a new
 * question sees the notes as they are then.
 */
export class NoteGraph {
  private readonly vault: VaultPort;
  private readonly signal: AbortSignal | undefined;
  private paths: Promise<string[]> | undefined;
  private pathResolver: Promise<LinkResolver> | undefined;
  private full: Promise<{ resolver: LinkResolver; out: Map<string, OutLink[]>; back: Map<string, Set<string>> }> | undefined;
  private readonly texts = new Map<string, Promise<string | undefined>>();

  constructor(options: NoteGraphOptions) {
    this.vault = options.vault;
    this.signal = options.signal;
  }

  /** Every file path in the vault (outside the config folder), sorted. */
  allPaths(): Promise<string[]> {
    this.paths ??= this.vault.list().then((files) => files.map((f) => f.path).sort());
    return this.paths;
  }

  /** The text of a file, or undefined when it cannot be read. Cached for the run. */
  textOf(path: string): Promise<string | undefined> {
    let text = this.texts.get(path);
    if (!text) {
      text = this.vault.read(path).then(
        (t) => t,
        () => undefined,
      );
      this.texts.set(path, text);
    }
    return text;
  }

  /** Resolves by path and file name only: cheap, no note is read. */
  private async quickResolver(): Promise<LinkResolver> {
    this.pathResolver ??= this.allPaths().then((paths) => new LinkResolver(paths));
    return this.pathResolver;
  }

  /** How links reach files: the vault's own link index (Obsidian's, in the plugin), else the pure resolver. */
  private async links(): Promise<LinkLookup> {
    return this.vault.links ?? (await this.quickResolver());
  }

  /**
   * Finds the note a name or path given to a tool means: as a link from `fromPath` would reach
   * it, else (a look-up by name, not a link) the note with that alias.
   */
  async resolve(target: string, fromPath = ''): Promise<string | null> {
    const linked = (await this.links()).resolve(target, fromPath);
    if (linked !== null) return linked;
    // Aliases need every note's frontmatter; only pay for that when a name did not match.
    return (await this.build()).resolver.aliasOwner(target, fromPath);
  }

  /**
   * Resolves a parsed link as Obsidian does (an alias is not a destination: `[[Alias]]` reaches
   * nothing) and checks its heading or block against the target's text.
   */
  async resolveLink(link: NoteLink, fromPath = ''): Promise<ResolvedLink> {
    const path = (await this.links()).resolve(link.target, fromPath);
    if (path === null) return { path };
    const text = link.heading !== undefined || link.blockId !== undefined ? await this.textOf(path) : undefined;
    return resolveNoteLink({ resolve: () => path }, link, fromPath, { textOf: () => text });
  }

  /** Outgoing links of a note (resolved) and the notes linking to it. */
  async linksOf(path: string): Promise<{ out: OutLink[]; back: string[] }> {
    const graph = await this.build();
    return { out: graph.out.get(path) ?? [], back: [...(graph.back.get(path) ?? [])].sort() };
  }

  private build() {
    this.full ??= this.buildFull();
    return this.full;
  }

  private async buildFull() {
    const paths = await this.allPaths();
    const notes = paths.filter((p) => extname(p) === '.md');
    const aliases = new Map<string, string[]>();
    const linksByNote = new Map<string, NoteLink[]>();
    let sliceStart = Date.now();
    for (const path of notes) {
      if (this.signal?.aborted) throw new Error(tr('core.ask.graphStopped'));
      const text = await this.textOf(path);
      if (text === undefined) continue;
      // YAML parsing is the expensive part; most notes have no aliases to find.
      if (text.startsWith('---') && /^aliases\s*:/m.test(text.slice(0, text.indexOf('\n---', 3) + 1 || 4000))) {
        const list = fmStringList(parseNote(text).frontmatter, 'aliases');
        if (list.length > 0) aliases.set(path, list);
      }
      linksByNote.set(path, extractLinks(text));
      // Long vault scans give the UI a turn every few milliseconds.
      if (Date.now() - sliceStart > 16) {
        await new Promise<void>((resolve) => window.setTimeout(resolve, 0));
        sliceStart = Date.now();
      }
    }
    const resolver = new LinkResolver(paths, aliases);
    const { out, back } = resolveLinks(linksByNote, this.vault.links ?? resolver);
    // Texts were only needed to build the graph; keep memory flat on big vaults.
    this.texts.clear();
    return { resolver, out, back };
  }
}
