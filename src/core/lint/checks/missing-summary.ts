import { tr } from '../../../i18n';
import { fmString } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/** An article without a one-line `summary` in its frontmatter (the index shows it), or whose frontmatter cannot be read. */
export const missingSummaryCheck: StructuralCheck = {
  kinds: ['missing-summary'],
  get description() {
    return tr('core.lint.check.missingSummary');
  },
  run(wiki) {
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      if (note.frontmatterError) {
        out.push({ kind: 'missing-summary', path: note.path, line: 1, target: null, message: tr('core.lint.finding.unreadableSummary', { error: note.frontmatterError }) });
        continue;
      }
      if (fmString(note.frontmatter, 'summary')?.trim()) continue;
      out.push({ kind: 'missing-summary', path: note.path, line: null, target: null, message: tr('core.lint.finding.noSummary', { title: note.title }) });
    }
    return out;
  },
};
