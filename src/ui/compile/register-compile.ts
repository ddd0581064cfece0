import { Notice, TFile, TFolder, type TAbstractFile } from 'obsidian';
import { Compiler, CompileState, costConfirmation, planTidy, type CompileRun } from '../../core/compile';
import { describeNoteStatus } from '../../core/compile/note-status';
import { hashText } from '../../core/markdown';
import { systemClock } from '../../core/ports/clock';
import type { VaultSearch } from '../../core/search/types';
import type { PluginContext } from '../../obsidian/plugin-context';
import { compileStatusExtension } from './compile-status-extension';
import { confirmCompile } from './confirm-compile-modal';
import { obsidianSourceEngines } from '../../obsidian/source-engines';
import { currentHash, readerForFile, supportedExtensions, unitFor, type SkippedFile, type SourceKind, type SourceUnit } from '../../core/sources';
import { applyPlan } from '../apply-plan';
import { failureText } from '../failure-text';
import { t } from '../../i18n/plugin';
import { joinSentences, type MessageKey } from '../../i18n';

export interface CompileFeatureOptions {
  /** The running vault index, when there is one: better candidate articles for each source. */
  search?: () => VaultSearch | undefined;
}

/** What other features share with compile: its state (which raw notes are compiled, from which text). */
export interface CompileActions {
  compileState: CompileState;
}

/** The file menu's "Compile this …" for each kind of source. */
const COMPILE_THIS = {
  note: 'compile.menu.note',
  pdf: 'compile.menu.pdf',
  image: 'compile.menu.image',
  dataset: 'compile.menu.dataset',
  repository: 'compile.menu.repository',
  'web-page': 'compile.menu.webPage',
} as const satisfies Record<SourceKind, MessageKey>;

/**
 * Registers compile: commands (current note, changed notes, raw folder, undo), file and folder
 * menus, and the editor badge. Runs through the plugin's shared task runner (progress and stop),
 * wiki writer and plan preview. Called once from `main.ts`.
 */
