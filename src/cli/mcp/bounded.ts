/**
 * Tool output an agent can afford: every result is capped in characters, and a cut result says so
 * with one marker an agent can look for, followed by how to ask for less.
 */

/** The words every cut result carries. */
export const TRUNCATED = 'truncated, ask for less';

/** A text result: `text`, or its start with the marker line when it is longer than `max`; never longer than `max`. */
export function capText(text: string, max: number, hint: string): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const marker = (left: number) => `\n[${TRUNCATED}: ${left} more characters not shown; ${hint}]\n`;
  // The marker's own length counts: a generous estimate (the count has at most as many digits as the text's length).
  const room = Math.max(0, max - marker(text.length).length);
  let cut = text.lastIndexOf('\n', room);
  if (cut < room / 2) cut = room;
  return { text: `${text.slice(0, cut).replace(/\n$/, '')}${marker(text.length - cut)}`, truncated: true };
}

/** The value at a dotted path ("estimate.toCompile") of a JSON object. */
function at(value: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** A copy of `value` with the list at a dotted path replaced. */
function withList<T extends Record<string, unknown>>(value: T, path: string, list: unknown[]): T {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...value, [head]: list };
  return { ...value, [head]: withList((value[head] ?? {}) as Record<string, unknown>, rest.join('.'), list) };
}

/** The largest n in [0, length] for which `fits(n)` holds, given that it fails for `length` (0 when none fits). */
function largestFitting(length: number, fits: (n: number) => boolean): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return Math.max(0, low);
}

/**
 * A JSON result whose `key` is a list: items are dropped from the end until the JSON fits in
 * `max` characters, and then `truncated` says how many were left out and how to ask for less.
 * When even none of them fits, the lists named in `others` (dotted paths, such as
 * "estimate.toCompile") are cut too, and said so; the answer is valid JSON in every case.
 */
export function capList<T extends Record<string, unknown>>(value: T, key: keyof T & string, max: number, hint: string, others: string[] = []): string {
  const full = JSON.stringify(value);
  const items = value[key];
  if (full.length <= max || !Array.isArray(items)) return full;
  const cuts: string[] = [];
  const marker = (left: number, extra: string[] = cuts) => [`${TRUNCATED}: ${left} of ${items.length} ${key} not shown; ${hint}`, ...extra].join('; ');
  const shown = (v: T, n: number, extra?: string[]) => JSON.stringify({ ...v, [key]: items.slice(0, n), truncated: marker(items.length - n, extra) });
  let base = value;
  for (const other of others) {
    if (shown(base, 0).length <= max) break;
    const list = at(base, other);
    if (!Array.isArray(list) || list.length === 0) continue;
    const note = (n: number) => `${list.length - n} of ${list.length} ${other.split('.').pop()} not shown`;
    const keep = largestFitting(list.length, (n) => shown(withList(base, other, list.slice(0, n)), 0, [...cuts, note(n)]).length <= max);
    base = withList(base, other, list.slice(0, keep));
    cuts.push(note(keep));
  }
  if (shown(base, 0).length > max) return JSON.stringify({ truncated: `${TRUNCATED}: this result is too large to show even in part; ${hint}` });
  // The largest count that fits (the whole list does not): a binary search, a few serialisations even for long lists.
  const keep = largestFitting(items.length, (n) => shown(base, n).length <= max);
  return shown(base, keep);
}
