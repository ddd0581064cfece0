/**
 * Merges that add, not rewrite. The model sees an article's outline and the few sections a new
 * source bears on, and answers with edit operations; this module reads the article into sections
 * and paragraphs, builds that bounded view, and applies the operations by inserting lines into the
 * existing text. Existing lines are never re-emitted or changed, so a merge cannot lose them, and
 * the prompt stays the same size however long the article grows.
 */
import { tr } from '../../i18n';
import { replyShape, s, type ReplyShape } from '../llm/schema';

export interface Paragraph {
  /** First line (index into the article's lines) and the line after the last. */
  start: number;
  end: number;
  text: string;
}

export interface Section {
  /** The heading's text, or null for the text before the first heading. */
  heading: string | null;
  level: number;
  /** The heading's line (−1 for the opening text) and the line after the section's last line. */
  line: number;
  end: number;
  paragraphs: Paragraph[];
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

/** The article's sections (the opening text first, even when empty) and their paragraphs. */
export function readSections(prose: string): { lines: string[]; sections: Section[] } {
  const lines = prose.split('\n');
  const sections: Section[] = [{ heading: null, level: 0, line: -1, end: lines.length, paragraphs: [] }];
  let inFence = false;
  let open: Paragraph | null = null;
  const close = (at: number) => {
    if (open) {
      open.end = at;
      open.text = lines.slice(open.start, at).join('\n');
      sections[sections.length - 1].paragraphs.push(open);
      open = null;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      close(i);
      sections[sections.length - 1].end = i;
      sections.push({ heading: heading[2], level: heading[1].length, line: i, end: lines.length, paragraphs: [] });
      continue;
    }
    if (FENCE.test(line)) inFence = !inFence;
    if (line.trim() === '' && !inFence) {
      close(i);
      continue;
    }
    if (!open) open = { start: i, end: i + 1, text: '' };
  }
  close(lines.length);
  return { lines, sections };
}

function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').match(/[\p{L}\p{N}]{4,}/gu) ?? []) out.add(w);
  return out;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const w of a) if (b.has(w)) n++;
  return n;
}

function firstWords(text: string, count: number): string {
  const all = text.replace(/\s+/g, ' ').trim().split(' ');
  return all.length > count ? `${all.slice(0, count).join(' ')} …` : all.join(' ');
}

/** Most sections shown in full, and the most characters of one section's text the prompt holds. */
export const SHOWN_SECTIONS = 2;
export const SECTION_CHARS = 900;
/** Per section, the outline lists the first and last few paragraphs and counts the rest. */
const OUTLINE_HEAD = 3;
const OUTLINE_TAIL = 2;
const OUTLINE_SECTIONS = 30;

/**
 * What the merge prompt shows of an article: its outline (headings, one line of first words per
 * paragraph, long sections and long outlines shortened with a count), and the text of the sections
 * the new material shares most words with — at most SHOWN_SECTIONS, each cut to the paragraphs
 * that share most words, within SECTION_CHARS. Bounded whatever the article's length.
 */
