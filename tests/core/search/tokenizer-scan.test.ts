import stemWord from 'wink-porter2-stemmer';
import { foldDiacritics, Tokenizer } from '../../../src/core/search/tokenizer';
import { STOPWORDS } from '../../../src/core/search/stopwords';

/**
 * The regex tokenizer that the char-code scanner replaced, kept verbatim (minus its position and
 * query helpers) so that the scanner is proven to give the very same terms: an index built by
 * either must score every query the same.
 */
class RegexTokenizer {
  private readonly cache = new Map<string, string>();
  private segmenter: Intl.Segmenter | null | undefined;

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

  private term(word: string): string | null {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached === '' ? null : cached;
    const term = this.compute(word);
    this.cache.set(word, term ?? '');
    return term;
  }

  private push(word: string, out: string[]): void {
    const term = this.term(word);
    if (term !== null) out.push(term);
  }

  private compute(word: string): string | null {
    if (word.length > 40) return null;
    let w = word.toLowerCase();
    if (!ASCII.test(w)) w = foldDiacritics(w);
    if (STOPWORDS.has(w)) return null;
    if (w.length > 3 && LATIN_LETTERS.test(w)) return stemWord(w);
    return w;
  }

  private segment(run: string, out: string[]): void {
    if (this.segmenter === undefined) {
      this.segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
    }
    for (let start = 0; start < run.length; start += 400) {
      const piece = run.slice(start, start + 400);
      if (this.segmenter === null) {
        for (const ch of piece) this.push(ch, out);
        continue;
      }
      for (const part of this.segmenter.segment(piece)) this.push(part.segment, out);
    }
  }
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const SEGMENTED_SCRIPT = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]/;
const ASCII = /^[\x20-\x7e]*$/;
const LATIN_LETTERS = /^[a-z]+$/;

const SAMPLES = [
  'The Running studies of Generalization in 2024: results, methods & 3.14159 numbers.',
  "It's the users' choice — don't you think? O'Brien wasn't there; rock'n'roll isn't dead.",
  'Café Ångström naïve Straße Søren Œuvre Łódź Đorđe Þórr ðe ıstanbul ÆSIR',
  'Cafe\u0301 nai\u0308ve Ångstro\u0308m (NFD) vs Café naïve Ångström (NFC)',
  'Ελληνικά κείμενα με τόνους, Русский текст с ударе́нием, ёлка Ёлка',
  '東京は日本の首都です。我喜欢自然语言处理。カタカナとひらがな、漢字。',
  'ภาษาไทยไม่มีช่องว่างระหว่างคำ and mixed English東京words',
  '한국어 문장은 띄어쓰기가 있습니다. हिन्दी में लिखा गया पाठ। العربية نص عربي',
  '```ts\nconst fooBar_baz = await fetchJSON<Map<string, number[]>>(url); // TODO(x): fix\n```',
  'See https://example.com/path/to/page?query=a&b=2#frag and http://localhost:8080/x_y.',
  'Numbers: 1 22 333 4,000 5.5e10 0x1F 1st 2nd 3rd ½ ² ³ ① ٣ ৪ 𝟙𝟚',
  'Math 𝐀𝐁𝐂 bold, 𝒜 script, emoji 😀👍🏽 family 👨‍👩‍👧, CJK ext B 𠀀𠀁 words',
  'lone \ud800 high and \udc00 low surrogates, and a pair 𝐀 at the end 𝐀',
  'a I x y z 7 — single letters; aa ab AB Ab 12 a1 1a',
  'supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis ' +
    'a'.repeat(40) + ' ' + 'b'.repeat(41) + ' ' + 'Ab'.repeat(25),
  'tags #project/alpha #2024 [[Wiki Link|alias]] ![[image.png]] `inline code` **bold** _it_',
  'İstanbul I\u0307 ǅemal ǈ ﬁne ﬂow Ⅻ ⅻ ΣΊΣΥΦΟΣ ς',
  '',
  '   \n\t  ',
  'end with word',
];

/** Deterministic pseudo-random text mixing every kind of character above. */
function mixedCorpus(seed: number, words: number): string {
  const pieces = [...new Set(SAMPLES.join(' ').split(/(\s+)/))].filter((p) => p !== '');
  const extra = ['running', 'Running', 'RUNNING', 'runs', 'the', 'The', 'q\u0301', 'x\u0300y', '東', 'ç', 'naïve', 'naı̈ve'];
  const all = [...pieces, ...extra];
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const r = next();
    out.push(all[r % all.length]);
    out.push(r % 7 === 0 ? '' : r % 5 === 0 ? '\n' : r % 3 === 0 ? ', ' : ' ');
  }
  return out.join('');
}

describe('Tokenizer.tokenize (char-code scanner)', () => {
  it('gives the same terms as the regex tokenizer on every sample', () => {
    const old = new RegexTokenizer();
    const t = new Tokenizer();
    for (const text of SAMPLES) expect([text, t.tokenize(text)]).toEqual([text, old.tokenize(text)]);
    // Twice: the second pass answers from the memo.
    for (const text of SAMPLES) expect([text, t.tokenize(text)]).toEqual([text, old.tokenize(text)]);
  });

  it('gives the same terms on a long mixed corpus, also when its memo is cleared all the time', () => {
    const old = new RegexTokenizer();
    const big = new Tokenizer();
    const tiny = new Tokenizer({ maxCache: 3 });
    for (let seed = 1; seed <= 20; seed++) {
      const text = mixedCorpus(seed, 2000);
      const expected = old.tokenize(text);
      expect(big.tokenize(text)).toEqual(expected);
      expect(tiny.tokenize(text)).toEqual(expected);
    }
  });

  it('gives the same terms on every single BMP character and on astral ones', () => {
    const old = new RegexTokenizer();
    const t = new Tokenizer();
    const chars: string[] = [];
    for (let c = 0; c < 0x10000; c++) chars.push(String.fromCharCode(c) + 'a');
    for (const cp of [0x1d400, 0x1d7d9, 0x20000, 0x1f600, 0x10400, 0x1e900, 0xe0100]) chars.push(String.fromCodePoint(cp) + 'b');
    const text = chars.join(' ');
    expect(t.tokenize(text)).toEqual(old.tokenize(text));
    // Glued together, words run across every kind of neighbour.
    const glued = chars.join('');
    expect(t.tokenize(glued)).toEqual(old.tokenize(glued));
  });

  it('drops words over 40 characters and stems a long word between them', () => {
    const t = new Tokenizer();
    expect(t.tokenize(`${'x'.repeat(100)} Internationalization ${'y'.repeat(41)}`)).toEqual(['internation']);
  });
});
