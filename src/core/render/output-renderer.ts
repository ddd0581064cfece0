import { NoteGraph } from '../ask/note-graph';
import { LlmError, type LlmClient, type ReplyShape } from '../llm';
import type { TokenUsage } from '../llm/types';
import { basenameNoExt, extname, extractLinks, fmString, hashText, joinPath, LinkResolver, normalizeVaultPath, parseNote, sanitizeFileName } from '../markdown';
import { isoDate, renderArticle, type ChangePlan, type WikiWriter } from '../plan';
import type { Clock } from '../ports/clock';
import type { VaultPort } from '../ports/vault';
import { datasetFormat, isDatasetProblem, profileDataset } from '../sources/dataset-profile';
import { datasetFact, profileMarkdown } from '../sources/dataset-reader';
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
    if (!MARP_THEMES.includes(theme)) throw new RenderError('invalid_draft', `Unknown Marp theme "${String(theme)}": use ${MARP_THEMES.join(', ')}.`);
    const count = clampSlides(request.slides);
    const material = await this.material(source);
    const { value: draft, usage } = await this.draft<DeckDraft>(slidesPrompt(count), material, DECK_REPLY, request.signal, 'slide deck');
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
    const warnings = deck.droppedImages.map((ref) => `Left out image ${ref}: no such image in the vault.`);
    return this.finish({
      title: `Slides: ${draft.title}`,
      files: [{ path: deckPath, content, reason: `slide deck from ${material.title}` }],
      summary: `Slide deck "${draft.title}" with ${deck.slideCount} slides → ${deckPath}`,
      usage,
      warnings,
      logDetails: [`${deck.slideCount} slides, theme ${theme}, from ${material.title}`],
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
    if (!drafted.ok) throw new RenderError('no_data', `No chart made: ${drafted.reason.replace(/\.$/, '')}. Nothing was written.`);
    const spec: ChartSpec = drafted.spec;
    const svg = renderChartSvg(spec);
    const [notePath, svgPath] = await this.freeNames(`${material.title} chart`, ['.md', '.svg']);
    const content = renderArticle(this.fields(material, spec.title, `${capitalize(spec.type)} chart: ${spec.title}.`, 'chart'), chartNoteBody(spec, svgPath, material.sources));
    return this.finish({
      title: `Chart: ${spec.title}`,
      files: [
        { path: notePath, content, reason: `chart note from ${material.title}` },
        { path: svgPath, content: svg, reason: `${spec.type} chart image` },
      ],
      summary: `${capitalize(spec.type)} chart "${spec.title}" → ${svgPath} (shown in ${notePath})`,
      usage,
      warnings: [],
      logDetails: [`${spec.type} chart from ${material.title}`],
    });
  }

  /**
   * A chart of a dataset: the model sees the profile and a sample and chooses the chart (type,
   * columns, aggregation, filters); every value is computed here from all the rows of the file.
   */
  async planDatasetChart(path: string, request: ChartRequest = {}): Promise<RenderResult> {
    const datasetPath = normalizeVaultPath(path);
    if ((await this.vault.stat(datasetPath)) === null) throw new RenderError('not_found', `No dataset at "${path}".`);
    const signal = request.signal;
    const profile = await profileDataset(this.vault, datasetPath, signal ? { signal } : {});
    if (isDatasetProblem(profile)) throw new RenderError(profile.problem === 'empty' ? 'no_content' : 'no_data', `No chart made: ${profile.message.replace(/\.$/, '')}. Nothing was written.`);
    if (profile.rows === 0) throw new RenderError('no_content', `"${datasetPath}" has no rows to chart.`);
    const title = basenameNoExt(datasetPath);
    const material: Material = {
      title,
      content: profileMarkdown(datasetPath, profile, this.maxInputChars),
      fromPath: datasetPath,
      sources: [{ path: datasetPath, title, hash: profile.hash }],
    };
    const { value: drafted, usage } = await this.draft<DatasetChartDraft>(datasetChartPrompt(request.type), material, datasetChartReply(profile, request.type), signal, 'chart');
    if (!drafted.ok) throw new RenderError('no_data', `No chart made: ${drafted.reason.replace(/\.$/, '')}. Nothing was written.`);
    const { spec, warnings } = await computeDatasetChart(this.vault, datasetPath, profile, drafted.request, signal ? { signal } : {});
    const svg = renderChartSvg(spec);
    const [notePath, svgPath] = await this.freeNames(`${title} chart`, ['.md', '.svg']);
    const content = renderArticle(this.fields(material, spec.title, `${capitalize(spec.type)} chart: ${spec.title}.`, 'chart'), chartNoteBody(spec, svgPath, material.sources));
    return this.finish({
      title: `Chart: ${spec.title}`,
      files: [
        { path: notePath, content, reason: `chart note from the dataset ${datasetPath}` },
        { path: svgPath, content: svg, reason: `${spec.type} chart image` },
      ],
      summary: `${capitalize(spec.type)} chart "${spec.title}" from ${datasetFact(profile)} → ${svgPath} (shown in ${notePath})`,
      usage,
      warnings,
      logDetails: [`${spec.type} chart from ${datasetPath}: ${spec.basis}`],
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
    const noun = draft.kind === 'timeline' ? 'timeline' : 'concept map';
    const [notePath] = await this.freeNames(`${material.title} ${noun}`, ['.md']);
    const content = renderArticle(this.fields(material, draft.title, `${capitalize(noun)} of ${material.title}.`, draft.kind === 'timeline' ? 'timeline' : 'concept-map'), diagramNoteBody(draft, material.sources));
    return this.finish({
      title: `Diagram: ${draft.title}`,
      files: [{ path: notePath, content, reason: `${noun} from ${material.title}` }],
      summary: `${capitalize(noun)} "${draft.title}" → ${notePath}`,
      usage,
      warnings: [],
      logDetails: [`${noun} from ${material.title}`],
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
      title: `Canvas: links of ${title}`,
      files: [{ path: canvasPath, content: stringifyCanvas(canvas), reason: `link map of ${notePath}` }],
      summary: `Canvas of ${title} with ${outLinks.length} out-link${outLinks.length === 1 ? '' : 's'} and ${back.length} backlink${back.length === 1 ? '' : 's'} → ${canvasPath}`,
      warnings: [],
      logDetails: [`${outLinks.length} out-links, ${back.length} backlinks`],
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
      const why = plan.problems.find((p) => refused.some((f) => f.path === p.subject))?.message ?? 'the writer refused it';
      throw new RenderError('invalid_draft', `Cannot write ${refused[0].path}: ${why}`);
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
    throw new RenderError('invalid_draft', `Too many outputs named "${name}" in ${this.outputsFolder}.`);
  }

  private async existingNote(path: string): Promise<string> {
    const clean = normalizeVaultPath(path);
    if ((await this.vault.stat(clean)) === null) {
      const withMd = `${clean}.md`;
      if (extname(clean) !== '.md' && (await this.vault.stat(withMd)) !== null) return withMd;
      throw new RenderError('not_found', `No note at "${path}".`);
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
      if (content === '') throw new RenderError('no_content', 'The answer is empty: there is nothing to render.');
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
      if (isDatasetProblem(profile)) throw new RenderError('no_content', `"${path}" cannot be read as a dataset: ${profile.message}`);
      const title = basenameNoExt(path);
      return { title, content: profileMarkdown(path, profile, this.maxInputChars), fromPath: path, sources: [{ path, title, hash: profile.hash }] };
    }
    const text = await this.vault.read(path);
    const note = parseNote(text);
    const title = oneLineTitle(fmString(note.frontmatter, 'title')) || basenameNoExt(path);
    const url = fmString(note.frontmatter, 'source');
    const content = source.kind === 'selection' ? source.text.trim() : note.body.trim();
    if (content === '') {
      throw new RenderError('no_content', source.kind === 'selection' ? 'The selection is empty: select some text first.' : `"${path}" has no text to render.`);
    }
    return {
      title: source.kind === 'selection' ? `${title} (selection)` : title,
      content,
      fromPath: path,
      sources: [{ path, title, hash: hashText(text), ...(url && /^https?:\/\//i.test(url) ? { url } : {}) }],
    };
  }

  private async draft<T>(system: string, material: Material, reply: ReplyShape<T>, signal: AbortSignal | undefined, what: string): Promise<{ value: T; usage: TokenUsage }> {
    if (!this.client) throw new RenderError('invalid_draft', `Making a ${what} needs a model: configure one in the settings.`);
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
        throw new RenderError('invalid_draft', `The model did not produce a usable ${what}, even after one repair. Nothing was written. ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}

function oneLineTitle(s: string | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
