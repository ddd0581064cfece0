/**
 * The model's answers for compile, parsed strictly: anything that is not the promised shape
 * throws with a message the repair round-trip can show the model. Parsed values are trimmed,
 * capped and deduplicated, so the rest of compile can trust them. Each shape is one schema
 * (src/core/llm/schema.ts): the same definition is sent as structured output and validates.
 */
import { replyShape, s, type ReplyShape } from '../llm/schema';

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

/** A list of one-line strings: items that are not text are dropped, long ones cut. */
const lines = (max: number, description: string) =>
  s.optional(s.array(s.string({ oneLine: true, max: 300 }), { description, max, overflow: 'cut', skipInvalid: true }));

/** Without repeats (ignoring case) or blanks. */
function unique(values: readonly string[] | undefined, except = ''): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    if (v && v.toLowerCase() !== except.toLowerCase() && !out.some((o) => o.toLowerCase() === v.toLowerCase())) out.push(v);
  }
  return out;
}

const claimSchema = s.coerce(
  s.object({
    claim: s.optional(s.string({ oneLine: true, max: 500, description: 'one claim the source makes' })),
    where: s.optional(s.string({ oneLine: true, max: 200, description: 'where in the source: a heading or a short quoted phrase' })),
  }),
  // A bare string is a claim without a place.
  (value) => (typeof value === 'string' ? { claim: value } : value),
);

const conceptSchema = s.object({
  name: s.string({ nonEmpty: true, oneLine: true, max: MAX_NAME, description: 'the concept\'s name, as an article title' }),
  aliases: lines(8, 'other names for the concept'),
  summary: s.optional(s.string({ oneLine: true, max: 300, description: 'one line: what the concept is' })),
  details: s.optional(s.string({ max: 6000, description: 'Markdown: what this source says about the concept' })),
});

const extractionSchema = s.object(
  {
    summary: s.string({ nonEmpty: true, oneLine: true, max: 400, description: 'what the source is about, in one or two sentences' }),
    key_points: lines(20, 'the source\'s main points'),
    claims: s.optional(s.array(claimSchema, { max: 20, overflow: 'cut', skipInvalid: true })),
    concepts: s.optional(s.array(conceptSchema, { max: MAX_CONCEPTS, overflow: 'cut' })),
  },
  { aliases: { key_points: ['keyPoints'] } },
);

/** The extraction reply `{ summary, key_points, claims, concepts }`: its schema and its parse. */
export const EXTRACTION_REPLY: ReplyShape<SourceExtraction> = replyShape('source_extraction', extractionSchema, (v) => {
  const concepts: ExtractedConcept[] = [];
  for (const c of v.concepts ?? []) {
    if (concepts.some((x) => x.name.toLowerCase() === c.name.toLowerCase())) continue;
    concepts.push({ name: c.name, aliases: unique(c.aliases, c.name), summary: c.summary ?? '', details: c.details ?? '' });
  }
  const claims = (v.claims ?? []).filter((c) => c.claim).map((c) => ({ claim: c.claim ?? '', where: c.where ?? '' }));
  return { summary: v.summary, keyPoints: unique(v.key_points), claims, concepts };
});

/** Parses the extraction reply: `{ summary, key_points, claims, concepts }`. */
export function parseSourceExtraction(value: unknown): SourceExtraction {
  return EXTRACTION_REPLY.parse(value);
}

const mergeSchema = s.object({
  summary: s.optional(s.string({ oneLine: true, max: 300, description: 'one line: what the concept is' })),
  body: s.string({ nonEmpty: true, max: 40_000, description: 'the whole article in Markdown' }),
  aliases: lines(8, 'other names for the concept'),
});

/**
 * The merge reply `{ summary, body, aliases? }`. `previousLength` guards "keep what was there":
 * a body much shorter than the article it replaces is refused (and so repaired once).
 */
export function mergeReply(previousLength: number): ReplyShape<MergedArticle> {
  return replyShape('merged_article', mergeSchema, (v) => {
    if (previousLength > 400 && v.body.length < previousLength * 0.6) {
      throw new Error(`body: has ${v.body.length} characters but the existing article had ${previousLength}; keep everything the article already said and add to it`);
    }
    return { summary: v.summary ?? '', body: v.body, aliases: unique(v.aliases) };
  });
}

/** Parses a merge reply `{ summary, body, aliases? }` (see `mergeReply`). */
export function parseMergedArticle(value: unknown, previousLength: number): MergedArticle {
  return mergeReply(previousLength).parse(value);
}
