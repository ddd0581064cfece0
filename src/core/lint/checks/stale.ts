import { tr } from '../../../i18n';
import { hashText } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/** The `source_hashes` map of an article: raw vault path → hash of that file when it was compiled. */
export function sourceHashes(frontmatter: Record<string, unknown>): Map<string, string> {
  const value = frontmatter.source_hashes;
  const out = new Map<string, string>();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [path, hash] of Object.entries(value as Record<string, unknown>)) {
    if (typeof hash === 'string' && hash !== '') out.set(path, hash);
  }
  return out;
}

/** An article whose raw source changed since it was compiled (its `source_hashes` entry no longer matches). */
export const staleCheck: StructuralCheck = {
  kinds: ['stale'],
  get description() {
    return tr('core.lint.check.stale');
  },
  run(wiki) {
    const out: Finding[] = [];
    const hashes = new Map<string, string>();
    for (const note of wiki.notesWithRole('article')) {
      for (const [rawPath, hash] of sourceHashes(note.frontmatter)) {
        // PDFs, images, datasets, pages, repositories: the hash compile would record now.
        const other = wiki.sources.get(rawPath);
        const raw = wiki.notes.get(rawPath);
        // A source that is gone is reported by missing-source; one unreadable now is not judged.
        if (!other && !raw) continue;
        let now = hashes.get(rawPath);
        if (now === undefined) {
          now = other ? other.hash : raw ? hashText(raw.text) : undefined;
          if (now === undefined) continue;
          hashes.set(rawPath, now);
        }
        if (now === hash) continue;
        out.push({
          kind: 'stale',
          path: note.path,
          line: wiki.frontmatterLine(note, rawPath),
          target: rawPath,
          message: tr('core.lint.finding.stale', { source: rawPath, title: note.title }),
          related: [rawPath],
        });
      }
    }
    return out;
  },
};
