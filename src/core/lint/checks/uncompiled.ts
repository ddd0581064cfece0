import { tr } from '../../../i18n';
import { fmStringList } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';
import type { SourceKind } from '../../sources';
import type { WikiSnapshot } from '../wiki-snapshot';

/** Raw notes cited by some `type: source` article, computed once. */
export function compiledRawNotes(wiki: WikiSnapshot): Set<string> {
  return wiki.memo('compiled-raw', () => {
    const cited = new Set<string>();
    for (const note of wiki.notesWithRole('article')) {
      if (note.type !== 'source') continue;
      for (const entry of fmStringList(note.frontmatter, 'sources')) {
        const path = wiki.resolveSource(entry, note.path);
        if (path !== null) cited.add(path);
      }
    }
    return cited;
  });
}

/** What the finding says of a source that is not a Markdown note, by its kind. */
const UNCOMPILED_KEYS = {
  note: 'core.lint.finding.uncompiledSourceNote',
  pdf: 'core.lint.finding.uncompiledPdf',
  image: 'core.lint.finding.uncompiledImage',
  dataset: 'core.lint.finding.uncompiledDataset',
  repository: 'core.lint.finding.uncompiledRepository',
  'web-page': 'core.lint.finding.uncompiledWebPage',
} as const satisfies Record<SourceKind, string>;

/** A raw source (a note, a PDF, an image, …) that no source article lists in its `sources`. */
export const uncompiledCheck: StructuralCheck = {
  kinds: ['uncompiled'],
  get description() {
    return tr('core.lint.check.uncompiled');
  },
  run(wiki) {
    const cited = compiledRawNotes(wiki);
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('raw')) {
      if (cited.has(note.path) || wiki.sources.has(note.path) || wiki.insideSourceFolder(note.path)) continue;
      out.push({ kind: 'uncompiled', path: note.path, line: null, target: null, message: tr('core.lint.finding.uncompiledNote') });
    }
    // PDFs, images, datasets, saved pages and repositories (by their anchor file) are sources too.
    for (const [path, source] of wiki.sources) {
      if (cited.has(path)) continue;
      out.push({ kind: 'uncompiled', path, line: null, target: null, message: tr(UNCOMPILED_KEYS[source.kind]) });
    }
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  },
};
