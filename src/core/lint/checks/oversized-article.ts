import { tr } from '../../../i18n';
import { readArticle } from '../../plan/article';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/** One `##` section of an article body: its heading line, title and text (heading line included). */
export interface ArticleSection {
  /** The heading as written after "## ", e.g. "History". */
  title: string;
  /** The section's text from its heading line up to the next `##` heading (or the end). */
  text: string;
  words: number;
}

/** An article body cut at its `##` headings: the lead before the first one, then each section. */
export interface ArticleOutline {
  lead: string;
  /** Lines of the lead (0 when the body opens with a `##` heading); the body is the lead and the sections' texts joined by newlines. */
  leadLines: number;
  sections: ArticleSection[];
  words: number;
}

/** Words of a text: runs of non-space characters. */
export function countWords(text: string): number {
  let n = 0;
  for (const part of text.split(/\s+/)) if (part !== '') n++;
  return n;
}

/** Cuts a body at its level-2 headings (`## Title`), ignoring lines inside fenced code blocks. */
export function outlineArticle(body: string): ArticleOutline {
  const lines = body.split('\n');
  const starts: { line: number; title: string }[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^##[ \t]+(.*?)[ \t]*#*[ \t]*$/.exec(line);
    if (h && h[1].trim() !== '') starts.push({ line: i, title: h[1].trim() });
  }
  const leadLines = starts.length ? starts[0].line : lines.length;
  const lead = lines.slice(0, leadLines).join('\n');
  const sections = starts.map((s, k) => {
    const text = lines.slice(s.line, k + 1 < starts.length ? starts[k + 1].line : lines.length).join('\n');
    return { title: s.title, text, words: countWords(text) };
  });
  return { lead, leadLines, sections, words: countWords(body) };
}

/** Sections big enough to become sub-articles of an article over `threshold` words. */
export function sectionsToSplit(outline: ArticleOutline, threshold: number): ArticleSection[] {
  const least = Math.max(50, Math.floor(threshold / 10));
  return outline.sections.filter((s) => s.words >= least);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A concept article so long it reads better as a hub with sub-articles (threshold: the layout's `splitArticleWords`). */
export const oversizedArticleCheck: StructuralCheck = {
  kinds: ['oversized-article'],
  get description() {
    return tr('core.lint.check.oversizedArticle');
  },
  run(wiki) {
    const threshold = wiki.layout.splitArticleWords;
    const out: Finding[] = [];
    if (threshold <= 0) return out;
    for (const note of wiki.notesWithRole('article')) {
      if (note.type !== 'concept') continue;
      // Cheap bound first: a body with fewer characters than the threshold cannot have more words.
      if (note.body.length <= threshold) continue;
      const outline = outlineArticle(note.body);
      if (outline.words <= threshold) continue;
      const n = outline.sections.length;
      const size = { path: note.path, words: formatCount(outline.words), sections: n === 1 ? tr('core.lint.finding.sectionsOne') : tr('core.lint.finding.sections', { count: n }) };
      const ownership = readArticle(note.text).ownership;
      const large = sectionsToSplit(outline, threshold);
      let message: string;
      if (ownership === 'locked') message = tr('core.lint.finding.oversizedLocked', size);
      else if (ownership !== 'generated') message = tr('core.lint.finding.oversizedEdited', size);
      else if (large.length === 0) message = tr('core.lint.finding.oversizedNoSection', size);
      else message = tr('core.lint.finding.oversizedSplit', size);
      out.push({ kind: 'oversized-article', path: note.path, line: null, target: note.title, message });
    }
    return out;
  },
};
