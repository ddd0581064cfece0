import { codeLineMask, frontmatterCloseLine, splitText } from './scan';

/** One link found in a note. */
export interface NoteLink {
  /** The link exactly as written, including a leading `!` for embeds. */
  raw: string;
  /**
   * The path or name part, trimmed, without `#heading`, `#^block` or `|alias`; '' for a link to
   * the same note (`[[#Heading]]`). Markdown link targets are URL-decoded.
   */
  target: string;
  heading?: string;
  blockId?: string;
  alias?: string;
  embed: boolean;
  kind: 'wikilink' | 'markdown';
  /** 1-based line in the original text (frontmatter lines count). */
  line: number;
  /** 1-based column of the first character of `raw` (UTF-16 code units). */
  column: number;
}

function splitSubpath(ref: string): { target: string; heading?: string; blockId?: string } {
  const hash = ref.indexOf('#');
  if (hash === -1) return { target: ref.trim() };
  const target = ref.slice(0, hash).trim();
  const sub = ref.slice(hash + 1).trim();
  if (sub.startsWith('^')) return { target, blockId: sub.slice(1) };
  return sub === '' ? { target } : { target, heading: sub };
}

/** Parses the inside of `[[...]]`; null when it is not a usable link. */
function parseWikilinkInner(inner: string): Omit<NoteLink, 'raw' | 'embed' | 'kind' | 'line' | 'column'> | null {
  const pipe = inner.indexOf('|');
  let ref = pipe === -1 ? inner : inner.slice(0, pipe);
  const alias = pipe === -1 ? undefined : inner.slice(pipe + 1).trim();
  // Inside a table a pipe must be escaped as `\|`; the backslash is not part of the target.
  if (pipe !== -1 && ref.endsWith('\\')) ref = ref.slice(0, -1);
  if (ref.trim() === '') return null;
  const parts = splitSubpath(ref);
  return alias ? { ...parts, alias } : parts;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // A stray % is common in hand-written paths; keep the text rather than drop the link.
  }
}

/**
 * For each `[` in the line, the index just past its matching `]` (absent when unmatched). One
 * stack pass, so lines full of brackets stay linear instead of rescanning from every `[`.
 */
function bracketPairs(line: string): Map<number, number> {
  const pairs = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '[') stack.push(i);
    else if (c === ']' && stack.length > 0) pairs.set(stack.pop() as number, i + 1);
  }
  return pairs;
}

// CommonMark allows implementations to cap paren nesting in destinations; the cap keeps
// lines like `[a]([a]([a](...` linear, since each scan can cross only this many other openers.
const MAX_PAREN_DEPTH = 32;

/** Parses `(destination "title")` at `open`; returns the destination and the index past `)`. */
function parseDestination(line: string, open: number): { dest: string; end: number } | null {
  let i = open + 1;
  while (line[i] === ' ' || line[i] === '\t') i++;
  let dest: string;
  if (line[i] === '<') {
    const close = line.indexOf('>', i + 1);
    if (close === -1) return null;
    dest = line.slice(i + 1, close);
    i = close + 1;
  } else {
    const start = i;
    let depth = 0;
    for (; i < line.length; i++) {
      const c = line[i];
      if (c === '\\') {
        i++;
      } else if (c === '(') {
        if (++depth > MAX_PAREN_DEPTH) return null;
      } else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ' ' || c === '\t') {
        break;
      }
    }
    dest = line.slice(start, i);
  }
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line[i] === '"' || line[i] === "'") {
    const close = line.indexOf(line[i], i + 1);
    if (close === -1) return null;
    i = close + 1;
    while (line[i] === ' ' || line[i] === '\t') i++;
  }
  if (line[i] !== ')') return null;
  return { dest, end: i + 1 };
}

