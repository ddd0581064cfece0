import { fmString, fmStringList, hashText, parseNote, stringifyNote } from '../markdown';

/**
 * The generated-article contract shared by compile, ask ("Save to wiki"), render and lint.
 * Frontmatter, in this order: `title`, `summary` (one line), `type`, `sources` (wikilinks to raw
 * notes, as strings), `source_hashes` (raw path → hashText of its full content when compiled),
 * `aliases`, `tags`, `scriptorium` (`generated`, or `locked` when a person wants it left alone),
 * `body_hash` (see {@link bodyHash}), `fields_hash` (see {@link fieldsHash}), `updated`
 * (YYYY-MM-DD), then any extra keys (e.g. `marp`).
 */
export type ArticleType = 'source' | 'concept' | 'output' | 'report';

export const ARTICLE_TYPES: readonly ArticleType[] = ['source', 'concept', 'output', 'report'];

export interface ArticleFields {
  title: string;
  /** One line; newlines are folded into spaces. */
  summary: string;
  type: ArticleType;
  /** Raw vault paths ("raw/Some note.md"); written as wikilinks "[[raw/Some note]]". */
  sources?: string[];
  /** Raw vault path → hashText of the raw file's full content when it was compiled. */
  sourceHashes?: Record<string, string>;
  aliases?: string[];
  tags?: string[];
  /** YYYY-MM-DD, see {@link isoDate}. */
  updated: string;
  /** More frontmatter after the contract's keys (e.g. `{ marp: true }` for decks). */
  extra?: Record<string, unknown>;
}

/** How Scriptorium may treat an existing file. */
export type ArticleOwnership =
  /** Written by Scriptorium and unchanged since: free to update. */
  | 'generated'
  /** Written by Scriptorium, then edited by a person: only a reviewed merge. */
  | 'edited'
  /** Marked `scriptorium: locked`: never touched. */
  | 'locked'
  /** Not written by Scriptorium (no `scriptorium` property): a person's note, only a reviewed merge. */
  | 'foreign';

export interface ArticleInfo {
  title: string | undefined;
  summary: string | undefined;
  type: ArticleType | undefined;
  /** Raw vault paths parsed back from the `sources` wikilinks (with ".md"). */
  sources: string[];
  sourceHashes: Record<string, string>;
  aliases: string[];
  tags: string[];
  ownership: ArticleOwnership;
  body: string;
  frontmatter: Record<string, unknown>;
}

/**
 * The hash recorded in `body_hash`: line endings normalised and trailing whitespace ignored, so an
 * editor adding a final newline does not count as a person's edit.
 */
export function bodyHash(body: string): string {
  return hashText(body.replace(/\r\n/g, '\n').trimEnd());
}

/**
 * Keys left out of {@link fieldsHash}: the ones the writer itself restamps on every write. Every
 * other property (title, summary, type, sources, aliases, tags, a key a person added) is a field a
 * person may change, and changing it makes the article `edited`.
 */
export const RESTAMPED_KEYS: ReadonlySet<string> = new Set(['updated', 'body_hash', 'fields_hash']);

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value.replace(/\r\n/g, '\n');
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
        .map((k) => [k, canonical(record[k])]),
    );
  }
  return value;
}

/**
 * The hash recorded in `fields_hash`: every frontmatter property except {@link RESTAMPED_KEYS},
 * compared by value (key order and YAML quoting do not matter), so a person's new `summary:`,
 * `title:`, alias, tag or added key counts as an edit just as a changed body does.
 */
export function fieldsHash(frontmatter: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(frontmatter)) if (!RESTAMPED_KEYS.has(k)) kept[k] = v;
  return hashText(JSON.stringify(canonical(kept)));
}

/**
 * What a person changed in a generated article since Scriptorium wrote it: its body, its
 * properties, both or neither. An article written before `fields_hash` existed has only its body
 * checked; one with no `body_hash` at all counts as an edited body.
 */
export function editedParts(frontmatter: Record<string, unknown>, body: string): { body: boolean; fields: boolean } {
  const recordedBody = fmString(frontmatter, 'body_hash');
  const recordedFields = fmString(frontmatter, 'fields_hash');
  return {
    body: recordedBody === undefined || recordedBody !== bodyHash(body),
    fields: recordedFields !== undefined && recordedFields !== fieldsHash(frontmatter),
  };
}

/** "[[raw/Some note]]" for "raw/Some note.md". */
export function rawLink(rawPath: string): string {
  return `[[${rawPath.replace(/\.md$/i, '')}]]`;
}

