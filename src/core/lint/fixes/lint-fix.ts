/**
 * An action that repairs findings. Fixes are proposed from a lint result, identified by a stable
 * id (the same problem gives the same id on the next run, so a report's "Apply" link still works
 * after a restart), and planned against the vault as it is when the user applies them.
 */
export type LintFix = RebuildIndexFix | RelinkFix | CompileFix | SplitFix;

interface FixBase {
  /** Stable across runs for the same problem. */
  id: string;
  /** One line for the report and the fix picker, e.g. "Relink [[Ownershp]] to [[Ownership]] in Async Rust". */
  label: string;
}

/** Regenerates `wiki/index.md` from the articles' frontmatter (fixes index-drift). */
export interface RebuildIndexFix extends FixBase {
  kind: 'rebuild-index';
}

/** Replaces one broken link with a link to the closest existing note (fixes a broken-link). */
export interface RelinkFix extends FixBase {
  kind: 'relink';
  /** The note holding the link. */
  path: string;
  line: number;
  /** The link as written now, e.g. "[[Ownershp]]". */
  from: string;
  /** The replacement, e.g. "[[Ownership]]". */
  to: string;
}

/** Compiles raw notes (fixes missing-article, stale and uncompiled); needs the compiler. */
export interface CompileFix extends FixBase {
  kind: 'compile';
  reason: 'missing-article' | 'stale' | 'uncompiled';
  /** Raw vault paths to compile. */
  sources: string[];
  /** For a missing article: the concept the wiki lacks, as a hint to compile. */
  concept?: string;
}

/**
 * Splits an oversized concept article along its `##` sections (fixes oversized-article; no model):
 * each listed section becomes a sub-article linking back, and the parent keeps a link to it with
 * its first sentence. Only proposed for articles Scriptorium wrote and nobody edited.
 */
export interface SplitFix extends FixBase {
  kind: 'split';
  /** The article to split. */
  path: string;
  /** Titles of the `##` sections that become sub-articles, in the article's order. */
  sections: string[];
}
