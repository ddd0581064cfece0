import type { DeckDraft } from './deck-draft';
import { convertSlideLinks, escapeNotes, escapeSlideText, imageReference, type SlideImage, type SlideLinkContext } from './slide-text';

/** Marp's built-in themes; anything else would need CSS the user may not have. */
export const MARP_THEMES = ['default', 'gaia', 'uncover'] as const;
export type MarpTheme = (typeof MARP_THEMES)[number];

/** A note the deck was made from, listed on the final slide. */
export interface DeckSource {
  title: string;
  /** Vault path of the note. */
  path: string;
  /** Where the note itself came from (a Web Clipper `source` URL), when known. */
  url?: string;
}

export interface MarpDeckInput {
  draft: DeckDraft;
  theme: MarpTheme;
  links: SlideLinkContext;
  sources: DeckSource[];
  /** YYYY-MM-DD, shown on the title slide. */
  date: string;
}

export interface MarpDeck {
  /** The Marp markdown after the frontmatter. */
  body: string;
  /** Frontmatter keys Marp needs; the caller merges them into the note's frontmatter. */
  marpFrontmatter: { marp: true; theme: MarpTheme; paginate: true };
  /** Title slide + content slides + sources slide. */
  slideCount: number;
  /** Vault paths of the images the deck shows. */
  images: string[];
  /** Image references from the draft that match no image in the vault (left out of the deck). */
  droppedImages: string[];
}

type AnyImage = SlideImage | { alt: string; url: string };

const MARP_IMAGE_KEYWORDS = /^(bg|fit|contain|cover|auto|left|right|vertical|blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate|sepia)$/i;

/** Alt text that Marp will not read as image keywords ("w:200px", "bg", "50%"). */
function safeAlt(alt: string): string {
  return alt
    .replace(/[[\]()]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && !w.includes(':') && !w.endsWith('%') && !MARP_IMAGE_KEYWORDS.test(w))
    .join(' ');
}

function imageMarkdown(image: AnyImage, index: number, withText: boolean): string {
  const href = 'href' in image ? image.href : image.url;
  // A split background keeps text and picture side by side and always scales the picture to fit.
  const keywords = withText ? (index === 0 ? 'bg right:40% contain' : 'bg contain') : 'bg contain';
  const alt = safeAlt(image.alt);
  return `![${keywords}${alt ? ` ${alt}` : ''}](${href})`;
}

function comment(text: string): string {
  return `<!--\n${text}\n-->`;
}

/**
 * Writes a Marp deck that renders in Marp for VS Code, marp-cli and the Obsidian Marp plugins:
 * standard markdown only (no wikilinks or embeds), `---` separators with blank lines, speaker
 * notes as HTML comments, images as relative links from the deck's folder, and a final sources
 * slide. The model only drafts the words; every piece of syntax is written here.
 */
export function buildMarpDeck(input: MarpDeckInput): MarpDeck {
  const { draft, links } = input;
  const slides: string[] = [];
  const images = new Set<string>();
  const dropped: string[] = [];
  const line = (text: string) => escapeSlideText(convertSlideLinks(text, links).text);

  const cover = ['<!-- _class: lead -->', '<!-- _paginate: false -->', '', `# ${line(draft.title)}`];
  if (draft.subtitle) cover.push('', line(draft.subtitle));
  const from = input.sources.length === 1 ? `From ${input.sources[0].title} · ` : '';
  cover.push('', `*${escapeSlideText(from)}${input.date}*`);
  slides.push(cover.join('\n'));

  for (const slide of draft.slides) {
    const parts: string[] = [`## ${line(slide.title)}`];
    const shown: AnyImage[] = [];
    const bullets: string[] = [];
    for (const bullet of slide.bullets) {
      const converted = convertSlideLinks(bullet, links);
      shown.push(...converted.images, ...converted.remoteImages);
      const text = escapeSlideText(converted.text);
      if (text !== '') bullets.push(`- ${text}`);
    }
    for (const ref of slide.images) {
      const image = imageReference(ref, links);
      if (image) shown.push(image);
      else dropped.push(ref);
    }
    const unique = shown.filter((img, i) => shown.findIndex((o) => ('href' in o ? o.href : o.url) === ('href' in img ? img.href : img.url)) === i).slice(0, 2);
    if (bullets.length > 0) parts.push('', ...bullets);
    if (unique.length > 0) parts.push('', ...unique.map((img, i) => imageMarkdown(img, i, bullets.length > 0)));
    for (const img of unique) if ('vaultPath' in img) images.add(img.vaultPath);
    const notes = escapeNotes(
      slide.notes
        .split('\n')
        .map((l) => convertSlideLinks(l, links).text)
        .join('\n'),
    );
    if (notes) parts.push('', comment(notes));
    slides.push(parts.join('\n'));
  }

  const sourceLines = input.sources.map((s) => {
    const title = escapeSlideText(s.title);
    const url = s.url && /^https?:\/\//i.test(s.url) ? s.url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`) : undefined;
    return url ? `- ${title} — [${escapeSlideText(hostOf(s.url ?? url))}](${url})` : `- ${title}`;
  });
  slides.push(['## Sources', '', ...(sourceLines.length > 0 ? sourceLines : ['- A chat answer in Scriptorium']), '', comment(`Made by Scriptorium on ${input.date}.`)].join('\n'));

  return {
    body: `\n${slides.join('\n\n---\n\n')}\n`,
    marpFrontmatter: { marp: true, theme: input.theme, paginate: true },
    slideCount: slides.length,
    images: [...images],
    droppedImages: dropped,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
