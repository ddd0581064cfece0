import { MarkdownView, Notice, type Editor, type MarkdownFileInfo, type Menu, type TFile } from 'obsidian';
import type { AskResult } from '../../core/ask';
import { LlmError } from '../../core/llm';
import { WikiWriter, type ChangePlan } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import { OutputRenderer, RenderError, type RenderResult, type RenderSource } from '../../core/render';
import type { PluginContext } from '../../obsidian/plugin-context';
import { SlideOptionsModal, type SlideOptions } from './render-options-modal';

export interface RenderFeatureOptions {
  /** The plugin's wiki writer, so renders share one undo journal; one is built when absent. */
  writer?: () => WikiWriter;
  /**
   * Shows a plan for approval when the user keeps previews on (settings: "Apply changes without
   * preview" off). Resolves to the paths to apply, or null to cancel. Absent: the plan is applied
   * directly — a render only ever creates new files in the outputs folder, and undo takes it back.
   */
  preview?: (plan: ChangePlan) => Promise<string[] | null>;
}

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

const WORKING: Record<Kind | 'canvas', string> = {
  slides: 'Drafting slides…',
  chart: 'Extracting the data for a chart…',
  diagram: 'Drafting a diagram…',
  canvas: 'Mapping links…',
};

/**
 * Registers the render commands ("Make slides / chart / diagram from current note", the same on
 * the selection and in the editor menu, "Make canvas of current note's links") and returns the
 * actions the chat view uses on answers. Called once from `main.ts`.
 */
export function registerRender(ctx: PluginContext, options: RenderFeatureOptions = {}): RenderActions {
  const { plugin, app } = ctx;
  let lastSlideOptions: SlideOptions = { slides: 8, theme: 'default' };
  let busy = false;

  const writer = (): WikiWriter => {
    if (options.writer) return options.writer();
    const s = ctx.settings();
    return new WikiWriter({ vault: ctx.vault, state: ctx.state, clock: systemClock, wikiFolder: s.wikiFolder, rawFolder: s.rawFolder });
  };

  // Obsidian already keeps every note's resolved links: the canvas reads them instead of the vault.
  const linkGraph = (path: string) => {
    const resolved = app.metadataCache.resolvedLinks;
    const outLinks = Object.keys(resolved[path] ?? {});
    const backlinks = Object.keys(resolved)
      .filter((source) => source !== path && (resolved[source]?.[path] ?? 0) > 0)
      .sort();
    return Promise.resolve({ outLinks, backlinks });
  };

  const renderer = (w: WikiWriter, withModel: boolean): OutputRenderer =>
    new OutputRenderer({
      vault: ctx.vault,
      writer: w,
      clock: systemClock,
      client: withModel ? ctx.client() : undefined,
      maxInputChars: ctx.settings().contextTokens * 4,
      linkGraph,
    });

  /** Plans, applies (after the preview when wanted) and opens the result. Never throws: failures become notices. */
  const run = async (what: Kind | 'canvas', make: (r: OutputRenderer) => Promise<RenderResult>): Promise<string | null> => {
    if (busy) {
      new Notice('Scriptorium is already making an output; wait for it to finish.');
      return null;
    }
    busy = true;
    const working = new Notice(`Scriptorium: ${WORKING[what]}`, 0);
    try {
      const w = writer();
      const result = await make(renderer(w, what !== 'canvas'));
      working.hide();
      let selected: string[] | undefined;
      if (options.preview && !ctx.settings().autoApplyPlans) {
        const chosen = await options.preview(result.plan);
        if (chosen === null) return null;
        selected = chosen;
      }
      const applied = await w.apply(result.plan, selected ? { selectedPaths: selected } : {});
      if (!applied.paths.includes(result.primaryPath)) return null;
      new Notice(`Scriptorium: ${result.summary}${result.warnings.length > 0 ? `\n${result.warnings.join('\n')}` : ''}`);
      await app.workspace.openLinkText(result.primaryPath, '', true);
      return result.primaryPath;
    } catch (error) {
      working.hide();
      new Notice(`Scriptorium: ${failureText(error)}`, 8000);
      return null;
    } finally {
      busy = false;
    }
  };

  const slides = async (source: RenderSource): Promise<string | null> => {
    const choice = await new SlideOptionsModal(app, lastSlideOptions).ask();
    if (!choice) return null;
    lastSlideOptions = choice;
    return run('slides', (r) => r.planSlides(source, choice));
  };

  const make = (kind: Kind, source: RenderSource): Promise<string | null> => {
    if (kind === 'slides') return slides(source);
    if (kind === 'chart') return run('chart', (r) => r.planChart(source));
    return run('diagram', (r) => r.planDiagram(source));
  };

  const activeNote = (): TFile | null => {
    const file = app.workspace.getActiveFile();
    return file && file.extension === 'md' ? file : null;
  };

  const nouns: Record<Kind, string> = { slides: 'slides', chart: 'chart', diagram: 'diagram' };
  for (const kind of ['slides', 'chart', 'diagram'] as const) {
    plugin.addCommand({
      id: `make-${kind}-from-current-note`,
      name: `Make ${nouns[kind]} from current note`,
      checkCallback: (checking) => {
        const file = activeNote();
        if (!file) return false;
        if (!checking) void make(kind, { kind: 'note', path: file.path });
        return true;
      },
    });
    plugin.addCommand({
      id: `make-${kind}-from-selection`,
      name: `Make ${nouns[kind]} from selection`,
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
    name: "Make canvas of current note's links",
    checkCallback: (checking) => {
      const file = activeNote();
      if (!file) return false;
      if (!checking) void run('canvas', (r) => r.planCanvas(file.path));
      return true;
    },
  });

  plugin.registerEvent(
    app.workspace.on('editor-menu', (menu: Menu, editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
      const path = info.file?.path;
      if (!path || editor.getSelection().trim() === '') return;
      const items: [Kind, string, string][] = [
        ['slides', 'Make slides from selection', 'presentation'],
        ['chart', 'Make chart from selection', 'bar-chart-3'],
        ['diagram', 'Make diagram from selection', 'network'],
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

  const fromAnswer = (kind: 'slides' | 'chart') => (markdown: string, title?: string) =>
    make(kind, { kind: 'answer', markdown, ...(title ? { title } : {}) });
  const slidesFromAnswer = fromAnswer('slides');
  const chartFromAnswer = fromAnswer('chart');

  return {
    slidesFromAnswer,
    chartFromAnswer,
    answerActions: () => [
      { id: 'make-slides', label: 'Make slides', icon: 'presentation', run: (result: AskResult) => void slidesFromAnswer(result.answer, result.question) },
      { id: 'make-chart', label: 'Make chart', icon: 'bar-chart-3', run: (result: AskResult) => void chartFromAnswer(result.answer, result.question) },
    ],
  };
}

/** One readable line for a notice. */
function failureText(error: unknown): string {
  if (error instanceof RenderError) return error.message;
  if (error instanceof LlmError) return `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}
