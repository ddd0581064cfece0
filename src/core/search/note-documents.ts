import { fmString, fmStringList, parseNote } from '../markdown/frontmatter';
import { basenameNoExt } from '../markdown/paths';
import { closesFence, openingFence, type Fence } from '../markdown/scan';
import { splitSections } from '../markdown/sections';
import { normalizeTag } from './query-parser';

/** One searchable unit: a section of a note (or the whole note when it has no headings). */
export interface SectionDocument {
  heading: string | null;
  /** 1-based line range of the section in the file. */
  line: number;
  endLine: number;
  /** Field texts handed to the tokenizer; dropped as soon as the section is indexed. */
  fields: { title: string; headings: string; tags: string; path: string; body: string };
}

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
 * Splits a note into section documents. Never throws: broken frontmatter is indexed as a note
 * without properties and reported in `problem`; a note with a NUL byte is treated as binary.
 */
export function buildNoteDocuments(path: string, text: string, stat: { mtime: number; size: number }, maxChars: number): BuiltNote {
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
  const note = parseNote(text);
  const fm = note.frontmatter;
  if (note.frontmatterError) info.problem = note.frontmatterError;
  const title = fmString(fm, 'title');
  if (title && title.trim()) info.title = title.trim();
  info.aliases = [...fmStringList(fm, 'aliases'), ...fmStringList(fm, 'alias')].map((a) => a.trim()).filter((a) => a !== '');
  const tags = new Set<string>();
  for (const t of [...fmStringList(fm, 'tags'), ...fmStringList(fm, 'tag')]) {
    // "a, b" and "a b" are both written by people for several tags.
    for (const part of t.split(/[,\s]+/)) if (normalizeTag(part)) tags.add(normalizeTag(part));
  }
  const sections = splitSections(text);
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
  const docs: SectionDocument[] = sections.map((s, i) => ({
    heading: s.heading === null ? null : own(s.heading),
    line: s.startLine,
    endLine: s.endLine,
    fields: {
      title: titleField,
      headings: s.trail.join(' \n '),
      tags: tagField,
      path: i === 0 ? folderField : '',
      // The first section's body also carries the title and descriptive properties: a note's
      // title is part of what it says (measured: +N points nDCG on SciFact against title-only).
      body: (i === 0 ? [info.title, ...described].join(' \n ') + '\n' : '') + cleanBody(s.heading === null ? s.text : dropFirstLine(s.text)),
    },
  }));
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
