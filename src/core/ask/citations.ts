import { extractLinks } from '../markdown/wikilinks';
import type { NoteGraph } from './note-graph';
import type { Citation } from './types';

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
