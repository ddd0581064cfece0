/**
 * The loss check for whole-article rewrites: before a rewritten article enters a change plan,
 * `checkLoss(oldText, newText)` lists what of the old text the new one no longer has. Pure, no
 * model. See docs/compile.md ("Loss check") for the rule.
 *
 * - **Citations** (`[[…]]` links and embeds, footnote refs `[^id]`) and **links** (`[text](url)`,
 *   bare `http(s)://` addresses) are counted: the new text must have each one at least as often
 *   as the old. A wikilink is known by the file name of its target (folders, `.md`, `|shown text`
 *   dropped; `#heading` kept), so `[[wiki/sources/A|A]]` rewritten as `[[A]]` is still there.
 * - **Headings** are counted the same way by their text (level, case and spacing ignored).
 * - **Sentences** are matched fuzzily. Each old sentence (or list item, table row, code line) is
 *   reduced to its content words: lowercased, accents dropped, links read as their shown text,
 *   common function words left out, crude stems (-ing, -ed, -s and a final -e cut). It is kept when at least 80 % of those words (rounded up, so
 *   a sentence of four content words or fewer needs all of them) occur together in one sentence
 *   of the new text, or in two or three adjacent ones (a sentence split in two). Order
 *   does not matter, so a reorganised article passes. A paragraph all of whose sentences are lost
 *   is reported once, as a paragraph.
 */

import { tr } from '../../i18n';

export type LossKind = 'paragraph' | 'sentence' | 'heading' | 'citation' | 'link';

export interface Loss {
  kind: LossKind;
  /** The lost text as the old article had it (a paragraph, sentence, heading line or link). */
  text: string;
  /** 1-based line of the old text where it starts. */
  line: number;
}

/** Share of an old sentence's content words that must be found for it to count as kept. */
export const KEPT_SHARE = 0.8;
/** How many adjacent new sentences may together hold one old sentence. */
const WINDOW = 3;

const STOPWORDS = new Set(
  (
    'a an the and or but nor so yet of in on at to for from by with without into onto over under about as than then ' +
    'is are was were be been being am do does did has have had having it its this that these those there here ' +
    'which who whom whose what when where why how i you he she we they me him her us them my your his our their ' +
    'not no can could may might must shall should will would also just only very more most such each any all some'
  ).split(' '),
);

const WIKILINK = /(!?)\[\[([^[\]]+)\]\]/g;
// Bounded repeats: a line of thousands of `[` or `[^` (hostile text a model may echo) stays linear.
const FOOTNOTE_REF = /\[\^([^\]\s]{1,100})\]/g;
const MD_LINK = /(!?)\[([^\]]{0,500})\]\(\s*<?([^)\s>]{1,2000})>?(?:\s+"[^"]{0,300}")?\s*\)/g;
const BARE_URL = /\bhttps?:\/\/[^\s<>()[\]]+/g;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

interface Block {
  line: number;
  text: string;
  sentences: { line: number; text: string; words: string[] }[];
}

interface Parsed {
  headings: { key: string; text: string; line: number }[];
  citations: { key: string; text: string; line: number }[];
  links: { key: string; text: string; line: number }[];
  blocks: Block[];
}

/** What `newText` lost of `oldText`, in the order of the old text within each kind. */
export function checkLoss(oldText: string, newText: string): Loss[] {
  const before = parse(oldText);
  const after = parse(newText);
  const losses: Loss[] = [];

  // Sentences: every new sentence's words, then windows of adjacent ones.
  const flat = after.blocks.flatMap((b) => b.sentences.map((s) => new Set(s.words)));
  const windows: Set<string>[] = [];
  for (let i = 0; i < flat.length; i++) {
    for (let n = 1; n <= WINDOW && i + n <= flat.length; n++) {
      windows.push(n === 1 ? flat[i] : new Set(flat.slice(i, i + n).flatMap((w) => [...w])));
    }
  }
  const kept = (words: string[]): boolean => {
    const distinct = [...new Set(words)];
    if (distinct.length === 0) return true;
    const need = Math.ceil(distinct.length * KEPT_SHARE);
    // Figures are facts: a sentence whose numbers are not all there was not kept, however alike
    // the rest ("Observation 1 … condition 7" is not kept by "Observation 2 … condition 1").
    const numbers = distinct.filter((x) => /^\p{N}+$/u.test(x));
    return windows.some((w) => numbers.every((n) => w.has(n)) && distinct.filter((x) => w.has(x)).length >= need);
  };
  for (const block of before.blocks) {
    const lost = block.sentences.filter((s) => !kept(s.words));
    if (lost.length === 0) continue;
    const counted = block.sentences.filter((s) => s.words.length > 0);
    if (lost.length === counted.length) losses.push({ kind: 'paragraph', text: block.text, line: block.line });
    else for (const s of lost) losses.push({ kind: 'sentence', text: s.text, line: s.line });
  }

  losses.push(...missing('heading', before.headings, after.headings));
  losses.push(...missing('citation', before.citations, after.citations));
  losses.push(...missing('link', before.links, after.links));
  return losses;
}

