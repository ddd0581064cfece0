/**
 * What a health check reports. `kind`, `path`, `line`, `target` and `message` are the stable
 * contract the CLI prints with `--json`; `related` lists the other notes a finding involves so the
 * report can link to every place.
 */
export type StructuralKind =
  | 'broken-link'
  | 'orphan'
  | 'missing-article'
  | 'stale'
  | 'uncompiled'
  | 'missing-source'
  | 'duplicate-title'
  | 'empty-article'
  | 'missing-summary'
  | 'index-drift'
  | 'human-edited'
  | 'oversized-article'
  | 'unlinked-related';

export type DeepKind = 'contradiction' | 'unsourced-claim' | 'gap' | 'suggested-article' | 'suggested-question';

export type FindingKind = StructuralKind | DeepKind;

export type Severity = 'problem' | 'info';

export interface Finding {
  kind: FindingKind;
  /** Vault path of the note the finding is about. */
  path: string;
  /** 1-based line in that note, or null when the finding is about the whole note. */
  line: number | null;
  /** What the finding points at: a link target, a raw note, a title; null when nothing. */
  target: string | null;
  /** One sentence a person can act on. */
  message: string;
  /** Other notes involved (duplicate titles, referrers of a missing article, cited notes). */
  related?: string[];
}

/** Counts by kind, only kinds that occurred, plus `total`. */
export type FindingCounts = Partial<Record<FindingKind, number>> & { total: number };

export interface LintResult {
  findings: Finding[];
  counts: FindingCounts;
}

/** Kinds that are informational: reported, but not counted as problems for the exit code. */
export const INFO_KINDS: ReadonlySet<FindingKind> = new Set<FindingKind>(['human-edited', 'oversized-article', 'unlinked-related']);

/** The order kinds appear in reports. */
export const KIND_ORDER: readonly FindingKind[] = [
  'broken-link',
  'missing-article',
  'missing-source',
  'stale',
  'uncompiled',
  'index-drift',
  'duplicate-title',
  'orphan',
  'empty-article',
  'missing-summary',
  'human-edited',
  'oversized-article',
  'unlinked-related',
  'contradiction',
  'unsourced-claim',
  'gap',
  'suggested-article',
  'suggested-question',
];

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = { total: findings.length };
  for (const f of findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
}

/** Stable order: by kind (report order), then path, line, target. */
export function compareFindings(a: Finding, b: Finding): number {
  const k = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  if (k !== 0) return k;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  if (la !== lb) return la - lb;
  const ta = a.target ?? '';
  const tb = b.target ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