export function registerCompile(ctx: PluginContext, options: CompileFeatureOptions = {}): CompileActions {
  const { plugin, app } = ctx;
  const compileState = new CompileState({ state: ctx.state });

  const compiler = (): Compiler =>
    new Compiler({ vault: ctx.vault, state: ctx.state, clock: systemClock, llm: () => ctx.client(), settings: ctx.settings(), search: options.search?.(), writer: ctx.writer, compileState, engines: obsidianSourceEngines() });

  const isSourcePath = (path: string) => {
    const s = ctx.settings();
    return !path.startsWith(`${s.wikiFolder}/`) && !path.startsWith(`${app.vault.configDir}/`);
  };

  /** Files of kinds no reader takes, named (the first few) with the reason, never an error. */
  const skippedText = (skipped: SkippedFile[]): string => {
    if (skipped.length === 0) return '';
    const names = `${skipped.slice(0, 5).map((f) => f.path).join(t('core.plan.listSeparator'))}${skipped.length > 5 ? `${t('core.plan.listSeparator')}…` : ''}`;
    const extensions = supportedExtensions().join(t('core.plan.listSeparator'));
    return skipped.length === 1 ? t('compile.skipped.one', { names, extensions }) : t('compile.skipped.other', { count: skipped.length, names, extensions });
  };

  /** Estimate → confirm (bulk) → compile with progress → preview (unless auto-apply) → apply. Never throws. */
  const compilePaths = async (paths: string[] | undefined, what: string): Promise<void> => {
    await ctx.tasks.run(
      t('compile.task'),
      async ({ signal, progress }) => {
        const c = compiler();
        progress(t('compile.checking', { what }));
        const estimate = await c.estimate(paths);
        if (estimate.toCompile.length === 0) {
          const upToDate = estimate.upToDate.length;
          const nothing = upToDate === 1 ? t('compile.nothing.one', { what }) : t('compile.nothing.other', { what, count: upToDate });
          new Notice(joinSentences([nothing, ...estimate.problems.map((p) => t('notice.item', { subject: p.subject, message: p.message })), skippedText(estimate.skipped)]), 8000);
          return;
        }
        // A bulk run, or one whose model calls or tokens pass the limits (one huge note can).
        if (estimate.toCompile.length > 1 || costConfirmation(estimate) !== null) {
          progress(null);
          if (!(await confirmCompile(app, estimate))) return;
        }
        const total = estimate.toCompile.length;
        progress(t('compile.progress', { done: 0, total }));
        const run: CompileRun = await c.compile(estimate.toCompile, {
          signal,
          progress: (u) => progress(t('compile.progress', { done: u.done, total: u.total ?? total })),
        });
        progress(null);
        const failedNotes = run.sources.filter((s) => s.status === 'failed');
        if (failedNotes.length > 0 && failedNotes.length === run.sources.length) {
          const list = failedNotes.map((f) => t('notice.item', { subject: f.path, message: f.error ?? '' })).join(t('core.plan.partsSeparator'));
          const count = run.sources.length;
          new Notice(count === 1 ? t('compile.allFailed.one', { failed: failedNotes.length, list }) : t('compile.allFailed.other', { failed: failedNotes.length, count, list }), 15000);
          return;
        }
        const applied = await applyPlan(ctx, { signal, progress }, run.plan, { writing: t('compile.writing'), apply: (o) => c.apply(run, o) });
        if (!applied) return;
        const compiled = run.sources.filter((s) => s.status === 'compiled').length;
        const failed = run.sources.filter((s) => s.status === 'failed');
        const written = applied.paths.length;
        const lines = [
          t('compile.done', {
            notes: compiled === 1 ? t('count.notes.one') : t('count.notes.other', { count: compiled }),
            files: written === 1 ? t('plan.files.one') : t('plan.files.other', { count: written }),
            tokens: run.usage.totalTokens.toLocaleString(),
            undo: t('command.undoLastChangePlan'),
          }),
        ];
        if (failed.length) lines.push(t('compile.failedList', { count: failed.length, list: failed.map((f) => t('notice.item', { subject: f.path, message: f.error ?? '' })).join(t('core.plan.partsSeparator')) }));
        if (run.plan.problems.length > failed.length) lines.push(t('compile.otherProblems', { count: run.plan.problems.length - failed.length }));
        if (estimate.skipped.length) lines.push(skippedText(estimate.skipped).trim());
        new Notice(lines.join('\n'), failed.length ? 15000 : 6000);
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('compile.stopped'));
          else new Notice(t('compile.failed', { error: failureText(error) }), 10000);
        },
      },
    );
  };

  /** Raw notes compiled before whose text changed since. */
  const changedNotes = async (): Promise<string[]> => {
    const out: string[] = [];
    const files = await ctx.vault.list();
    for (const [path, entry] of Object.entries(await compileState.all())) {
      const stat = await ctx.vault.stat(path);
      if (!stat) continue;
      // A PDF, image or dataset is compared by its bytes, a repository by its counted files.
      const unit = unitFor(path, files, ctx.settings().rawFolder);
      const now = unit ? await currentHash(unit, { vault: ctx.vault, files, engines: obsidianSourceEngines(), budgetTokens: ctx.settings().contextTokens }) : hashText(await ctx.vault.read(path));
      if (now !== undefined && now !== entry.hash) out.push(path);
    }
    return out.sort();
  };

  const activeNote = (): TFile | null => {
    const file = app.workspace.getActiveFile();
    // A note, or a PDF, image, dataset or saved page open in its own view.
    return file && readerForFile(file.path) && isSourcePath(file.path) ? file : null;
  };

  plugin.addCommand({
    id: 'compile-current-note',
    name: t('command.compileCurrentNote'),
    checkCallback: (checking) => {
      const file = activeNote();
      if (!file) return false;
      if (!checking) void compilePaths([file.path], file.basename);
      return true;
    },
  });
  plugin.addCommand({
    id: 'compile-changed-notes',
    name: t('command.compileChangedNotes'),
    callback: () => {
      void (async () => {
        const changed = await changedNotes();
        if (changed.length === 0) new Notice(t('compile.noneChanged'));
        else await compilePaths(changed, t('compile.what.changed'));
      })();
    },
  });
  plugin.addCommand({
    id: 'compile-raw-folder',
    name: t('command.compileRawFolder'),
    callback: () => void compilePaths([ctx.settings().rawFolder], `"${ctx.settings().rawFolder}"`),
  });
  plugin.addCommand({
    id: 'undo-last-change-plan',
    name: t('command.undoLastChangePlan'),
    callback: () => {
      void ctx.tasks.run(
        t('undo.task'),
        async ({ signal, progress }) => {
          progress(t('undo.progress'));
          const undone = await ctx.writer.undo({ signal });
          compileState.reload();
          new Notice(undone.paths.length === 1 ? t('undo.done.one', { title: undone.title }) : t('undo.done.other', { title: undone.title, count: undone.paths.length }));
        },
        { onError: (error, stopped) => new Notice(stopped ? t('undo.stopped') : t('common.error', { error: failureText(error) }), 8000) },
      );
    },
  });

  plugin.addCommand({
    id: 'tidy-article',
    name: t('command.tidyArticle'),
    checkCallback: (checking) => {
      const file = app.workspace.getActiveFile();
      if (!file || file.extension !== 'md' || !file.path.startsWith(`${ctx.settings().wikiFolder}/concepts/`)) return false;
      if (checking) return true;
      void ctx.tasks.run(
        t('tidy.task'),
        async ({ signal, progress }) => {
          progress(t('tidy.progress', { name: file.basename }));
          const result = await planTidy({ vault: ctx.vault, writer: ctx.writer, llm: ctx.client(), clock: systemClock, wikiFolder: ctx.settings().wikiFolder, signal }, file.path);
          progress(null);
          if (result.status === 'refused') {
            new Notice(t('common.error', { error: result.message }), 12000);
            return;
          }
          const applied = await applyPlan(ctx, { signal, progress }, result.plan);
          if (!applied) return;
          new Notice(applied.paths.includes(result.path) ? t('tidy.done', { path: result.path, undo: t('command.undoLastChangePlan') }) : t('tidy.notApplied'), 8000);
        },
        { onError: (error, stopped) => new Notice(stopped ? t('tidy.stopped') : t('tidy.failed', { error: failureText(error) }), 10000) },
      );
      return true;
    },
  });

  /** The files among `files` that compile as sources: notes, PDFs, images, datasets, saved pages. */
  const notesIn = (files: TAbstractFile[]): string[] => {
    const out: string[] = [];
    for (const f of files) if (f instanceof TFile && readerForFile(f.path) && isSourcePath(f.path)) out.push(f.path);
    return out;
  };

  plugin.registerEvent(
    app.workspace.on('file-menu', (menu, file) => {
      if (file instanceof TFile && notesIn([file]).length === 1) {
        const kind = readerForFile(file.path)?.kind ?? 'note';
        menu.addItem((item) =>
          item
            .setTitle(t(COMPILE_THIS[kind]))
            .setIcon('book-up')
            .onClick(() => void compilePaths([file.path], file.basename)),
        );
      } else if (file instanceof TFolder && isSourcePath(`${file.path}/`) && !file.isRoot()) {
        menu.addItem((item) =>
          item
            .setTitle(t('compile.menu.folder'))
            .setIcon('book-up')
            .onClick(() => void compilePaths([file.path], `"${file.path}"`)),
        );
      }
    }),
  );
  plugin.registerEvent(
    app.workspace.on('files-menu', (menu, files) => {
      const paths = notesIn(files);
      if (paths.length === 0) return;
      menu.addItem((item) =>
        item
          .setTitle(paths.length === 1 ? t('compile.menu.sources.one') : t('compile.menu.sources.other', { count: paths.length }))
          .setIcon('book-up')
          .onClick(() => void compilePaths(paths, paths.length === 1 ? t('count.notes.one') : t('count.notes.other', { count: paths.length }))),
      );
    }),
  );

  // The badge asks after every pause in typing: which repository a note belongs to and that
  // repository's hash are remembered until a file is added, removed or renamed (membership) or a
  // file of that repository changes (hash), so a note in a sub-folder costs no vault listing and a
  // repository is not read again while nothing in it changed.
  const repositories = new Map<string, SourceUnit | null>();
  const repositoryHashes = new Map<string, Promise<string | undefined>>();
  plugin.register(
    ctx.vault.on((event) => {
      if (event.type !== 'modify') repositories.clear();
      for (const folder of [...repositoryHashes.keys()]) {
        if ([event.path, event.type === 'rename' ? event.oldPath : ''].some((p) => p.startsWith(`${folder}/`))) repositoryHashes.delete(folder);
      }
    }),
  );
  const repositoryOf = async (path: string): Promise<SourceUnit | null> => {
    let unit = repositories.get(path);
    if (unit === undefined) {
      const found = unitFor(path, await ctx.vault.list(), ctx.settings().rawFolder);
      unit = found?.folder ? found : null;
      repositories.set(path, unit);
    }
    return unit;
  };
  const repositoryHash = (unit: SourceUnit): Promise<string | undefined> => {
    const folder = unit.folder ?? unit.path;
    let hash = repositoryHashes.get(folder);
    if (!hash) {
      hash = ctx.vault.list().then((files) => currentHash(unit, { vault: ctx.vault, files, engines: obsidianSourceEngines(), budgetTokens: ctx.settings().contextTokens }));
      repositoryHashes.set(folder, hash);
    }
    return hash;
  };

  plugin.registerEditorExtension(
    compileStatusExtension({
      status: async (path, text) => {
        const s = ctx.settings();
        // A note inside a code repository is part of that one source: its status is the repository's.
        if (path.startsWith(`${s.rawFolder}/`) && path.slice(s.rawFolder.length + 1).includes('/')) {
          const unit = await repositoryOf(path);
          if (unit?.folder) {
            const compiled = await compileState.get(unit.path);
            const hash = compiled ? await repositoryHash(unit) : undefined;
            return describeNoteStatus({ path, text, rawFolder: s.rawFolder, wikiFolder: s.wikiFolder, compiled, partOf: { folder: unit.folder, hash } });
          }
        }
        return describeNoteStatus({ path, text, rawFolder: s.rawFolder, wikiFolder: s.wikiFolder, compiled: await compileState.get(path) });
      },
      onChange: (listener) => compileState.onChange(listener),
      compile: (path) => void compilePaths([path], path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '')),
      open: (path) => void app.workspace.openLinkText(path, '', false),
    }),
  );
  return { compileState };
}
