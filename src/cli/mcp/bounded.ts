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

/**
 * A JSON result whose `key` is a list: items are dropped from the end until the JSON fits in
 * `max` characters, and then `truncated` says how many were left out and how to ask for less.
 */
export function capList<T extends Record<string, unknown>>(value: T, key: keyof T & string, max: number, hint: string): string {
  const full = JSON.stringify(value);
  const items = value[key];
  if (full.length <= max || !Array.isArray(items)) return full;
  const marker = (left: number) => `${TRUNCATED}: ${left} of ${items.length} ${key} not shown; ${hint}`;
  const fits = (n: number) => JSON.stringify({ ...value, [key]: items.slice(0, n), truncated: marker(items.length - n) }).length <= max;
  // The largest count that fits (the whole list does not): a binary search, a few serialisations even for long lists.
  let low = 0;
  let high = items.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  const keep = low;
  return JSON.stringify({ ...value, [key]: items.slice(0, keep), truncated: marker(items.length - keep) });
}
