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

const KIND_NAME: Record<SourceKind, string> = { note: 'note', pdf: 'PDF', image: 'image', dataset: 'dataset', repository: 'code repository', 'web-page': 'saved web page' };

/** A raw source (a note, a PDF, an image, …) that no source article lists in its `sources`. */
export const uncompiledCheck: StructuralCheck = {
  kinds: ['uncompiled'],
  description: 'Raw notes that were never compiled into a source article',
  run(wiki) {
    const cited = compiledRawNotes(wiki);
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('raw')) {
      if (cited.has(note.path) || wiki.sources.has(note.path) || wiki.insideSourceFolder(note.path)) continue;
      out.push({ kind: 'uncompiled', path: note.path, line: null, target: null, message: 'Not compiled yet: no source article lists it in its sources.' });
    }
    // PDFs, images, datasets, saved pages and repositories (by their anchor file) are sources too.
    for (const [path, source] of wiki.sources) {
      if (cited.has(path)) continue;
      const what = KIND_NAME[source.kind];
      out.push({ kind: 'uncompiled', path, line: null, target: null, message: `Not compiled yet: no source article lists this ${what} in its sources.` });
    }
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  },
};
