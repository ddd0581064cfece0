import { basenameNoExt } from '../markdown';
import { articleLink, rawLink } from '../plan';
import { plainLine } from '../sources/plain-text';
import type { SourceExtraction } from './extraction';
import type { SourceDocument } from './source-reader';

/** Finds the article a link target names, or undefined. */
export type LinkTargetResolver = (target: string) => { path: string } | undefined;

/**
 * The markdown bodies compile writes. The model supplies prose; links, titles and the Sources
 * section are built here, so every link points at a file that exists (or is being created) and
 * each source summary and concept article link to each other.
 */

const WIKILINK = /(!?)\[\[([^[\]]+)\]\]/g;

/**
 * Rewrites the model's `[[links]]` to full-path links of articles that exist (or are planned);
 * a link to nothing becomes its plain text, so the wiki never gains a dangling link.
 */
export function normaliseLinks(text: string, resolve: LinkTargetResolver, selfPath: string): string {
  return text.replace(WIKILINK, (_whole, _bang: string, inner: string) => {
    const pipe = inner.indexOf('|');
    const ref = (pipe === -1 ? inner : inner.slice(0, pipe)).replace(/\\$/, '');
    const alias = pipe === -1 ? undefined : inner.slice(pipe + 1).trim();
    const hash = ref.indexOf('#');
    const target = (hash === -1 ? ref : ref.slice(0, hash)).trim();
    const shown = alias || target.slice(target.lastIndexOf('/') + 1) || ref.trim();
    const entry = target ? resolve(target) : undefined;
    if (!entry || entry.path === selfPath) return shown;
    return articleLink(entry.path, shown);
  });
}

/** `[[raw/paper.pdf#page=3|p. 3]]`: a link Obsidian opens at the page. */
export function pageLink(rawPath: string, page: number): string {
  return `[[${rawPath}#page=${page}|p. ${page}]]`;
}

