/**
 * Checks of a synthetic pair that do not trust the model: whether the answer's content words
 * appear in the text it cites (lexical support), whether an answer says the wiki cannot answer
 * (a refusal), and whether two questions are near duplicates (word shingles).
 */
import { foldDiacritics } from '../search/tokenizer';
import { STOPWORDS } from '../search/stopwords';

/**
 * The support threshold: a pair is kept when at least this share of its answer's distinct
 * content words occur in the cited sections. Tuned on tests/fixtures/synth/labelled.json
 * (docs/synth.md gives the precision and recall at each threshold).
 */
export const SUPPORT_THRESHOLD = 0.8;

/** Two questions whose shingle sets overlap at least this much (Jaccard) are duplicates. */
export const DUPLICATE_THRESHOLD = 0.6;

/** Function words beyond the index's stop words: they say nothing about whether a claim is supported. */
const FUNCTION_WORDS = new Set(
  (
    'also about after again all am any because before being both can could did do does doing down during each few ' +
    'further here how however just more most much must now only other over own same should some such very would ' +
    'yes one ones upon via within without yet whose thus therefore hence since until'
  ).split(' '),
);

/** A light English stem: enough to match "merges" with "merge" and "added" with "add". */
export function stem(word: string): string {
  if (/^\d/.test(word)) return word;
  let w = word;
  if (w.length > 5 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && /(s|x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  // "stopped" and "stop", "added" and "add" meet at one form.
  return w.length > 2 ? w.replace(/([^aeiou\d])\1$/, '$1') : w;
}

/** Lower-cased words of a text, diacritics folded, wikilink brackets and markdown marks ignored. */
export function words(text: string): string[] {
  const plain = foldDiacritics(text.toLowerCase())
    // [[target#heading|alias]] reads as its alias (or target): the words a reader sees.
    .replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, ' $2 ')
    .replace(/\[\[([^\]]*)\]\]/g, ' $1 ');
  return plain.match(/[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu)?.map((w) => w.replace(/['’]s$/, '').replace(/['’]/g, '')) ?? [];
}

/** The distinct stems of a text's content words (not stop or function words, not one letter). */
export function contentStems(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of words(text)) {
    if (w.length < 2 && !/\d/.test(w)) continue;
    if (STOPWORDS.has(w) || FUNCTION_WORDS.has(w)) continue;
    out.add(stem(w));
  }
  return out;
}

export interface SupportScore {
  /** Share of the answer's content stems found in the evidence, 0–1 (1 for an answer without content words). */
  score: number;
  /** Content stems of the answer not found in the evidence. */
  missing: string[];
}

/**
 * The answer's claims without its citations: a `[[link]]` names where a claim comes from and is
 * not itself a claim, so it is left out; a link's alias (`[[x|shown words]]`) is what a reader
 * sees, and stays.
 */
export function withoutCitations(answer: string): string {
  return answer.replace(/\[\[[^\]|]*\|([^\]]*)\]\]/g, ' $1 ').replace(/\[\[[^\]]*\]\]/g, ' ');
}

/** How much of `answer` the `evidence` text contains, word by word (the answer's citation links left out). */
export function supportScore(answer: string, evidence: string): SupportScore {
  const wanted = contentStems(withoutCitations(answer));
  if (wanted.size === 0) return { score: 1, missing: [] };
  const have = contentStems(evidence);
  const missing = [...wanted].filter((w) => !have.has(w));
  return { score: (wanted.size - missing.length) / wanted.size, missing };
}

const REFUSAL = [
  /\b(wiki|notes?|vault|articles?|sources?|text)\b[^.]{0,60}\b(does not|doesn't|do not|don't|cannot|can't|never)\b[^.]{0,40}\b(say|says|cover|covers|mention|mentions|answer|contain|contains|tell|state|states|include|includes|address|addresses)\b/i,
  /\b(not|never)\s+(covered|mentioned|stated|answered|addressed|discussed|said)\s+(in|by)\s+the\s+(wiki|notes?|vault|articles?|sources?)\b/i,
  /\b(no|nothing in the)\s+(information|mention|answer)\b[^.]{0,40}\b(in|from)\s+the\s+(wiki|notes?|vault|articles?|sources?)\b/i,
  /\bcannot be answered from\b/i,
  /\b(i|we) (cannot|can't|could not|couldn't) find\b/i,
  /\bthe (wiki|notes?|vault) (has|have|holds|hold|gives|give) no\b/i,
];

/** True when an answer says the wiki cannot answer the question ("The wiki does not say …"). */
export function isRefusal(answer: string): boolean {
  const text = answer.replace(/\s+/g, ' ');
  return REFUSAL.some((re) => re.test(text));
}

/** Word shingles of a question: its content stems and each adjacent pair of them. */
export function shingles(question: string): Set<string> {
  const stems: string[] = [];
  for (const w of words(question)) {
    if (STOPWORDS.has(w) || FUNCTION_WORDS.has(w)) continue;
    stems.push(stem(w));
  }
  const out = new Set<string>(stems);
  for (let i = 0; i + 1 < stems.length; i++) out.add(`${stems[i]} ${stems[i + 1]}`);
  return out;
}

/** Jaccard overlap of two shingle sets, 0–1. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}
