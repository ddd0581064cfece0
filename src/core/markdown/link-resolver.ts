import type { LinkLookup } from '../ports/link-lookup';
import { basename, dirname, extname, normalizeVaultPath, resolveVaultPath } from './paths';
import { headingKey, headingsOf } from './sections';
import type { NoteLink } from './wikilinks';

/** Where a link points, and whether its `#heading` / `#^block` part exists there. */
export interface ResolvedLink {
  /** The vault path of the target file, as it was registered, or null when nothing matches. */
  path: string | null;
  /** Set when the link has a heading and headings of the target could be listed. */
  headingFound?: boolean;
  /** Set when the link has a block id and the target's text could be read. */
  blockFound?: boolean;
}

export interface ResolveLinkOptions {
  /** Headings of a note, or undefined when unknown. */
  headingsOf?: (path: string) => string[] | undefined;
  /** Text of a note, or undefined when unknown; used for block ids, and for headings when `headingsOf` is absent. */
  textOf?: (path: string) => string | undefined;
}

/** Lookup key: NFC (macOS hands out decomposed names) and lowercase, since Obsidian links ignore case. */
function key(s: string): string {
  return s.normalize('NFC').toLowerCase();
}

function addTo(map: Map<string, string[]>, k: string, path: string): void {
  const list = map.get(k);
  if (!list) map.set(k, [path]);
  else if (!list.includes(path)) list.push(path);
}

function removeFrom(map: Map<string, string[]>, k: string, path: string): void {
  const list = map.get(k);
  if (!list) return;
  const i = list.indexOf(path);
  if (i !== -1) list.splice(i, 1);
  if (list.length === 0) map.delete(k);
}

/**
 * Resolves link targets to vault paths the way Obsidian does, over an index kept up to date
 * with `add` and `remove`. Order of attempts for a target:
 *
 * 1. an exact vault path, as written or with `.md` added;
 * 2. a path relative to the linking note's folder (`./x`, `../x`, `sub/x`), as written or with `.md`;
 * 3. the same two paths case-insensitively;
 * 4. a file name, case-insensitively: a markdown file by name without `.md` (or with it), any other
 *    file by name with its extension (`image.png`). A target with folders (`concepts/Dropck`)
 *    only matches files whose path ends with it.
 *
 * An alias is not a link destination: Obsidian shows `[[Alias]]` unresolved (it writes
 * `[[Note|Alias]]`), so `resolve` never answers with one; `aliasOwner` finds a note by alias
 * for suggestions and name look-ups.
 *
 * Several files matching one name are ranked as Obsidian's `getFirstLinkpathDest` ranks them: one
 * in the linking note's own folder first (an ancestor folder counts for nothing), then the
 * shortest path, then code-unit order of the path — so the answer never depends on insertion order.
 */
export class LinkResolver implements LinkLookup {
  /** NFC path → registered path. */
  private readonly exact = new Map<string, string>();
  /** key(path) → paths. */
  private readonly folded = new Map<string, string[]>();
  /** key(file name) and, for markdown, key(name without .md) → paths. */
  private readonly byName = new Map<string, string[]>();
  private readonly byAlias = new Map<string, string[]>();
  private readonly aliasesOf = new Map<string, string[]>();

  constructor(paths: Iterable<string> = [], aliases?: Map<string, string[]>) {
    for (const p of paths) this.add(p, aliases?.get(p));
    if (aliases) {
      for (const [p, list] of aliases) if (!this.exact.has(p.normalize('NFC'))) this.add(p, list);
    }
  }

  /** Registers a file (or replaces the aliases of one already known). */
  add(path: string, aliases?: readonly string[]): void {
    const nfc = path.normalize('NFC');
    if (this.exact.has(nfc)) this.remove(path);
    this.exact.set(nfc, path);
    addTo(this.folded, key(path), path);
    const name = basename(path);
    addTo(this.byName, key(name), path);
    if (extname(path) === '.md') addTo(this.byName, key(name.slice(0, -3)), path);
    const clean = (aliases ?? []).map((a) => a.trim()).filter((a) => a !== '');
    if (clean.length > 0) {
      this.aliasesOf.set(path, clean);
      for (const a of clean) addTo(this.byAlias, key(a), path);
    }
  }

  remove(path: string): void {
    const registered = this.exact.get(path.normalize('NFC'));
    if (registered === undefined) return;
    this.exact.delete(path.normalize('NFC'));
    removeFrom(this.folded, key(registered), registered);
    const name = basename(registered);
    removeFrom(this.byName, key(name), registered);
    if (extname(registered) === '.md') removeFrom(this.byName, key(name.slice(0, -3)), registered);
    for (const a of this.aliasesOf.get(registered) ?? []) removeFrom(this.byAlias, key(a), registered);
    this.aliasesOf.delete(registered);
  }

