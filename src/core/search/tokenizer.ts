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
  /**
   * `tokenize`'s memo, an open-addressing table keyed by a word's raw code units: `slots` holds
   * entry numbers (-1 empty), an entry is its word, its term (null: not indexed) and its hash.
   * Cleared, like `cache`, when it holds `maxCache` words.
   */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly keys: string[] = [];
  private readonly values: (string | null)[] = [];

  constructor(options: { maxCache?: number } = {}) {
    this.maxCache = Math.max(1, options.maxCache ?? 100_000);
    // At most half full, so probes stay short.
    let size = 16;
    while (size < this.maxCache * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = new Int32Array(this.maxCache);
  }

  /**
   * Index terms of a text, in order, repeats kept (term frequency matters). Scans char codes and
   * looks each word up by a hash of its code units, so a word seen before costs no substring and
   * no `Map` hashing of a fresh string; the same words and terms as a `/[\p{L}\p{M}\p{N}]+/gu` split.
   */
  tokenize(text: string): string[] {
    const out: string[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      // Skip to the start of a word.
      let c = text.charCodeAt(i);
      let width = wordCharWidth(text, i, c, n);
      if (width === 0) {
        i++;
        continue;
      }
      const start = i;
      let hash = FNV_OFFSET;
      let segmented = false;
      while (width > 0) {
        for (let k = 0; k < width; k++) hash = Math.imul(hash ^ text.charCodeAt(i + k), FNV_PRIME);
        if (c >= 0x0e00 && !segmented && isSegmentedCode(c)) segmented = true;
        i += width;
        if (i >= n) break;
        c = text.charCodeAt(i);
        width = wordCharWidth(text, i, c, n);
      }
      if (segmented) {
        this.segment(text.slice(start, i), out);
        continue;
      }
      const term = this.lookup(text, start, i, hash);
      if (term !== null) out.push(term);
    }
    return out;
  }

  /** The term of `text[start, end)` from the code-unit table, computed and remembered on a miss. */
  private lookup(text: string, start: number, end: number, hash: number): string | null {
    const len = end - start;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry < 0) break;
      if (this.hashes[entry] === hash) {
        const key = this.keys[entry];
        if (key.length === len) {
          let k = 0;
          while (k < len && key.charCodeAt(k) === text.charCodeAt(start + k)) k++;
          if (k === len) return this.values[entry];
        }
      }
      slot = (slot + 1) & mask;
    }
    if (this.keys.length >= this.maxCache) {
      this.slots.fill(-1);
      this.keys.length = 0;
      this.values.length = 0;
      slot = hash & mask;
    }
    let word = text.slice(start, end);
    // Long words are views into the text they were matched in (V8 slices): copy them, or the
    // table and the index's term tree would keep that whole text alive.
    if (len >= 13) word = copyString(word);
    let term = this.compute(word);
    if (term !== null && term.length >= 13) term = copyString(term);
    const entry = this.keys.length;
    this.keys.push(word);
    this.values.push(term);
    this.hashes[entry] = hash;
    this.slots[slot] = entry;
    return term;
  }

  /**
   * The terms a text is indexed and searched by: {@link tokenize}'s, and for each hyphenated
   * compound of two to four parts ("IL-6", "COVID-19", "anti-PD-1") the parts written together as
   * one more term ("il6"), so each spelling finds the other. Phrases and snippets keep
   * {@link tokenize}'s terms. Measured on SciFact: +0.6 point nDCG@10 with no title.
   */
  indexTerms(text: string): string[] {
    const out = this.tokenize(text);
    if (text.includes('-')) for (const c of this.compounds(text)) out.push(c.term);
    return out;
  }

  /**
   * The joined terms {@link indexTerms} adds for hyphenated compounds, with the compound's offsets
   * in `text`: so a snippet can show and mark "IL-6" for the query word "IL6".
   */
  compounds(text: string): TermPosition[] {
    const out: TermPosition[] = [];
    if (!text.includes('-')) return out;
    COMPOUND.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = COMPOUND.exec(text)) !== null) {
      // Longer than any term even without its (at most three) hyphens: no term, and not worth a cache entry.
      if (match[0].length - 3 > MAX_WORD_LENGTH) continue;
      const term = this.term(match[0].replace(/-/g, ''));
      if (term !== null) out.push({ term, start: match.index, end: match.index + match[0].length });
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
    // Single letters are words too ("T cells", "vitamin D", "type B", the "s" of "Alzheimer's"):
    // kept, as FTS5 keeps them. Measured on SciFact with no title: +0.9 point nDCG@10 (0.669 → 0.678).
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
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Per BMP code unit: 0 not yet known, 1 part of a word (letter, mark, digit), 2 not. */
const WORD_UNIT = new Uint8Array(0x10000);
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
for (let c = 0; c < 0x80; c++) {
  WORD_UNIT[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 1 : 2;
}

/**
 * How many code units the character at `i` (code unit `c`) takes if it belongs to a word
 * (`/[\p{L}\p{M}\p{N}]/u`): 1, or 2 for a surrogate pair; 0 when it is not a word character.
 * A lone surrogate is not a word character, as for the `u` regex.
 */
function wordCharWidth(text: string, i: number, c: number, n: number): number {
  if (c >= 0xd800 && c <= 0xdbff) {
    if (i + 1 >= n) return 0;
    const low = text.charCodeAt(i + 1);
    if (low < 0xdc00 || low > 0xdfff) return 0;
    return WORD_CHAR.test(text.slice(i, i + 2)) ? 2 : 0;
  }
  let kind = WORD_UNIT[c];
  if (kind === 0) {
    kind = c >= 0xdc00 && c <= 0xdfff ? 2 : WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    WORD_UNIT[c] = kind;
  }
  return kind === 1 ? 1 : 0;
}

/** A code unit of `SEGMENTED_SCRIPT` (all of it is in the BMP). */
function isSegmentedCode(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x31f0 && c <= 0x31ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x0e00 && c <= 0x0e7f)
  );
}
/** Letters, combining marks and digits: a word in any script with spaces between words. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Han, Hiragana, Katakana and Thai: scripts written without spaces between words. */
const SEGMENTED_SCRIPT = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]/;
const ASCII = /^[\x20-\x7e]*$/;
/** A hyphenated compound of two to four word parts, not inside a longer chain. */
const COMPOUND = /(?<![\p{L}\p{M}\p{N}-])[\p{L}\p{M}\p{N}]+(?:-[\p{L}\p{M}\p{N}]+){1,3}(?![\p{L}\p{M}\p{N}-])/gu;
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
