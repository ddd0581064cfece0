/**
 * Change plans: the only way Scriptorium writes the vault.
 *
 * ```ts
 * const writer = new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' });
 * const plan = await writer.plan({
 *   operation: 'save-answer',
 *   title: 'Save answer: How does dropck work?',
 *   files: [{ path: 'wiki/outputs/How does dropck work.md', content: renderArticle(fields, body), reason: 'answer from chat' }],
 *   logDetails: ['question asked in chat'],
 * });
 * // show plan.changes (writer.diff(change) gives a unified diff) and plan.problems, then:
 * const applied = await writer.apply(plan);            // or { selectedPaths } from the preview's ticks
 * await writer.undo();                                 // exact previous bytes of the last applied plan
 * ```
 *
 * - `plan` never writes. Each path is normalised and must lie inside the wiki folder; paths in the
 *   raw folder, the config folder, outside the wiki, or `index.md`/`log.md` are refused and listed
 *   in `plan.problems`. Files marked `scriptorium: locked` are skipped (a problem says so). A file a
 *   person edited since Scriptorium wrote it (`body_hash` mismatch), or one Scriptorium never wrote,
 *   becomes a change with `needsReview: true`: unticked by default and only applied when explicitly
 *   selected. Generated articles get their `body_hash` re-stamped, so callers cannot get it wrong.
 *   The plan ends with the `wiki/index.md` rebuild (from article frontmatter, no model) and the
 *   `wiki/log.md` entry, marked `derived`; `apply` recomputes both from what is actually applied.
 * - `apply` is all-or-nothing: it refuses if a file changed since the plan was made, journals the
 *   previous bytes (`plan-journal.json` in the StateStore), writes, and on any failure restores
 *   every touched file byte for byte. A crash mid-apply is rolled back by the next `apply`/`undo`
 *   (or `recover()`).
 * - `undo` restores the exact bytes from before the last applied plan (the last 10 are kept), and
 *   refuses if a file changed since unless `{ force: true }`.
 * - The raw folder is never written, with one narrow exception: a 'download-images' plan carries
 *   `rawAccess` (the raw notes it may rewrite, over the text they were read with, and the folder it
 *   may create images in). Its images are binary creations (`binary`, bytes in `afterBytes` until
 *   apply; the journal keeps only their hash), derived from the notes that link to them, created
 *   before those notes and removed by undo only while they hold the same bytes. A 'clip' plan
 *   carries `rawAccess.clipFolder` (a folder inside the raw folder) and may only create new
 *   markdown notes there: never over an existing file, so its undo only removes what it created.
 * - Articles: build them with `renderArticle(fields, body)` (contract frontmatter in a fixed order,
 *   `scriptorium: generated`, `body_hash`) and read them with `readArticle(text)` (`ownership`:
 *   generated | edited | locked | foreign).
 */
export { WikiWriter } from './wiki-writer';
export { describeRecovery, describeBinary } from './wiki-writer';
export type { WikiWriterOptions, PlannedFile, PlanRequest, ApplyOptions, UndoOptions, RecoveryReport, RecoveredPlan } from './wiki-writer';
export { WriterLock, describeOwner } from './writer-lock';
export type { WriterOwner, OwnerAlive } from './writer-lock';
export { PlanError } from './plan-error';
export type { PlanErrorKind } from './plan-error';
export { PlanJournal } from './plan-journal';
export type { JournalEntry, JournalFile } from './plan-journal';
export { renderArticle, readArticle, restampArticle, bodyHash, rawLink, rawPathOfLink, isoDate, ARTICLE_TYPES } from './article';
export type { ArticleFields, ArticleInfo, ArticleOwnership, ArticleType } from './article';
export { renderWikiIndex, articleLink, describeUntypedNote } from './wiki-index';
export type { IndexEntry } from './wiki-index';
export { diffLines, diffHunks, describeDiff, unifiedDiff, MAX_EDIT_LENGTH } from './line-diff';
export type { DiffLine, DiffHunk, DiffView, DiffStats } from './line-diff';
export type { AppliedPlan, BinaryContent, ChangePlan, FileChange, PlanOperation, PlanProblem, RawAccess } from './types';
