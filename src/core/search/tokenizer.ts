import stemWord from 'wink-porter2-stemmer';
import { STOPWORDS } from './stopwords';

/**
 * Turns text into index terms: Unicode words, lowercased, diacritics folded (Latin, Greek,
 * Cyrillic), English stop words dropped, English words stemmed (Porter2). A regex does the word
 * split; only runs of Chinese, Japanese or Thai text, which have no spaces between words, go to
 * `Intl.Segmenter`, because the segmenter is ~8× slower than the regex on ordinary prose.
 *
 * One instance per index: it memoises stems, which is most of the cost of tokenizing.
 */
export class Tokenizer {
  /** Stems and folds seen so far; cleared when it grows past `maxCache` to bound memory. */
  private readonly cache = new Map<string, string>();
  private readonly maxCache: number;
  private segmenter: Intl.Segmenter | null | undefined;

  constructor(options: { maxCache?: number } = {}) {
    this.maxCache = options.maxCache ?? 100_000;
  }

  /** Index terms of a text, in order, repeats kept (term frequency matters). */
  tokenize(text: string): string[] {
    const out: string[] = [];
    WORD.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = WORD.exec(text)) !== null) {
      const word = match[0];
      if (SEGMENTED_SCRIPT.test(word)) this.segment(word, out);
      else this.push(word, out);
    }
    return out;
  }

  /** Like {@link tokenize}, with each term's offsets in `text`: for snippets and phrase checks. */
  positions(text: string): TermPosition[] {
    const out: TermPosition[] = [];
    WORD.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = WORD.exec(text)) !== null) {
      const word = match[0];
      const at = match.index;
      if (!SEGMENTED_SCRIPT.test(word)) {
        const term = this.term(word);
        if (term !== null) out.push({ term, start: at, end: at + word.length });
        continue;
      }
      const terms: string[] = [];
      let offset = at;
      for (const part of this.pieces(word)) {
        terms.length = 0;
        this.push(part, terms);
        if (terms.length > 0) out.push({ term: terms[0], start: offset, end: offset + part.length });
        offset += part.length;
      }
    }
    return out;
  }

  /**
   * The index term for one word (lowercased, folded, stemmed), or null for a stop word or a word
   * too short or too long to be useful. Used for query words and for snippet highlighting.
   */
  term(word: string): string | null {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached === '' ? null : cached;
    let term = this.compute(word);
    if (this.cache.size >= this.maxCache) this.cache.clear();
    // Long words are views into the text they were matched in (V8 slices): copy them, or the
    // cache and the index's term tree would keep that whole text alive.
    if (word.length >= 13) word = copyString(word);
    if (term !== null && term.length >= 13) term = copyString(term);
    this.cache.set(word, term ?? '');
    return term;
  }

  /** Terms of a word or phrase without stemming or stop words: for exact-looking `tag:` and titles. */
  fold(text: string): string {
    return foldDiacritics(text.toLowerCase());
  }

  private push(word: string, out: string[]): void {
    const term = this.term(word);
    if (term !== null) out.push(term);
  }

  private compute(word: string): string | null {
    // Identifiers, hashes and base64 blobs are noise for search and bloat the term dictionary.
    if (word.length > MAX_WORD_LENGTH) return null;
    let w = word.toLowerCase();
    if (!ASCII.test(w)) w = foldDiacritics(w);
    if (w.length < 2 && !SEGMENTED_SCRIPT.test(w) && !DIGIT.test(w)) return null;
    if (STOPWORDS.has(w)) return null;
    if (w.length > 3 && LATIN_LETTERS.test(w)) return stemWord(w);
    return w;
  }

  private segment(run: string, out: string[]): void {
    for (const part of this.pieces(run)) this.push(part, out);
  }

  /** Consecutive pieces of a CJK/Thai run (words, and the non-word bits between them), covering it. */
  private *pieces(run: string): Generator<string> {
    if (this.segmenter === undefined) {
      // Intl.Segmenter is missing on some older mobile WebViews; fall back to one term per character.
      this.segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
    }
    // The segmenter is pathologically slow on very long strings: feed it bounded pieces.
    for (let start = 0; start < run.length; start += SEGMENT_PIECE) {
      const piece = run.slice(start, start + SEGMENT_PIECE);
      if (this.segmenter === null) {
        yield* piece;
        continue;
      }
      for (const part of this.segmenter.segment(piece)) yield part.segment;
    }
  }
}

export interface TermPosition {
  term: string;
  /** Offsets of the word in the text (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
}

const MAX_WORD_LENGTH = 40;

function copyString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
const SEGMENT_PIECE = 400;
/** Letters, combining marks and digits: a word in any script with spaces between words. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Han, Hiragana, Katakana and Thai: scripts written without spaces between words. */
const SEGMENTED_SCRIPT = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]/;
const ASCII = /^[\x20-\x7e]*$/;
const DIGIT = /\d/;
const LATIN_LETTERS = /^[a-z]+$/;

/** Letters that Unicode does not decompose but that people type without their mark. */
const SPECIAL_FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const SPECIAL = /[ßæœøłđðþı]/g;
/** A Latin, Greek or Cyrillic letter followed by its combining marks (after NFD). */
const ACCENTED = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

/**
 * "Café" and "cafe" should find each other. Only marks on Latin, Greek and Cyrillic letters are
 * dropped: in Japanese (が/か), Thai or Devanagari the marks change the word.
 */
export function foldDiacritics(text: string): string {
  if (ASCII.test(text)) return text;
  return text.normalize('NFD').replace(ACCENTED, '$1').replace(SPECIAL, (ch) => SPECIAL_FOLDS[ch] ?? ch).normalize('NFC');
}
