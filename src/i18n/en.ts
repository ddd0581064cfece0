/**
 * The English messages: the source of every key and, through the `{name}` placeholders in each
 * text, of that key's parameters (`t('cli.error.unknownCommand', { name })`). Every other language
 * is typed as complete against this object (see zh-CN.ts and docs/translating.md).
 *
 * Keys are grouped by surface: `command.*` the command palette, `settings.*` the settings tab,
 * `cli.*` the command line's help and its own error sentences.
 */
export const en = {
  // ── Command palette (src/ui/**/register-*.ts, src/ui/task-runner.ts) ──────────────────────
  'command.openChat': 'Open chat',
  'command.askAboutCurrentNote': 'Ask about current note',
  'command.askAboutSelection': 'Ask about selection',
  'command.compileCurrentNote': 'Compile current note or file',
  'command.compileChangedNotes': 'Compile changed notes',
  'command.compileRawFolder': 'Compile the raw folder',
  'command.undoLastChangePlan': 'Undo last change plan',
  'command.tidyArticle': 'Tidy this article',
  'command.downloadImagesCurrentNote': 'Download images in current note',
  'command.downloadImagesRawFolder': 'Download images in the raw folder',
  'command.runHealthChecks': 'Run health checks',
  'command.runDeepHealthChecks': 'Run deep health checks',
  'command.applyHealthCheckFix': 'Apply a health check fix',
  'command.openRelatedNotes': 'Open related notes',
  'command.buildVectors': 'Build vectors for search by meaning',
  'command.makeSlidesFromCurrentNote': 'Make slides from current note',
  'command.makeChartFromCurrentNote': 'Make chart from current note',
  'command.makeDiagramFromCurrentNote': 'Make diagram from current note',
  'command.makeSlidesFromSelection': 'Make slides from selection',
  'command.makeChartFromSelection': 'Make chart from selection',
  'command.makeDiagramFromSelection': 'Make diagram from selection',
  'command.makeCanvasOfCurrentNoteLinks': "Make canvas of current note's links",
  'command.openSearch': 'Open search',
  'command.openSearchView': 'Open search view',
  'command.rebuildSearchIndex': 'Rebuild search index',
  'command.stopIndexing': 'Stop indexing',
  'command.generateTrainingData': 'Generate training data',
  'command.evaluateModelOnWiki': 'Evaluate my model on the wiki',
  'command.findWebSources': 'Find sources on the web for the wiki’s gaps',
  'command.clipWebPage': 'Clip a web page',
  'command.stopRunningTask': 'Stop the running task',

  // ── Command line: scriptorium --help ────────────────────────────────────────────────────
  'cli.help.title': 'scriptorium — compile raw notes into a wiki, search it, ask it, lint it',
  'cli.help.usage': 'Usage: scriptorium <command> --vault DIR [options]',
  'cli.help.commands': 'Commands:',
  'cli.help.footer':
    'Model endpoint: --base-url and --model, or SCRIPTORIUM_BASE_URL / SCRIPTORIUM_MODEL /\n' +
    'SCRIPTORIUM_API_KEY (falling back to OPENAI_*), or the vault’s plugin settings.\n' +
    'Add --json for machine-readable output. `scriptorium <command> --help` lists its options; an\n' +
    'option a command does not take is refused (exit 2) before it does anything.\n' +
    'Ctrl-C stops a command (exit 130). SCRIPTORIUM_MAX_RETRY_WAIT (seconds, default 60 or the\n' +
    'vault’s setting) caps how long a busy endpoint may make a command wait before a retry.\n' +
    'Interface language: --lang en|zh-CN, or LC_ALL / LC_MESSAGES / LANG.',
  'cli.help.commandUsage': 'Usage: {synopsis}',
  'cli.help.options': 'Options:',

  // ── Command line: each command's one line in --help (the same text as its `summary`) ────
  'cli.summary.compile': 'Compile raw notes into wiki articles (applies the change plan; --dry-run to preview)',
  'cli.summary.undo': 'Undo the last applied change plan (compile, saved answer, render, lint fix)',
  'cli.summary.tidy': 'Reorganise a grown concept article under clear headings; refused if the model drops any text',
  'cli.summary.images': 'Download the remote images of raw notes into the attachments folder and link the notes to them (--dry-run to preview)',
  'cli.summary.clip': 'Read web pages into new raw notes under the web folder (raw/web/), one per address (--dry-run to preview)',
  'cli.summary.ask': 'Ask a question; the model researches the vault and answers with checked citations',
  'cli.summary.search': 'Search the vault (full text, sections, snippets); batch mode for evaluations',
  'cli.summary.related': 'List the notes closest in meaning to a note, from the stored passage vectors',
  'cli.summary.get': 'Print a note (or some of its lines, or one heading) with line numbers',
  'cli.summary.index': 'Build or update the search index of the vault (shared with the plugin)',
  'cli.summary.lint': 'Run health checks on the wiki (broken links, orphans, stale articles, …; --deep adds model checks)',
  'cli.summary.mcp': 'Serve the vault to AI agents (Claude Code, Codex, Cursor, …) over the Model Context Protocol',
  'cli.summary.slides': 'Make a Marp slide deck from a note or a chat answer, in wiki/outputs/',
  'cli.summary.chart': 'Chart the numbers in a note, or a dataset (CSV, TSV, JSON, JSON Lines), as an SVG with a note stating the data, in wiki/outputs/',
  'cli.summary.diagram': 'Draw a concept map or timeline of a note as a Mermaid diagram, in wiki/outputs/',
  'cli.summary.canvas': "Map a note's out-links and backlinks as a JSON Canvas, in wiki/outputs/ (no model)",
  'cli.summary.synth': 'Write grounded question–answer pairs from the wiki as a fine-tuning dataset',
  'cli.summary.eval': "Score a model's answers on the wiki against a synth dataset's validation pairs",
  'cli.summary.doctor': 'Check the configuration, the model endpoint and the model',

  // ── Command line: its own sentences (src/cli/main.ts, src/cli/run.ts) ───────────────────
  'cli.error.unknownCommand': 'unknown command "{name}" (scriptorium --help lists the commands)',
  'cli.error.unknownCommandGuess': 'unknown command "{name}" (did you mean {guess}? scriptorium --help lists the commands)',
  'cli.error.unknownLanguage': 'unknown language "{lang}" for --lang; Scriptorium speaks {languages}',
  'cli.stop.stopping': 'stopping… (Ctrl-C again to quit at once)',
  'cli.stop.quit': 'quit; anything half-written is rolled back by the next scriptorium command.',
  'cli.stop.tooLate': 'stopped, but only after the command had finished; what it did is shown above.',
  'cli.stop.nothingWritten': 'stopped; nothing was written.',
} as const;
