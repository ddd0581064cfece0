import { tr } from '../../../i18n';
import { fmStringList } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';
import { sourceTarget } from '../wiki-snapshot';

/** An article whose `sources` names a raw note that does not exist (deleted, renamed or mistyped). */
export const missingSourceCheck: StructuralCheck = {
  kinds: ['missing-source'],
  get description() {
    return tr('core.lint.check.missingSource');
  },
  run(wiki) {
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      for (const entry of fmStringList(note.frontmatter, 'sources')) {
        if (wiki.resolveSource(entry, note.path) !== null) continue;
        const target = sourceTarget(entry) ?? entry;
        out.push({
          kind: 'missing-source',
          path: note.path,
          line: wiki.frontmatterLine(note, target),
          target,
          message: tr('core.lint.finding.missingSource', { title: note.title, entry, folder: wiki.layout.rawFolder }),
        });
      }
    }
    return out;
  },
};
