import { tr } from '../../i18n';
import type { FindingKind } from './types';

/** The catalogue key of each kind's name (sentence case, plural); the kind itself stays an id. */
const KIND_LABEL_KEYS = {
  'broken-link': 'core.lint.kind.brokenLink',
  'missing-article': 'core.lint.kind.missingArticle',
  'missing-source': 'core.lint.kind.missingSource',
  stale: 'core.lint.kind.stale',
  uncompiled: 'core.lint.kind.uncompiled',
  'index-drift': 'core.lint.kind.indexDrift',
  'duplicate-title': 'core.lint.kind.duplicateTitle',
  orphan: 'core.lint.kind.orphan',
  'empty-article': 'core.lint.kind.emptyArticle',
  'missing-summary': 'core.lint.kind.missingSummary',
  'human-edited': 'core.lint.kind.humanEdited',
  'oversized-article': 'core.lint.kind.oversizedArticle',
  'unlinked-related': 'core.lint.kind.unlinkedRelated',
  contradiction: 'core.lint.kind.contradiction',
  'unsourced-claim': 'core.lint.kind.unsourcedClaim',
  gap: 'core.lint.kind.gap',
  'suggested-article': 'core.lint.kind.suggestedArticle',
  'suggested-question': 'core.lint.kind.suggestedQuestion',
} as const satisfies Record<FindingKind, string>;

/** A kind's name as a person reads it, in the interface language. */
export function kindLabel(kind: FindingKind): string {
  return tr(KIND_LABEL_KEYS[kind]);
}

/**
 * Section headings of the report, per kind (sentence case, plural), in the interface language:
 * each entry is read when it is used, so a surface that switched language sees the new one.
 */
export const KIND_LABELS: Readonly<Record<FindingKind, string>> = Object.defineProperties(
  {} as Record<FindingKind, string>,
  Object.fromEntries(
    (Object.keys(KIND_LABEL_KEYS) as FindingKind[]).map((kind): [FindingKind, PropertyDescriptor] => [kind, { enumerable: true, get: () => kindLabel(kind) }]),
  ),
);
