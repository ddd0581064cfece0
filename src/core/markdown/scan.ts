/**
 * Line-level scanning shared by the markdown parsers: one split of the text into lines, the
 * frontmatter block and fenced code blocks. Everything here is a single left-to-right pass so
 * that parsing 10,000 notes stays linear.
 */

/** A text split into lines, with offsets into the (BOM-stripped) text. */
export interface SplitText {
  /** The text without a leading byte-order mark. */
  text: string;
  /** Lines without their terminators (`\n` or `\r\n`). */
  lines: string[];
  /** Offset of each line's first character in `text`. */
  starts: number[];
}

const BOM = 0xfeff;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** A trailing newline ends the last line rather than starting an empty one. */
export function splitText(input: string): SplitText {
  const text = stripBom(input);
  const lines: string[] = [];
  const starts: number[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    const contentEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    starts.push(pos);
    lines.push(text.slice(pos, contentEnd));
    if (nl === -1) break;
    pos = nl + 1;
  }
  return { text, lines, starts };
}

function isDashFence(line: string): boolean {
  // Obsidian tolerates trailing whitespace after the delimiter, but nothing before it.
  return line.trimEnd() === '---';
}

/**
 * Zero-based index of the line closing a leading `---` frontmatter block, or -1. Obsidian only
 * recognises `---` as the closer (not YAML's `...`), and an unclosed block is ordinary text.
 */
export function frontmatterCloseLine(lines: readonly string[]): number {
  if (lines.length < 2 || !isDashFence(lines[0])) return -1;
  for (let i = 1; i < lines.length; i++) {
    if (isDashFence(lines[i])) return i;
  }
  return -1;
}

export interface Fence {
  char: '`' | '~';
  length: number;
}

function leadingWhitespace(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return i;
}

/**
 * The fence a line opens, if any. Any indentation is accepted because Obsidian renders fences
 * nested in list items; indented (4-space) code blocks are deliberately not treated as code, since
 * in notes that indentation far more often means a nested list.
 */
export function openingFence(line: string): Fence | null {
  const start = leadingWhitespace(line);
  const ch = line[start];
  if (ch !== '`' && ch !== '~') return null;
  let end = start;
  while (line[end] === ch) end++;
  const length = end - start;
  if (length < 3) return null;
  // A backtick info string may not contain backticks: "```x```" is inline code, not a fence.
  if (ch === '`' && line.indexOf('`', end) !== -1) return null;
  return { char: ch, length };
}

export function closesFence(line: string, fence: Fence): boolean {
  const start = leadingWhitespace(line);
  let end = start;
  while (line[end] === fence.char) end++;
  return end - start >= fence.length && line.slice(end).trim() === '';
}

/**
 * For each line, whether it belongs to a fenced code block (fence lines included). An unclosed
 * fence runs to the end of the note, as it does when Obsidian renders it.
 */
export function codeLineMask(lines: readonly string[], fromLine: number): boolean[] {
  const mask = new Array<boolean>(lines.length).fill(false);
  let fence: Fence | null = null;
  for (let i = fromLine; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      mask[i] = true;
      if (closesFence(line, fence)) fence = null;
      continue;
    }
    fence = openingFence(line);
    if (fence) mask[i] = true;
  }
  return mask;
}
