import { MarkdownView, Notice, TFile, type Editor, type MarkdownFileInfo, type Menu, type TAbstractFile } from 'obsidian';
import type { AskResult } from '../../core/ask';
import { systemClock } from '../../core/ports/clock';
import { OutputRenderer, type RenderResult, type RenderSource } from '../../core/render';
import { datasetFormat } from '../../core/sources/dataset-profile';
import type { PluginContext } from '../../obsidian/plugin-context';
import { SlideOptionsModal, type SlideOptions } from './render-options-modal';
import { applyPlan } from '../apply-plan';
import { failureText } from '../failure-text';
import { t } from '../../i18n/plugin';
import type { MessageKey } from '../../i18n';

/** A button under a chat answer; the same shape as the chat view's `AnswerAction`. */
export interface RenderAnswerAction {
  id: string;
  label: string;
  icon: string;
  run(result: AskResult): void;
}

/** What other features (the chat view) can ask of the render feature. */
export interface RenderActions {
  /** Makes a deck from an answer's markdown; resolves to the deck's path, or null when cancelled or failed (a notice says why). */
  slidesFromAnswer(markdown: string, title?: string): Promise<string | null>;
  /** Makes a chart from an answer's markdown; resolves to the chart note's path, or null. */
  chartFromAnswer(markdown: string, title?: string): Promise<string | null>;
  /** "Make slides" and "Make chart" buttons for `registerChat({ answerActions })`. */
  answerActions(): RenderAnswerAction[];
}

type Kind = 'slides' | 'chart' | 'diagram';

/** The task's name in messages ("the slide deck is still running"). */
const TASK = {
  slides: 'render.task.slides',
  chart: 'render.task.chart',
  diagram: 'render.task.diagram',
  canvas: 'render.task.canvas',
} as const satisfies Record<Kind | 'canvas', MessageKey>;

const WORKING = {
  slides: 'render.working.slides',
  chart: 'render.working.chart',
  diagram: 'render.working.diagram',
  canvas: 'render.working.canvas',
} as const satisfies Record<Kind | 'canvas', MessageKey>;

/**
 * Registers the render commands ("Make slides / chart / diagram from current note", the same on
 * the selection and in the editor menu, "Make canvas of current note's links") and returns the
 * actions the chat view uses on answers. Renders run as the plugin's one task (progress, stop),
 * are previewed like every plan unless auto-apply is on (a render only ever creates new files in
 * the outputs folder, and undo takes it back), and are written by the shared writer. Called once
 * from `main.ts`.
 */
