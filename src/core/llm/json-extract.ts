/**
 * Finds the JSON value in a model's reply: bare, in a code fence, surrounded by prose, or after
 * a reasoning model's `<think>` block. Returns `{ ok: false }` with a reason when there is none.
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

function tryParse(text: string): { ok: true; value: unknown } | null {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Models often leave trailing commas; that is the one repair worth making blindly.
    const relaxed = text.replace(/,(\s*[}\]])/g, '$1');
    if (relaxed === text) return null;
    try {
      return { ok: true, value: JSON.parse(relaxed) as unknown };
    } catch {
      return null;
    }
  }
}

/** The end index (exclusive) of the balanced object/array starting at `start`, or -1. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
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
  let truncated = false;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (c !== '{' && c !== '[') continue;
    const end = balancedEnd(content, i);
    if (end < 0) {
      truncated = true;
      continue;
    }
    const candidate = tryParse(content.slice(i, end));
    if (candidate) return candidate;
  }
  return { ok: false, reason: truncated ? 'the JSON in the reply is cut off' : 'the reply contains no JSON' };
}
