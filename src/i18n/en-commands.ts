/**
 * The English texts of the CLI's commands (`src/cli/commands/*`): their own options' descriptions,
 * the `details` of their `--help`, and what they print for a person (not `--json`, whose keys stay
 * stable English). Spread into `en` (en.ts), so these keys are catalogue keys like any other.
 */
export const enCommands = {
  // ── scriptorium search ────────────────────────────────────────────────────────────────────
  'cli.option.search.limit': 'results to return',
  'cli.option.search.notes': 'one result per note instead of one per section',
  'cli.option.search.folder': 'only notes under this folder (e.g. wiki or raw)',
  'cli.option.search.mode': 'lexical, semantic or hybrid (default: hybrid once vectors are stored, else lexical)',
  'cli.option.search.queries': 'batch mode, instead of QUERY: one {"id": "...", "query": "..."} per line;\nprints one {"id": "...", "results": [...]} line per query',
  'cli.details.search':
    'Query syntax: words (all, else any), "a phrase", -word, -"phrase", path:text,\n' +
    'tag:name, folder:name. Words are matched whole (no completion of the last word).\n' +
    'Search by meaning uses the passage vectors `scriptorium index` stored with an embedding endpoint;\n' +
    'only the query is embedded. When the endpoint fails, the results are lexical and a warning says so.',
  'cli.search.modeNeedsEndpoint': '--mode {mode} needs an embedding endpoint: pass --embed-model (and --embed-base-url) or set SCRIPTORIUM_EMBED_MODEL',
  'cli.search.noVectors': 'warning: no passage vectors of {model} are stored yet (run scriptorium index with the embedding endpoint); the results are lexical',
  'cli.search.meaningUnavailable': 'warning: search by meaning is unavailable ({error}); the results are lexical',
  'cli.search.noResults': 'No results.',
  'cli.search.cannotReadQueries': '--queries: cannot read "{file}": {error}',
  'cli.search.limitTooSmall': '--limit must be at least 1',
  'cli.search.badMode': '--mode must be lexical, semantic or hybrid, not "{mode}"',
  'cli.search.noQuery': 'give a QUERY, or --queries FILE.jsonl',
  'cli.search.queryAndFile': 'give either a QUERY or --queries FILE.jsonl, not both',

  // ── the embedding options (src/cli/embeddings.ts, taken by search, index, related) ───────────
  'cli.option.embed.baseUrl': 'embedding endpoint for search by meaning (or SCRIPTORIUM_EMBED_BASE_URL, the vault settings)',
  'cli.option.embed.model': 'embedding model (or SCRIPTORIUM_EMBED_MODEL, the vault settings)',
  'cli.embed.noModel': 'an embedding endpoint is given without a model: pass --embed-model or set SCRIPTORIUM_EMBED_MODEL',
  'cli.embed.noEndpoint': 'no embedding endpoint configured: pass --embed-base-url or set SCRIPTORIUM_EMBED_BASE_URL',
  'cli.embed.meaningUnavailable': 'warning: search by meaning is unavailable ({error}); searches are lexical',

  // ── scriptorium get ───────────────────────────────────────────────────────────────────────
  'cli.option.get.onlyHeading': 'only this heading\'s section ("Heading" or "Parent#Heading")',
  'cli.option.get.maxChars': 'cap on printed characters; the cut is announced',
  'cli.details.get':
    '  PATH         vault-relative path; ".md" may be left out; a title or alias also works\n' +
    '  :LINE:COUNT  start at LINE (1-based), print COUNT lines (default: to the end)',
  'cli.get.badLocation': 'cannot read the location "{spec}"',
  'cli.get.noPath': 'give a PATH, e.g. "raw/Some note.md:10:20"',
  'cli.get.lineFromOne': 'LINE starts at 1',
  'cli.get.countTooSmall': 'COUNT must be at least 1',

  // ── scriptorium index ─────────────────────────────────────────────────────────────────────
  'cli.option.index.rebuild': 'drop the cache and index every note again',
  'cli.option.index.yes': 'embed the whole vault the first time without asking (needed when not on a terminal)',
  'cli.details.index':
    'The cache lives in the vault\'s Obsidian configuration folder, under plugins/scriptorium/, and is\n' +
    'the one the plugin uses.\n' +
    'With an embedding endpoint (--embed-base-url/--embed-model, SCRIPTORIUM_EMBED_BASE_URL and\n' +
    'SCRIPTORIUM_EMBED_MODEL, key SCRIPTORIUM_EMBED_API_KEY, or the vault settings) the passages are\n' +
    'embedded too, for search by meaning; only passages whose text changed are sent again. The first\n' +
    'full run says how many passages and tokens it will send and asks first. Ctrl-C stops and keeps\n' +
    'what was embedded; the next run goes on from there.',
  'cli.index.progress': 'indexing {done}/{total} notes…',
  'cli.index.cacheNotSaved': 'warning: could not save the index cache: {error}',
  'cli.index.indexed': 'Indexed {notes} notes ({sections} sections, {terms} terms) in {ms} ms',
  'cli.index.changes': '  {added} added, {updated} updated, {removed} removed, {unchanged} unchanged',
  'cli.index.changesFromCache': '  {added} added, {updated} updated, {removed} removed, {unchanged} unchanged (started from the cache)',
  'cli.index.truncated': '  {count} notes larger than {bytes} bytes were indexed only up to that size',
  'cli.index.problems': '  {count} notes have broken frontmatter or binary content (indexed as far as readable)',
  'cli.index.cache': '  cache: {dir}',
  'cli.index.toEmbed': '{passages} passages (about {tokens} tokens) to embed with {model} at {url}',
  'cli.index.refusedNoTerminal': '{what}; nothing was embedded. Pass --yes to embed without a terminal.',
  'cli.index.askEmbed': '{what}. Embed them?',
  'cli.index.refused': '{what}; nothing was embedded.',
  'cli.index.vectorsLine': '  vectors: {text}',
  'cli.index.embedding': 'Embedding {what}…',
  'cli.index.embedProgress': 'embedding {done}/{total} passages…',
  'cli.index.embedStopped': '  vectors: stopped with {embedded} of {passages} passages embedded; run index again to go on from there',
  'cli.index.embedFailed': '  vectors: embedding failed: {error}\n  {embedded} of {passages} passages have vectors; run index again to go on from there',
  'cli.index.embedDone': '  vectors: {embedded} of {passages} passages ({dimension} dimensions, {model}); {sent} embedded now',

  // ── scriptorium undo ──────────────────────────────────────────────────────────────────────
  'cli.option.undo.list': 'show the plans that can be undone',
  'cli.option.undo.force': 'undo even when a file changed since the plan wrote it',
  'cli.details.undo':
    'Restores the exact previous bytes of every file the last plan wrote (created files are removed).\n' +
    'Refuses when one of them changed since, unless --force. --list shows the plans that can be undone.',
  'cli.undo.nothing': 'Nothing to undo.',
  'cli.undo.historyLine': '{when}  {operation}  {title}  ({count} files)',
  'cli.undo.undone': 'Undone: {title}',
  'cli.undo.undoneInterrupted': 'Undone: {title} (the undo that was interrupted earlier is now complete; no other plan was undone)',
  'cli.undo.removed': '  removed {path}',
  'cli.undo.restored': '  restored {path}',
  'cli.undo.passForce': '{error} Pass --force to undo anyway.',
  // ── counted things, for lines that list measures (one key for one, another for more) ─────────
  'cli.count.sourceOne': '1 source',
  'cli.count.sources': '{count} sources',
  'cli.count.modelCallOne': '1 model call',
  'cli.count.modelCalls': '{count} model calls',
  'cli.count.imageOne': '1 image',
  'cli.count.images': '{count} images',
  'cli.count.problemOne': '1 problem',
  'cli.count.problems': '{count} problems',
  'cli.count.changeOne': '1 change',
  'cli.count.changes': '{count} changes',
  'cli.count.fileOne': '1 file',
  'cli.count.files': '{count} files',

  // ── scriptorium compile ───────────────────────────────────────────────────────────────────
  'cli.option.compile.dryRun': 'print the plan with diffs; write nothing (the model is still called)',
  'cli.option.compile.yes': 'run a large compile without asking (needed when not on a terminal)',
  'cli.option.compile.force': 'compile notes even when they are unchanged',
  'cli.option.compile.concurrency': "model requests at once (default: the vault's setting)",
  'cli.details.compile':
    'PATHS are files or folders relative to the vault (default: the raw folder): markdown notes, PDF\npapers, images, datasets (CSV, TSV, JSON, JSON Lines) and saved web pages (.html); a folder holding\na code repository (a manifest such as package.json, with its README) compiles as one source. Other files\nare listed as skipped. Unchanged sources are skipped without a model call. The plan is applied\nunless --dry-run, which prints it with diffs. --json names each source\'s kind and status.\nA run of more than {sources} notes, {calls} estimated model calls or\n{tokens} prompt tokens (dry run included: it calls the model too) asks for\nconfirmation on a terminal; elsewhere it needs --yes. A note over the size limit (maxSourceKB in the\nvault\'s plugin settings, default 2048) is skipped and reported.\nArticles a person edited are never overwritten: their merge is listed as "needs review" and left\nfor the preview in Obsidian. Exit codes: 0 ok, 1 some notes failed (the vault keeps nothing of\nthem), 2 usage, 130 stopped.',
  'cli.compile.estimate': '{sources} to compile (~{calls}, ~{prompt} prompt + ~{completion} completion tokens{images}), {unchanged} unchanged{problems}{skipped}',
  'cli.compile.estimate.more': ', {what}',
  'cli.compile.estimate.skipped': ', {count} skipped (not a kind Scriptorium compiles)',
  'cli.compile.failures': '{failed} of {sources} failed: {list}',
  'cli.compile.failedNoReason': 'failed',
  'cli.compile.needsReviewMark': '  [needs review: a person edited it]',
  'cli.compile.skippedFile': '- skipped {path}: {reason}',
  'cli.compile.usage': '{calls}, {prompt} prompt + {completion} completion tokens',
  'cli.compile.concurrencyTooSmall': '--concurrency must be at least 1',
  'cli.compile.noEndpoint': 'no model endpoint configured',
  'cli.compile.tooLargeNoTerminal': '{reason}; nothing was sent to the model. Pass --yes to run it without a terminal, or compile fewer notes',
  'cli.compile.askLarge': '{reason}. Compile them?',
  'cli.compile.nothingCompiled': 'Nothing compiled.',
  'cli.compile.conflictOne': '{paths} changed while this compile ran (another Scriptorium run or a person wrote it); compiling again on the new text…',
  'cli.compile.conflict': '{paths} changed while this compile ran (another Scriptorium run or a person wrote them); compiling again on the new text…',
  'cli.compile.dryRunPlan': 'Plan: {title} — {changes} (dry run, nothing written)',
  'cli.compile.allFailed': '{failures}; nothing was written.',
  'cli.compile.allNeedReview': 'Nothing written: every change needs review.',
  'cli.compile.upToDate': 'Nothing to write: the wiki is up to date.',
  'cli.compile.applied': 'Applied: {title} — {files} written (undo with: scriptorium undo --vault DIR)',
  'cli.compile.created': '  created {path}',
  'cli.compile.deleted': '  deleted {path}',
  'cli.compile.updated': '  updated {path}',
  'cli.compile.needsReview': '  needs review (not written): {path} — open the compile preview in Obsidian to merge it',
  'cli.compile.someFailed': '{failures}; nothing of them was written (fix them and compile again).',
  'cli.count.noteOne': '1 note',
  'cli.count.notes': '{count} notes',
  'cli.count.callOne': '1 call',
  'cli.count.calls': '{count} calls',
  'cli.count.articleOne': '1 article',
  'cli.count.articles': '{count} articles',
  'cli.count.webCallOne': '1 web call',
  'cli.count.webCalls': '{count} web calls',

  // ── scriptorium lint ──────────────────────────────────────────────────────────────────────
  'cli.option.lint.deep': 'add the model checks (contradictions, unsourced claims, gaps, …)',
  'cli.option.lint.maxCalls': 'most model calls --deep may make',
  'cli.option.lint.report': 'write the report note into the wiki’s outputs folder',
  'cli.option.lint.fix': 'apply one proposed fix (ids are listed after the findings)',
  'cli.option.lint.dryRun': 'with --fix: show its diff, write nothing',
  'cli.option.lint.yes': 'with --fix: change notes a person edited too',
  'cli.option.lint.web': 'with --deep: offer the fix "web-sources", sources from the web for gaps, unsourced claims and suggested articles',
  'cli.details.lint':
    'Structural checks need no model. --deep adds contradictions, unsourced claims, gaps, suggested\narticles and questions (at most --max-calls model calls, default 8; the estimate is printed first).\n--report writes the report note into the wiki’s outputs folder (a change plan; undoable).\n--fix ID applies one proposed fix (ids are listed after the findings); --dry-run shows its diff;\nchanges to notes a person edited are left out unless --yes.\n--json prints {"findings": [{"kind","path","line","target","message"}], "counts": {...}, "fixes": [...]}.\nExit codes: 0 no problems (informational findings aside), 1 problems found, 2 the check itself failed,\n130 stopped (Ctrl-C).\nWith --deep, a deep check whose model reply was unusable (malformed, empty, a refusal) even after one\nrepair request is a check that did not run: it is named on stderr, and the exit code is 2 when no\ndeep check got a usable answer, 1 when the others (or the structural checks) found problems, and 2\nwhen nothing was found (a clean result cannot be claimed with checks missing).\n--web (with --deep; a web search provider from --web-provider, SCRIPTORIUM_WEB_PROVIDER or the settings)\noffers the fix web-sources: the model turns each gap into queries, the best results are read and\nbecome new notes in the web folder (raw/web); the report names the gap each note is for. Nothing is\nsearched until that fix is applied; its searches and reads count against the web call cap.\n--fix exits 0 when the fix was written, 1 when only part of it was (or, without --yes, nothing:\nevery change is to a note a person edited), 2 when problems stopped every change.',
  'cli.lint.noProblems': 'No problems',
  'cli.lint.withInfo': '{problems} and {info} informational',
  'cli.lint.found': '{found} in {notes}.',
  'cli.lint.foundShort': '{found} found in {notes} by the checks that could run; {missing} of {of} deep checks are missing.',
  'cli.lint.modelUsage': 'Model checks: {calls}, {prompt} prompt + {completion} completion tokens.',
  'cli.lint.modelUsageShort': 'Model checks: {calls}, {prompt} prompt + {completion} completion tokens; {missing} got no usable answer.',
  'cli.lint.fixesHeading': 'Fixes (apply with --fix ID; every fix is a change plan, undo with `scriptorium undo`):',
  'cli.lint.fixDryRun': 'Fix: {label} (dry run, nothing written)',
  'cli.lint.fixApplied': 'Applied: {label} (undo with: scriptorium undo --vault DIR)',
  'cli.lint.fixNothing': 'Nothing written for: {label}',
  'cli.lint.wrote': '  wrote {path}',
  'cli.lint.needsReview': '  needs review (not written): {path} — a person edited it; pass --yes to apply anyway',
  'cli.lint.adviceCompile': 'Check the model with `scriptorium doctor`, then run the fix again.',
  'cli.lint.adviceOther': 'Run lint again for a fresh list of fixes.',
  'cli.lint.fixFailed': 'the fix could not be applied: {problems} (listed above) stopped every change; nothing was written. {advice}',
  'cli.lint.fixAllReview': 'nothing was written: every change is to a note a person edited (listed above); pass --yes to apply them anyway.',
  'cli.lint.fixPartial': 'part of the fix could not be made: {problems} (listed above); run lint again to see what remains.',
  'cli.lint.maxCallsTooSmall': '--max-calls must be at least 1',
  'cli.lint.fixNeedsId': '--fix takes a fix id (run lint first to list them)',
  'cli.lint.webNeedsDeep': '--web works with --deep: the web fills the gaps the model checks find',
  'cli.lint.estimate': 'Model checks: {calls} over {articles} (~{prompt} prompt tokens, at most {completion} completion tokens).',
  'cli.lint.estimateLeftOut': 'Model checks: {calls} over {articles} (~{prompt} prompt tokens, at most {completion} completion tokens); {leftOut} left out by --max-calls.',
  'cli.lint.webEstimate': "Web: nothing is searched now; the fix {fix} makes at most {calls} (searches and page reads) to {provider} and the pages' sites, and one model call per gap.",
  'cli.lint.noSuchFix': 'no fix "{id}" applies now (the problem may be fixed already). Current fixes: {fixes}',
  'cli.lint.noFixes': 'none',
  'cli.lint.reportWritten': 'Report written to {path} (undo with: scriptorium undo --vault DIR)',
} as const;
