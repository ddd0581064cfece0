/**
 * The model's answers for compile, parsed strictly: anything that is not the promised shape
 * throws with a message the repair round-trip can show the model. Parsed values are trimmed,
 * capped and deduplicated, so the rest of compile can trust them.
 */

export interface ExtractedClaim {
  claim: string;
  /** Where in the source: a heading, a quoted phrase, a section name. */
  where: string;
}

export interface ExtractedConcept {
  name: string;
  aliases: string[];
  /** One line: what the concept is. */
  summary: string;
  /** Markdown: what this source says about the concept. */
  details: string;
}

export interface SourceExtraction {
  summary: string;
  keyPoints: string[];
  claims: ExtractedClaim[];
  concepts: ExtractedConcept[];
}

export interface MergedArticle {
  summary: string;
  body: string;
  aliases: string[];
}

/** Most concepts taken from one source (or one part of it). */
export const MAX_CONCEPTS = 8;
const MAX_NAME = 100;

function obj(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string, options: { required?: boolean; max?: number; oneLine?: boolean } = {}): string {
  if (value === undefined || value === null) {
    if (options.required) throw new Error(`"${what}" is missing`);
    return '';
  }
  if (typeof value !== 'string') throw new Error(`"${what}" must be a string`);
  let s = options.oneLine ? value.replace(/\s+/g, ' ').trim() : value.replace(/\r\n?/g, '\n').trim();
  if (options.required && s === '') throw new Error(`"${what}" is empty`);
  if (options.max && s.length > options.max) s = s.slice(0, options.max).trimEnd();
  return s;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`"${what}" must be a list`);
  return value;
}

function strings(value: unknown, what: string, max: number): string[] {
  const out: string[] = [];
  for (const item of list(value, what)) {
    if (typeof item !== 'string') continue;
    const s = item.replace(/\s+/g, ' ').trim();
    if (s && !out.some((o) => o.toLowerCase() === s.toLowerCase())) out.push(s.slice(0, 300));
    if (out.length >= max) break;
  }
  return out;
}

/** Parses the extraction reply: `{ summary, key_points, claims, concepts }`. */
export function parseSourceExtraction(value: unknown): SourceExtraction {
  const o = obj(value, 'The reply');
  const summary = text(o.summary, 'summary', { required: true, max: 400, oneLine: true });
  const claims: ExtractedClaim[] = [];
  for (const item of list(o.claims, 'claims')) {
    if (typeof item === 'string' && item.trim()) claims.push({ claim: item.trim(), where: '' });
    else if (item && typeof item === 'object') {
      const c = item as Record<string, unknown>;
      const claim = text(c.claim, 'claims[].claim', { max: 500, oneLine: true });
      if (claim) claims.push({ claim, where: text(c.where, 'claims[].where', { max: 200, oneLine: true }) });
    }
    if (claims.length >= 20) break;
  }
  const concepts: ExtractedConcept[] = [];
  for (const item of list(o.concepts, 'concepts')) {
    const c = obj(item, 'Each item of "concepts"');
    const name = text(c.name, 'concepts[].name', { required: true, max: MAX_NAME, oneLine: true });
    if (concepts.some((x) => x.name.toLowerCase() === name.toLowerCase())) continue;
    concepts.push({
      name,
      aliases: strings(c.aliases, 'concepts[].aliases', 8).filter((a) => a.toLowerCase() !== name.toLowerCase()),
      summary: text(c.summary, 'concepts[].summary', { max: 300, oneLine: true }),
      details: text(c.details, 'concepts[].details', { max: 6000 }),
    });
    if (concepts.length >= MAX_CONCEPTS) break;
  }
  return { summary, keyPoints: strings(o.key_points ?? o.keyPoints, 'key_points', 20), claims, concepts };
}

/**
 * Parses a merge reply `{ summary, body, aliases? }`. `previousLength` guards "keep what was
 * there": a body much shorter than the article it replaces is refused (and so repaired once).
 */
export function parseMergedArticle(value: unknown, previousLength: number): MergedArticle {
  const o = obj(value, 'The reply');
  const body = text(o.body, 'body', { required: true, max: 40_000 });
  if (previousLength > 400 && body.length < previousLength * 0.6) {
    throw new Error(`"body" has ${body.length} characters but the existing article had ${previousLength}: keep everything the article already said and add to it`);
  }
  return {
    summary: text(o.summary, 'summary', { max: 300, oneLine: true }),
    body,
    aliases: strings(o.aliases, 'aliases', 8),
  };
}
