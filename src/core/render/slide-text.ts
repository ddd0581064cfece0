import { basename, basenameNoExt, extname, extractLinks, type LinkResolver, type NoteLink } from '../markdown';

/** Image types Marp and Obsidian both display. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.bmp', '.avif']);

/** Where slide text comes from and where the deck will live, to turn vault links into portable ones. */
export interface SlideLinkContext {
  resolver: LinkResolver;
  /** The note the text was taken from; relative links resolve from its folder. */
  fromPath: string;
  /** Folder of the deck being written; image paths are made relative to it. */
  deckFolder: string;
}

/** An image found in slide text, resolved to a vault file. */
export interface SlideImage {
  alt: string;
  /** Vault path of the image file. */
  vaultPath: string;
  /** URL-encoded path from the deck's folder, for `![alt](…)`. */
  href: string;
}

/** A path from `fromFolder` to `toPath`, both vault-relative, with `../` steps. */
export function relativePath(fromFolder: string, toPath: string): string {
  const from = fromFolder === '' ? [] : fromFolder.split('/');
  const to = toPath.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/');
}

/** Encodes each segment so spaces, parentheses and `#` survive inside `(…)` in every renderer. */
function hrefOf(relative: string): string {
  return relative
    .split('/')
    .map((seg) => (seg === '..' ? seg : encodeURIComponent(seg)))
    .join('/');
}

/** The image a link points to, when it is a local image file that exists; else null. */
export function resolveImage(target: string, alt: string, ctx: SlideLinkContext): SlideImage | null {
  const vaultPath = ctx.resolver.resolve(target, ctx.fromPath);
  if (!vaultPath || !IMAGE_EXTENSIONS.has(extname(vaultPath))) return null;
  return { alt: alt.trim() || basenameNoExt(vaultPath), vaultPath, href: hrefOf(relativePath(ctx.deckFolder, vaultPath)) };
}

const REMOTE = /^https?:\/\//i;

/** What a link reads as in plain text: its alias, else the note's name and heading. */
function linkLabel(link: NoteLink, text: string): string {
  if (link.kind === 'markdown') return text;
  if (link.alias) return link.alias;
  const name = link.target === '' ? '' : basenameNoExt(link.target) || basename(link.target);
  const sub = link.heading ?? '';
  if (name && sub) return `${name} › ${sub}`;
  return name || sub;
}

/** The text inside `[…]` of a markdown link or image written as `raw`. */
function markdownLinkText(raw: string): string {
  const start = raw.indexOf('[') + 1;
  let depth = 0;
  for (let i = start; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '[') depth++;
    else if (raw[i] === ']') {
      if (depth === 0) return raw.slice(start, i);
      depth--;
    }
  }
  return '';
}

/** Remote markdown images `![alt](https://…)`; extractLinks skips them because they are not vault links. */
const REMOTE_IMAGE = /!\[([^\]]*)\]\((https?:\/\/[^\s)]+)\)/g;

/**
 * Turns one line of model- or note-written text into slide text that renders the same everywhere:
 * wikilinks and links to vault notes become their plain label, vault images are pulled out as
 * resolved images (unresolvable ones are dropped, so no slide shows a broken image), and remote
 * images are kept as images. Returns the cleaned text (not yet escaped) and the images.
 */
export function convertSlideLinks(line: string, ctx: SlideLinkContext): { text: string; images: SlideImage[]; remoteImages: { alt: string; url: string }[] } {
  const images: SlideImage[] = [];
  const remoteImages: { alt: string; url: string }[] = [];
  let text = line.replace(REMOTE_IMAGE, (_m, alt: string, url: string) => {
    remoteImages.push({ alt, url });
    return '';
  });
  const links = extractLinks(text);
  // Replace from the end so earlier columns stay valid.
  for (let i = links.length - 1; i >= 0; i--) {
    const link = links[i];
    const start = link.column - 1;
    const end = start + link.raw.length;
    const inner = link.kind === 'markdown' ? markdownLinkText(link.embed ? link.raw.slice(1) : link.raw) : '';
    let replacement: string;
    if (link.embed) {
      const alt = link.kind === 'markdown' ? inner : (link.alias && !/^\d+(x\d+)?$/.test(link.alias) ? link.alias : '');
      const image = resolveImage(link.target, alt, ctx);
      if (image) images.unshift(image);
      replacement = image ? '' : IMAGE_EXTENSIONS.has(extname(link.target)) ? '' : linkLabel(link, inner);
    } else {
      replacement = linkLabel(link, inner);
    }
    text = text.slice(0, start) + replacement + text.slice(end);
  }
  return { text: text.replace(/\s+/g, ' ').trim(), images, remoteImages };
}

/** A bare image reference from the model ("![[a.png]]", "![x](a.png)", "a.png", a URL) resolved, or null. */
export function imageReference(ref: string, ctx: SlideLinkContext): SlideImage | { alt: string; url: string } | null {
  const trimmed = ref.trim();
  if (trimmed === '') return null;
  if (REMOTE.test(trimmed)) return { alt: '', url: trimmed };
  if (trimmed.includes('[')) {
    const converted = convertSlideLinks(trimmed, ctx);
    return converted.images[0] ?? converted.remoteImages[0] ?? null;
  }
  return resolveImage(trimmed, '', ctx);
}

/**
 * Escapes what would change the meaning of one line of slide text: raw HTML (Marp would hide a
 * stray `<!--`, and directives hide in comments), a leading marker that would start a heading,
 * quote or nested list, and a line that is only a slide separator.
 */
export function escapeSlideText(text: string): string {
  // `$` would start inline math in Marp ("$5 and $10"); HTML is escaped, not interpreted.
  let out = text
    .replace(/&(?![a-z]+;|#\d+;)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\$/g, '\\$');
  out = out.replace(/^(#{1,6}(?=\s|$)|[-+*](?=\s|$)|\d+[.)](?=\s|$)|[-_*=]{3,}\s*$)/, (m) =>
    // A backslash escapes punctuation only: "1\." rather than "\1.".
    /^\d/.test(m) ? `${m.slice(0, -1)}\\${m.slice(-1)}` : `\\${m}`,
  );
  return out;
}

/** Speaker notes must not close their HTML comment early nor read as a Marp directive. */
export function escapeNotes(text: string): string {
  return protectNotes(text.replace(/--+/g, '–').replace(/\r?\n\s*\n+/g, '\n\n').trim());
}

/**
 * Marp reads an HTML comment that parses as a YAML mapping as directives and drops it from the
 * notes ("theme: gaia" would even restyle the deck). A first line that is plain text makes the
 * comment a note again, so notes that start like "Key: value" get one.
 */
export function protectNotes(notes: string): string {
  const firstLine = notes.split('\n', 1)[0];
  return /:(\s|$)/.test(firstLine) ? `Notes\n\n${notes}` : notes;
}
