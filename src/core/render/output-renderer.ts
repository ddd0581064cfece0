import { tr, type MessageKey } from '../../i18n';
import { NoteGraph } from '../ask/note-graph';
import { LlmError, type LlmClient, type ReplyShape } from '../llm';
import type { TokenUsage } from '../llm/types';
import { basenameNoExt, extname, extractLinks, fmString, hashText, joinPath, LinkResolver, normalizeVaultPath, parseNote, sanitizeFileName } from '../markdown';
import { isoDate, renderArticle, type ChangePlan, type WikiWriter } from '../plan';
import type { Clock } from '../ports/clock';
import type { VaultPort } from '../ports/vault';
import { datasetFormat, isDatasetProblem, profileDataset } from '../sources/dataset-profile';
import { datasetFactText, profileMarkdown } from '../sources/dataset-reader';
import { chartReply, type ChartDraft, type ChartSpec, type ChartType } from './chart-spec';
import { computeDatasetChart, datasetChartPrompt, datasetChartReply, type DatasetChartDraft } from './dataset-chart';
import { DECK_REPLY, type DeckDraft } from './deck-draft';
import { neighbourhoodCanvas, stringifyCanvas } from './json-canvas';
import { buildMarpDeck, MARP_THEMES, type DeckSource, type MarpTheme } from './marp-deck';
import { diagramReply, type DiagramDraft, type DiagramKind } from './mermaid-diagram';
import { chartNoteBody, diagramNoteBody, type CitedSource } from './output-notes';
import { chartPrompt, contentMessage, diagramPrompt, slidesPrompt } from './prompts';
import { RenderError } from './render-error';
import { renderChartSvg } from './svg-chart';

export interface OutputRendererOptions {
  vault: VaultPort;
  /** Plans every write; its wiki folder confines the outputs. */
  writer: WikiWriter;
  clock: Clock;
  /** The model; only the canvas works without one. */
  client?: LlmClient;
  /** Folder for outputs. Default `<wiki folder>/outputs`. */
  outputsFolder?: string;
  /** Characters of content sent to the model; longer content is cut. Default 24 000 (about 6 000 tokens). */
  maxInputChars?: number;
  /**
   * The link neighbourhood of a note from an index that is already kept (Obsidian's metadata
   * cache), so a canvas on a large vault does not read every note. Default: read the vault.
   */
  linkGraph?: (path: string) => Promise<{ outLinks: string[]; backlinks: string[] }>;
}

/** What to render from. */
export type RenderSource =
  /** A whole note. */
  | { kind: 'note'; path: string }
  /** Text selected in a note. */
  | { kind: 'selection'; path: string; text: string }
  /** A chat answer's markdown; its `[[citations]]` become the sources. */
  | { kind: 'answer'; markdown: string; title?: string };

export interface RenderCall {
  signal?: AbortSignal;
}

export interface SlidesRequest extends RenderCall {
  /** Content slides (the title and sources slides come on top). Default 8, 3–20. */
  slides?: number;
  /** Marp theme. Default "default". */
  theme?: MarpTheme;
}

export interface ChartRequest extends RenderCall {
  /** Force a chart type; default: the model picks. */
  type?: ChartType;
}

export interface DiagramRequest extends RenderCall {
  /** Force a kind; default: the model picks. */
  kind?: DiagramKind;
}

/** A planned output: apply `plan` with the writer (or show it in the preview first). */
export interface RenderResult {
  plan: ChangePlan;
  /** The main file the user opens (the deck, the chart's note, the diagram's note, the canvas). */
  primaryPath: string;
  /** Every output file of this render, primary first. */
  paths: string[];
  /** One line for a notice or the CLI. */
  summary: string;
  usage?: TokenUsage;
  /** Non-fatal problems (e.g. an image the model named that is not in the vault). */
  warnings: string[];
}

