/** The reply shapes synth asks the model for (src/core/llm/schema.ts: one definition sent and validated). */
import { replyShape, s, type ReplyShape } from '../llm/schema';
import { PAIR_KINDS, type PairKind } from './types';

/** A pair as the model wrote it: every field may be missing, so malformed pairs can be counted, not dropped unseen. */
export interface DraftPair {
  kind: PairKind | null;
  question: string;
  answer: string;
  citations: string[];
}

const draftSchema = s.object(
  {
    kind: s.optional(
      s.enumOf<PairKind>(PAIR_KINDS, {
        description: 'what the question asks for',
        synonyms: { why: 'why-how', how: 'why-how', explanation: 'why-how', fact: 'factual', compare: 'comparison', multihop: 'multi-hop', 'multi hop': 'multi-hop', unanswerable: 'unanswerable', 'not answerable': 'unanswerable', 'out of scope': 'unanswerable' },
      }),
    ),
    question: s.optional(s.string({ oneLine: true, max: 500, description: 'the question' })),
    answer: s.optional(s.string({ max: 2000, description: 'the answer, in the wording of the cited text' })),
    citations: s.optional(s.array(s.string({ oneLine: true, max: 300 }), { description: '[[path#heading]] links to the sections the answer comes from', single: true, max: 8, overflow: 'cut', skipInvalid: true })),
  },
  { aliases: { question: ['q'], answer: ['a'], citations: ['sources', 'citation'], kind: ['type'] } },
);

/** A pair that is not an object at all reads as an empty draft (counted as malformed). */
const lenientDraft = s.coerce(draftSchema, (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}));

const pairsSchema = s.object({ pairs: s.array(lenientDraft, { max: 40, overflow: 'cut' }) }, { aliases: { pairs: ['questions', 'items', 'qa'] } });

export const PAIRS_REPLY: ReplyShape<DraftPair[]> = replyShape('synth_pairs', pairsSchema, (value) =>
  value.pairs.map((p) => ({ kind: p.kind ?? null, question: p.question ?? '', answer: p.answer ?? '', citations: p.citations ?? [] })),
);

const verdictsSchema = s.object({
  verdicts: s.array(s.object({ index: s.number({ integer: true, min: 0, fromString: true }), supported: s.boolean() }), { skipInvalid: true, max: 80, overflow: 'cut' }),
});

export const JUDGE_REPLY: ReplyShape<Map<number, boolean>> = replyShape('synth_judge', verdictsSchema, (value) => new Map(value.verdicts.map((v) => [v.index, v.supported])));
