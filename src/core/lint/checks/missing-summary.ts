import { fmString } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/** An article without a one-line `summary` in its frontmatter (the index shows it), or whose frontmatter cannot be read. */
export const missingSummaryCheck: StructuralCheck = {
  kinds: ['missing-summary'],
  description: 'Articles without a summary in their frontmatter',
  run(wiki) {
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      if (note.frontmatterError) {
        out.push({ kind: 'missing-summary', path: note.path, line: 1, target: null, message: `${note.frontmatterError}, so its summary cannot be read.` });
        continue;
      }
      if (fmString(note.frontmatter, 'summary')?.trim()) continue;
      out.push({ kind: 'missing-summary', path: note.path, line: null, target: null, message: `"${note.title}" has no summary in its frontmatter.` });
    }
    return out;
  },
};