interface Material {
  title: string;
  content: string;
  /** The note relative links resolve from ('' for chat answers). */
  fromPath: string;
  sources: (CitedSource & { url?: string; hash?: string })[];
}

const DEFAULT_SLIDES = 8;
const DEFAULT_MAX_INPUT = 24_000;

function clampSlides(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return DEFAULT_SLIDES;
  return Math.min(20, Math.max(3, Math.round(n)));
}

/**
 * Makes slide decks, charts, diagrams and link canvases from a note, a selection or a chat answer,
 * and returns them as a change plan in the outputs folder. The model drafts content as JSON (one
 * repair attempt); every byte of Marp, SVG, Mermaid and JSON Canvas syntax is written here, so the
 * files are well-formed whatever the model says. Nothing is written until the plan is applied.
 */
export class OutputRenderer {
  private readonly vault: VaultPort;
  private readonly writer: WikiWriter;
  private readonly clock: Clock;
  private readonly client: LlmClient | undefined;
  readonly outputsFolder: string;
  private readonly maxInputChars: number;
  private readonly linkGraph: OutputRendererOptions['linkGraph'];

  constructor(options: OutputRendererOptions) {
    this.vault = options.vault;
    this.writer = options.writer;
    this.clock = options.clock;
    this.client = options.client;
    this.outputsFolder = normalizeVaultPath(options.outputsFolder ?? `${options.writer.wikiFolder}/outputs`);
    this.maxInputChars = options.maxInputChars ?? DEFAULT_MAX_INPUT;
    this.linkGraph = options.linkGraph;
  }

  /** A Marp deck of the source. */
  async planSlides(source: RenderSource, request: SlidesRequest = {}): Promise<RenderResult> {
    const theme = request.theme ?? 'default';
    if (!MARP_THEMES.includes(theme)) throw new RenderError('invalid_draft', tr('core.render.error.unknownTheme', { theme: String(theme), themes: MARP_THEMES.join(', ') }));
    const count = clampSlides(request.slides);
    const material = await this.material(source);
    const { value: draft, usage } = await this.draft<DeckDraft>(slidesPrompt(count), material, DECK_REPLY, request.signal, 'slides');
    if (draft.slides.length > count) draft.slides = draft.slides.slice(0, count);
    const [deckPath] = await this.freeNames(`${material.title} slides`, ['.md']);
    const paths = (await this.vault.list()).map((f) => f.path);
    const deck = buildMarpDeck({
      draft,
      theme,
      links: { resolver: new LinkResolver(paths), fromPath: material.fromPath, deckFolder: this.outputsFolder },
      sources: material.sources.map((s): DeckSource => ({ title: s.title, path: s.path, ...(s.url ? { url: s.url } : {}) })),
      date: this.today(),
    });
    const content = renderArticle(
      {
        ...this.fields(material, draft.title, `Slide deck (${deck.slideCount} slides) made from ${material.title}.`, 'slides'),
        extra: deck.marpFrontmatter,
      },
      deck.body,
    );
    const warnings = deck.droppedImages.map((ref) => tr('core.render.warning.imageLeftOut', { ref }));
    return this.finish({
      title: tr('core.render.slides.title', { title: draft.title }),
      files: [{ path: deckPath, content, reason: tr('core.render.slides.reason', { source: material.title }) }],
      summary: tr('core.render.slides.summary', { title: draft.title, count: deck.slideCount, path: deckPath }),
      usage,
      warnings,
      logDetails: [tr('core.render.slides.log', { count: deck.slideCount, theme, source: material.title })],
    });
  }

