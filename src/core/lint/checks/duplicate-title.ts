import { tr } from '../../../i18n';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

function fold(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Two or more articles sharing a title or alias (case-insensitive): links by that name reach only
 * one of them. Reported once per name, at the first article by path, with the others related.
 */
export const duplicateTitleCheck: StructuralCheck = {
  kinds: ['duplicate-title'],
  get description() {
    return tr('core.lint.check.duplicateTitle');
  },
  run(wiki) {
    const byName = new Map<string, { name: string; paths: string[] }>();
    for (const note of wiki.notesWithRole('article')) {
      const names = new Set<string>();
      for (const name of [note.title, ...note.aliases]) {
        const key = fold(name);
        if (key === '' || names.has(key)) continue;
        names.add(key);
        const entry = byName.get(key);
        if (entry) entry.paths.push(note.path);
        else byName.set(key, { name, paths: [note.path] });
      }
    }
    const out: Finding[] = [];
    for (const { name, paths } of byName.values()) {
      if (paths.length < 2) continue;
      out.push({
        kind: 'duplicate-title',
        path: paths[0],
        line: null,
        target: name,
        message: tr('core.lint.finding.duplicateTitle', { name, count: paths.length, paths: paths.join(tr('core.lint.listSeparator')) }),
        related: paths.slice(1),
      });
    }
    return out;
  },
};
