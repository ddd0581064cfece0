/**
 * Vault paths are '/'-separated, relative to the vault root, with no leading slash — the form
 * Obsidian's `normalizePath` produces. These helpers are textual: they never touch a file system.
 */

/**
 * Cleans a vault path: backslashes become '/', empty and '.' segments go, '..' cancels the
 * previous segment, whitespace around segments is trimmed, and the text is NFC-normalised (macOS
 * file names arrive decomposed). A '..' that would climb above the root is kept at the front so
 * callers can see the escape; use {@link resolveVaultPath} to reject it. Root is ''.
 */
export function normalizeVaultPath(p: string): string {
  const out: string[] = [];
  for (const raw of p.normalize('NFC').replace(/\\/g, '/').split('/')) {
    const seg = raw.trim();
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/** Like {@link normalizeVaultPath}, but null when '..' would leave the vault. */
export function resolveVaultPath(p: string): string | null {
  const n = normalizeVaultPath(p);
  return n === '..' || n.startsWith('../') ? null : n;
}

// Obsidian refuses these in file names on every platform (some break links, some break Windows).
const FORBIDDEN = new Set(['*', '"', '\\', '/', '<', '>', ':', '|', '?', '#', '^', '[', ']']);
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Default cap on a name's length, in UTF-16 code units: long names are hard to read and to link. */
export const MAX_FILE_NAME_LENGTH = 120;

/**
 * Default cap on a name's size, in UTF-8 bytes. Most file systems refuse names over 255 bytes;
 * 180 leaves room for an extension ('.md', '.canvas', '.marp.md') and a numbered or hashed suffix
 * (' (12)', ' 3f9a2c') added later. 120 CJK characters would be 360 bytes; 60 fit here.
 */
export const MAX_FILE_NAME_BYTES = 180;

/** The size of `s` in UTF-8 bytes (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) bytes += utf8Bytes(ch.codePointAt(0) ?? 0);
  return bytes;
}

function utf8Bytes(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/**
 * The longest start of `s` that is at most `maxUnits` UTF-16 code units and `maxBytes` UTF-8
 * bytes, cut between user-perceived characters where the runtime can tell them (an emoji with
 * its modifiers, a letter with its accents stay whole), and never inside a surrogate pair.
 */
export function truncateText(s: string, maxUnits: number, maxBytes = Infinity): string {
  if (s.length <= maxUnits && (maxBytes === Infinity || utf8Length(s) <= maxBytes)) return s;
  let units = 0;
  let bytes = 0;
  let out = '';
  for (const piece of graphemes(s)) {
    let pieceBytes = 0;
    for (const ch of piece) pieceBytes += utf8Bytes(ch.codePointAt(0) ?? 0);
    if (units + piece.length > maxUnits || bytes + pieceBytes > maxBytes) break;
    out += piece;
    units += piece.length;
    bytes += pieceBytes;
  }
  return out;
}

interface GraphemeSegmenter {
  segment(s: string): Iterable<{ segment: string }>;
}

/** User-perceived characters when `Intl.Segmenter` exists (Node 16+, current browsers), else code points. */
function graphemes(s: string): Iterable<string> {
  const Segmenter = (Intl as unknown as { Segmenter?: new (locale?: string, options?: { granularity: 'grapheme' }) => GraphemeSegmenter }).Segmenter;
  if (!Segmenter) return s;
  const segments = new Segmenter(undefined, { granularity: 'grapheme' }).segment(s);
  return (function* () {
    for (const part of segments) yield part.segment;
  })();
}

/**
 * A file name (without folder) that Obsidian and all desktop/mobile file systems accept. Forbidden
 * characters and control characters become spaces, whitespace runs collapse, dots and spaces at
 * the ends go (Windows drops trailing dots; leading dots hide files), and the result is capped at
 * `maxLength` UTF-16 code units and `maxBytes` UTF-8 bytes (file systems count bytes: 255 for
 * most), cut between characters, never inside a surrogate pair. Case is kept. '' becomes 'Untitled'.
 */
export function sanitizeFileName(name: string, maxLength = MAX_FILE_NAME_LENGTH, maxBytes = MAX_FILE_NAME_BYTES): string {
  let cleaned = '';
  for (const ch of name.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    // A lone surrogate cannot be written as UTF-8: it would reach the disk as U+FFFD.
    const lone = code >= 0xd800 && code <= 0xdfff;
    cleaned += FORBIDDEN.has(ch) || control || lone ? ' ' : ch;
  }
  let result = trimDotsAndSpaces(cleaned.replace(/\s+/g, ' '));
  result = trimDotsAndSpaces(truncateText(result, maxLength, maxBytes));
  if (WINDOWS_RESERVED.test(result)) result = `${trimDotsAndSpaces(truncateText(result, maxLength - 1, maxBytes - 1))}_`;
  return result === '' ? 'Untitled' : result;
}

function trimDotsAndSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s[start] === '.' || s[start] === ' ')) start++;
  while (end > start && (s[end - 1] === '.' || s[end - 1] === ' ')) end--;
  return s.slice(start, end);
}

/**
 * The normalised path `p` if it lies strictly inside `folder` ('' = the vault root), else null.
 * Rejects '..' escapes and any hidden segment below the folder (`.obsidian`, `.git`, `.trash`), so
 * model-chosen paths cannot reach the config folder. Segment comparison is case-sensitive.
 */
export function confineToFolder(folder: string, p: string): string | null {
  const base = resolveVaultPath(folder);
  const path = resolveVaultPath(p);
  if (base === null || path === null || path === '') return null;
  const baseSegs = base === '' ? [] : base.split('/');
  const segs = path.split('/');
  if (segs.length <= baseSegs.length) return null;
  for (let i = 0; i < baseSegs.length; i++) {
    if (segs[i] !== baseSegs[i]) return null;
  }
  for (let i = baseSegs.length; i < segs.length; i++) {
    if (segs[i].startsWith('.')) return null;
  }
  return path;
}

/** Last segment: 'a/b.md' → 'b.md'. */
export function basename(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash === -1 ? p : p.slice(slash + 1);
}

/** Last segment without its extension: 'a/b.c.md' → 'b.c'; '.hidden' keeps its name. */
export function basenameNoExt(p: string): string {
  const name = basename(p);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

/** Folder part: 'a/b/c.md' → 'a/b'; '' for files at the root. */
export function dirname(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash === -1 ? '' : p.slice(0, slash);
}

/** Lowercased extension with its dot: 'A.PNG' → '.png'; '' when there is none. */
export function extname(p: string): string {
  const name = basename(p);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
}

/** Joins parts with '/' and normalises the result (empty parts are skipped). */
export function joinPath(...parts: string[]): string {
  return normalizeVaultPath(parts.filter((s) => s !== '').join('/'));
}
