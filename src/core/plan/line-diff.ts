/**
 * Line diffs for plan previews (the modal and `compile --dry-run`). Myers' O((N+M)·D) algorithm
 * after trimming the common prefix and suffix, so the usual plan change — a log entry appended, a
 * few lines of an article rewritten — costs little even on long files.
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

function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // A final newline ends the last line rather than starting an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script between two line arrays, as same/add/remove lines. */
function myers(a: string[], b: string[]): ('same' | 'add' | 'remove')[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace backwards to recover the path.
  const ops: ('same' | 'add' | 'remove')[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push('same');
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push('add');
        y--;
      } else {
        ops.push('remove');
        x--;
      }
    }
  }
  return ops.reverse();
}

/** Every line of both texts, marked same, added or removed, in order. */
export function diffLines(before: string | null, after: string | null): DiffLine[] {
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
  const ops = [
    ...new Array<'same'>(start).fill('same'),
    ...myers(a.slice(start, endA), b.slice(start, endB)),
    ...new Array<'same'>(a.length - endA).fill('same'),
  ];
  const out: DiffLine[] = [];
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

/** The changed lines grouped into hunks with `context` unchanged lines around each change. */
export function diffHunks(before: string | null, after: string | null, context = 3): DiffHunk[] {
  const lines = diffLines(before, after);
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

/** A `diff -u` style text: `--- a/path`, `+++ b/path`, `@@ … @@` hunks. Empty when nothing changed. */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  const hunks = diffHunks(before, after, context);
  if (hunks.length === 0) return '';
  const out = [before === null ? '--- /dev/null' : `--- a/${path}`, after === null ? '+++ /dev/null' : `+++ b/${path}`];
  for (const h of hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) out.push(`${l.kind === 'same' ? ' ' : l.kind === 'add' ? '+' : '-'}${l.text}`);
  }
  return out.join('\n');
}
