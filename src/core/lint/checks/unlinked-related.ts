import { tr } from '../../../i18n';
import { suggestLinks } from '../../search/vectors/suggest-links';
import type { VectorIndex } from '../../search/vectors/vector-index';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';

/** Lowest similarity (cosine of the closest passages) reported. */
export const UNLINKED_RELATED_MIN_SCORE = 0.75;

/**
 * Articles close in meaning that link to each other in neither direction (informational): links a
 * person may want to add between articles compiled apart. From the stored passage vectors of
 * search by meaning (no model call), so it runs only where they exist; one finding per pair, on
 * the first article, naming the other and the passage that relates them.
 */
export function unlinkedRelatedCheck(vectors: VectorIndex, options: { minScore?: number } = {}): StructuralCheck {
  return {
    kinds: ['unlinked-related'],
    get description() {
      return tr('core.lint.check.unlinkedRelated');
    },
    run(wiki) {
      const articles = wiki.notesWithRole('article').filter((n) => n.type !== 'output').map((n) => n.path);
      const links = new Set<string>();
      for (const r of wiki.links()) if (r.path !== null && r.path !== r.from) links.add(`${r.from}\u0000${r.path}`);
      const pairs = suggestLinks(vectors, { paths: articles, links: (from, to) => links.has(`${from}\u0000${to}`), minScore: options.minScore ?? UNLINKED_RELATED_MIN_SCORE, limit: 200 });
      const title = (path: string) => wiki.notes.get(path)?.title ?? path;
      return pairs.map(
        (p): Finding => ({
          kind: 'unlinked-related',
          path: p.a,
          line: null,
          target: p.b,
          message: p.passage.heading
            ? tr('core.lint.finding.unlinkedRelatedSection', { title: title(p.a), other: title(p.b), score: p.score.toFixed(2), section: p.passage.heading })
            : tr('core.lint.finding.unlinkedRelated', { title: title(p.a), other: title(p.b), score: p.score.toFixed(2) }),
        }),
      );
    },
  };
}
