import type { TermPosition } from './tokenizer';

/** Which index terms a query looks for: exact terms, and a prefix for the word being typed. */
export interface TermMatcher {
  exact: ReadonlySet<string>;
  prefix?: string;
}

export function matches(m: TermMatcher, term: string): boolean {
  return m.exact.has(term) || (m.prefix !== undefined && term.startsWith(m.prefix));
}

/** Whether the terms of `phrase` occur one after another in `positions`. */
export function containsPhrase(positions: readonly TermPosition[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return true;
  outer: for (let i = 0; i + phrase.length <= positions.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (positions[i + k].term !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * A one-line excerpt of about `width` characters around the densest cluster of matched words,
 * each match wrapped in `**`. Markdown syntax inside is left as written: the excerpt is shown
 * as plain text with bold marks.
 */
export function makeSnippet(text: string, positions: readonly TermPosition[], matcher: TermMatcher, width = 180): string {
  const hits = positions.filter((p) => matches(matcher, p.term));
  let from = 0;
  if (hits.length > 0) {
    // Slide a window over the hits and keep the one covering the most distinct terms.
    let best = -1;
    let bestStart = hits[0].start;
    let j = 0;
    for (let i = 0; i < hits.length; i++) {
      while (j < hits.length && hits[j].end - hits[i].start <= width) j++;
      const distinct = new Set(hits.slice(i, j).map((h) => h.term)).size;
      if (distinct > best) {
        best = distinct;
        bestStart = hits[i].start;
      }
    }
    // Start a little before the first hit, at a word boundary, so it reads as a sentence piece.
    from = Math.max(0, bestStart - Math.floor(width / 5));
    if (from > 0) {
      const space = text.lastIndexOf(' ', from);
      const lineStart = text.lastIndexOf('\n', bestStart);
      from = Math.max(space + 1, lineStart + 1, from - 20 > space ? from : space + 1);
    }
  }
  let to = Math.min(text.length, from + width);
  if (to < text.length) {
    const space = text.indexOf(' ', to);
    if (space !== -1 && space - to < 20) to = space;
  }
  let out = '';
  let at = from;
  for (const h of hits) {
    // A hit inside one already marked (a compound after its first part) is marked with it.
    if (h.start < at || h.start < from || h.end > to) continue;
    out += text.slice(at, h.start) + '**' + text.slice(h.start, h.end) + '**';
    at = h.end;
  }
  out += text.slice(at, to);
  // A match the note already set in bold ("**peak**") would read "****peak****": keep one pair.
  out = out.replace(/\s+/g, ' ').replace(/\*{4}/g, '**').trim();
  return (from > 0 ? '…' : '') + out + (to < text.length ? '…' : '');
}
