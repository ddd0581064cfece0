import { extname } from '../../core/markdown/paths';
import { fmStringList, parseNote } from '../../core/markdown/frontmatter';
import { LinkResolver } from '../../core/markdown/link-resolver';
import { extractLinks, type NoteLink } from '../../core/markdown/wikilinks';
import { resolveLinks, type OutLink } from '../../core/ask';
import type { VaultPort } from '../../core/ports/vault';

interface NoteEntry {
  mtime: number;
  size: number;
  links: NoteLink[];
  aliases: string[];
}

/**
 * The vault's links, kept warm for the `links` tool: every note's outgoing links and aliases are
 * read once and then again only when its modification time or size changes, so a call costs one
 * listing of the vault and the reading of the notes changed since the last one, where the core's
 * per-question `NoteGraph` reads every note (about 50 s at 100,000 notes). Links are resolved as
 * `NoteGraph` resolves them (the same `LinkResolver`, with aliases), again whenever a note or
 * file came, went or changed.
 */
export class WarmLinkGraph {
  private readonly vault: VaultPort;
  private readonly notes = new Map<string, NoteEntry>();
  private paths: string[] = [];
  private graph: { resolver: LinkResolver; out: Map<string, OutLink[]>; back: Map<string, Set<string>> } | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(vault: VaultPort) {
    this.vault = vault;
  }

  /** The note a path, name or alias given to a tool means (as a link from nowhere reaches it), or null. */
  async resolve(target: string, signal?: AbortSignal): Promise<string | null> {
    const { resolver } = await this.current(signal);
    return resolver.resolve(target, '') ?? resolver.aliasOwner(target, '');
  }

  /** A note's outgoing links (resolved) and the notes linking to it, as the vault is now. */
  async linksOf(path: string, signal?: AbortSignal): Promise<{ out: OutLink[]; back: string[] }> {
    const graph = await this.current(signal);
    return { out: graph.out.get(path) ?? [], back: [...(graph.back.get(path) ?? [])].sort() };
  }

  /** Brings the graph up to date with the disk; one update at a time. */
  private current(signal?: AbortSignal): Promise<NonNullable<WarmLinkGraph['graph']>> {
    const run = this.running.then(
      () => this.update(signal),
      () => this.update(signal),
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  private async update(signal?: AbortSignal): Promise<NonNullable<WarmLinkGraph['graph']>> {
    const files = await this.vault.list();
    const paths = files.map((f) => f.path).sort();
    let changed = this.graph === null || paths.length !== this.paths.length || paths.some((p, i) => p !== this.paths[i]);
    const seen = new Set<string>();
    let sliceStart = Date.now();
    for (const file of files) {
      if (extname(file.path) !== '.md') continue;
      seen.add(file.path);
      const known = this.notes.get(file.path);
      if (known && known.mtime === file.mtime && known.size === file.size) continue;
      if (signal?.aborted) throw new Error('Stopped.');
      let text: string;
      try {
        text = await this.vault.read(file.path);
      } catch {
        this.notes.delete(file.path);
        changed = true;
        continue;
      }
      // YAML parsing is the expensive part; most notes have no aliases to find.
      let aliases: string[] = [];
      if (text.startsWith('---') && /^aliases\s*:/m.test(text.slice(0, text.indexOf('\n---', 3) + 1 || 4000))) {
        aliases = fmStringList(parseNote(text).frontmatter, 'aliases');
      }
      this.notes.set(file.path, { mtime: file.mtime, size: file.size, links: extractLinks(text), aliases });
      changed = true;
      // Long scans let the server answer other calls every few milliseconds.
      if (Date.now() - sliceStart > 16) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        sliceStart = Date.now();
      }
    }
    for (const path of [...this.notes.keys()]) {
      if (!seen.has(path)) {
        this.notes.delete(path);
        changed = true;
      }
    }
    if (!changed && this.graph) return this.graph;
    this.paths = paths;
    const aliases = new Map<string, string[]>();
    for (const [path, note] of this.notes) if (note.aliases.length > 0) aliases.set(path, note.aliases);
    const resolver = new LinkResolver(paths, aliases);
    const { out, back } = resolveLinks(
      [...this.notes].map(([path, note]): [string, NoteLink[]] => [path, note.links]),
      this.vault.links ?? resolver,
    );
    this.graph = { resolver, out, back };
    return this.graph;
  }
}
