import { codeLineMask, frontmatterCloseLine, splitText } from './scan';

/** A heading and the lines up to the next heading of any level. */
export interface Section {
  /** Heading text, or null for the preamble before the first heading. */
  heading: string | null;
  /** 1–6 for headings, 0 for the preamble. */
  level: number;
  /** Headings of the enclosing sections, outermost first, then this section's heading. */
  trail: string[];
  /** 1-based first line in the original text (frontmatter lines count). */
  startLine: number;
  /** 1-based last line, inclusive. */
  endLine: number;
  /** The section's lines as written, heading line included, without the final line break. */
  text: string;
}

/** A heading found in a note. */
export interface HeadingInfo {
  heading: string;
  level: number;
  /** 1-based line where the heading starts (for setext headings, its first text line). */
  line: number;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  return i;
}

/** Parses an ATX heading; hand-written because `(.*?)\s*#*\s*$`-style regexes backtrack quadratically. */
function atxHeading(line: string): { level: number; text: string } | null {
  const indent = indentOf(line);
  if (indent > 3 || line[indent] !== '#') return null;
  let i = indent;
  while (line[i] === '#') i++;
  const level = i - indent;
  // `#tag` is a tag, not a heading, so a space (or tab) must follow; `#` alone is not a heading either.
  if (level > 6 || (line[i] !== ' ' && line[i] !== '\t')) return null;
  let text = line.slice(i).trim();
  // A closing run of #s is decoration, but only when separated by a space (`# C#` keeps its #).
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === 0) text = '';
  else if (end < text.length && (text[end - 1] === ' ' || text[end - 1] === '\t')) text = text.slice(0, end).trim();
  return text === '' ? null : { level, text };
}

/** '=' or '-' when the line is a setext underline (a run of one character, up to 3 spaces indent). */
function setextUnderline(line: string): '=' | '-' | null {
  const indent = indentOf(line);
  if (indent > 3) return null;
  const ch = line[indent];
  if (ch !== '=' && ch !== '-') return null;
  let i = indent;
  while (line[i] === ch) i++;
  return line.slice(i).trim() === '' ? ch : null;
}

function isThematicBreak(line: string): boolean {
  const t = line.trim();
  if (t.length < 3) return false;
  const ch = t[0];
  if (ch !== '-' && ch !== '*' && ch !== '_') return false;
  let count = 0;
  for (const c of t) {
    if (c === ch) count++;
    else if (c !== ' ' && c !== '\t') return false;
  }
  return count >= 3;
}

/** Lines that cannot be the text of a setext heading: list items, quotes, tables, HTML. */
function blocksSetext(line: string): boolean {
  const t = line.trimStart();
  const c = t[0];
  if (c === '>' || c === '|' || c === '<') return true;
  if ((c === '-' || c === '*' || c === '+') && (t[1] === ' ' || t[1] === '\t' || t.length === 1)) return true;
  let i = 0;
  while (i < t.length && i < 10 && t[i] >= '0' && t[i] <= '9') i++;
  return i > 0 && (t[i] === '.' || t[i] === ')') && (t[i + 1] === ' ' || t[i + 1] === undefined);
}

interface Scan {
  lines: string[];
  starts: number[];
  text: string;
  bodyStart: number;
  /** Heading markers, with 0-based line index. */
  headings: { heading: string; level: number; index: number }[];
}

function scanHeadings(input: string): Scan {
  const { text, lines, starts } = splitText(input);
  const bodyStart = frontmatterCloseLine(lines) + 1;
  const code = codeLineMask(lines, bodyStart);
  const headings: Scan['headings'] = [];
  // First line of the paragraph being read, or -1; setext headings take the whole paragraph.
  let para = -1;
  let paraCanBeHeading = false;
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i];
    if (code[i] || line.trim() === '') {
      para = -1;
      continue;
    }
    const atx = atxHeading(line);
    if (atx) {
      headings.push({ heading: atx.text, level: atx.level, index: i });
      para = -1;
      continue;
    }
    const underline = setextUnderline(line);
    if (underline && para !== -1 && paraCanBeHeading) {
      const heading = lines.slice(para, i).map((l) => l.trim()).join(' ');
      headings.push({ heading, level: underline === '=' ? 1 : 2, index: para });
      para = -1;
      continue;
    }
    if (isThematicBreak(line)) {
      para = -1;
      continue;
    }
    if (para === -1) {
      para = i;
      paraCanBeHeading = !blocksSetext(line);
    }
  }
  return { lines, starts, text, bodyStart, headings };
}