// "(p. 3)", "(page 3)", "(pp. 3–4)", "(pages 3-4)", "[Page 3]" as the model writes them.
const PAGE_CITE = /[([](?:pp?\.|pages?)\s*(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?[)\]]/gi;

/**
 * Turns the page citations a model writes for a paged source into links to those pages. Applied
 * after {@link normaliseLinks} (which would flatten a link that is not to an article).
 */
export function linkPages(text: string, rawPath: string, pages?: number): string {
  return text.replace(PAGE_CITE, (whole, from: string, to: string | undefined) => {
    const a = Number(from);
    const b = to === undefined ? undefined : Number(to);
    if (a < 1 || (pages !== undefined && a > pages)) return whole;
    return b !== undefined && b > a && (pages === undefined || b <= pages) ? `(${pageLink(rawPath, a)}–${pageLink(rawPath, b)})` : `(${pageLink(rawPath, a)})`;
  });
}

/** A claim's "where" as a page link when it names a page ("page 3", "p. 3"), else as plain text. */
function whereText(where: string, source: SourceDocument): string {
  const plain = where.replace(/[[\]]/g, '');
  const m = /^\s*(?:pp?\.|pages?)\s*(\d{1,4})\s*$/i.exec(plain);
  return source.paged && m && Number(m[1]) >= 1 ? pageLink(source.path, Number(m[1])) : plain;
}

/** Drops a leading frontmatter block and a leading `# Title` the model may have added. */
export function cleanModelBody(body: string): string {
  let text = body.replace(/\r\n?/g, '\n').trim();
  if (text.startsWith('---\n')) {
    const end = text.indexOf('\n---', 4);
    if (end !== -1) text = text.slice(end + 4).trim();
  }
  if (/^# [^\n]*(\n|$)/.test(text)) text = text.replace(/^# [^\n]*\n?/, '').trim();
  return text;
}

/** Splits a concept body into its prose and the lines of its `## Sources` section. */
export function splitConceptBody(body: string): { prose: string; sourceLines: string[] } {
  const lines = cleanModelBody(body).split('\n');
  const at = lines.findIndex((l) => /^##\s+Sources\s*$/i.test(l));
  if (at === -1) return { prose: lines.join('\n').trim(), sourceLines: [] };
  let end = lines.length;
  for (let i = at + 1; i < lines.length; i++) {
    if (/^#{1,2}\s/.test(lines[i])) {
      end = i;
      break;
    }
  }
  const sourceLines = lines.slice(at + 1, end).filter((l) => /^\s*[-*]\s+\S/.test(l)).map((l) => l.trim().replace(/^\*\s+/, '- '));
  const prose = [...lines.slice(0, at), ...lines.slice(end)].join('\n').trim();
  return { prose, sourceLines };
}

export function conceptBody(title: string, prose: string, sourceLines: string[]): string {
  return `# ${plainLine(title) || 'Untitled'}\n\n${prose.trim()}\n\n## Sources\n\n${sourceLines.join('\n')}\n`;
}

/** Adds the line citing `summaryPath` unless a line already links it. */
export function withSourceLine(lines: string[], summaryPath: string, summaryTitle: string, note: string): string[] {
  const target = summaryPath.replace(/\.md$/i, '');
  const line = `- ${articleLink(summaryPath, summaryTitle)}${note ? ` — ${note}` : ''}`;
  const i = lines.findIndex((l) => l.includes(`[[${target}|`) || l.includes(`[[${target}]]`));
  if (i === -1) return [...lines, line];
  const copy = [...lines];
  copy[i] = line;
  return copy;
}

export function summaryBody(options: {
  source: SourceDocument;
  extraction: SourceExtraction;
  concepts: { path: string; title: string; summary: string }[];
  resolve: LinkTargetResolver;
  selfPath: string;
}): string {
  const { source, extraction, concepts, resolve, selfPath } = options;
  const meta = [rawLink(source.path)];
  // Whatever a source says about itself (a clipped note's title, a PDF's Author) is plain text
  // here: no link out of the wiki, no remote image, no new block.
  const authors = source.authors.map((a) => plainLine(a, 120)).filter(Boolean);
  if (authors.length) meta.push(`by ${authors.join(', ')}`);
  if (source.published) meta.push(`published ${plainLine(source.published, 40)}`);
  if (source.url && /^https?:\/\//i.test(source.url)) meta.push(`[original](${source.url.replace(/[()\s]/g, encodeURIComponent)})`);
  for (const fact of source.facts ?? []) meta.push(plainLine(fact));
  const link = (s: string) => (source.paged ? linkPages(normaliseLinks(s, resolve, selfPath), source.path) : normaliseLinks(s, resolve, selfPath));
  const parts = [`# ${plainLine(source.title) || basenameNoExt(source.path)}`, '', `Source: ${meta.join(' · ')}`, ''];
  // An image source shows itself under its header.
  if (source.kind === 'image') parts.push(`![[${source.path}]]`, '');
  parts.push(link(extraction.summary));
  if (extraction.keyPoints.length) parts.push('', '## Key points', '', ...extraction.keyPoints.map((p) => `- ${link(p)}`));
  if (extraction.claims.length) {
    parts.push('', '## Claims', '', ...extraction.claims.map((c) => `- ${link(c.claim)}${c.where ? ` (${whereText(c.where, source)})` : ''}`));
  }
  const shown = (source.images ?? []).filter((i) => i.path !== source.path);
  if (shown.length) {
    // Listed with their alt text whether or not the model saw them: the summary shows what the source shows.
    parts.push('', '## Images', '', ...shown.map((i) => (i.path ? `- ![[${i.path}|240]]${i.alt ? ` ${plainLine(i.alt)}` : ''}` : `- ${i.alt ? `${plainLine(i.alt)}: ` : ''}<${i.url ?? ''}>`)));
  }
  if (concepts.length) parts.push('', '## Concepts', '', ...concepts.map((c) => `- ${articleLink(c.path, c.title)}${c.summary ? ` — ${c.summary}` : ''}`));
  return `${parts.join('\n')}\n`;
}

/** The wikilink targets of `text`, without heading, alias or ".md". */
function linkTargets(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WIKILINK)) {
    const inner = m[2];
    const pipe = inner.indexOf('|');
    const ref = pipe === -1 ? inner : inner.slice(0, pipe);
    const hash = ref.indexOf('#');
    out.push((hash === -1 ? ref : ref.slice(0, hash)).replace(/\\$/, '').trim().replace(/\.md$/i, ''));
  }
  return out;
}

/** Blank-line separated blocks of `prose`; a fenced code block is never split. */
function proseBlocks(prose: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fenced = false;
  for (const line of prose.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (!fenced && line.trim() === '') {
      if (current.length) blocks.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.length) blocks.push(current.join('\n'));
  return blocks;
}

export interface SourceCitations {
  /** Link targets (no ".md") that cite the source being dropped: its summary and its raw note. */
  mine: string[];
  /** Whether a link target cites some source (a summary or a raw note), the dropped one included. */
  isCitation: (target: string) => boolean;
}

/**
 * A concept body without what one source contributed, as far as the text shows it: its line in
 * the Sources section, and every paragraph (or list item) that cites it and no other source —
 * which is how a merge adds a source's text. Paragraphs citing it together with other sources,
 * code blocks and uncited text are kept: no model call decides what else came from it.
 */
export function withoutSource(body: string, title: string, cites: SourceCitations): { body: string; removed: number; shared: number } {
  const mine = new Set(cites.mine);
  const { prose, sourceLines } = splitConceptBody(body);
  const only = (text: string): 'mine' | 'shared' | 'none' => {
    const targets = linkTargets(text).filter((t) => cites.isCitation(t));
    if (!targets.some((t) => mine.has(t))) return 'none';
    return targets.every((t) => mine.has(t)) ? 'mine' : 'shared';
  };
  let removed = 0;
  let shared = 0;
  const kept: string[] = [];
  for (const block of proseBlocks(prose)) {
    const lines = block.split('\n');
    if (/^\s*(```|~~~)/.test(lines[0])) {
      // Links in code are not citations.
      kept.push(block);
      continue;
    }
    if (lines.every((l) => /^\s*([-*+]|\d+[.)])\s/.test(l) || /^\s{2,}\S/.test(l))) {
      // A list: drop only the items citing the source alone.
      const items = lines.filter((l) => {
        const kind = only(l);
        if (kind === 'mine') removed++;
        if (kind === 'shared') shared++;
        return kind !== 'mine';
      });
      if (items.length) kept.push(items.join('\n'));
      continue;
    }
    const kind = only(block);
    if (kind === 'mine') removed++;
    else {
      if (kind === 'shared') shared++;
      kept.push(block);
    }
  }
  const lines = sourceLines.filter((l) => !linkTargets(l).some((t) => mine.has(t)));
  return { body: conceptBody(title, kept.join('\n\n'), lines), removed, shared };
}
