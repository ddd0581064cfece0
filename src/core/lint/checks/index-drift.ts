import { tr } from '../../../i18n';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/**
 * The index out of step with the articles: an article the index does not link to, an index
 * entry that reaches no article, or no index at all. Fixed by regenerating the index
 * (WikiWriter.planIndexRebuild), so "an article" here is what that rebuild lists.
 */
export const indexDriftCheck: StructuralCheck = {
  kinds: ['index-drift'],
  get description() {
    return tr('core.lint.check.indexDrift');
  },
  run(wiki) {
    const indexPath = wiki.layout.indexPath;
    // What the writer's index rebuild catalogues: every note of the wiki, with or without a contract
    // type (pages written by hand or by another tool are adopted), reports included.
    const articles = [...wiki.notesWithRole('article'), ...wiki.notesWithRole('report')]
      .filter((n) => !n.path.split('/').some((segment) => segment.startsWith('.')))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const index = wiki.notes.get(indexPath);
    if (!index) {
      if (articles.length === 0) return [];
      return [{ kind: 'index-drift', path: indexPath, line: null, target: null, message: articles.length === 1 ? tr('core.lint.finding.noIndexOne', { path: indexPath }) : tr('core.lint.finding.noIndex', { path: indexPath, count: articles.length }) }];
    }
    const out: Finding[] = [];
    const listed = new Set<string>();
    for (const r of wiki.links()) {
      if (r.from !== indexPath) continue;
      if (r.path !== null) {
        listed.add(r.path);
        continue;
      }
      out.push({
        kind: 'index-drift',
        path: indexPath,
        line: r.link.line,
        target: r.link.target,
        message: tr('core.lint.finding.indexListsNothing', { link: r.link.raw }),
      });
    }
    for (const note of articles) {
      if (listed.has(note.path)) continue;
      out.push({
        kind: 'index-drift',
        path: indexPath,
        line: null,
        target: note.path,
        message: tr('core.lint.finding.notInIndex', { title: note.title, path: note.path }),
        related: [note.path],
      });
    }
    return out;
  },
};