/** The old items of a kind the new text has fewer of: the last occurrences beyond the new count. */
function missing(kind: LossKind, old: { key: string; text: string; line: number }[], now: { key: string }[]): Loss[] {
  const have = new Map<string, number>();
  for (const n of now) have.set(n.key, (have.get(n.key) ?? 0) + 1);
  const out: Loss[] = [];
  for (const o of old) {
    const left = have.get(o.key) ?? 0;
    if (left > 0) have.set(o.key, left - 1);
    else out.push({ kind, text: o.text, line: o.line });
  }
  return out;
}

/** The kinds in the order they are told, each counted with its first lost item quoted. */
const NOUNS: Record<LossKind, (count: number, text: string) => string> = {
  paragraph: (count, text) => (count === 1 ? tr('core.compile.loss.paragraphOne', { text }) : tr('core.compile.loss.paragraph', { count, text })),
  sentence: (count, text) => (count === 1 ? tr('core.compile.loss.sentenceOne', { text }) : tr('core.compile.loss.sentence', { count, text })),
  heading: (count, text) => (count === 1 ? tr('core.compile.loss.headingsOne', { text }) : tr('core.compile.loss.headings', { count, text })),
  citation: (count, text) => (count === 1 ? tr('core.compile.loss.citationOne', { text }) : tr('core.compile.loss.citation', { count, text })),
  link: (count, text) => (count === 1 ? tr('core.compile.loss.linkOne', { text }) : tr('core.compile.loss.link', { count, text })),
};

/**
 * One phrase for a list of losses: `1 paragraph ("A levain is…") and 1 citation ([[…]])`, each
 * kind counted once with its first item quoted (shortened to about 60 characters).
 */
export function describeLosses(losses: Loss[]): string {
  const parts: string[] = [];
  for (const kind of Object.keys(NOUNS) as LossKind[]) {
    const of = losses.filter((l) => l.kind === kind);
    if (of.length === 0) continue;
    parts.push(NOUNS[kind](of.length, shorten(of[0].text)));
  }
  if (parts.length <= 1) return parts.join('');
  return tr('core.compile.loss.and', { list: parts.slice(0, -1).join(tr('core.compile.loss.separator')), last: parts[parts.length - 1] });
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= 60) return flat;
  const cut = flat.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

function parse(text: string): Parsed {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: Parsed = { headings: [], citations: [], links: [], blocks: [] };
  let block: Block | null = null;
  let prose: { line: number; text: string }[] = [];
  let fence: string | null = null;

  const flushProse = () => {
    if (!block || prose.length === 0) return;
    // Lines of one paragraph are joined and cut into sentences; each keeps the line it starts on.
    let joined = '';
    const starts: { at: number; line: number }[] = [];
    for (const p of prose) {
      starts.push({ at: joined.length, line: p.line });
      joined += `${p.text.trim()} `;
    }
    let k = 0;
    for (const piece of splitSentences(joined)) {
      while (k + 1 < starts.length && starts[k + 1].at <= piece.at) k++;
      block.sentences.push({ line: starts[k].line, text: piece.text, words: contentWords(piece.text) });
    }
    prose = [];
  };
  const endBlock = () => {
    flushProse();
    if (block && block.sentences.length > 0) out.blocks.push(block);
    block = null;
  };
  const startBlock = (line: number) => {
    if (!block) block = { line, text: '', sentences: [] };
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = i + 1;
    const fenceMark = FENCE.exec(raw)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && raw.trim() === fenceMark.trim()) {
        fence = null;
        endBlock();
        continue;
      }
      collectRefs(raw, line, out, false);
      if (raw.trim()) {
        startBlock(line);
        (block as Block | null)?.sentences.push({ line, text: raw.trim(), words: contentWords(raw) });
        appendText(block, raw);
      }
      continue;
    }
    if (fenceMark) {
      endBlock();
      fence = fenceMark;
      continue;
    }
    if (!raw.trim()) {
      endBlock();
      continue;
    }
    const heading = HEADING.exec(raw);
    if (heading) {
      endBlock();
      const shown = heading[2];
      out.headings.push({ key: contentWords(shown).join(' ') || shown.trim().toLowerCase(), text: raw.trim(), line });
      collectRefs(shown, line, out, true);
      continue;
    }
    collectRefs(raw, line, out, true);
    startBlock(line);
    appendText(block, raw);
    // List items, table rows and quote lines are units of their own; other lines continue a paragraph.
    if (/^\s*([-*+]|\d+[.)])\s+|^\s*\||^\s*>/.test(raw)) {
      flushProse();
      const item = raw.replace(/^\s*(?:[-*+]|\d+[.)]|>)\s*(?:\[[ xX]\]\s+)?/, '').trim();
      if (/^\|?[\s:|-]+\|?$/.test(item)) continue; // a table's divider row
      for (const piece of splitSentences(item)) (block as Block | null)?.sentences.push({ line, text: piece.text, words: contentWords(piece.text) });
    } else prose.push({ line, text: raw });
  }
  endBlock();
  return out;
}

