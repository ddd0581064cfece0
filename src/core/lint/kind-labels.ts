import type { FindingKind } from './types';

/** Section headings of the report, per kind (sentence case, plural). */
export const KIND_LABELS: Record<FindingKind, string> = {
  'broken-link': 'Broken links',
  'missing-article': 'Missing articles',
  'missing-source': 'Missing sources',
  stale: 'Stale articles',
  uncompiled: 'Uncompiled sources',
  'index-drift': 'Index drift',
  'duplicate-title': 'Duplicate titles',
  orphan: 'Orphans',
  'empty-article': 'Empty articles',
  'missing-summary': 'Missing summaries',
  'human-edited': 'Edited by a person (informational)',
  'oversized-article': 'Articles long enough to split (informational)',
  'unlinked-related': 'Related articles that do not link each other (informational)',
  contradiction: 'Contradictions',
  'unsourced-claim': 'Claims without a source',
  gap: 'Gaps',
  'suggested-article': 'Suggested articles',
  'suggested-question': 'Questions to explore',
};
