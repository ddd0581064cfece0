import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/**
 * The index out of step with the articles: an article the index does not link to, an index
 * entry that reaches no article, or no index at all. Fixed by regenerating the index
 * (WikiWriter.planIndexRebuild), so "an article" here is what that rebuild lists.
 */
export const indexDriftCheck: StructuralCheck = {
  kinds: ['index-drift'],
  description: 'Articles missing from the index, and index entries with no article',
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
      return [{ kind: 'index-drift', path: indexPath, line: null, target: null, message: `${indexPath} does not exist; ${articles.length} article${articles.length === 1 ? ' is' : 's are'} not catalogued.` }];
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
        message: `The index lists ${r.link.raw}, but there is no such article.`,
      });
    }
    for (const note of articles) {
      if (listed.has(note.path)) continue;
      out.push({
        kind: 'index-drift',
        path: indexPath,
        line: null,
        target: note.path,
        message: `"${note.title}" (${note.path}) is missing from the index.`,
        related: [note.path],
      });
    }
    return out;
  },
};