  /**
   * A chart of the numbers in the source: an SVG and a note that embeds it with the data table.
   * A dataset (CSV, TSV, JSON, JSON Lines) is charted by {@link planDatasetChart}.
   */
  async planChart(source: RenderSource, request: ChartRequest = {}): Promise<RenderResult> {
    if (source.kind === 'note' && datasetFormat(source.path)) return this.planDatasetChart(source.path, request);
    const material = await this.material(source);
    const { value: drafted, usage } = await this.draft<ChartDraft>(chartPrompt(request.type), material, chartReply(request.type), request.signal, 'chart');
    if (!drafted.ok) throw new RenderError('no_data', tr('core.render.error.noChart', { reason: drafted.reason.replace(/[.。]$/, '') }));
    const spec: ChartSpec = drafted.spec;
    const svg = renderChartSvg(spec);
    const [notePath, svgPath] = await this.freeNames(`${material.title} chart`, ['.md', '.svg']);
    const content = renderArticle(this.fields(material, spec.title, `${capitalize(spec.type)} chart: ${spec.title}.`, 'chart'), chartNoteBody(spec, svgPath, material.sources));
    return this.finish({
      title: tr('core.render.chart.title', { title: spec.title }),
      files: [
        { path: notePath, content, reason: tr('core.render.chart.reason', { source: material.title }) },
        { path: svgPath, content: svg, reason: tr(CHART_IMAGE[spec.type]) },
      ],
      summary: tr(CHART_SUMMARY[spec.type], { title: spec.title, svg: svgPath, note: notePath }),
      usage,
      warnings: [],
      logDetails: [tr(CHART_LOG[spec.type], { source: material.title })],
    });
  }

  /**
   * A chart of a dataset: the model sees the profile and a sample and chooses the chart (type,
   * columns, aggregation, filters); every value is computed here from all the rows of the file.
   */
  async planDatasetChart(path: string, request: ChartRequest = {}): Promise<RenderResult> {
    const datasetPath = normalizeVaultPath(path);
    if ((await this.vault.stat(datasetPath)) === null) throw new RenderError('not_found', tr('core.render.error.noDataset', { path }));
    const signal = request.signal;
    const profile = await profileDataset(this.vault, datasetPath, signal ? { signal } : {});
    if (isDatasetProblem(profile)) throw new RenderError(profile.problem === 'empty' ? 'no_content' : 'no_data', tr('core.render.error.noChart', { reason: profile.message.replace(/[.。]$/, '') }));
    if (profile.rows === 0) throw new RenderError('no_content', tr('core.render.error.noRows', { path: datasetPath }));
    const title = basenameNoExt(datasetPath);
    const material: Material = {
      title,
      content: profileMarkdown(datasetPath, profile, this.maxInputChars),
      fromPath: datasetPath,
      sources: [{ path: datasetPath, title, hash: profile.hash }],
    };
    const { value: drafted, usage } = await this.draft<DatasetChartDraft>(datasetChartPrompt(request.type), material, datasetChartReply(profile, request.type), signal, 'chart');
    if (!drafted.ok) throw new RenderError('no_data', tr('core.render.error.noChart', { reason: drafted.reason.replace(/[.。]$/, '') }));
    const { spec, warnings } = await computeDatasetChart(this.vault, datasetPath, profile, drafted.request, signal ? { signal } : {});
    const svg = renderChartSvg(spec);
    const [notePath, svgPath] = await this.freeNames(`${title} chart`, ['.md', '.svg']);
    const content = renderArticle(this.fields(material, spec.title, `${capitalize(spec.type)} chart: ${spec.title}.`, 'chart'), chartNoteBody(spec, svgPath, material.sources));
    return this.finish({
      title: tr('core.render.chart.title', { title: spec.title }),
      files: [
        { path: notePath, content, reason: tr('core.render.chart.reasonDataset', { path: datasetPath }) },
        { path: svgPath, content: svg, reason: tr(CHART_IMAGE[spec.type]) },
      ],
      summary: tr(CHART_SUMMARY_DATASET[spec.type], { title: spec.title, dataset: datasetFactText(profile), svg: svgPath, note: notePath }),
      usage,
      warnings,
      logDetails: [tr(CHART_LOG_DATASET[spec.type], { path: datasetPath, basis: spec.basis })],
    });
  }

