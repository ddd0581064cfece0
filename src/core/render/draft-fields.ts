/**
 * Small readers for model-drafted JSON. They throw plain Errors whose messages name the field,
 * because LlmClient.json sends that message back to the model as the reason for its one repair.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what} must be a JSON object`);
  return value;
}

/** One line of text: whitespace collapsed, capped; numbers are accepted and written out. */
export function oneLine(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

export function requiredLine(value: unknown, what: string, max: number): string {
  const line = oneLine(value, max);
  if (line === '') throw new Error(`${what} must be a non-empty string`);
  return line;
}

/** A list; a single value counts as a one-item list, absent as empty. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A finite number. JSON numbers, and strings that are plainly numbers ("12.5", "-3", "1e3"), are
 * accepted; "12%" or "1,234" are not guessed at, since locales disagree on what they mean.
 */
export function finiteNumber(value: unknown, what: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(value)) n = Number(value);
  else throw new Error(`${what} must be a number, not ${JSON.stringify(value) ?? 'nothing'}`);
  if (!Number.isFinite(n)) throw new Error(`${what} must be a finite number`);
  return n;
}
