import { cliPdfEngine } from './pdf-engine';
import { htmlToMarkdown } from './html-to-markdown';
import type { SourceEngines } from '../core/sources/types';

/** The platform tools the CLI gives source readers (PDF text, HTML to markdown). */
export function cliSourceEngines(): SourceEngines {
  return {
    pdf: cliPdfEngine(),
    htmlToMarkdown,
  };
}
