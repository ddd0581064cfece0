import { fmString, fmStringList, parseNote } from '../markdown/frontmatter';
import { basenameNoExt } from '../markdown/paths';
import { closesFence, openingFence, type Fence } from '../markdown/scan';
import { splitSections, type Section } from '../markdown/sections';
import { normalizeTag } from './query-parser';
import { titleKey } from './title-index';

/**
 * One searchable unit: a passage of a note. A section (or the whole note when it has no headings)
 * is one passage unless its body is longer than about `passageWords` words; then it is cut at
 * blank lines into several, each with its own line range and the section's heading as context.
 */
export interface SectionDocument {
  heading: string | null;
  /** 1-based line range of the passage in the file (a section's first passage starts at its heading line). */
  line: number;
  endLine: number;
  /** A later passage of its section: its range starts inside the section's body, not at the heading. */
  continued?: boolean;
  /** Field texts handed to the tokenizer; dropped as soon as the passage is indexed. */
  fields: { title: string; headings: string; tags: string; path: string; body: string };
}

export interface NoteDocumentOptions {
  /**
   * Sections whose body is longer than this many words are cut into passages of about this size
   * at blank lines (paragraphs kept whole); 0 keeps one document per section. Default 150.
   */
  passageWords?: number;
}

/** Passage size in words (see `NoteDocumentOptions.passageWords`). */
export const DEFAULT_PASSAGE_WORDS = 150;

/** What the index keeps about a note (no text: the text stays in the vault). */
export interface NoteInfo {
  path: string;
  title: string;
  aliases: string[];
  /** Lowercase, without '#': frontmatter tags and inline #tags. */
  tags: string[];
  mtime: number;
  size: number;
  /** Only the first `maxBytes` of the note were indexed. */
  truncated?: boolean;
  /** Why the note could not be read or parsed fully (broken frontmatter, binary content). */
  problem?: string;
}

export interface BuiltNote {
  info: NoteInfo;
  sections: SectionDocument[];
}