/** "raw/Some note.md" for "[[raw/Some note]]" or "[[raw/Some note|alias]]"; undefined for anything else. */
export function rawPathOfLink(link: string): string | undefined {
  const m = /^\s*\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]\s*$/.exec(link);
  if (!m) return undefined;
  const target = m[1].trim();
  return /\.[a-z0-9]+$/i.test(target) ? target : `${target}.md`;
}

/** The date as YYYY-MM-DD in local time (what a person reads in their log). */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function uniq(list: string[] | undefined): string[] | undefined {
  if (!list) return undefined;
  const out = [...new Set(list.map(oneLine).filter((s) => s !== ''))];
  return out;
}

/** A complete generated article: contract frontmatter (with `body_hash` of `body`) and the body. */
export function renderArticle(fields: ArticleFields, body: string): string {
  const text = body.endsWith('\n') ? body : `${body}\n`;
  const sources = uniq(fields.sources)?.map(rawLink);
  const hashes = fields.sourceHashes && Object.keys(fields.sourceHashes).length > 0 ? sortedRecord(fields.sourceHashes) : undefined;
  const frontmatter: Record<string, unknown> = {
    title: oneLine(fields.title),
    summary: oneLine(fields.summary),
    type: fields.type,
    sources: sources && sources.length ? sources : undefined,
    source_hashes: hashes,
    aliases: uniq(fields.aliases) ?? [],
    tags: uniq(fields.tags) ?? [],
    scriptorium: 'generated',
    body_hash: bodyHash(text),
    fields_hash: undefined,
    updated: fields.updated,
  };
  for (const [k, v] of Object.entries(fields.extra ?? {})) {
    if (!(k in frontmatter)) frontmatter[k] = v;
  }
  frontmatter.fields_hash = fieldsHash(frontmatter);
  return stringifyNote(frontmatter, text);
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Re-stamps `body_hash` and `fields_hash` (and optionally `updated`) of a generated article after
 * code changed it, keeping every other property and their order. Text without `scriptorium: generated` is returned as is.
 */
export function restampArticle(text: string, updated?: string): string {
  const note = parseNote(text);
  if (!note.hasFrontmatter || note.frontmatterError || note.frontmatter.scriptorium !== 'generated') return text;
  const fm: Record<string, unknown> = { ...note.frontmatter, body_hash: bodyHash(note.body) };
  if (updated) fm.updated = updated;
  // An article from before `fields_hash` keeps its body-only check (and its line count) until it
  // is next rendered; one that has it gets it recomputed with the rest.
  if ('fields_hash' in fm) fm.fields_hash = fieldsHash(fm);
  return stringifyNote(fm, note.body);
}

/** Reads an existing file against the contract; works on any note (a person's note is `foreign`). */
/**
 * Whether the frontmatter holds a YAML comment. Scriptorium never writes one, and a comment is no
 * property (no hash sees it), so a comment line there is a person's edit, kept like any other.
 */
function hasFrontmatterComment(text: string, body: string): boolean {
  const head = text.slice(0, text.length - body.length);
  return /^[ \t]*#/m.test(head.replace(/^\uFEFF?---[^\n]*\n/, ''));
}

export function readArticle(text: string): ArticleInfo {
  const note = parseNote(text);
  const fm = note.frontmatter;
  const marker = fmString(fm, 'scriptorium');
  let ownership: ArticleOwnership;
  if (marker === 'locked') ownership = 'locked';
  else if (marker === 'generated') {
    const edited = editedParts(fm, note.body);
    ownership = edited.body || edited.fields || hasFrontmatterComment(text, note.body) ? 'edited' : 'generated';
  } else ownership = 'foreign';
  const type = fmString(fm, 'type');
  const hashesRaw = fm.source_hashes;
  const sourceHashes: Record<string, string> = {};
  if (hashesRaw && typeof hashesRaw === 'object' && !Array.isArray(hashesRaw)) {
    for (const [k, v] of Object.entries(hashesRaw as Record<string, unknown>)) if (typeof v === 'string') sourceHashes[k] = v;
  }
  return {
    title: fmString(fm, 'title'),
    summary: fmString(fm, 'summary'),
    type: ARTICLE_TYPES.includes(type as ArticleType) ? (type as ArticleType) : undefined,
    sources: fmStringList(fm, 'sources')
      .map(rawPathOfLink)
      .filter((p): p is string => p !== undefined),
    sourceHashes,
    aliases: fmStringList(fm, 'aliases'),
    tags: fmStringList(fm, 'tags'),
    ownership,
    body: note.body,
    frontmatter: fm,
  };
}
