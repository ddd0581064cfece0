import { tr } from '../../../i18n';
import { editedParts } from '../../plan/article';
import { fmString } from '../../markdown';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/**
 * Informational: a generated article whose body or properties no longer match the `body_hash` /
 * `fields_hash` Scriptorium wrote, so a person edited it. Compile will propose a merge rather than
 * overwrite it.
 */
export const humanEditedCheck: StructuralCheck = {
  kinds: ['human-edited'],
  get description() {
    return tr('core.lint.check.humanEdited');
  },
  run(wiki) {
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      if (fmString(note.frontmatter, 'scriptorium') !== 'generated') continue;
      // A note with no hash at all was never stamped: nothing to compare against.
      if (!fmString(note.frontmatter, 'body_hash')) continue;
      // The same hashes the writer stamps (line endings and trailing whitespace normalised).
      const edited = editedParts(note.frontmatter, note.body);
      if (!edited.body && !edited.fields) continue;
      const key = edited.body && edited.fields ? 'core.lint.finding.editedTextAndProperties' : edited.body ? 'core.lint.finding.editedText' : 'core.lint.finding.editedProperties';
      out.push({
        kind: 'human-edited',
        path: note.path,
        line: null,
        target: null,
        message: tr(key, { title: note.title }),
      });
    }
    return out;
  },
};
