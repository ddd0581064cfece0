import { bodyHash, type ArticleType } from './article';
import { stringifyNote } from '../markdown';

/**
 * One catalogued note, read from its frontmatter. `note` is a page in the wiki folder that declares
 * no contract type — written by hand, by another tool or by an agent — and sits outside the
 * sources, concepts and outputs folders: it is part of the wiki all the same.
 */
export interface IndexEntry {
  path: string;
  title: string;
  summary: string;
  type: ArticleType | 'note';
}

const GROUPS: { type: IndexEntry['type']; heading: string }[] = [
  { type: 'concept', heading: 'Concepts' },
  { type: 'source', heading: 'Sources' },
  { type: 'output', heading: 'Outputs' },
  { type: 'report', heading: 'Reports' },
  { type: 'note', heading: 'Other notes' },
];

/**
 * What the index says of a note that has no contract frontmatter: its `title` (or first `# H1`, or
 * file name) and its `summary`/`description` (or its first sentence of prose, up to 160 characters).
 */
export function describeUntypedNote(name: string, frontmatter: Record<string, unknown>, body: string): { title: string; summary: string } {
  const text = (key: string) => (typeof frontmatter[key] === 'string' ? (frontmatter[key]).trim() : '');
  const h1 = /^#[ \t]+(.+?)[ \t#]*$/m.exec(body)?.[1]?.trim() ?? '';
  const title = text('title') || h1 || name;
  let summary = text('summary') || text('description');
  if (!summary) {
    for (const block of body.split(/\n\s*\n/)) {
      const line = block.replace(/\s+/g, ' ').trim();
      if (!line || /^(#|[-*+>|]|```|~~~|!\[|\d+\.\s|<)/.test(line)) continue;
      const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
      summary = sentence.length > 160 ? `${sentence.slice(0, 159).trimEnd()}…` : sentence;
      break;
    }
  }
  return { title, summary };
}

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