  /** A concept map or timeline as a Mermaid block in a note. */
  async planDiagram(source: RenderSource, request: DiagramRequest = {}): Promise<RenderResult> {
    const material = await this.material(source);
    const { value: draft, usage } = await this.draft<DiagramDraft>(
      diagramPrompt(request.kind),
      material,
      diagramReply(request.kind),
      request.signal,
      'diagram',
    );
    const timeline = draft.kind === 'timeline';
    // The file name and the note's frontmatter summary are wiki text: they stay as they were.
    const noun = timeline ? 'timeline' : 'concept map';
    const [notePath] = await this.freeNames(`${material.title} ${noun}`, ['.md']);
    const content = renderArticle(this.fields(material, draft.title, `${capitalize(noun)} of ${material.title}.`, draft.kind === 'timeline' ? 'timeline' : 'concept-map'), diagramNoteBody(draft, material.sources));
    return this.finish({
      title: tr('core.render.diagram.title', { title: draft.title }),
      files: [{ path: notePath, content, reason: tr(timeline ? 'core.render.diagram.from.timeline' : 'core.render.diagram.from.conceptMap', { source: material.title }) }],
      summary: tr(timeline ? 'core.render.diagram.summary.timeline' : 'core.render.diagram.summary.conceptMap', { title: draft.title, path: notePath }),
      usage,
      warnings: [],
      logDetails: [tr(timeline ? 'core.render.diagram.from.timeline' : 'core.render.diagram.from.conceptMap', { source: material.title })],
    });
  }

  /** A JSON Canvas of a note, the files it links to and the notes linking to it. No model involved. */
  async planCanvas(path: string, request: RenderCall = {}): Promise<RenderResult> {
    const notePath = await this.existingNote(path);
    const { outLinks: linked, backlinks: back } = await this.neighbours(notePath, request.signal);
    const outLinks = [...new Set(linked.filter((p) => p !== notePath))];
    const canvas = neighbourhoodCanvas({ center: notePath, outLinks, backlinks: back });
    const title = await this.titleOf(notePath);
    const [canvasPath] = await this.freeNames(`${title} links`, ['.canvas']);
    return this.finish({
      title: tr('core.render.canvas.title', { title }),
      files: [{ path: canvasPath, content: stringifyCanvas(canvas), reason: tr('core.render.canvas.reason', { path: notePath }) }],
      summary: canvasSummary(title, outLinks.length, back.length, canvasPath),
      warnings: [],
      logDetails: [tr('core.render.canvas.log', { out: outLinks.length, back: back.length })],
    });
  }

  private async neighbours(path: string, signal: AbortSignal | undefined): Promise<{ outLinks: string[]; backlinks: string[] }> {
    if (this.linkGraph) return this.linkGraph(path);
    const { out, back } = await new NoteGraph({ vault: this.vault, signal }).linksOf(path);
    return { outLinks: out.map((l) => l.path).filter((p): p is string => p !== null), backlinks: back };
  }

  private today(): string {
    return isoDate(this.clock.now());
  }

  private fields(material: Material, title: string, summary: string, tag: string) {
    const hashes: Record<string, string> = {};
    for (const s of material.sources) if (s.hash) hashes[s.path] = s.hash;
    return {
      title,
      summary,
      type: 'output' as const,
      sources: material.sources.map((s) => s.path),
      sourceHashes: hashes,
      tags: [`scriptorium/${tag}`],
      updated: this.today(),
    };
  }

