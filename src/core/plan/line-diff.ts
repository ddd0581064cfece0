import { diffArrays } from 'diff';
import { tr } from '../../i18n';

/**
 * Line diffs for plan previews (the modal and `compile --dry-run`). jsdiff's Myers diff over lines,
 * after trimming the common prefix and suffix, with a cap on the edit length: a rewrite too
 * different to show line by line is summarised ("replaced 3,000 lines with 2,900 lines") instead
 * of costing seconds and hundreds of megabytes. A change to nothing but line endings or the final
 * newline, which a line diff cannot show, is named in a note.
 */

export interface DiffLine {
  kind: 'same' | 'add' | 'remove';
  text: string;
  /** 1-based line in the old text (same/remove). */
  oldLine?: number;
  /** 1-based line in the new text (same/add). */
  newLine?: number;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** A change as the previews show it: hunks, and a sentence for what hunks cannot show. */
export interface DiffView {
  hunks: DiffHunk[];
  /**
   * "line endings only (CRLF → LF)", "final newline only (added)", "replaced N lines with M lines…"
   * when that is the change or part of it; null otherwise.
   */
  note: string | null;
  /** True when the edit length passed {@link MAX_EDIT_LENGTH}: `hunks` is empty and `note` says why. */
  summarised: boolean;
}

/** Work done by one diff, for tests that keep it bounded. */
export interface DiffStats {
  /** Line comparisons made by the diff proper (after the common prefix and suffix). */
  comparisons: number;
}

/**
 * Past this many inserted plus removed lines a diff is summarised. Myers' search costs about D²/2
 * comparisons for an edit length D: at 1,000 that is half a million (about 0.1 s, under 2 MB) for a
 * 3,000-line rewrite, where the uncapped search took 0.46 s and, in the old code, 342 MB. Any
 * plausible article edit (a few hundred lines) still shows in full.
 */
export const MAX_EDIT_LENGTH = 1000;

type Op = 'same' | 'add' | 'remove';

interface Compared {
  a: string[];
  b: string[];
  /** Null when the edit length passed the cap. */
  ops: Op[] | null;
}

function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // A final newline ends the last line rather than starting an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function compare(before: string | null, after: string | null, stats?: DiffStats): Compared {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  let middle: Op[] | null = [];
  if (midA.length === 0 || midB.length === 0) {
    // Pure insertion or deletion: nothing to search for.
    for (let i = 0; i < midA.length; i++) middle.push('remove');
    for (let j = 0; j < midB.length; j++) middle.push('add');
  } else {
    const comparator = (x: string, y: string): boolean => {
      if (stats) stats.comparisons++;
      return x === y;
    };
    const changes = diffArrays(midA, midB, { maxEditLength: MAX_EDIT_LENGTH, comparator });
    if (changes === undefined) middle = null;
    else {
      for (const c of changes) {
        const op: Op = c.added ? 'add' : c.removed ? 'remove' : 'same';
        for (let i = 0; i < c.count; i++) middle.push(op);
      }
    }
  }
  if (middle === null) return { a, b, ops: null };
  const ops: Op[] = new Array<Op>(start).fill('same');
  for (const op of middle) ops.push(op);
  for (let i = endA; i < a.length; i++) ops.push('same');
  return { a, b, ops };
}

function toLines({ a, b, ops }: Compared): DiffLine[] {
  const out: DiffLine[] = [];
  if (ops === null) {
    // Summarised: every old line removed, every new line added (linear, no search).
    a.forEach((text, i) => out.push({ kind: 'remove', text, oldLine: i + 1 }));
    b.forEach((text, j) => out.push({ kind: 'add', text, newLine: j + 1 }));
    return out;
  }
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === 'same') {
      out.push({ kind: 'same', text: a[i], oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (op === 'remove') {
      out.push({ kind: 'remove', text: a[i], oldLine: i + 1 });
      i++;
    } else {
      out.push({ kind: 'add', text: b[j], newLine: j + 1 });
      j++;
    }
  }
  return out;
}

/**
 * Every line of both texts, marked same, added or removed, in order. Line endings are compared
 * as LF (see {@link describeDiff} for a note on them). Past the edit-length cap, every old line is
 * marked removed and every new one added.
 */
export function diffLines(before: string | null, after: string | null): DiffLine[] {
  return toLines(compare(before, after));
}

function hunksOf(lines: DiffLine[], context: number): DiffHunk[] {
  const changed: number[] = [];
  lines.forEach((l, i) => {
    if (l.kind !== 'same') changed.push(i);
  });
  const hunks: DiffHunk[] = [];
  let g = 0;
  while (g < changed.length) {
    // Changes closer than 2·context unchanged lines share a hunk, as in `diff -u`.
    let last = g;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] - 1 <= 2 * context) last++;
    const from = Math.max(0, changed[g] - context);
    const to = Math.min(lines.length - 1, changed[last] + context);
    hunks.push(toHunk(lines.slice(from, to + 1)));
    g = last + 1;
  }
  return hunks;
}

/**
 * The changed lines grouped into hunks with `context` unchanged lines around each change. Empty
 * when nothing but line endings or the final newline changed, or when the change was too large to
 * diff ({@link describeDiff} says which).
 */