export function mergeView(prose: string, material: string, fromIndex: (string | null)[] = []): { outline: string; sections: string } {
  const { sections } = readSections(prose);
  const wanted = words(material);
  const outline: string[] = [];
  const listed = sections.filter((sec) => sec.heading !== null || sec.paragraphs.length > 0);
  const shownSections = listed.length > OUTLINE_SECTIONS ? [...listed.slice(0, OUTLINE_SECTIONS - 5), ...listed.slice(-5)] : listed;
  for (const sec of shownSections) {
    if (sec === listed[listed.length - 5] && listed.length > OUTLINE_SECTIONS) outline.push(`(${listed.length - OUTLINE_SECTIONS} more sections)`);
    outline.push(sec.heading === null ? '(opening text)' : `${'#'.repeat(sec.level)} ${sec.heading}`);
    const ps = sec.paragraphs;
    const head = ps.length > OUTLINE_HEAD + OUTLINE_TAIL ? ps.slice(0, OUTLINE_HEAD) : ps;
    for (const p of head) outline.push(`- ${firstWords(p.text, 8)}`);
    if (ps.length > OUTLINE_HEAD + OUTLINE_TAIL) {
      outline.push(`- (${ps.length - OUTLINE_HEAD - OUTLINE_TAIL} more paragraphs)`);
      for (const p of ps.slice(-OUTLINE_TAIL)) outline.push(`- ${firstWords(p.text, 8)}`);
    }
  }
  // The search index's ranking of this article's sections for the material comes first (BM25 over
  // the whole vault's statistics); word overlap ranks the rest and stands in when there is no index.
  const indexRank = (sec: Section): number => {
    const at = fromIndex.findIndex((h) => (h === null ? sec.heading === null : sec.heading !== null && sec.heading.toLowerCase() === h.toLowerCase()));
    return at === -1 ? Number.POSITIVE_INFINITY : at;
  };
  const ranked = listed
    .map((sec, i) => ({ sec, i, rank: indexRank(sec), score: overlap(wanted, words(`${sec.heading ?? ''} ${sec.paragraphs.map((p) => p.text).join(' ')}`)) }))
    .filter((r) => (r.score > 0 || r.rank !== Number.POSITIVE_INFINITY) && r.sec.paragraphs.length > 0)
    .sort((a, b) => a.rank - b.rank || b.score - a.score || a.i - b.i)
    .slice(0, SHOWN_SECTIONS)
    .sort((a, b) => a.i - b.i);
  const shown = ranked.map(({ sec }) => {
    const paragraphs = sec.paragraphs
      .map((p, i) => ({ p, i, score: overlap(wanted, words(p.text)) }))
      .sort((a, b) => b.score - a.score || a.i - b.i);
    const kept: typeof paragraphs = [];
    let size = 0;
    for (const x of paragraphs) {
      const text = x.p.text.length > SECTION_CHARS ? `${x.p.text.slice(0, SECTION_CHARS - 1)}…` : x.p.text;
      if (kept.length > 0 && size + text.length > SECTION_CHARS) break;
      kept.push({ ...x, p: { ...x.p, text } });
      size += text.length;
    }
    kept.sort((a, b) => a.i - b.i);
    const more = sec.paragraphs.length - kept.length;
    const title = sec.heading === null ? '(opening text)' : `${'#'.repeat(sec.level)} ${sec.heading}`;
    return [title, ...kept.map((k) => k.p.text), ...(more ? [`(${more} other paragraphs not shown)`] : [])].join('\n\n');
  });
  return { outline: outline.join('\n') || '(empty)', sections: shown.join('\n\n') || '(none)' };
}

export type MergeOperation =
  | { op: 'add_paragraph'; heading: string | null; text: string }
  | { op: 'add_section'; title: string; paragraphs: string[] }
  | { op: 'note_disagreement'; quote: string; heading: string | null; text: string };

export interface MergeOperations {
  summary: string;
  operations: MergeOperation[];
  aliases: string[];
}

const operationSchema = s.object({
  op: s.enumOf(['add_paragraph', 'add_section', 'note_disagreement'] as const, {
    description: 'add_paragraph: text under heading; add_section: a new section title with paragraphs; note_disagreement: text saying how the new source disagrees with the paragraph starting with quote',
  }),
  heading: s.optional(s.string({ oneLine: true, max: 200, description: 'add_paragraph, note_disagreement: the heading text of the section (null for the opening text)' })),
  title: s.optional(s.string({ oneLine: true, max: 200, description: 'add_section: the new section\'s title' })),
  text: s.optional(s.string({ max: 4000, description: 'add_paragraph, note_disagreement: Markdown, one paragraph' })),
  paragraphs: s.optional(s.array(s.string({ max: 4000 }), { max: 8, overflow: 'cut', skipInvalid: true, description: 'add_section: its paragraphs' })),
  quote: s.optional(s.string({ oneLine: true, max: 300, description: 'note_disagreement: the first words of the paragraph it is about' })),
});

const operationsSchema = s.object({
  summary: s.optional(s.string({ oneLine: true, max: 300, description: 'one line: what the concept is' })),
  operations: s.array(operationSchema, { max: 12, overflow: 'cut', skipInvalid: true, description: 'the edits, in order' }),
  aliases: s.optional(s.array(s.string({ oneLine: true, max: 300 }), { max: 8, overflow: 'cut', skipInvalid: true, description: 'other names for the concept' })),
});

/** The merge reply `{ summary?, operations: [...], aliases? }`; operations missing their text are dropped. */
export const MERGE_OPERATIONS_REPLY: ReplyShape<MergeOperations> = replyShape('merge_operations', operationsSchema, (v) => {
  const operations: MergeOperation[] = [];
  for (const o of v.operations) {
    const text = (o.text ?? '').trim();
    if (o.op === 'add_section') {
      const paragraphs = [...(o.paragraphs ?? []), ...(text ? [text] : [])].map((p) => p.trim()).filter(Boolean);
      const title = (o.title ?? o.heading ?? '').trim();
      if (paragraphs.length && title) operations.push({ op: 'add_section', title, paragraphs });
      else if (paragraphs.length) operations.push({ op: 'add_paragraph', heading: null, text: paragraphs.join('\n\n') });
    } else if (o.op === 'add_paragraph') {
      if (text) operations.push({ op: 'add_paragraph', heading: o.heading?.trim() || null, text });
    } else if (text) {
      operations.push({ op: 'note_disagreement', quote: (o.quote ?? '').trim(), heading: o.heading?.trim() || null, text });
    }
  }
  const aliases: string[] = [];
  for (const a of v.aliases ?? []) if (a && !aliases.some((x) => x.toLowerCase() === a.toLowerCase())) aliases.push(a);
  return { summary: v.summary ?? '', operations, aliases };
});