/** Text of a fenced code block beyond this is not indexed: code should not drown prose. */
const MAX_CODE_CHARS_PER_BLOCK = 400;
const URL = /\bhttps?:\/\/([^\s/)>\]]+)[^\s)>\]]*/g;
const INLINE_TAG = /(?:^|[\s(,;])#([\p{L}\p{N}_/-]*[\p{L}_/-][\p{L}\p{N}_/-]*)/gu;
/** Frontmatter properties whose text describes the note and is worth finding it by. */
const DESCRIPTIVE_KEYS = ['summary', 'description', 'author', 'source'];

/**
 * Splits a note into passage documents (see `SectionDocument`). The title is the frontmatter
 * `title`, else a leading `# H1` that is the note's only level-1 heading, else the file name; a
 * heading equal to the title is not indexed again as a heading. The title field, the folder and
 * the descriptive properties go with the note's first passage only (repeated on every passage,
 * they lifted every passage of a long note alike and pushed other notes' answers down).
 * Never throws: broken frontmatter is indexed as a note without properties and reported in
 * `problem`; a note with a NUL byte is treated as binary.
 */
export function buildNoteDocuments(
  path: string,
  text: string,
  stat: { mtime: number; size: number },
  maxChars: number,
  options: NoteDocumentOptions = {},
): BuiltNote {
  const passageWords = options.passageWords ?? DEFAULT_PASSAGE_WORDS;
  const basename = basenameNoExt(path);
  const info: NoteInfo = { path, title: basename, aliases: [], tags: [], mtime: stat.mtime, size: stat.size };
  if (text.includes('\u0000')) {
    info.problem = 'binary content';
    return { info, sections: [titleOnly(info)] };
  }
  if (text.length > maxChars) {
    // Cut at a line end so the last indexed line is whole.
    const cut = text.lastIndexOf('\n', maxChars);
    text = text.slice(0, cut > 0 ? cut : maxChars);
    info.truncated = true;
  }
  const note = readFrontmatter(text);
  const fm = note.frontmatter;
  if (note.frontmatterError) info.problem = note.frontmatterError;
  const sections = splitSections(text);
  const title = fmString(fm, 'title');
  if (title && title.trim()) info.title = title.trim();
  else {
    const h1 = leadingTitleHeading(sections);
    if (h1 !== null) info.title = h1;
  }
  info.aliases = [...fmStringList(fm, 'aliases'), ...fmStringList(fm, 'alias')].map((a) => a.trim()).filter((a) => a !== '');
  const tags = new Set<string>();
  for (const t of [...fmStringList(fm, 'tags'), ...fmStringList(fm, 'tag')]) {
    // "a, b" and "a b" are both written by people for several tags.
    for (const part of t.split(/[,\s]+/)) if (normalizeTag(part)) tags.add(normalizeTag(part));
  }
  for (const s of sections) {
    INLINE_TAG.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = INLINE_TAG.exec(s.text)) !== null) tags.add(normalizeTag(m[1]));
  }
  info.tags = [...tags].map(own);
  info.title = own(info.title);
  info.aliases = info.aliases.map(own);
  const titleField = [info.title, ...(info.title !== basename ? [basename] : []), ...info.aliases].join(' \n ');
  const tagField = info.tags.join(' ');
  const folderField = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const described = DESCRIPTIVE_KEYS.map((k) => fmString(fm, k)).filter((v): v is string => typeof v === 'string' && v !== '');
  const titleKeyOfNote = titleKey(info.title);
  const docs: SectionDocument[] = [];
  for (const s of sections) {
    const heading = s.heading === null ? null : own(s.heading);
    // The title is already the title field: as a heading too it weighed twice, in the field where
    // its words are rarest (measured: −2.8 points nDCG@10 on SciFact with H1 titles).
    const headings = s.trail.filter((h) => titleKey(h) !== titleKeyOfNote).join(' \n ');
    for (const part of splitPassages(s.text, s.heading !== null, passageWords)) {
      const first = docs.length === 0;
      docs.push({
        heading,
        line: s.startLine + part.from,
        endLine: s.startLine + part.to,
        ...(part.from > 0 ? { continued: true } : {}),
        fields: {
          title: first ? titleField : '',
          headings,
          tags: tagField,
          path: first ? folderField : '',
          // The first passage's body also carries the title and descriptive properties: a note's
          // title is part of what it says (measured: +N points nDCG on SciFact against title-only).
          body: (first ? [info.title, ...described].join(' \n ') + '\n' : '') + cleanBody(part.text),
        },
      });
    }
  }
  if (docs.length === 0) {
    const doc = titleOnly(info);
    doc.fields.path = folderField;
    doc.fields.tags = tagField;
    doc.fields.body = described.join(' \n ');
    doc.line = note.bodyStartLine;
    doc.endLine = Math.max(note.bodyStartLine, text.split('\n').length);
    return { info, sections: [doc] };
  }
  return { info, sections: docs };
}

/** The text of a leading `# H1` that is the note's only level-1 heading, else null. */
function leadingTitleHeading(sections: readonly Section[]): string | null {
  const first = sections[0];
  if (!first || first.level !== 1 || first.heading === null || first.heading.trim() === '') return null;
  for (let i = 1; i < sections.length; i++) if (sections[i].level === 1) return null;
  return first.heading.trim();
}

/** A run of lines the passage cutter keeps together: a paragraph, or one line of a very long one. */
interface Unit {
  from: number;
  to: number;
  words: number;
}

/**
 * A section's passages as line offsets (0 = the section's first line) and body texts. A body of
 * up to `target` words is one passage; a longer one is cut at blank lines outside code fences into
 * groups of paragraphs of about `target` words (a group is closed before a paragraph that would
 * take it past `target`, once it has a third of that; a last group under a third joins the one
 * before). A paragraph over twice `target` words may be cut between its lines. The ranges cover
 * the section without gaps: blank lines go with the passage before them, and the first passage
 * starts at the heading line.
 */
