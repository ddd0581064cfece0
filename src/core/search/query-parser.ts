/**
 * The search box's syntax, parsed once into a typed query:
 *
 *   bare words            all of them (AND), falling back to any of them (OR)
 *   "a phrase"            these words next to each other
 *   -word  -"a phrase"    leave out sections containing them
 *   path:text             the note's path contains text (case-insensitive); -path: leaves out
 *   tag:name              the note has #name or a nested #name/…; -tag: leaves out
 *   folder:name           only notes under this folder
 *
 * Anything that is not syntax is a word, so a stray quote or colon never makes a query fail.
 */
export interface ParsedQuery {
  /** Words in the order typed (phrase words not included). */
  words: string[];
  phrases: string[][];
  excludedWords: string[];
  excludedPhrases: string[][];
  paths: string[];
  excludedPaths: string[];
  tags: string[];
  excludedTags: string[];
  folders: string[];
  /** Whether the last bare word may still be being typed (no space or quote after it). */
  lastWordOpen: boolean;
}

const OPERATORS = new Set(['path', 'tag', 'folder']);

export function parseQuery(input: string): ParsedQuery {
  const q: ParsedQuery = {
    words: [],
    phrases: [],
    excludedWords: [],
    excludedPhrases: [],
    paths: [],
    excludedPaths: [],
    tags: [],
    excludedTags: [],
    folders: [],
    lastWordOpen: false,
  };
  let i = 0;
  const n = input.length;
  let lastWasBareWord = false;
  while (i < n) {
    while (i < n && isSpace(input[i])) i++;
    if (i >= n) break;
    let negated = false;
    if (input[i] === '-' && i + 1 < n && !isSpace(input[i + 1])) {
      negated = true;
      i++;
    }
    if (input[i] === '"') {
      const close = input.indexOf('"', i + 1);
      const end = close === -1 ? n : close;
      const words = splitWords(input.slice(i + 1, end));
      i = close === -1 ? n : close + 1;
      lastWasBareWord = false;
      if (words.length === 0) continue;
      (negated ? q.excludedPhrases : q.phrases).push(words);
      continue;
    }
    let start = i;
    while (i < n && !isSpace(input[i])) i++;
    let token = input.slice(start, i);
    const colon = token.indexOf(':');
    const op = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
    if (OPERATORS.has(op)) {
      let value = token.slice(colon + 1);
      // `path:"two words"` takes the quoted text, spaces included.
      if (value.startsWith('"')) {
        start += colon + 2;
        const close = input.indexOf('"', start);
        value = input.slice(start, close === -1 ? n : close);
        i = close === -1 ? n : close + 1;
      }
      value = value.trim();
      lastWasBareWord = false;
      if (value === '') continue;
      if (op === 'path') (negated ? q.excludedPaths : q.paths).push(value.toLowerCase());
      else if (op === 'tag') (negated ? q.excludedTags : q.tags).push(normalizeTag(value));
      else if (!negated) q.folders.push(value.replace(/^\/+|\/+$/g, ''));
      continue;
    }
    if (negated) {
      q.excludedWords.push(token);
      lastWasBareWord = false;
    } else {
      // A trailing quote typed before its partner is not a phrase yet; drop the quote.
      token = token.replace(/"/g, '');
      if (token !== '') q.words.push(token);
      lastWasBareWord = token !== '';
    }
  }
  q.lastWordOpen = lastWasBareWord && n > 0 && !isSpace(input[n - 1]);
  return q;
}

/** Tags compare without the leading '#', case-insensitively, as Obsidian does. */
export function normalizeTag(tag: string): string {
  return tag.trim().replace(/^#+/, '').toLowerCase();
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u3000';
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** Whether a query has anything to search for or filter by. */
export function isEmptyQuery(q: ParsedQuery): boolean {
  return q.words.length === 0 && q.phrases.length === 0 && q.paths.length === 0 && q.tags.length === 0 && q.folders.length === 0;
}
