import { parseDocument, stringify } from 'yaml';
import { tr } from '../../i18n';
import { frontmatterCloseLine, splitText } from './scan';

/** A note split into its YAML frontmatter and markdown body. */
export interface ParsedNote {
  /** The frontmatter mapping; `{}` when there is none or it could not be parsed. */
  frontmatter: Record<string, unknown>;
  /** Why the frontmatter block could not be used, when it exists but is broken. */
  frontmatterError?: string;
  /** The text after the frontmatter block (the whole text, minus a BOM, when there is none). */
  body: string;
  /** 1-based line of the original text on which `body` starts. */
  bodyStartLine: number;
  /** Whether a closed `---` block starts the note (even if its YAML is broken). */
  hasFrontmatter: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The sentence for frontmatter that is not a mapping, naming what it is. */
function notMapping(value: unknown): string {
  if (Array.isArray(value)) return tr('core.markdown.notMappingList');
  if (typeof value === 'string') return tr('core.markdown.notMappingString');
  if (typeof value === 'number') return tr('core.markdown.notMappingNumber');
  if (typeof value === 'boolean') return tr('core.markdown.notMappingBoolean');
  return tr('core.markdown.notMapping', { type: typeof value });
}

/** Splits a note into frontmatter and body. Never throws: broken YAML is reported in `frontmatterError`. */
export function parseNote(input: string): ParsedNote {
  const { text, lines, starts } = splitText(input);
  const close = frontmatterCloseLine(lines);
  if (close === -1) {
    return { frontmatter: {}, body: text, bodyStartLine: 1, hasFrontmatter: false };
  }
  const yamlStart = starts[1];
  const yamlEnd = starts[close];
  const bodyOffset = close + 1 < starts.length ? starts[close + 1] : text.length;
  const body = text.slice(bodyOffset);
  const base = { body, bodyStartLine: close + 2, hasFrontmatter: true };
  const yamlText = text.slice(yamlStart, yamlEnd);
  if (yamlText.trim() === '') return { ...base, frontmatter: {} };

  try {
    const doc = parseDocument(yamlText);
    const error = doc.errors[0];
    if (error) {
      // The first line of yaml's message is the readable part; its line numbers count from the
      // YAML block, so shift them to lines of the note (the opening `---` is line 1).
      const summary = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      const at = error.linePos?.[0];
      const frontmatterError = at ? tr('core.markdown.frontmatterYamlAt', { line: at.line + 1, column: at.col, summary }) : tr('core.markdown.frontmatterYaml', { summary });
      return { ...base, frontmatter: {}, frontmatterError };
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return { ...base, frontmatter: {} };
    if (!isPlainObject(value)) {
      return {
        ...base,
        frontmatter: {},
        frontmatterError: notMapping(value),
      };
    }
    return { ...base, frontmatter: value };
  } catch (e) {
    // toJS throws on alias bombs (too many alias expansions) and similar hostile input.
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, frontmatter: {}, frontmatterError: tr('core.markdown.frontmatterUnreadable', { error: message }) };
  }
}

/**
 * Builds a note from frontmatter and body. Keys keep the order given; `undefined` values are
 * dropped; strings YAML would misread (wikilinks, "true", "123", "#tag") are quoted by `yaml`.
 */
export function stringifyNote(frontmatter: Record<string, unknown>, body: string): string {
  const entries = Object.entries(frontmatter).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return body;
  // lineWidth 0: never fold long values, so a diff of a changed property stays one line.
  const yamlText = stringify(Object.fromEntries(entries), { lineWidth: 0 });
  return `---\n${yamlText}---\n${body}`;
}

/**
 * An unquoted `[[Note]]` in YAML parses as a nested flow list `[["Note"]]`. People and models
 * write it often, and Obsidian users expect it to mean the link, so read it back as one.
 */
function asLinkString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && Array.isArray(value[0]) && value[0].length === 1) {
    const inner: unknown = value[0][0];
    if (typeof inner === 'string') return `[[${inner}]]`;
  }
  return undefined;
}

/** A string property, or undefined when absent or not a string. */
export function fmString(fm: Record<string, unknown>, key: string): string | undefined {
  return asLinkString(fm[key]);
}

/** A list-of-strings property; a single string counts as a one-item list and non-strings are dropped. */
export function fmStringList(fm: Record<string, unknown>, key: string): string[] {
  const value = fm[key];
  const single = asLinkString(value);
  if (single !== undefined) return [single];
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    const s = asLinkString(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}