export function splitPassages(text: string, hasHeading: boolean, target: number): { from: number; to: number; text: string }[] {
  const lines = text.split('\n');
  const start = hasHeading ? 1 : 0;
  const whole = [{ from: 0, to: lines.length - 1, text: hasHeading ? dropFirstLine(text) : text }];
  if (target <= 0) return whole;
  const units: Unit[] = [];
  let total = 0;
  let fence: Fence | null = null;
  let para: Unit | null = null;
  let paraLines: Unit[] = [];
  const endParagraph = (): void => {
    if (para === null) return;
    if (para.words > 2 * target && paraLines.length > 1) units.push(...paraLines);
    else units.push(para);
    para = null;
    paraLines = [];
  };
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (fence !== null) {
      if (closesFence(line, fence)) fence = null;
    } else {
      fence = openingFence(line);
      if (fence === null && line.trim() === '') {
        endParagraph();
        continue;
      }
    }
    const words = countWords(line);
    total += words;
    if (para === null) para = { from: i, to: i, words: 0 };
    para.to = i;
    para.words += words;
    paraLines.push({ from: i, to: i, words });
  }
  endParagraph();
  if (total <= target || units.length < 2) return whole;
  const min = Math.max(1, Math.floor(target / 3));
  const groups: Unit[] = [];
  let current: Unit | null = null;
  for (const u of units) {
    if (current !== null && current.words >= min && current.words + u.words > target) {
      groups.push(current);
      current = null;
    }
    if (current === null) current = { ...u };
    else {
      current.to = u.to;
      current.words += u.words;
    }
  }
  if (current !== null) {
    const previous = groups[groups.length - 1];
    if (previous && current.words < min) {
      previous.to = current.to;
      previous.words += current.words;
    } else groups.push(current);
  }
  return groups.map((g, i) => {
    const from = i === 0 ? 0 : g.from;
    const to = i + 1 < groups.length ? groups[i + 1].from - 1 : lines.length - 1;
    return { from, to, text: lines.slice(Math.max(from, start), to + 1).join('\n') };
  });
}

/** Whitespace-separated words in a line. */
function countWords(line: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 13 || c === 0x3000 || c === 0xa0;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/**
 * A copy of `s` that does not keep alive the text it was cut from. V8 represents a substring of 13
 * or more characters as a view of its parent, so a title or heading sliced from a note would keep
 * the whole note in memory as long as the index lives (measured: +1× the vault's text in heap when
 * the vault hands out fresh strings, as the filesystem and Obsidian do).
 */
export function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

function titleOnly(info: NoteInfo): SectionDocument {
  return { heading: null, line: 1, endLine: 1, fields: { title: info.title, headings: '', tags: '', path: '', body: '' } };
}

function dropFirstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? '' : text.slice(nl + 1);
}

/** Body text for the tokenizer: URLs reduced to their host, long code blocks cut short. */
export function cleanBody(text: string): string {
  if (text.includes('://')) text = text.replace(URL, ' $1 ');
  if (!text.includes('```') && !text.includes('~~~')) return text;
  const out: string[] = [];
  let fence: Fence | null = null;
  let codeChars = 0;
  for (const line of text.split('\n')) {
    if (fence) {
      if (closesFence(line, fence)) fence = null;
      else if (codeChars < MAX_CODE_CHARS_PER_BLOCK) {
        out.push(line);
        codeChars += line.length;
      }
      continue;
    }
    fence = openingFence(line);
    codeChars = 0;
    if (!fence) out.push(line);
  }
  return out.join('\n');
}

/** Frontmatter keys `buildNoteDocuments` reads; the fast path keeps only these. */
const READ_KEYS = new Set(['title', 'aliases', 'alias', 'tags', 'tag', ...DESCRIPTIVE_KEYS]);
/** A key YAML reads as itself (not a boolean or null, which would make `True:` and `true:` the same key). */
const SIMPLE_KEY = /^(?!(?:true|false|null)$)[A-Za-z_][A-Za-z0-9_-]*$/i;
/** Characters a plain YAML scalar may not start with (indicators, quotes, space). */
const INDICATOR_FIRST = /^[-?:,[\]{}#&*!|>'"%@`~\s]/;
/** A `:` that would start a mapping value, or a `#` that would start a comment. */
const MAPPING_OR_COMMENT = /:(?:$|[\s,[\]{}])|\s#/;
const FLOW_INDICATOR = /[,[\]{}]/;
/** Plain scalars YAML's core schema may read as numbers, booleans or null: left to the parser where the value is read. */
const NOT_TEXT = /^(?:[0-9+.]|(?:true|false|null)$)/i;
/** A quoted scalar without escapes or inner quotes, alone on its line. */
const QUOTED = /^(?:"([^"\\]*)"|'([^']*)')$/;

