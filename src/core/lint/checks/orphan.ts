import { tr } from '../../../i18n';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/**
 * A source or concept article no other note links to. Links from the index, the log and health
 * reports do not count (they list everything); outputs (filed answers, decks) are end products
 * and are not expected to have backlinks.
 */
export const orphanCheck: StructuralCheck = {
  kinds: ['orphan'],
  get description() {
    return tr('core.lint.check.orphan');
  },
  run(wiki) {
    const linked = new Set<string>();
    for (const r of wiki.links()) {
      if (r.path === null || r.path === r.from) continue;
      const role = wiki.notes.get(r.from)?.role;
      if (role === 'index' || role === 'log' || role === 'report') continue;
      linked.add(r.path);
    }
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      if (note.type === 'output' || linked.has(note.path)) continue;
      out.push({ kind: 'orphan', path: note.path, line: null, target: null, message: tr('core.lint.finding.orphan', { title: note.title }) });
    }
    return out;
  },
};
