import { tr } from '../../../i18n';
import { basenameNoExt, dirname, joinPath, parseNote, sanitizeFileName } from '../../markdown';
import { isoDate, readArticle, renderArticle, type PlannedFile } from '../../plan';
import { outlineArticle, type ArticleSection } from '../checks/oversized-article';
import { LintError } from '../lint-error';

/** The files a split writes: the parent with its moved sections replaced by links, and one new note per moved section. */
export interface SplitFiles {
  title: string;
  files: PlannedFile[];
  /** The sub-articles' vault paths, in the article's order. */
  created: string[];
}

/** A heading's text as plain words: links by their display text, no emphasis or code marks. */
function plainTitle(heading: string): string {
  return heading
    .replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, '$2')
    .replace(/\[\[([^\]]*)\]\]/g, (_m, t: string) => t.split('#').pop() ?? t)
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~=]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first sentence of a section's prose (after its heading), at most about 200 characters. */
export function firstSentence(text: string): string {
  const lines = text.split('\n').slice(1);
  let fence = false;
  const para: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (/^(`{3,}|~{3,})/.test(line)) {
      fence = !fence;
      continue;
    }
    if (fence) continue;
    if (line === '') {
      if (para.length) break;
      continue;
    }
    if (/^#{1,6}\s/.test(line) || /^([-*_]\s*){3,}$/.test(line) || line.startsWith('|') || line.startsWith('%%') || line.startsWith('<!--')) {
      if (para.length) break;
      continue;
    }
    para.push(line.replace(/^(>\s*|[-*+]\s+|\d+[.)]\s+)/, ''));
  }
  // Footnote references and block ids stay with their paragraph in the sub-article, never copied.
  const prose = para
    .join(' ')
    .replace(/\[\^[^\]]*\]/g, '')
    .replace(/(^|\s)\^[A-Za-z0-9-]+(?=\s|$)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (prose === '') return '';
  const m = /^(.+?[.!?])(?=\s|$)/.exec(prose);
  const sentence = m ? m[1] : prose;
  return sentence.length > 200 ? `${sentence.slice(0, 199).trimEnd()}…` : sentence;
}

/** Moves every heading below `##` one level up (outside fenced code), so a section reads as an article. */
function promoteHeadings(lines: string[]): string[] {
  let fence: string | null = null;
  return lines.map((line) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      return line;
    }
    if (fence !== null) return line;
    return /^#{3,6}[ \t]/.test(line) ? line.slice(1) : line;
  });
}

/**
 * Plans the split of the article at `path` (its text `text`) along the `##` sections titled
 * `sections`. Each becomes `<folder>/<Parent> — <Section>.md`, a generated concept article
 * carrying the parent's sources, source hashes and tags, opening with a link back to the parent;
 * in the parent the section keeps its heading (so `[[Parent#Section]]` links still land) and its
 * text is replaced by a "Main article" link and the section's first sentence. Nothing else of the
 * parent changes. `exists` tells whether a path is taken, so no note is overwritten.
 */
export async function splitArticleFiles(
  path: string,
  text: string,
  sections: readonly string[],
  options: { now: number; exists: (path: string) => Promise<boolean> },
): Promise<SplitFiles> {
  const info = readArticle(text);
  const name = info.title ?? basenameNoExt(path);
  if (info.ownership === 'locked') {
    throw new LintError(tr('core.lint.error.splitLocked', { path }));
  }
  if (info.ownership !== 'generated') {
    throw new LintError(tr(info.ownership === 'edited' ? 'core.lint.error.splitEdited' : 'core.lint.error.splitNotGenerated', { path }));
  }
  const note = parseNote(text);
  const bodyStart = text.length - note.body.length;
  const outline = outlineArticle(note.body);
  const wanted = new Set(sections);
  const moved = outline.sections.filter((s) => wanted.has(s.title));
  const found = new Set(moved.map((s) => s.title));
  const gone = sections.filter((s) => !found.has(s));
  if (gone.length > 0 || moved.length === 0) {
    const listed = gone.map((title) => tr('core.lint.quoted', { title })).join(tr('core.lint.listSeparator'));
    throw new LintError(tr(gone.length === 1 ? 'core.lint.error.splitSectionChanged' : 'core.lint.error.splitSectionsChanged', { path, sections: listed }));
  }

  const folder = dirname(path);
  const parentLink = basenameNoExt(path);
  const date = isoDate(options.now);
  const usedNames = new Set<string>();
  const subs = new Map<ArticleSection, { path: string; link: string; first: string }>();
  for (const section of moved) {
    const plain = plainTitle(section.title) || 'Section';
    let base = sanitizeFileName(`${parentLink} — ${plain}`);
    for (let n = 2; usedNames.has(base.toLowerCase()); n++) base = sanitizeFileName(`${parentLink} — ${plain} (${n})`);
    usedNames.add(base.toLowerCase());
    const subPath = joinPath(folder, `${base}.md`);
    if (await options.exists(subPath)) {
      throw new LintError(tr('core.lint.error.splitTaken', { path, target: subPath, section: section.title }));
    }
    subs.set(section, { path: subPath, link: base, first: firstSentence(section.text) });
  }

  const files: PlannedFile[] = [];
  for (const section of moved) {
    const sub = subs.get(section);
    if (!sub) continue;
    const lines = section.text.split('\n');
    const content = promoteHeadings(lines.slice(1)).join('\n').replace(/^\n+/, '');
    const body = `Part of [[${parentLink}]].\n\n${content}`;
    const plain = plainTitle(section.title) || 'Section';
    files.push({
      path: sub.path,
      basedOn: null,
      reason: tr('core.lint.plan.splitSection', { section: section.title, path }),
      content: renderArticle(
        {
          title: `${name} — ${plain}`,
          summary: sub.first || `${plain}, part of ${name}.`,
          type: 'concept',
          sources: info.sources,
          sourceHashes: info.sourceHashes,
          tags: info.tags,
          updated: date,
        },
        body,
      ),
    });
  }

  const parts: string[] = [];
  if (outline.leadLines > 0) parts.push(outline.lead);
  for (const section of outline.sections) {
    const sub = subs.get(section);
    if (!sub) {
      parts.push(section.text);
      continue;
    }
    const heading = section.text.split('\n')[0];
    const tail = section.text.endsWith('\n') ? '\n' : '';
    parts.push(`${heading}\n\nMain article: [[${sub.link}]].${sub.first ? ` ${sub.first}` : ''}${tail}`);
  }
  const parent = text.slice(0, bodyStart) + parts.join('\n');
  files.unshift({
    path,
    basedOn: text,
    content: parent,
    reason: moved.length === 1 ? tr('core.lint.plan.splitParentOne') : tr('core.lint.plan.splitParent', { count: moved.length }),
  });
  const title = moved.length === 1 ? tr('core.lint.plan.splitOne', { title: name }) : tr('core.lint.plan.split', { title: name, count: moved.length });
  return { title, files, created: [...subs.values()].map((s) => s.path) };
}
