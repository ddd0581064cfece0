import { fmString } from '../../markdown/frontmatter';
import { hashText } from '../../markdown/hash';
import { buildNoteDocuments, cleanBody, DEFAULT_PASSAGE_WORDS, readFrontmatter } from '../note-documents';

/** A passage as the vector index keeps it: where it is, and the key of the text that was embedded. */
export interface VectorPassage {
  heading: string | null;
  /** 1-based line range in the note, as the lexical index reports it. */
  line: number;
  endLine: number;
  /** `hashText(model + NUL + text)`: equal texts share one vector, in any note. */
  key: string;
}

/** A passage with the text to embed, before it is embedded. */
export interface PassageText extends VectorPassage {
  text: string;
}

/** Longest text sent for one passage: local embedding servers refuse inputs past their context. */
export const MAX_EMBED_CHARS = 4000;

/**
 * The note's passages for embedding: the same passages (and line ranges) the lexical index ranks,
 * from `buildNoteDocuments`, each with the text of its lines as written (frontmatter left out, URLs
 * reduced to their host, long code blocks cut as for the lexical index). A later passage of a
 * section starts with the section's heading; the first passage of the note starts with a
 * frontmatter `title`. Nothing of the file's path is in the text, so a rename keeps every key.
 * Passages without words (an empty note) are left out.
 */
export function passagesForEmbedding(
  path: string,
  text: string,
  model: string,
  options: { maxChars?: number; passageWords?: number } = {},
): PassageText[] {
  const built = buildNoteDocuments(path, text, { mtime: 0, size: text.length }, options.maxChars ?? 1_000_000, { passageWords: options.passageWords ?? DEFAULT_PASSAGE_WORDS });
  if (built.info.problem === 'binary content') return [];
  const lines = text.split('\n');
  const front = readFrontmatter(text);
  const title = fmString(front.frontmatter, 'title')?.trim() ?? '';
  const out: PassageText[] = [];
  built.sections.forEach((section, i) => {
    const from = Math.max(section.line, front.bodyStartLine);
    const own = from <= section.endLine ? cleanBody(lines.slice(from - 1, section.endLine).join('\n')).trim() : '';
    const parts: string[] = [];
    if (i === 0 && title) parts.push(title);
    if (section.continued && section.heading) parts.push(section.heading);
    if (own) parts.push(own);
    if (!own && !(i === 0 && title)) return;
    const body = parts.join('\n').slice(0, MAX_EMBED_CHARS);
    out.push({ heading: section.heading, line: section.line, endLine: section.endLine, key: passageKey(model, body), text: body });
  });
  return out;
}

/** The key of a passage's vector: a hash of the model id and the embedded text. */
export function passageKey(model: string, text: string): string {
  return hashText(`${model}\u0000${text}`);
}

/** The opening words of lines `line`–`endLine` of a note (headings and frontmatter fences left out), for a result found by meaning. */
export function openingWords(noteText: string, line: number, endLine: number, chars = 180): string {
  const lines = noteText.split('\n').slice(line - 1, endLine);
  const body = lines
    .filter((l) => !/^\s*(#{1,6}\s|---\s*$)/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return body.length > chars ? `${body.slice(0, chars).replace(/\s+\S*$/, '')}…` : body;
}
