import { extractLinks } from '../markdown/wikilinks';
import type { NoteGraph } from './note-graph';
import { normalizeWebUrl, webLinksIn } from '../web/web-tools';
import type { Citation, WebCitation } from './types';

/**
 * Every `[[link]]` of an answer, resolved against the vault. A link is valid only when its
 * target exists and, if it names a heading (or block), that heading exists in the target:
 * a model that invents a plausible section name must not get a clickable source for it.
 * Duplicates (same link text) are reported once, in order of first appearance.
 */
export async function checkCitations(answer: string, graph: NoteGraph): Promise<Citation[]> {
  const out: Citation[] = [];
  const seen = new Set<string>();
  for (const link of extractLinks(answer)) {
    if (link.kind !== 'wikilink') continue;
    const raw = link.embed ? link.raw.slice(1) : link.raw;
    if (seen.has(raw)) continue;
    seen.add(raw);
    if (link.target === '') {
      // `[[#Heading]]` in an answer has no note to point to.
      out.push({ link: raw, path: null, heading: link.heading ?? null, valid: false });
      continue;
    }
    const resolved = await graph.resolveLink(link);
    const subpathOk = resolved.headingFound !== false && resolved.blockFound !== false;
    out.push({
      link: raw,
      path: resolved.path,
      heading: link.heading ?? (link.blockId !== undefined ? `^${link.blockId}` : null),
      valid: resolved.path !== null && subpathOk,
    });
  }
  return out;
}

/**
 * Every web address an answer cites, valid only when it is one of the pages the agent read
 * (`read`: normalised addresses): a URL the model made up, or one it only saw in a search
 * snippet, is marked unverified.
 */
export function checkUrlCitations(answer: string, read: ReadonlySet<string>): WebCitation[] {
  return webLinksIn(answer).map((url) => ({ url, valid: read.has(normalizeWebUrl(url) ?? '') }));
}
