/**
 * Finds the JSON value in a model's reply: bare, in a code fence, surrounded by prose, or after
 * a reasoning model's `<think>` block. Returns `{ ok: false }` with a reason when there is none,
 * and when the JSON is cut off (a truncated reply is never mistaken for one of its inner objects).
 * Every step is linear in the length of the reply.
 */
export type JsonExtraction = { ok: true; value: unknown } | { ok: false; reason: string };

const THINK = /<think>[\s\S]*?(<\/think>|$)/gi;
const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/g;

export function splitThinking(text: string): { content: string; reasoning: string } {
  const reasoning: string[] = [];
  const content = text.replace(THINK, (block) => {
    reasoning.push(block.replace(/<\/?think>/gi, '').trim());
    return '';
  });
  return { content: content.trim(), reasoning: reasoning.join('\n') };
}

const SPACE = /\s/;

/**
 * Removes trailing commas (`[1, 2,]`, `{"a": 1,}`), which models often leave, without touching
 * string contents: the comma in `"ends with , ]"` is text, not syntax. One pass.
 */
export function dropTrailingCommas(text: string): string {
  const out: string[] = [];
  let inString = false;
  // Where in `out` the last comma outside a string sits, while only whitespace has followed it.
  let comma = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out.push(c);
      if (c === '\\' && i + 1 < text.length) out.push(text[++i]);
      else if (c === '"') inString = false;
      continue;
    }
    if ((c === '}' || c === ']') && comma >= 0) out[comma] = '';
    if (c === ',') comma = out.length;
    else if (!SPACE.test(c)) comma = -1;
    if (c === '"') inString = true;
    out.push(c);
  }
  return out.join('');
}

function tryParse(text: string): { ok: true; value: unknown } | null {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Models often leave trailing commas; that is the one repair worth making blindly.
    if (!/,\s*[}\]]/.test(text)) return null;
    const relaxed = dropTrailingCommas(text);
    if (relaxed === text) return null;
    try {
      return { ok: true, value: JSON.parse(relaxed) as unknown };
    } catch {
      return null;
    }
  }
}

/** Whether the bracket at `at` opens JSON rather than prose ("see [1]" or "[a" are prose). */
function opensJson(text: string, at: number): boolean {
  let i = at + 1;
  while (i < text.length && SPACE.test(text[i])) i++;
  if (i >= text.length) return true;
  const next = text[i];
  if (text[at] === '{') return next === '"' || next === '}';
  return /[[{"\d\-\]tfn]/.test(next);
}

interface Span {
  start: number;
  end: number;
}

/**
 * One pass over the text pairing brackets (quotes count only inside brackets, so prose quotes do
 * not swallow the JSON): every balanced span, and where the first JSON-looking bracket that never
 * closes starts (the reply was cut off there), or -1. A closer that does not match abandons the
 * brackets still open, as a scan from each of them would.
 */
function scanSpans(text: string): { spans: Span[]; cutAt: number } {
  const spans: Span[] = [];
  const open: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '{' || c === '[') open.push(i);
    else if (c === '"' && open.length > 0) inString = true;
    else if ((c === '}' || c === ']') && open.length > 0) {
      const start = open.pop() as number;
      if (text[start] === (c === '}' ? '{' : '[')) spans.push({ start, end: i + 1 });
      else open.length = 0;
    }
  }
  const cutAt = open.find((start) => opensJson(text, start)) ?? -1;
  return { spans, cutAt };
}

export function extractJson(reply: string): JsonExtraction {
  const { content } = splitThinking(reply);
  if (!content) return { ok: false, reason: 'the reply is empty' };
  const direct = tryParse(content);
  if (direct) return direct;
  for (const match of content.matchAll(FENCE)) {
    const fenced = tryParse(match[1].trim());
    if (fenced) return fenced;
  }
  const { spans, cutAt } = scanSpans(content);
  // The outermost value first; nothing that starts inside a cut-off value is a reply of its own.
  spans.sort((a, b) => a.start - b.start);
  // Spans nest, so parsing each could be quadratic (20,000 nested brackets that are not JSON): the
  // characters parsed are capped at a few times the reply, far more than any real reply needs.
  let budget = 4 * content.length;
  for (const span of spans) {
    if (cutAt >= 0 && span.start > cutAt) break;
    if (!opensJson(content, span.start)) continue;
    budget -= span.end - span.start;
    if (budget < 0) break;
    const candidate = tryParse(content.slice(span.start, span.end));
    if (candidate) return candidate;
  }
  return { ok: false, reason: cutAt >= 0 ? 'the JSON in the reply is cut off' : 'the reply contains no JSON' };
}