function markdownTarget(dest: string): Omit<NoteLink, 'raw' | 'embed' | 'kind' | 'line' | 'column'> | null {
  const trimmed = dest.trim();
  if (trimmed === '' || trimmed.startsWith('#') || SCHEME.test(trimmed)) return null;
  const hash = trimmed.indexOf('#');
  const path = decode(hash === -1 ? trimmed : trimmed.slice(0, hash));
  const parts = splitSubpath(hash === -1 ? path : `${path}#${decode(trimmed.slice(hash + 1))}`);
  return parts.target === '' ? null : parts;
}

function scanLine(line: string, lineNo: number, markdownLinks: boolean, out: NoteLink[]): void {
  let i = 0;
  const n = line.length;
  // Caches that keep pathological lines (thousands of `[[` or `[`) linear.
  let wikiClose = -2;
  let pairs: Map<number, number> | null = null;
  while (i < n) {
    const c = line[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      // A code span closes at the next run of exactly as many backticks; without one the run is literal.
      let run = i;
      while (line[run] === '`') run++;
      const len = run - i;
      let j = run;
      let closed = -1;
      while (j < n) {
        const k = line.indexOf('`', j);
        if (k === -1) break;
        let e = k;
        while (line[e] === '`') e++;
        if (e - k === len) {
          closed = e;
          break;
        }
        j = e;
      }
      i = closed === -1 ? run : closed;
      continue;
    }
    const embed = c === '!' && line[i + 1] === '[';
    const open = embed ? i + 1 : i;
    if (line[open] !== '[') {
      i++;
      continue;
    }
    if (line[open + 1] === '[') {
      if (wikiClose !== -1 && wikiClose < open + 2) wikiClose = line.indexOf(']]', open + 2);
      const close = wikiClose;
      if (close === -1) {
        i = open + 2;
        continue;
      }
      // In `[[a [[b]]` only the innermost `[[` forms a link; jump to it (keeping a `!` before it).
      const innermost = line.lastIndexOf('[[', close - 2);
      if (innermost > open) {
        i = line[innermost - 1] === '!' && innermost - 1 > open ? innermost - 1 : innermost;
        continue;
      }
      const parsed = parseWikilinkInner(line.slice(open + 2, close));
      if (parsed) {
        out.push({ raw: line.slice(i, close + 2), ...parsed, embed, kind: 'wikilink', line: lineNo, column: i + 1 });
      }
      i = close + 2;
      continue;
    }
    if (markdownLinks) {
      pairs ??= bracketPairs(line);
      const textEnd = pairs.get(open) ?? -1;
      if (textEnd !== -1 && line[textEnd] === '(') {
        const dest = parseDestination(line, textEnd);
        if (dest) {
          const parsed = markdownTarget(dest.dest);
          if (parsed) {
            out.push({ raw: line.slice(i, dest.end), ...parsed, embed, kind: 'markdown', line: lineNo, column: i + 1 });
          }
          // Rescan the link text: `[![img](a.png)](b.md)` links to both files.
          i = open + 1;
          continue;
        }
      }
    }
    i = open + 1;
  }
}

/**
 * Every wikilink and local markdown link in a note, in document order. Links in fenced code
 * blocks and inline code are skipped; links in frontmatter values are reported (Obsidian tracks
 * them as property links), but only in wikilink form since markdown links there are plain text.
 */
export function extractLinks(text: string): NoteLink[] {
  const { lines } = splitText(text);
  const fmClose = frontmatterCloseLine(lines);
  const code = codeLineMask(lines, fmClose + 1);
  const out: NoteLink[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (code[i]) continue;
    const line = lines[i];
    // Cheap pre-check: most lines have no link at all.
    if (line.indexOf('[') === -1) continue;
    scanLine(line, i + 1, i > fmClose, out);
  }
  return out;
}

/** Builds `[[target#heading|alias]]` (or `#^blockId`); omitted parts are left out. */
export function linkText(target: string, opts: { heading?: string; blockId?: string; alias?: string } = {}): string {
  let sub = '';
  if (opts.blockId) sub = `#^${opts.blockId}`;
  else if (opts.heading) sub = `#${opts.heading}`;
  const alias = opts.alias ? `|${opts.alias}` : '';
  return `[[${target}${sub}${alias}]]`;
}