export function registerRender(ctx: PluginContext): RenderActions {
  const { plugin, app } = ctx;
  let lastSlideOptions: SlideOptions = { slides: 8, theme: 'default' };

  // Obsidian resolves every note's links after start-up and says so with the metadata cache's
  // 'resolved' event; until then `resolvedLinks` is partial. When the plugin is turned on later
  // (the layout is already ready), they have long been resolved.
  let linksResolved = app.workspace.layoutReady;
  const waitingForLinks = new Set<() => void>();
  plugin.registerEvent(
    app.metadataCache.on('resolved', () => {
      linksResolved = true;
      for (const wake of waitingForLinks) wake();
      waitingForLinks.clear();
    }),
  );
  /** Resolves once Obsidian has resolved the vault's links; rejects when stopped. */
  const linksReady = (signal: AbortSignal): Promise<void> =>
    linksResolved
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const wake = () => {
            signal.removeEventListener('abort', stop);
            resolve();
          };
          const stop = () => {
            waitingForLinks.delete(wake);
            reject(signal.reason instanceof Error ? signal.reason : new DOMException('Stopped', 'AbortError'));
          };
          if (signal.aborted) return stop();
          waitingForLinks.add(wake);
          signal.addEventListener('abort', stop, { once: true });
        });

  // Obsidian already keeps every note's resolved links: the canvas reads them instead of the vault.
  const linkGraph = (path: string) => {
    const resolved = app.metadataCache.resolvedLinks;
    const outLinks = Object.keys(resolved[path] ?? {});
    const backlinks = Object.keys(resolved)
      .filter((source) => source !== path && (resolved[source]?.[path] ?? 0) > 0)
      .sort();
    return Promise.resolve({ outLinks, backlinks });
  };

  const renderer = (withModel: boolean): OutputRenderer =>
    new OutputRenderer({
      vault: ctx.vault,
      writer: ctx.writer,
      clock: systemClock,
      client: withModel ? ctx.client() : undefined,
      maxInputChars: ctx.settings().contextTokens * 4,
      linkGraph,
    });

  /** Plans, applies (after the preview when wanted) and opens the result. Never throws: failures become notices. */
  const run = async (what: Kind | 'canvas', make: (r: OutputRenderer, signal: AbortSignal) => Promise<RenderResult>): Promise<string | null> => {
    const outcome = await ctx.tasks.run(
      t(TASK[what]),
      async ({ signal, progress }) => {
        progress(t(WORKING[what]));
        const result = await make(renderer(what !== 'canvas'), signal);
        progress(null);
        // A render the person cancels needs no notice: nothing appears, nothing opens.
        const applied = await applyPlan(ctx, { signal, progress }, result.plan, { cancelled: null });
        if (!applied?.paths.includes(result.primaryPath)) return null;
        new Notice(t('common.message', { message: [result.summary, ...result.warnings].join('\n') }));
        await app.workspace.openLinkText(result.primaryPath, '', true);
        return result.primaryPath;
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('render.stopped', { task: t(TASK[what]) }));
          else new Notice(t('common.error', { error: failureText(error) }), 8000);
        },
      },
    );
    return outcome.status === 'done' ? outcome.value : null;
  };

  const slides = async (source: RenderSource): Promise<string | null> => {
    const choice = await new SlideOptionsModal(app, lastSlideOptions).ask();
    if (!choice) return null;
    lastSlideOptions = choice;
    return run('slides', (r, signal) => r.planSlides(source, { ...choice, signal }));
  };

  const make = (kind: Kind, source: RenderSource): Promise<string | null> => {
    if (kind === 'slides') return slides(source);
    if (kind === 'chart') return run('chart', (r, signal) => r.planChart(source, { signal }));
    return run('diagram', (r, signal) => r.planDiagram(source, { signal }));
  };

  const activeNote = (): TFile | null => {
    const file = app.workspace.getActiveFile();
    return file && file.extension === 'md' ? file : null;
  };

  /** What a render of the current file takes: a note, or for a chart also a dataset (CSV, TSV, JSON, JSON Lines). */
  const activeSource = (kind: Kind): TFile | null => {
    const file = app.workspace.getActiveFile();
    if (!file) return null;
    if (file.extension === 'md') return file;
    return kind === 'chart' && datasetFormat(file.path) ? file : null;
  };

  const names = {
    slides: { note: 'command.makeSlidesFromCurrentNote', selection: 'command.makeSlidesFromSelection' },
    chart: { note: 'command.makeChartFromCurrentNote', selection: 'command.makeChartFromSelection' },
    diagram: { note: 'command.makeDiagramFromCurrentNote', selection: 'command.makeDiagramFromSelection' },
  } as const satisfies Record<Kind, { note: MessageKey; selection: MessageKey }>;
  for (const kind of ['slides', 'chart', 'diagram'] as const) {
    plugin.addCommand({
      id: `make-${kind}-from-current-note`,
      name: t(names[kind].note),
      checkCallback: (checking) => {
        const file = activeSource(kind);
        if (!file) return false;
        if (!checking) void make(kind, { kind: 'note', path: file.path });
        return true;
      },
    });
    plugin.addCommand({
      id: `make-${kind}-from-selection`,
      name: t(names[kind].selection),
      editorCheckCallback: (checking, editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
        const path = info.file?.path;
        if (!path || editor.getSelection().trim() === '') return false;
        if (!checking) void make(kind, { kind: 'selection', path, text: editor.getSelection() });
        return true;
      },
    });
  }

  plugin.addCommand({
    id: 'make-canvas-of-current-note-links',
    name: t('command.makeCanvasOfCurrentNoteLinks'),
    checkCallback: (checking) => {
      const file = activeNote();
      if (!file) return false;
      if (!checking)
        void run('canvas', async (r, signal) => {
          await linksReady(signal);
          return r.planCanvas(file.path, { signal });
        });
      return true;
    },
  });

  plugin.registerEvent(
    app.workspace.on('editor-menu', (menu: Menu, editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
      const path = info.file?.path;
      if (!path || editor.getSelection().trim() === '') return;
      const items: [Kind, string, string][] = [
        ['slides', t('command.makeSlidesFromSelection'), 'presentation'],
        ['chart', t('command.makeChartFromSelection'), 'bar-chart-3'],
        ['diagram', t('command.makeDiagramFromSelection'), 'network'],
      ];
      for (const [kind, title, icon] of items) {
        menu.addItem((item) =>
          item
            .setTitle(title)
            .setIcon(icon)
            .onClick(() => void make(kind, { kind: 'selection', path, text: editor.getSelection() })),
        );
      }
    }),
  );

  // A dataset has no editor; its file menu is where a chart of it is asked for.
  plugin.registerEvent(
    app.workspace.on('file-menu', (menu: Menu, file: TAbstractFile) => {
      if (!(file instanceof TFile) || !datasetFormat(file.path)) return;
      menu.addItem((item) =>
        item
          .setTitle(t('render.menu.chartFromDataset'))
          .setIcon('bar-chart-3')
          .onClick(() => void make('chart', { kind: 'note', path: file.path })),
      );
    }),
  );

  const fromAnswer = (kind: 'slides' | 'chart') => (markdown: string, title?: string) =>
    make(kind, { kind: 'answer', markdown, ...(title ? { title } : {}) });
  const slidesFromAnswer = fromAnswer('slides');
  const chartFromAnswer = fromAnswer('chart');

  return {
    slidesFromAnswer,
    chartFromAnswer,
    answerActions: () => [
      { id: 'make-slides', label: t('render.answer.slides'), icon: 'presentation', run: (result: AskResult) => void slidesFromAnswer(result.answer, result.question) },
      { id: 'make-chart', label: t('render.answer.chart'), icon: 'bar-chart-3', run: (result: AskResult) => void chartFromAnswer(result.answer, result.question) },
    ],
  };
}

/** One readable line for a notice. */
