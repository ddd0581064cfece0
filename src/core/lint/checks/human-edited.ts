import { bodyHash } from '../../plan';
import { fmString } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/**
 * Informational: a generated article whose body no longer matches the `body_hash` Scriptorium
 * wrote, so a person edited it. Compile will propose a merge rather than overwrite it.
 */
export const humanEditedCheck: StructuralCheck = {
  kinds: ['human-edited'],
  description: 'Generated articles a person has edited since (informational)',
  run(wiki) {
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      if (fmString(note.frontmatter, 'scriptorium') !== 'generated') continue;
      const expected = fmString(note.frontmatter, 'body_hash');
      // The same hash the writer stamps (line endings and trailing whitespace normalised).
      if (!expected || bodyHash(note.body) === expected) continue;
      out.push({
        kind: 'human-edited',
        path: note.path,
        line: null,
        target: null,
        message: `"${note.title}" was edited by a person since Scriptorium wrote it; recompiling will propose a merge.`,
      });
    }
    return out;
  },
};
