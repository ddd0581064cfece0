import { bodyHash, type ArticleType } from './article';
import { stringifyNote } from '../markdown';

/** One catalogued article, read from its frontmatter. */
export interface IndexEntry {
  path: string;
  title: string;
  summary: string;
  type: ArticleType;
}

const GROUPS: { type: ArticleType; heading: string }[] = [
  { type: 'concept', heading: 'Concepts' },
  { type: 'source', heading: 'Sources' },
  { type: 'output', heading: 'Outputs' },
  { type: 'report', heading: 'Reports' },
];

/** `[[wiki/concepts/X|X]]`: the full path never resolves to the wrong note when names repeat. */
export function articleLink(path: string, title?: string): string {
  const target = path.replace(/\.md$/i, '');
  const name = target.slice(target.lastIndexOf('/') + 1);
  const display = (title ?? name).replace(/[[\]|]/g, ' ').replace(/\s+/g, ' ').trim();
  return display && display !== target ? `[[${target}|${display}]]` : `[[${target}]]`;
}

function compare(a: IndexEntry, b: IndexEntry): number {
  const ka = a.title.toLowerCase();
  const kb = b.title.toLowerCase();
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * `wiki/index.md`: the catalog of every article, grouped by type, one line each with its summary.
 * Deterministic (same entries in any order → same bytes) and made without the model, so it can be
 * rebuilt at any time and never drifts from the articles.
 */
export function renderWikiIndex(entries: IndexEntry[]): string {
  const total = entries.length;
  const lines: string[] = ['# Index', '', `${total} article${total === 1 ? '' : 's'}, listed from their frontmatter by Scriptorium. This page is rebuilt on every change to the wiki.`];
  for (const group of GROUPS) {
    const items = entries.filter((e) => e.type === group.type).sort(compare);
    if (items.length === 0) continue;
    lines.push('', `## ${group.heading} (${items.length})`, '');
    for (const e of items) {
      const summary = e.summary.replace(/\s+/g, ' ').trim();
      lines.push(`- ${articleLink(e.path, e.title)}${summary ? ` — ${summary}` : ''}`);
    }
  }
  const body = `${lines.join('\n')}\n`;
  return stringifyNote({ title: 'Index', summary: 'Catalog of every article in the wiki.', scriptorium: 'generated', body_hash: bodyHash(body) }, body);
}