const key = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** One added block: blank lines inside collapsed (it stays one paragraph), the citation at its end. */
function block(text: string, citation: string): string {
  const t = text.replace(/\r\n?/g, '\n').replace(/^#{1,6}\s+/gm, '').replace(/\n\s*\n+/g, '\n').trim();
  return citation && !t.includes(citation) ? `${t} ${citation}` : t;
}

/**
 * Applies `operations` to `prose`: every added paragraph ends with `citation`; an unknown heading
 * becomes a new section at the end; a disagreement whose quote matches no paragraph goes at the
 * end of the named (or nearest) section, with a problem saying so. Returns the new prose and the
 * problems, one sentence each.
 */
export function applyMergeOperations(prose: string, operations: MergeOperation[], citation: string): { prose: string; problems: string[]; added: number } {
  const { lines, sections } = readSections(prose);
  const problems: string[] = [];
  /** Blocks to insert before line index `at` (lines.length: at the end), in order. */
  const inserts = new Map<number, string[]>();
  const appended: { title: string; blocks: string[] }[] = [];
  let added = 0;
  const lastLine = (sec: Section) => (sec.paragraphs.length ? sec.paragraphs[sec.paragraphs.length - 1].end : sec.line + 1);
  const insertAt = (at: number, text: string) => {
    inserts.set(at, [...(inserts.get(at) ?? []), text]);
    added++;
  };
  const findSection = (heading: string | null) => {
    if (heading === null || key(heading) === '' || key(heading) === 'opening text') return sections[0];
    return sections.find((sec) => sec.heading !== null && key(sec.heading) === key(heading));
  };
  const toSection = (title: string, text: string) => {
    const sec = findSection(title);
    if (sec) insertAt(lastLine(sec), text);
    else {
      const open = appended.find((a) => key(a.title) === key(title));
      if (open) open.blocks.push(text);
      else appended.push({ title, blocks: [text] });
      added++;
    }
  };
  for (const o of operations) {
    if (o.op === 'add_paragraph') toSection(o.heading ?? '', block(o.text, citation));
    else if (o.op === 'add_section') for (const p of o.paragraphs) toSection(o.title, block(p, citation));
    else {
      const note = `> [!note] Sources disagree\n> ${block(o.text, citation).replace(/\n/g, '\n> ')}`;
      const quote = key(o.quote);
      let target: Paragraph | undefined;
      for (const sec of sections) {
        target = quote ? sec.paragraphs.find((p) => key(p.text).startsWith(quote)) ?? sec.paragraphs.find((p) => key(p.text).includes(quote)) : undefined;
        if (target) break;
      }
      if (target) insertAt(target.end, note);
      else {
        const named = o.heading ? findSection(o.heading) : undefined;
        const wanted = words(`${o.quote} ${o.text}`);
        const nearest =
          named ??
          sections.reduce((best, sec) => (overlap(wanted, words(sec.paragraphs.map((p) => p.text).join(' '))) > overlap(wanted, words(best.paragraphs.map((p) => p.text).join(' '))) ? sec : best), sections[0]);
        insertAt(lastLine(nearest), note);
        const shown = firstWords(o.quote, 8) || tr('core.compile.disagree.nothing');
        problems.push(nearest.heading === null ? tr('core.compile.disagree.opening', { quote: shown }) : tr('core.compile.disagree.section', { quote: shown, heading: nearest.heading }));
      }
    }
  }
  const out: string[] = [];
  const emit = (at: number) => {
    for (const text of inserts.get(at) ?? []) {
      if (out.length && out[out.length - 1].trim() !== '') out.push('');
      out.push(...text.split('\n'));
      if (at < lines.length && lines[at].trim() !== '') out.push('');
    }
  };
  for (let i = 0; i < lines.length; i++) {
    emit(i);
    out.push(lines[i]);
  }
  emit(lines.length);
  let text = out.join('\n').trimEnd();
  for (const a of appended) text = `${text}${text ? '\n\n' : ''}## ${a.title}\n\n${a.blocks.join('\n\n')}`;
  return { prose: text, problems, added };
}
