import { tr } from '../../../i18n';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/** Whether a body has any text beyond headings, blank lines, rules and comments. */
export function hasContent(body: string): boolean {
  const withoutComments = body.replace(/%%[\s\S]*?%%/g, '').replace(/<!--[\s\S]*?-->/g, '');
  for (const raw of withoutComments.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^#{1,6}(\s|$)/.test(line) || /^([-*_]\s*){3,}$/.test(line)) continue;
    return true;
  }
  return false;
}

/** An article with nothing in its body but headings and blank lines. */
export const emptyArticleCheck: StructuralCheck = {
  kinds: ['empty-article'],
  get description() {
    return tr('core.lint.check.emptyArticle');
  },
  run(wiki) {
    const out: Finding[] = [];
    for (const note of wiki.notesWithRole('article')) {
      if (hasContent(note.body)) continue;
      out.push({ kind: 'empty-article', path: note.path, line: null, target: null, message: tr('core.lint.finding.emptyArticle', { title: note.title }) });
    }
    return out;
  },
};