  private async finish(parts: { title: string; files: { path: string; content: string; reason: string }[]; summary: string; usage?: TokenUsage; warnings: string[]; logDetails: string[] }): Promise<RenderResult> {
    const plan = await this.writer.plan({
      operation: 'render',
      title: parts.title,
      files: parts.files,
      logDetails: parts.logDetails,
      problems: parts.warnings.map((message) => ({ subject: parts.files[0].path, message })),
      ...(parts.usage ? { usage: parts.usage } : {}),
    });
    const planned = new Set(plan.changes.map((c) => c.path));
    const refused = parts.files.filter((f) => !planned.has(f.path));
    if (refused.length > 0) {
      // A render is one unit: a chart note without its image is worse than no chart.
      const why = plan.problems.find((p) => refused.some((f) => f.path === p.subject))?.message ?? tr('core.render.error.writerRefused');
      throw new RenderError('invalid_draft', tr('core.render.error.cannotWrite', { path: refused[0].path, why }));
    }
    return { plan, primaryPath: parts.files[0].path, paths: parts.files.map((f) => f.path), summary: parts.summary, ...(parts.usage ? { usage: parts.usage } : {}), warnings: parts.warnings };
  }

  /**
   * Output paths `<outputs>/<base><ext>` for every extension, all free: an existing output is never
   * overwritten (it may have been edited or presented), the next free " 2", " 3"… is used instead.
   */
  private async freeNames(base: string, exts: string[]): Promise<string[]> {
    const name = sanitizeFileName(base, 100);
    for (let n = 1; n < 1000; n++) {
      const stem = n === 1 ? name : `${name} ${n}`;
      const candidates = exts.map((ext) => joinPath(this.outputsFolder, `${stem}${ext}`));
      const taken = await Promise.all(candidates.map((p) => this.vault.stat(p)));
      if (taken.every((t) => t === null)) return candidates;
    }
    throw new RenderError('invalid_draft', tr('core.render.error.tooManyOutputs', { name, folder: this.outputsFolder }));
  }

  private async existingNote(path: string): Promise<string> {
    const clean = normalizeVaultPath(path);
    if ((await this.vault.stat(clean)) === null) {
      const withMd = `${clean}.md`;
      if (extname(clean) !== '.md' && (await this.vault.stat(withMd)) !== null) return withMd;
      throw new RenderError('not_found', tr('core.render.error.noNote', { path }));
    }
    return clean;
  }

  private async titleOf(path: string): Promise<string> {
    if (extname(path) !== '.md') return basenameNoExt(path);
    try {
      const fm = parseNote(await this.vault.read(path)).frontmatter;
      return oneLineTitle(fmString(fm, 'title')) || basenameNoExt(path);
    } catch {
      return basenameNoExt(path);
    }
  }