/** No control characters, line or paragraph separators or BOM (YAML treats them specially). */
function printable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) return false;
  }
  return true;
}

/** The text of a simple scalar, or null when YAML might read it otherwise (or refuse it). */
function simpleScalar(value: string, flow: boolean, read: boolean): string | null {
  if (!printable(value)) return null;
  const quoted = QUOTED.exec(value);
  if (quoted) return quoted[1] ?? quoted[2];
  if (value === '' || INDICATOR_FIRST.test(value) || MAPPING_OR_COMMENT.test(value)) return null;
  if (flow && FLOW_INDICATOR.test(value)) return null;
  if (read && NOT_TEXT.test(value)) return null;
  return value;
}

/**
 * The frontmatter as `parseNote` gives it (properties, error, first body line), reading simple
 * frontmatter (`key: value` lines, `[a, b]` lists and `- item` lists of plain or simply quoted
 * text) without the YAML parser, which cost more than the rest of splitting a note. Anything
 * else (numbers where a read key is, nesting, escapes, anchors, multi-line values, tabs, CRLF, a
 * BOM) goes to `parseNote`. Only the keys `buildNoteDocuments` reads are kept.
 */
export function readFrontmatter(text: string): { frontmatter: Record<string, unknown>; frontmatterError?: string; bodyStartLine: number } {
  const firstEnd = text.indexOf('\n');
  if (firstEnd === -1 || text.charCodeAt(0) === 0xfeff) return parseNote(text);
  if (text.slice(0, firstEnd).trimEnd() !== '---') return { frontmatter: {}, bodyStartLine: 1 };
  const fm: Record<string, unknown> = {};
  const seen = new Set<string>();
  // The `key:` whose `- item` lines are being read, and their indentation.
  let listKey: string | null = null;
  let list: string[] = [];
  let listIndent = -1;
  const endList = (): void => {
    if (listKey !== null && READ_KEYS.has(listKey)) fm[listKey] = list.length > 0 ? list : null;
    listKey = null;
  };
  let pos = firstEnd + 1;
  for (let line = 2; pos <= text.length; line++) {
    const nl = text.indexOf('\n', pos);
    const raw = text.slice(pos, nl === -1 ? text.length : nl);
    pos = nl === -1 ? text.length + 1 : nl + 1;
    if (raw.includes('\r') || raw.includes('\t')) return parseNote(text);
    if (raw.trimEnd() === '---') {
      endList();
      return { frontmatter: fm, bodyStartLine: line + 1 };
    }
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (listKey !== null && trimmed.startsWith('- ')) {
      const indent = raw.length - raw.trimStart().length;
      if (listIndent !== -1 && indent !== listIndent) return parseNote(text);
      listIndent = indent;
      const item = simpleScalar(trimmed.slice(2).trim(), false, READ_KEYS.has(listKey));
      if (item === null) return parseNote(text);
      list.push(item);
      continue;
    }
    endList();
    if (raw !== raw.trimStart()) return parseNote(text);
    const colon = raw.indexOf(':');
    const key = raw.slice(0, colon);
    if (colon <= 0 || colon > 200 || !SIMPLE_KEY.test(key) || seen.has(key)) return parseNote(text);
    seen.add(key);
    const rest = raw.slice(colon + 1);
    const value = rest.trim();
    const read = READ_KEYS.has(key);
    if (value === '') {
      // `key:` alone is null, or the head of `- item` lines below it.
      listKey = key;
      list = [];
      listIndent = -1;
      continue;
    }
    if (!rest.startsWith(' ')) return parseNote(text);
    if (value.startsWith('[')) {
      if (!value.endsWith(']')) return parseNote(text);
      const inner = value.slice(1, -1).trim();
      const items = inner === '' ? [] : inner.split(',').map((item) => simpleScalar(item.trim(), true, read));
      if (items.some((item) => item === null)) return parseNote(text);
      if (read) fm[key] = items;
      continue;
    }
    const scalar = simpleScalar(value, false, read);
    if (scalar === null) return parseNote(text);
    if (read) fm[key] = scalar;
  }
  return { frontmatter: {}, bodyStartLine: 1 };
}