function sliceLines(scan: Scan, first: number, last: number): string {
  const end = scan.starts[last] + scan.lines[last].length;
  return scan.text.slice(scan.starts[first], end);
}

/**
 * Splits a note into a preamble and one section per heading, each running to the next heading of
 * any level, so the sections partition the body. Frontmatter is not a section; a preamble of blank
 * lines is omitted.
 */
export function splitSections(text: string): Section[] {
  return buildSections(scanHeadings(text));
}

function buildSections(scan: Scan): Section[] {
  const { lines, headings, bodyStart } = scan;
  const sections: Section[] = [];
  const firstHeading = headings.length > 0 ? headings[0].index : lines.length;
  if (firstHeading > bodyStart) {
    let blank = true;
    for (let i = bodyStart; i < firstHeading && blank; i++) blank = lines[i].trim() === '';
    if (!blank) {
      sections.push({
        heading: null,
        level: 0,
        trail: [],
        startLine: bodyStart + 1,
        endLine: firstHeading,
        text: sliceLines(scan, bodyStart, firstHeading - 1),
      });
    }
  }
  const stack: { heading: string; level: number }[] = [];
  for (let h = 0; h < headings.length; h++) {
    const { heading, level, index } = headings[h];
    const last = (h + 1 < headings.length ? headings[h + 1].index : lines.length) - 1;
    while (stack.length > 0 && stack[stack.length - 1].level >= level) stack.pop();
    stack.push({ heading, level });
    sections.push({
      heading,
      level,
      trail: stack.map((s) => s.heading),
      startLine: index + 1,
      endLine: last + 1,
      text: sliceLines(scan, index, last),
    });
  }
  return sections;
}

/** Every heading in document order, with level and line. */
export function listHeadings(text: string): HeadingInfo[] {
  return scanHeadings(text).headings.map((h) => ({ heading: h.heading, level: h.level, line: h.index + 1 }));
}

/** Every heading's text in document order. */
export function headingsOf(text: string): string[] {
  return scanHeadings(text).headings.map((h) => h.heading);
}

/** Heading comparison key: case-insensitive, whitespace collapsed. */
export function headingKey(heading: string): string {
  return heading.trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface FindSectionOptions {
  /** Extend the match over its subsections (up to the next heading of the same or higher level). Default false. */
  withSubsections?: boolean;
}

/**
 * The first section whose heading matches (case-insensitive, whitespace collapsed). `query` may
 * be a trail `A#B`: the last part names the section and the earlier parts must be among its
 * enclosing headings, in order, as in Obsidian's `[[Note#A#B]]`.
 */
export function findSection(text: string, query: string, options: FindSectionOptions = {}): Section | undefined {
  const parts = query
    .split('#')
    .map(headingKey)
    .filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const target = parts[parts.length - 1];
  const ancestors = parts.slice(0, -1);
  const scan = scanHeadings(text);
  const sections = buildSections(scan);
  const at = sections.findIndex((s) => {
    if (s.heading === null || headingKey(s.heading) !== target) return false;
    let k = 0;
    for (let i = 0; i < s.trail.length - 1 && k < ancestors.length; i++) {
      if (headingKey(s.trail[i]) === ancestors[k]) k++;
    }
    return k === ancestors.length;
  });
  if (at === -1) return undefined;
  const found = sections[at];
  if (!options.withSubsections) return found;
  let end = at;
  while (end + 1 < sections.length && sections[end + 1].level > found.level) end++;
  if (end === at) return found;
  const endLine = sections[end].endLine;
  return { ...found, endLine, text: sliceLines(scan, found.startLine - 1, endLine - 1) };
}
