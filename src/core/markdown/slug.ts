import { hashText } from './hash';

export interface SlugifyOptions {
  /** Keep only ASCII a–z and 0–9 (for ids with strict alphabets). Default false: letters and digits of any script are kept. */
  ascii?: boolean;
  /** Maximum length. Default 80. */
  maxLength?: number;
}

/**
 * A lowercase, dash-separated id for anchors and element ids (not note names: those keep their
 * case, see sanitizeFileName). Accents are folded ('Café' → 'cafe'). Never returns '': blank input
 * gives 'untitled', and text with nothing usable (e.g. CJK in ascii mode) gives a stable hash id.
 */
export function slugify(s: string, options: SlugifyOptions = {}): string {
  const maxLength = options.maxLength ?? 80;
  const folded = s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const disallowed = options.ascii ? /[^a-z0-9]+/g : /[^\p{L}\p{N}]+/gu;
  let slug = trimDashes(folded.replace(disallowed, '-'));
  if (slug.length > maxLength) {
    let cut = maxLength;
    const code = slug.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    slug = trimDashes(slug.slice(0, cut));
  }
  if (slug !== '') return slug;
  return s.trim() === '' ? 'untitled' : `h-${hashText(s).slice(0, 8)}`;
}

function trimDashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '-') start++;
  while (end > start && s[end - 1] === '-') end--;
  return s.slice(start, end);
}
