import { Marp } from '@marp-team/marp-core';
import { parseNote } from '../../../../src/core/markdown';
import { resolveVaultPath } from '../../../../src/core/markdown/paths';

export interface MarpCheck {
  slides: number;
  html: string;
  /** Speaker notes per slide, as Marp collected them. */
  notes: string[][];
  /** Every image reference in the deck (img src and CSS backgrounds), decoded. */
  images: string[];
  /** The theme Marp used. */
  theme: string | undefined;
}

/**
 * Renders a deck with Marp's own renderer (the oracle the issue asks for) and pulls out what the
 * tests assert on. Throws when Marp throws.
 */
export function renderDeck(text: string): MarpCheck {
  const marp = new Marp({ inlineSVG: true });
  const { html, comments } = marp.render(text);
  // One inline <svg> per slide; a slide with a split background has several <section> layers.
  const slides = (html.match(/<svg data-marpit-svg/g) ?? []).length;
  const images: string[] = [];
  for (const m of html.matchAll(/<img[^>]*\bsrc="([^"]*)"/g)) images.push(m[1]);
  for (const m of html.matchAll(/background-image:url\(&quot;([^&]*)&quot;\)/g)) images.push(m[1]);
  for (const m of html.matchAll(/background-image:url\("([^"]*)"\)/g)) images.push(m[1]);
  const theme = /data-theme="([^"]+)"/.exec(html)?.[1];
  return { slides, html, notes: comments, images: images.map((i) => decodeURIComponent(i.replace(/&amp;/g, '&'))), theme };
}

/** Vault paths of the deck's local images, resolved from the deck's folder; null for ones that leave the vault. */
export function localImagePaths(deckPath: string, images: string[]): (string | null)[] {
  const folder = deckPath.includes('/') ? deckPath.slice(0, deckPath.lastIndexOf('/')) : '';
  return images.filter((i) => !/^https?:\/\//.test(i)).map((i) => resolveVaultPath(`${folder}/${i}`));
}

/** The deck's markdown body (after the frontmatter), where no wikilink or embed may remain. */
export function deckBody(text: string): string {
  return parseNote(text).body;
}
