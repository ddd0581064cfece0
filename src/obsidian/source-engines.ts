import { htmlToMarkdown } from 'obsidian';
import type { SourceEngines } from '../core/sources/types';
import { obsidianPdfEngine } from './pdf-engine';

/** The platform tools the plugin gives source readers: what Obsidian ships, nothing bundled. */
export function obsidianSourceEngines(): SourceEngines {
  return {
    pdf: obsidianPdfEngine(),
    // Parsed by DOMParser first: an inert document, where no script runs and no image loads.
    htmlToMarkdown: (html) => htmlToMarkdown(new DOMParser().parseFromString(html, 'text/html').body),
  };
}
