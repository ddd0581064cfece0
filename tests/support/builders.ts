/**
 * Small builders for test data: a note as a person writes it, and a wiki article as Scriptorium
 * writes it (through the real `renderArticle`, so its hashes are right). Each takes only what a
 * test cares about and fills the rest, so a test reads as the case it checks.
 */
import { stringify } from 'yaml';
import { renderArticle, type ArticleFields } from '../../src/core/plan';

export interface SectionSpec {
  heading: string;
  /** Heading level, 1 by default. */
  level?: number;
  body: string;
}

export interface NoteSpec {
  /** Frontmatter `title`. */
  title?: string;
  aliases?: string[];
  tags?: string[];
  summary?: string;
  /** Any other frontmatter, after the above. */
  frontmatter?: Record<string, unknown>;
  /** Text before the first section (after the frontmatter). */
  intro?: string;
  sections?: SectionSpec[];
}

/** A note's text: YAML frontmatter when any property is given, then the intro and sections. */
export function noteText(spec: NoteSpec = {}): string {
  const props: Record<string, unknown> = {};
  if (spec.title !== undefined) props.title = spec.title;
  if (spec.aliases) props.aliases = spec.aliases;
  if (spec.tags) props.tags = spec.tags;
  if (spec.summary !== undefined) props.summary = spec.summary;
  Object.assign(props, spec.frontmatter ?? {});
  const parts: string[] = [];
  if (Object.keys(props).length > 0) parts.push(`---\n${stringify(props).trimEnd()}\n---`);
  if (spec.intro !== undefined) parts.push(spec.intro.trimEnd());
  for (const s of spec.sections ?? []) parts.push(`${'#'.repeat(s.level ?? 1)} ${s.heading}\n${s.body.trimEnd()}`);
  return `${parts.join('\n\n')}\n`;
}

/** A generated wiki article (a concept unless said otherwise), unchanged since Scriptorium wrote it. */
export function articleText(fields: Partial<ArticleFields> & { title: string }, body = `# ${fields.title}\n\nAbout ${fields.title}.\n`): string {
  return renderArticle({ summary: `About ${fields.title}.`, type: 'concept', updated: '2026-01-01', ...fields }, body);
}