function appendText(block: Block | null, raw: string): void {
  if (block) block.text = block.text ? `${block.text}\n${raw.trim()}` : raw.trim();
}

/** Cuts at `.`, `!` or `?` (closing quotes and brackets kept) followed by space and a capital, digit or quote. */
function splitSentences(text: string): { at: number; text: string }[] {
  const out: { at: number; text: string }[] = [];
  const end = /[.!?]+["'”’)\]]*\s+(?=["'“‘([]?[\p{Lu}\p{N}])/gu;
  let from = 0;
  for (let m = end.exec(text); m; m = end.exec(text)) {
    const stop = m.index + m[0].trimEnd().length;
    const piece = text.slice(from, stop).trim();
    if (piece) out.push({ at: from, text: piece });
    from = m.index + m[0].length;
  }
  const rest = text.slice(from).trim();
  if (rest) out.push({ at: from, text: rest });
  return out;
}

/** Wikilinks, footnote refs and links of one line, recorded as citations and links. */
function collectRefs(text: string, line: number, out: Parsed, markdown: boolean): void {
  for (const m of text.matchAll(WIKILINK)) out.citations.push({ key: wikilinkKey(m[2]), text: m[0], line });
  if (!markdown) return;
  for (const m of text.matchAll(FOOTNOTE_REF)) {
    // A footnote's definition (`[^1]: …` at the start of a line) is counted apart from its refs.
    const definition = m.index === text.search(/\S/) && text[m.index + m[0].length] === ':';
    out.citations.push({ key: `^${m[1].toLowerCase()}${definition ? ':' : ''}`, text: definition ? `${m[0]}:` : m[0], line });
  }
  const withoutMd = text.replace(WIKILINK, ' ').replace(MD_LINK, (whole: string, _bang: string, _shown: string, url: string) => {
    out.links.push({ key: url.trim(), text: whole, line });
    return ' ';
  });
  for (const m of withoutMd.matchAll(BARE_URL)) {
    const url = m[0].replace(/[.,;:!?'"”’]+$/, '');
    out.links.push({ key: url, text: url, line });
  }
}

function wikilinkKey(inner: string): string {
  const pipe = inner.indexOf('|');
  const ref = (pipe === -1 ? inner : inner.slice(0, pipe)).replace(/\\$/, '').trim();
  const hash = ref.indexOf('#');
  const target = hash === -1 ? ref : ref.slice(0, hash);
  const anchor = hash === -1 ? '' : ref.slice(hash).trim().toLowerCase();
  const name = target.slice(target.lastIndexOf('/') + 1).replace(/\.md$/i, '').trim().toLowerCase();
  return `${name}${anchor}`;
}

/** The words that carry a sentence's meaning, links read as their shown text. */
export function contentWords(text: string): string[] {
  const shown = text
    .replace(WIKILINK, (_w, _b: string, inner: string) => {
      const pipe = inner.indexOf('|');
      if (pipe !== -1) return ` ${inner.slice(pipe + 1)} `;
      const ref = inner.split('#')[0];
      return ` ${ref.slice(ref.lastIndexOf('/') + 1)} `;
    })
    .replace(FOOTNOTE_REF, ' ')
    .replace(MD_LINK, (_w, _b: string, shownText: string) => ` ${shownText} `)
    .replace(BARE_URL, ' ');
  const words = shown
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return (words ?? []).filter((w) => !STOPWORDS.has(w)).map(stem);
}

/** A crude English stem, so "smells", "smelled" and "smelling" count as one word: -ing, -ed, -s, then a final -e. */
function stem(word: string): string {
  if (word.length < 4 || /\d/.test(word)) return word;
  let w = word;
  for (const suffix of ['ing', 'ed', 's']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3 && !(suffix === 's' && w.endsWith('ss'))) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w.length > 3 && w.endsWith('e') ? w.slice(0, -1) : w;
}
