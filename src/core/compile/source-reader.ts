import { tr } from '../../i18n';
import { basenameNoExt, fmString, fmStringList, parseNote } from '../markdown';
import type { SourceDefect, SourceDocument } from '../sources/types';

export type { SourceDocument, SourceDefect } from '../sources/types';
export { isDefect } from '../sources/types';

// Lines a web clipper picks up from page chrome rather than the article.
const BOILERPLATE_LINE =
  /^(advertisement|sponsored( content)?|share( this)?( article| post| story)?( on \w+)?|tweet|pin it|subscribe( now| to our newsletter)?|sign up( for (our|the) newsletter)?|sign in|log ?in|skip to (main )?content|read more|continue reading|related( articles| posts| stories)?|you may also like|recommended( for you)?|cookie (settings|preferences|policy)|accept( all)?( cookies)?|print( this)?|email|copy link|follow us( on .*)?|comments?|leave a (comment|reply)|back to top|table of contents)[.:!]?$/i;
const SHARE_LINK = /(twitter\.com\/intent|x\.com\/intent|facebook\.com\/sharer|linkedin\.com\/share|reddit\.com\/submit|mailto:\?|pinterest\.com\/pin\/create|news\.ycombinator\.com\/submitlink)/i;

/** Removes page chrome a clipper keeps: share buttons, newsletter prompts, cookie banners. */
export function stripBoilerplate(body: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence) {
      const bare = line
        .trim()
        .replace(/^[-*+]\s+/, '')
        .replace(/^#+\s+/, '')
        .replace(/^\[([^\]]*)\]\([^)]*\)$/, '$1')
        .trim();
      if (BOILERPLATE_LINE.test(bare)) continue;
      // A line made only of share links ("[Share](https://twitter.com/intent/…) [Post](…)").
      const links = line.match(/\]\(([^)]*)\)/g) ?? [];
      if (links.length > 0 && links.every((l) => SHARE_LINK.test(l)) && line.replace(/!?\[[^\]]*\]\([^)]*\)/g, '').trim().replace(/[|·•,\s-]/g, '') === '') continue;
    }
    out.push(line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Why the text is not a text note: control bytes (binary), or bytes that were not UTF-8. */
function notText(text: string): 'binary' | 'encoding' | undefined {
  let control = 0;
  let undecodable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) undecodable++;
    else if (c === 0 || (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) control++;
  }
  if (text.includes('\u0000') || (text.length > 0 && (control + undecodable) / text.length > 0.05 && control >= undecodable)) return 'binary';
  // U+FFFD is what a decoder puts for bytes that are not UTF-8; a few can be genuine, many cannot.
  if (text.length > 0 && undecodable / text.length > 0.05) return 'encoding';
  return undefined;
}

function plainAuthor(s: string): string {
  // Web Clipper writes authors as wikilinks: "[[Jane Doe]]".
  return s.replace(/^\[\[([^\]|]+)(\|[^\]]*)?\]\]$/, '$1').trim();
}

/** Parses a raw note into a {@link SourceDocument}, or says why it cannot be compiled. */
export function readSource(path: string, text: string, hash: string): SourceDocument | SourceDefect {
  const bad = notText(text);
  if (bad === 'binary') return { kind: 'binary', message: tr('core.compile.source.binary') };
  if (bad === 'encoding') return { kind: 'encoding', message: tr('core.compile.source.encoding') };
  const note = parseNote(text);
  if (note.frontmatterError) {
    return { kind: 'frontmatter', message: tr('core.compile.source.frontmatter', { error: note.frontmatterError }) };
  }
  const fm = note.frontmatter;
  const body = stripBoilerplate(note.body);
  if (body.replace(/\s+/g, '') === '') return { kind: 'empty', message: tr('core.compile.source.empty') };
  const published = fm.published instanceof Date ? fm.published.toISOString().slice(0, 10) : fmString(fm, 'published') ?? fmString(fm, 'date');
  const title = (fmString(fm, 'title') ?? basenameNoExt(path)).replace(/\s+/g, ' ').trim() || basenameNoExt(path);
  return {
    path,
    kind: 'note',
    hash,
    title,
    url: fmString(fm, 'source') ?? fmString(fm, 'url'),
    authors: [...fmStringList(fm, 'author'), ...fmStringList(fm, 'authors')].map(plainAuthor).filter(Boolean),
    published,
    description: fmString(fm, 'description'),
    body,
  };
}

/** Rough token count (4 characters a token), the same rule the estimate uses. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Splits a body into parts of at most `maxTokens` rough tokens, at paragraph boundaries when it
 * can, then at line boundaries, then anywhere. One part when it fits.
 */
export function splitIntoParts(body: string, maxTokens: number): string[] {
  const limit = Math.max(200, maxTokens * 4);
  if (body.length <= limit) return [body];
  const blocks: string[] = [];
  for (const para of body.split(/\n{2,}/)) {
    if (para.length <= limit) {
      blocks.push(para);
      continue;
    }
    let current = '';
    for (const line of para.split('\n')) {
      for (let i = 0; i < line.length || i === 0; i += limit) {
        const piece = line.slice(i, i + limit);
        if (current.length + piece.length + 1 > limit && current) {
          blocks.push(current);
          current = '';
        }
        current = current ? `${current}\n${piece}` : piece;
        if (line.length === 0) break;
      }
    }
    if (current) blocks.push(current);
  }
  const parts: string[] = [];
  let current = '';
  for (const block of blocks) {
    if (current && current.length + block.length + 2 > limit) {
      parts.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${block}` : block;
  }
  if (current) parts.push(current);
  return parts;
}
