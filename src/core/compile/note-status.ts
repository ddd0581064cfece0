import { tr } from '../../i18n';
import { basenameNoExt, hashText } from '../markdown';
import { readArticle } from '../plan';
import type { CompiledSource } from './compile-state';

/** What the editor badge says about the open note. */
export interface NoteStatus {
  kind: 'source-never' | 'source-compiled' | 'source-changed' | 'article-generated' | 'article-edited' | 'article-locked';
  /** One short line, sentence case. */
  label: string;
  /** Articles to link to (a source's summary and concepts). */
  links: { path: string; title: string }[];
  /** Whether a one-click compile makes sense. */
  canCompile: boolean;
}

/**
 * The compile status of a note, from its text and recorded compile state: never the model, never
 * a vault scan, so the editor can ask on every change. Null for notes compile does not concern
 * (outside the raw folder and not a generated article).
 */
export function describeNoteStatus(options: {
  path: string;
  text: string;
  rawFolder: string;
  wikiFolder: string;
  compiled?: CompiledSource;
  /**
   * For a note that is part of a folder source (a repository's README or docs): the folder, and
   * the source's current hash; its status is the repository's, compared by that hash.
   */
  partOf?: { folder: string; hash?: string };
}): NoteStatus | null {
  const { path, text, rawFolder, wikiFolder, compiled, partOf } = options;
  if (path.startsWith(`${wikiFolder}/`)) {
    const info = readArticle(text);
    if (info.ownership === 'foreign') return null;
    if (info.ownership === 'locked') return { kind: 'article-locked', label: tr('core.compile.status.locked'), links: [], canCompile: false };
    if (info.ownership === 'edited') {
      return { kind: 'article-edited', label: tr('core.compile.status.edited'), links: [], canCompile: false };
    }
    return { kind: 'article-generated', label: tr('core.compile.status.generated'), links: [], canCompile: false };
  }
  if (!path.startsWith(`${rawFolder}/`) || !path.toLowerCase().endsWith('.md')) return null;
  const folder = partOf?.folder ?? '';
  if (!compiled) return { kind: 'source-never', label: partOf ? tr('core.compile.status.neverPart', { folder }) : tr('core.compile.status.never'), links: [], canCompile: true };
  const links = [compiled.summary, ...compiled.concepts].map((p) => ({ path: p, title: basenameNoExt(p) }));
  const current = partOf ? partOf.hash : hashText(text);
  if (current !== undefined && compiled.hash !== current) return { kind: 'source-changed', label: partOf ? tr('core.compile.status.changedPart', { folder }) : tr('core.compile.status.changed'), links, canCompile: true };
  const n = compiled.concepts.length;
  const label = partOf
    ? n === 1
      ? tr('core.compile.status.compiledPartOne', { folder })
      : tr('core.compile.status.compiledPart', { folder, count: n })
    : n === 1
      ? tr('core.compile.status.compiledOne')
      : tr('core.compile.status.compiled', { count: n });
  return { kind: 'source-compiled', label, links, canCompile: false };
}
