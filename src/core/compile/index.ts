/**
 * Compile: raw notes → a change plan (source summaries, concept articles, links both ways, index,
 * log). `Compiler.compile(paths)` plans without writing; `Compiler.apply(run)` writes through the
 * WikiWriter and records compile state; `estimate` counts sources, model calls and rough tokens
 * first, and `costConfirmation(estimate)` says when a run must be confirmed.
 * See docs/compile.md.
 */
export { Compiler, CompileSettingsError, costConfirmation, limitsPassed, describeEstimate, CONFIRM_ABOVE } from './compiler';
export type { CompilerOptions, CompileOptions, CompileRun, CompileEstimate, SourceOutcome, SourceStatus, NoteCompileStatus } from './compiler';
export { CompileState } from './compile-state';
export type { CompiledSource } from './compile-state';
export { WikiCatalog, conceptKey } from './wiki-catalog';
export type { CatalogEntry } from './wiki-catalog';
export { readSource, stripBoilerplate, splitIntoParts, roughTokens, isDefect } from './source-reader';
export type { SourceDocument, SourceDefect } from './source-reader';
export { parseSourceExtraction, parseMergedArticle, EXTRACTION_REPLY, mergeReply, MAX_CONCEPTS } from './extraction';
export type { SourceExtraction, ExtractedConcept, ExtractedClaim, MergedArticle } from './extraction';
export { extractionMessages, mergeMessages } from './prompts';
export { normaliseLinks } from './article-bodies';
export { describeNoteStatus } from './note-status';
export type { NoteStatus } from './note-status';
export { planTidy, tidyMessages, TIDY_SYSTEM_START, type TidyOptions, type TidyResult } from './tidy';
