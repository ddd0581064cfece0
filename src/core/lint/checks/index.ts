import type { StructuralCheck } from '../structural-check';
import { brokenLinkCheck } from './broken-link';
import { duplicateTitleCheck } from './duplicate-title';
import { emptyArticleCheck } from './empty-article';
import { humanEditedCheck } from './human-edited';
import { indexDriftCheck } from './index-drift';
import { missingArticleCheck } from './missing-article';
import { missingSourceCheck } from './missing-source';
import { missingSummaryCheck } from './missing-summary';
import { orphanCheck } from './orphan';
import { oversizedArticleCheck } from './oversized-article';
import { staleCheck } from './stale';
import { uncompiledCheck } from './uncompiled';

/** Every structural check, run in this order. To add one, write a file here and list it (docs/adding-a-health-check.md). */
export const STRUCTURAL_CHECKS: readonly StructuralCheck[] = [
  brokenLinkCheck,
  missingArticleCheck,
  missingSourceCheck,
  staleCheck,
  uncompiledCheck,
  indexDriftCheck,
  duplicateTitleCheck,
  orphanCheck,
  emptyArticleCheck,
  missingSummaryCheck,
  humanEditedCheck,
  oversizedArticleCheck,
];