  /** Moves a file, keeping its aliases. */
  rename(oldPath: string, newPath: string): void {
    const aliases = this.aliasesOf.get(this.exact.get(oldPath.normalize('NFC')) ?? oldPath);
    this.remove(oldPath);
    this.add(newPath, aliases);
  }

  has(path: string): boolean {
    return this.exact.has(path.normalize('NFC'));
  }

  /** The vault path a link target points to from `fromPath`, or null. '' means the linking note itself. */
  resolve(target: string, fromPath: string): string | null {
    const t = target.trim();
    if (t === '') return fromPath;

    const absolute = resolveVaultPath(t);
    const relative = resolveVaultPath(`${dirname(fromPath)}/${t}`);
    const candidates: string[] = [];
    for (const p of [absolute, relative]) {
      if (p) candidates.push(p, `${p}.md`);
    }
    for (const c of candidates) {
      const hit = this.exact.get(c);
      if (hit !== undefined) return hit;
    }
    for (const c of candidates) {
      const hits = this.folded.get(key(c));
      if (hits) return this.best(hits, fromPath);
    }

    const tail = normalizeVaultPath(t);
    const name = basename(tail);
    const named = this.byName.get(key(name));
    if (named) {
      const suffix = key(tail);
      const fits = tail.includes('/')
        ? named.filter((p) => {
            const k = key(p);
            return k.endsWith(`/${suffix}`) || k.endsWith(`/${suffix}.md`);
          })
        : named;
      if (fits.length > 0) return this.best(fits, fromPath);
    }

    return null;
  }

  /**
   * The note that has `name` as an alias (case-insensitive), or null. Not a link destination
   * (see the class comment): for "did you mean [[Note|Alias]]?" and for finding a note by name.
   */
  aliasOwner(name: string, fromPath = ''): string | null {
    const aliased = this.byAlias.get(key(name.trim()));
    return aliased ? this.best(aliased, fromPath) : null;
  }

  /**
   * Resolves a parsed link and, when the target is found and a lister is given, checks its
   * heading (case-insensitive, whitespace collapsed; for `A#B` the last part) or block id.
   */
  resolveLink(
    link: NoteLink,
    fromPath: string,
    options: ResolveLinkOptions | ((path: string) => string[] | undefined) = {},
  ): ResolvedLink {
    return resolveNoteLink(this, link, fromPath, options);
  }

  private best(paths: readonly string[], fromPath: string): string {
    let best = paths[0];
    for (let i = 1; i < paths.length; i++) {
      if (LinkResolver.rank(paths[i], best, fromPath) < 0) best = paths[i];
    }
    return best;
  }

  private static rank(a: string, b: string, fromPath: string): number {
    const here = dirname(fromPath);
    const d = (dirname(b) === here ? 1 : 0) - (dirname(a) === here ? 1 : 0);
    if (d !== 0) return d;
    if (a.length !== b.length) return a.length - b.length;
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/**
 * Resolves a parsed link through any {@link LinkLookup} (Obsidian's link index or the pure
 * resolver) and, when the target is found and a lister is given, checks its heading
 * (case-insensitive, whitespace collapsed; for `A#B` the last part) or block id.
 */
export function resolveNoteLink(
  lookup: LinkLookup,
  link: NoteLink,
  fromPath: string,
  options: ResolveLinkOptions | ((path: string) => string[] | undefined) = {},
): ResolvedLink {
  const opts: ResolveLinkOptions = typeof options === 'function' ? { headingsOf: options } : options;
  const path = lookup.resolve(link.target, fromPath);
  if (path === null) return { path };
  const result: ResolvedLink = { path };
  if (link.heading !== undefined) {
    const headings = opts.headingsOf?.(path) ?? optionalMap(opts.textOf?.(path), headingsOf);
    if (headings) {
      const parts = link.heading.split('#').map(headingKey).filter((p) => p !== '');
      const wanted = parts[parts.length - 1] ?? '';
      result.headingFound = headings.some((h) => headingKey(h) === wanted);
    }
  }
  if (link.blockId !== undefined) {
    const text = opts.textOf?.(path);
    if (text !== undefined) result.blockFound = hasBlockId(text, link.blockId);
  }
  return result;
}

function optionalMap<T, U>(value: T | undefined, fn: (v: T) => U): U | undefined {
  return value === undefined ? undefined : fn(value);
}

/** Whether some line ends with ` ^id` (or is just `^id`), Obsidian's block marker. */
export function hasBlockId(text: string, id: string): boolean {
  const marker = `^${id}`;
  for (let pos = text.indexOf(marker); pos !== -1; pos = text.indexOf(marker, pos + 1)) {
    const before = pos === 0 ? '\n' : text[pos - 1];
    if (before !== ' ' && before !== '\t' && before !== '\n') continue;
    let j = pos + marker.length;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (j === text.length || text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n')) return true;
  }
  return false;
}
