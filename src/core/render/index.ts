/**
 * Render: Marp slide decks, SVG charts, Mermaid diagrams and JSON Canvas link maps, written into
 * the wiki's outputs folder through a change plan.
 *
 * ```ts
 * const renderer = new OutputRenderer({ vault, writer, clock, client });
 * const result = await renderer.planSlides({ kind: 'note', path: 'wiki/concepts/Dropck.md' }, { slides: 6, theme: 'gaia' });
 * await writer.apply(result.plan);   // or show result.plan in the preview first
 * ```
 */
export { OutputRenderer } from './output-renderer';
export type { OutputRendererOptions, RenderSource, RenderResult, SlidesRequest, ChartRequest, DiagramRequest, RenderCall } from './output-renderer';
export { RenderError } from './render-error';
export type { RenderErrorKind } from './render-error';
export { buildMarpDeck, MARP_THEMES } from './marp-deck';
export type { MarpTheme, MarpDeck, MarpDeckInput, DeckSource } from './marp-deck';
export { parseDeckDraft, DECK_REPLY, MAX_BULLETS, MAX_SLIDES } from './deck-draft';
export type { DeckDraft, DraftSlide } from './deck-draft';
export { parseChartDraft, chartReply, CHART_TYPES, CHART_LIMITS } from './chart-spec';
export type { ChartSpec, ChartDraft, ChartType, CategoryChartSpec, ScatterChartSpec } from './chart-spec';
export { renderChartSvg, niceTicks, formatNumber } from './svg-chart';
export { parseDiagramDraft, diagramReply, toMermaid, DIAGRAM_KINDS } from './mermaid-diagram';
export type { DiagramDraft, DiagramKind, ConceptMap, Timeline } from './mermaid-diagram';
export { neighbourhoodCanvas, stringifyCanvas } from './json-canvas';
export type { JsonCanvas, CanvasNode, CanvasEdge, Neighbourhood } from './json-canvas';
export { convertSlideLinks, relativePath } from './slide-text';
