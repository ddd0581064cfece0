import { tr } from '../../../i18n';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';
import { missingTargets } from './link-checks';

/**
 * A link target with no note, referenced from two or more notes: a concept the wiki talks about
 * but has no article for. Reported once, at its first reference, with the other referrers related.
 */
export const missingArticleCheck: StructuralCheck = {
  kinds: ['missing-article'],
  get description() {
    return tr('core.lint.check.missingArticle');
  },
  run(wiki) {
    const out: Finding[] = [];
    for (const refs of missingTargets(wiki).values()) {
      const sorted = [...refs].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.link.line - b.link.line));
      const first = sorted[0];
      const referrers = [...new Set(sorted.map((r) => r.from))];
      out.push({
        kind: 'missing-article',
        path: first.from,
        line: first.link.line,
        target: first.link.target,
        message: tr('core.lint.finding.missingArticle', { target: first.link.target, count: referrers.length }),
        related: referrers.slice(1),
      });
    }
    return out;
  },
};
