import { gfm } from '@joplin/turndown-plugin-gfm';
import TurndownService from 'turndown';

let service: TurndownService | undefined;

function converter(): TurndownService {
  if (service) return service;
  const t = new TurndownService({
    headingStyle: 'atx',
    hr: '---',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    emDelimiter: '*',
    strongDelimiter: '**',
    linkStyle: 'inlined',
  });
  t.use(gfm);
  // The reader hands over the article already cut out of its page; this is only a second guard.
  t.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'form', 'button', 'input', 'select', 'textarea', 'head', 'title']);
  t.remove((node) => node.nodeName.toLowerCase() === 'svg');
  service = t;
  return t;
}

/**
 * HTML to markdown in the CLI: turndown (with tables, strikethrough and task lists) over its own
 * DOM implementation, which parses the page as inert data: no script runs and nothing is fetched.
 * The plugin uses Obsidian's htmlToMarkdown instead, so none of this is in the plugin bundle.
 */
export function htmlToMarkdown(html: string): string {
  return converter()
    .turndown(html)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