export function diffHunks(before: string | null, after: string | null, context = 3): DiffHunk[] {
  return describeDiff(before, after, context).hunks;
}

function kindOfEndings(text: string): 'crlf' | 'lf' | 'mixed' | 'none' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  if (crlf === 0 && lf === 0) return 'none';
  if (lf === 0) return 'crlf';
  if (crlf === 0) return 'lf';
  return 'mixed';
}

/** What happened to the line endings, as "CRLF → LF", or null when they did not change. */
function endingsChange(before: string, after: string): string | null {
  if (!before.includes('\r\n') && !after.includes('\r\n')) return null;
  const from = kindOfEndings(before);
  const to = kindOfEndings(after);
  if (from === 'none' || to === 'none') return null;
  if (from === to) return from === 'mixed' ? tr('core.plan.diff.mixedElsewhere') : null;
  const name = { crlf: 'CRLF', lf: 'LF', mixed: tr('core.plan.diff.mixed') };
  return `${name[from]} → ${name[to]}`;
}

/** "added" or "removed" when only one text ends with a newline. */
function finalNewlineChange(before: string, after: string): 'added' | 'removed' | null {
  const endsA = before.endsWith('\n');
  const endsB = after.endsWith('\n');
  if (endsA === endsB) return null;
  return endsB ? 'added' : 'removed';
}

/** "1 line", "1,234 lines". */
function lines(n: number): string {
  return n === 1 ? tr('core.plan.diff.linesOne') : tr('core.plan.diff.lines', { count: n.toLocaleString('en') });
}

/**
 * Hunks plus a note for what a line diff cannot show: a change to line endings or to the final
 * newline ("line endings only (CRLF → LF)" when that is the whole change, "also …" beside real
 * edits), or a rewrite past {@link MAX_EDIT_LENGTH} ("replaced N lines with M lines").
 */
export function describeDiff(before: string | null, after: string | null, context = 3, stats?: DiffStats): DiffView {
  const compared = compare(before, after, stats);
  if (compared.ops === null) {
    return {
      hunks: [],
      note: tr('core.plan.diff.replaced', { before: lines(compared.a.length), after: lines(compared.b.length) }),
      summarised: true,
    };
  }
  const hunks = hunksOf(toLines(compared), context);
  if (before === null || after === null || before === after) return { hunks, note: null, summarised: false };
  const endings = endingsChange(before, after);
  const finalNewline = finalNewlineChange(before.replace(/\r\n/g, '\n'), after.replace(/\r\n/g, '\n'));
  const newline = finalNewline === null ? null : finalNewline === 'added' ? tr('core.plan.diff.newlineAdded') : tr('core.plan.diff.newlineRemoved');
  const parts = [endings && tr('core.plan.diff.endings', { endings }), newline].filter((p): p is string => p !== null);
  if (parts.length === 0) return { hunks, note: null, summarised: false };
  if (hunks.length > 0) {
    const also = parts.length === 2 ? tr('core.plan.diff.also2', { first: parts[0], second: parts[1] }) : tr('core.plan.diff.also', { what: parts[0] });
    return { hunks, note: also, summarised: false };
  }
  // Nothing a line diff shows: name the one thing that changed.
  const note =
    parts.length === 2
      ? tr('core.plan.diff.bothOnly', { first: parts[0], second: parts[1] })
      : endings
        ? tr('core.plan.diff.endingsOnly', { endings })
        : finalNewline === 'added'
          ? tr('core.plan.diff.newlineOnlyAdded')
          : tr('core.plan.diff.newlineOnlyRemoved');
  return { hunks, note, summarised: false };
}

function toHunk(lines: DiffLine[]): DiffHunk {
  const oldNums = lines.filter((l) => l.oldLine !== undefined).map((l) => l.oldLine as number);
  const newNums = lines.filter((l) => l.newLine !== undefined).map((l) => l.newLine as number);
  const before = lines.find((l) => l.oldLine !== undefined);
  const after = lines.find((l) => l.newLine !== undefined);
  return {
    oldStart: oldNums.length ? Math.min(...oldNums) : Math.max(0, (after?.newLine ?? 1) - 1),
    oldLines: oldNums.length,
    newStart: newNums.length ? Math.min(...newNums) : Math.max(0, (before?.oldLine ?? 1) - 1),
    newLines: newNums.length,
    lines,
  };
}

/**
 * A `diff -u` style text: `--- a/path`, `+++ b/path`, `@@ … @@` hunks, and a `# …` line for the
 * note of {@link describeDiff} (line endings, final newline, a summarised rewrite). Empty when
 * nothing changed.
 */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  const { hunks, note } = describeDiff(before, after, context);
  if (hunks.length === 0 && note === null) return '';
  const out = [before === null ? '--- /dev/null' : `--- a/${path}`, after === null ? '+++ /dev/null' : `+++ b/${path}`];
  if (note !== null) out.push(`# ${note}`);
  for (const h of hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) out.push(`${l.kind === 'same' ? ' ' : l.kind === 'add' ? '+' : '-'}${l.text}`);
  }
  return out.join('\n');
}
