import { basenameNoExt } from '../markdown';
import type { ArticleInfo, ArticleType } from '../plan';
import { readArticle } from '../plan';
import type { VaultPort } from '../ports/vault';

/** What compile knows about one article of the wiki (from its frontmatter, never sent as a list). */
export interface CatalogEntry {
  path: string;
  title: string;
  type: ArticleType | undefined;
  summary: string;
  aliases: string[];
  sources: string[];
  sourceHashes: Record<string, string>;
  /** Reserved by a source still being compiled: a name to merge into, not yet a link target. */
  planned?: boolean;
}

/**
 * Comparison key for concept names: accents folded, case and punctuation ignored, simple English
 * plurals reduced ("Large Language Models" = "large-language model").
 */
export function conceptKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((w) => (w.length > 4 && w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w))
    .join(' ');
}

/**
 * The wiki's articles by path, title and alias, read once per compile run and kept current as
 * the run plans new articles. Lets compile resolve concept names and links without the model.
 */
export class WikiCatalog {
  private readonly byPath = new Map<string, CatalogEntry>();
  private readonly byKey = new Map<string, string[]>();

  /** Reads every markdown file under `wikiFolder` except the index and the log. */
  static async load(vault: VaultPort, wikiFolder: string): Promise<WikiCatalog> {
    const catalog = new WikiCatalog();
    for (const f of await vault.list()) {
      if (!f.path.startsWith(`${wikiFolder}/`) || !f.path.endsWith('.md')) continue;
      if (f.path === `${wikiFolder}/index.md` || f.path === `${wikiFolder}/log.md`) continue;
      try {
        catalog.put(f.path, readArticle(await vault.read(f.path)));
      } catch {
        // An unreadable file is simply not a candidate.
      }
    }
    return catalog;
  }

  put(path: string, info: Pick<ArticleInfo, 'title' | 'type' | 'summary' | 'aliases' | 'sources' | 'sourceHashes'>, planned = false): CatalogEntry {
    this.remove(path);
    const entry: CatalogEntry = {
      path,
      title: info.title ?? basenameNoExt(path),
      type: info.type,
      summary: info.summary ?? '',
      aliases: info.aliases,
      sources: info.sources,
      sourceHashes: info.sourceHashes,
      ...(planned ? { planned } : {}),
    };
    this.byPath.set(path, entry);
    for (const name of [entry.title, basenameNoExt(path), ...entry.aliases]) {
      const key = conceptKey(name);
      if (!key) continue;
      const list = this.byKey.get(key) ?? [];
      if (!list.includes(path)) list.push(path);
      this.byKey.set(key, list);
    }
    return entry;
  }

  private remove(path: string): void {
    if (!this.byPath.delete(path)) return;
    for (const [key, list] of this.byKey) {
      const i = list.indexOf(path);
      if (i === -1) continue;
      list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(key);
    }
  }

  get(path: string): CatalogEntry | undefined {
    return this.byPath.get(path);
  }

  get size(): number {
    return this.byPath.size;
  }

  entries(): CatalogEntry[] {
    return [...this.byPath.values()];
  }

  /** The articles whose title, file name or an alias matches `name`, optionally of one type. */
  findByName(name: string, type?: ArticleType): CatalogEntry[] {
    const paths = this.byKey.get(conceptKey(name)) ?? [];
    return paths
      .map((p) => this.byPath.get(p))
      .filter((e): e is CatalogEntry => e !== undefined && (type === undefined || e.type === type))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** The source summaries that cite `rawPath`. */
  summariesOf(rawPath: string): CatalogEntry[] {
    return this.entries().filter((e) => e.type === 'source' && e.sources.includes(rawPath));
  }

  /**
   * Concept articles whose title or alias occurs in `text` (whole words, case-insensitive), most
   * mentioned first, at most `limit`: the cheap candidate list when no search index is given.
   */
  mentionedIn(text: string, limit: number): CatalogEntry[] {
    const haystack = ` ${conceptKey(text)} `;
    const scored: { entry: CatalogEntry; count: number }[] = [];
    for (const entry of this.byPath.values()) {
      if (entry.type !== 'concept') continue;
      let count = 0;
      for (const name of [entry.title, ...entry.aliases]) {
        const key = conceptKey(name);
        if (key.length < 3) continue;
        let at = haystack.indexOf(` ${key} `);
        while (at !== -1 && count < 50) {
          count++;
          at = haystack.indexOf(` ${key} `, at + key.length + 1);
        }
      }
      if (count > 0) scored.push({ entry, count });
    }
    scored.sort((a, b) => b.count - a.count || (a.entry.path < b.entry.path ? -1 : 1));
    return scored.slice(0, limit).map((s) => s.entry);
  }

  /**
   * Resolves a wikilink target written by the model: a path (with or without .md), then a name.
   * Only articles that exist or are planned for certain; reservations of unfinished sources are not targets.
   */
  resolveLink(target: string): CatalogEntry | undefined {
    const t = target.trim();
    const direct = this.byPath.get(t) ?? this.byPath.get(`${t}.md`);
    if (direct && !direct.planned) return direct;
    const byName = this.findByName(t.slice(t.lastIndexOf('/') + 1)).filter((e) => !e.planned);
    return byName.find((e) => e.type === 'concept') ?? byName[0];
  }
}