  private async material(source: RenderSource): Promise<Material> {
    if (source.kind === 'answer') {
      const content = source.markdown.trim();
      if (content === '') throw new RenderError('no_content', tr('core.render.error.emptyAnswer'));
      const graph = new NoteGraph({ vault: this.vault });
      const sources: Material['sources'] = [];
      const seen = new Set<string>();
      for (const link of extractLinks(content)) {
        const path = await graph.resolve(link.target, '');
        if (!path || seen.has(path) || extname(path) !== '.md') continue;
        seen.add(path);
        sources.push({ path, title: await this.titleOf(path) });
      }
      const firstHeading = /^#{1,6}\s+(.+)$/m.exec(content)?.[1];
      const title = oneLineTitle(source.title) || oneLineTitle(firstHeading) || `Answer ${this.today()}`;
      return { title, content, fromPath: '', sources };
    }
    const path = await this.existingNote(source.path);
    if (source.kind === 'note' && datasetFormat(path)) {
      // A dataset is shown to the model as its profile and a sample, never as raw rows.
      const profile = await profileDataset(this.vault, path);
      if (isDatasetProblem(profile)) throw new RenderError('no_content', tr('core.render.error.notADataset', { path, message: profile.message }));
      const title = basenameNoExt(path);
      return { title, content: profileMarkdown(path, profile, this.maxInputChars), fromPath: path, sources: [{ path, title, hash: profile.hash }] };
    }
    const text = await this.vault.read(path);
    const note = parseNote(text);
    const title = oneLineTitle(fmString(note.frontmatter, 'title')) || basenameNoExt(path);
    const url = fmString(note.frontmatter, 'source');
    const content = source.kind === 'selection' ? source.text.trim() : note.body.trim();
    if (content === '') {
      throw new RenderError('no_content', source.kind === 'selection' ? tr('core.render.error.emptySelection') : tr('core.render.error.noText', { path }));
    }
    return {
      title: source.kind === 'selection' ? `${title} (selection)` : title,
      content,
      fromPath: path,
      sources: [{ path, title, hash: hashText(text), ...(url && /^https?:\/\//i.test(url) ? { url } : {}) }],
    };
  }

  private async draft<T>(system: string, material: Material, reply: ReplyShape<T>, signal: AbortSignal | undefined, what: 'slides' | 'chart' | 'diagram'): Promise<{ value: T; usage: TokenUsage }> {
    if (!this.client) throw new RenderError('invalid_draft', tr(NEEDS_MODEL[what]));
    const content = material.content.length > this.maxInputChars ? `${material.content.slice(0, this.maxInputChars)}\n\n[…the rest is cut for length]` : material.content;
    try {
      return await this.client.json(
        {
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: contentMessage(material.title, content) },
          ],
          temperature: 0.2,
          signal,
        },
        reply,
      );
    } catch (error) {
      if (error instanceof LlmError && error.kind === 'unusable_output') {
        throw new RenderError('invalid_draft', tr(UNUSABLE[what], { error: error.message }), { cause: error });
      }
      throw error;
    }
  }
}

const NEEDS_MODEL = {
  slides: 'core.render.error.needsModel.slides',
  chart: 'core.render.error.needsModel.chart',
  diagram: 'core.render.error.needsModel.diagram',
} as const;

const UNUSABLE = {
  slides: 'core.render.error.unusable.slides',
  chart: 'core.render.error.unusable.chart',
  diagram: 'core.render.error.unusable.diagram',
} as const;

const CHART_IMAGE = {
  bar: 'core.render.chart.image.bar',
  line: 'core.render.chart.image.line',
  pie: 'core.render.chart.image.pie',
  scatter: 'core.render.chart.image.scatter',
} as const satisfies Record<ChartType, MessageKey>;

const CHART_SUMMARY = {
  bar: 'core.render.chart.summary.bar',
  line: 'core.render.chart.summary.line',
  pie: 'core.render.chart.summary.pie',
  scatter: 'core.render.chart.summary.scatter',
} as const satisfies Record<ChartType, MessageKey>;

const CHART_SUMMARY_DATASET = {
  bar: 'core.render.chart.summaryDataset.bar',
  line: 'core.render.chart.summaryDataset.line',
  pie: 'core.render.chart.summaryDataset.pie',
  scatter: 'core.render.chart.summaryDataset.scatter',
} as const satisfies Record<ChartType, MessageKey>;

const CHART_LOG = {
  bar: 'core.render.chart.log.bar',
  line: 'core.render.chart.log.line',
  pie: 'core.render.chart.log.pie',
  scatter: 'core.render.chart.log.scatter',
} as const satisfies Record<ChartType, MessageKey>;

const CHART_LOG_DATASET = {
  bar: 'core.render.chart.logDataset.bar',
  line: 'core.render.chart.logDataset.line',
  pie: 'core.render.chart.logDataset.pie',
  scatter: 'core.render.chart.logDataset.scatter',
} as const satisfies Record<ChartType, MessageKey>;

function canvasSummary(title: string, out: number, back: number, path: string): string {
  if (out === 1) return back === 1 ? tr('core.render.canvas.summary.oneOne', { title, path }) : tr('core.render.canvas.summary.oneMany', { title, back, path });
  return back === 1 ? tr('core.render.canvas.summary.manyOne', { title, out, path }) : tr('core.render.canvas.summary.manyMany', { title, out, back, path });
}

function oneLineTitle(s: string | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
