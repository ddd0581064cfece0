import { tr } from '../../i18n';
import { replyShape, s, type Infer, type ReplyShape } from '../llm/schema';
import { line } from './draft-fields';

export const CHART_TYPES = ['bar', 'line', 'pie', 'scatter'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** A named list of values, one per category (bar, line, pie). */
export interface CategorySeries {
  name: string;
  values: number[];
}

export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
}

export interface ScatterSeries {
  name: string;
  points: ScatterPoint[];
}

export interface ChartCommon {
  title: string;
  /** Unit of the values ("%", "ms", "USD"), shown on the axis and in the table. */
  unit: string;
  xLabel: string;
  yLabel: string;
  /** Where the numbers are stated in the content, in a few words, for the note under the chart. */
  basis: string;
}

export interface CategoryChartSpec extends ChartCommon {
  type: 'bar' | 'line' | 'pie';
  labels: string[];
  series: CategorySeries[];
}

export interface ScatterChartSpec extends ChartCommon {
  type: 'scatter';
  series: ScatterSeries[];
}

export type ChartSpec = CategoryChartSpec | ScatterChartSpec;

/** The model's answer: a chart, or an explicit "there is nothing to chart". */
export type ChartDraft = { ok: true; spec: ChartSpec } | { ok: false; reason: string };

/** Limits that keep a chart readable and its SVG small. */
export const CHART_LIMITS = {
  maxSeries: 8,
  maxCategories: 40,
  maxPieSlices: 12,
  maxScatterPoints: 500,
} as const;

export const CHART_JSON_SHAPE = `{
  "type": "bar" | "line" | "pie" | "scatter",
  "title": "what the chart shows",
  "unit": "unit of the values, e.g. % or ms (optional)",
  "x_label": "axis label (optional)",
  "y_label": "axis label (optional)",
  "basis": "where in the text the numbers come from, in a few words",
  "labels": ["category 1", "category 2"],
  "series": [{ "name": "series name", "values": [1.5, 2] }]
}
For "scatter", give "series": [{ "name": "…", "points": [{ "x": 1, "y": 2, "label": "optional" }] }] and no "labels".
For "pie", give exactly one series of non-negative values.
If the text has no numbers worth charting, reply {"type": "none", "reason": "why"}.`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const value = s.number({ fromString: true });

const pointSchema = s.coerce(
  s.object({ x: value, y: value, label: s.optional(line(40)) }),
  // A point may come as an [x, y] pair.
  (raw) => (Array.isArray(raw) && raw.length >= 2 ? { x: raw[0] as unknown, y: raw[1] as unknown } : raw),
);

const seriesSchema = s.coerce(
  s.object({
    name: s.optional(line(60, { description: 'series name' })),
    values: s.optional(s.array(value, { single: true, description: 'one value per label (bar, line, pie)' })),
    points: s.optional(s.array(pointSchema, { description: 'the points (scatter)' })),
  }),
  // "data" is read as values when it holds numbers, else as points.
  (raw) => {
    if (!isRecord(raw) || raw.data === undefined || raw.values !== undefined || raw.points !== undefined) return raw;
    const data = Array.isArray(raw.data) ? raw.data : [raw.data];
    const numeric = data.every((d) => typeof d === 'number' || typeof d === 'string' || d === null);
    return { ...raw, [numeric ? 'values' : 'points']: raw.data };
  },
);

const chartSchema = s.coerce(
  s.object(
    {
      type: s.enumOf<ChartType | 'none'>([...CHART_TYPES, 'none'], {
        synonyms: { column: 'bar', area: 'line', donut: 'pie', doughnut: 'pie' },
        description: '"none" when the text has no numbers worth charting',
      }),
      title: s.optional(line(120, { nonEmpty: true, description: 'what the chart shows' })),
      reason: s.optional(line(300, { description: 'with type "none": why there is nothing to chart' })),
      unit: s.optional(line(24, { description: 'unit of the values, e.g. % or ms' })),
      x_label: s.optional(line(60)),
      y_label: s.optional(line(60)),
      basis: s.optional(line(200, { description: 'where in the text the numbers come from, in a few words' })),
      labels: s.optional(s.array(line(60, { nonEmpty: true }), { single: true, description: 'the categories (not for scatter)' })),
      series: s.optional(s.array(seriesSchema, { single: true, max: CHART_LIMITS.maxSeries })),
    },
    { aliases: { x_label: ['xLabel'], y_label: ['yLabel'], basis: ['source'], labels: ['categories'] } },
  ),
  // A reply with only a reason is the model saying there is nothing to chart.
  (raw) => (isRecord(raw) && (raw.type === undefined || raw.type === null || raw.type === '') && typeof raw.reason === 'string' && !('series' in raw) ? { ...raw, type: 'none' } : raw),
);

type ChartReply = Infer<typeof chartSchema>;

function common(v: ChartReply): ChartCommon {
  if (!v.title) throw new Error('title: missing');
  return { title: v.title, unit: v.unit ?? '', xLabel: v.x_label ?? '', yLabel: v.y_label ?? '', basis: v.basis ?? '' };
}

function seriesName(name: string | undefined, i: number, count: number): string {
  return name || (count === 1 ? '' : `Series ${i + 1}`);
}

function categorySeries(v: ChartReply, type: 'bar' | 'line' | 'pie'): ChartSpec {
  const labels = v.labels ?? [];
  if (labels.length === 0) throw new Error('labels: must list the categories (at least one)');
  const max = type === 'pie' ? CHART_LIMITS.maxPieSlices : CHART_LIMITS.maxCategories;
  if (labels.length > max) throw new Error(`labels: a ${type} chart takes at most ${max} categories, not ${labels.length}; group or pick the most important`);
  const seriesRaw = v.series ?? [];
  if (seriesRaw.length === 0) throw new Error('series: must hold at least one series of values');
  if (type === 'pie' && seriesRaw.length !== 1) throw new Error('series: a pie chart takes exactly one series');
  const series = seriesRaw.map((r, i) => {
    const values = r.values ?? [];
    if (values.length !== labels.length) {
      throw new Error(`series[${i}]: has ${values.length} values but there are ${labels.length} labels; give one value per label`);
    }
    return { name: seriesName(r.name, i, seriesRaw.length), values };
  });
  if (type === 'pie') {
    const values = series[0].values;
    if (values.some((n) => n < 0)) throw new Error('series[0]: a pie chart cannot show negative values');
    if (values.reduce((a, b) => a + b, 0) <= 0) throw new Error('series[0]: a pie chart needs values that add up to more than zero');
  }
  return { ...common(v), type, labels, series };
}

function scatterSeries(v: ChartReply): ChartSpec {
  const seriesRaw = v.series ?? [];
  if (seriesRaw.length === 0) throw new Error('series: must hold at least one series of points');
  let total = 0;
  const series = seriesRaw.map((r, i) => {
    const points = (r.points ?? []).map((p) => ({ x: p.x, y: p.y, ...(p.label ? { label: p.label } : {}) }));
    if (points.length === 0) throw new Error(`series[${i}]: has no points`);
    total += points.length;
    return { name: seriesName(r.name, i, seriesRaw.length), points };
  });
  if (total > CHART_LIMITS.maxScatterPoints) throw new Error(`series: at most ${CHART_LIMITS.maxScatterPoints} points, not ${total}`);
  return { ...common(v), type: 'scatter', series };
}

/**
 * The chart reply: its schema (sent as structured output) and its parse, which refuses data that
 * is unusable (missing, not finite, lengths that disagree, too large) with a message the model can
 * act on. A reply of type "none" is the model saying there is nothing to chart, which is an
 * answer, not a malformed reply. `want` forces a type.
 */
export function chartReply(want?: ChartType): ReplyShape<ChartDraft> {
  return replyShape('chart', chartSchema, (v): ChartDraft => {
    if (v.type === 'none') return { ok: false, reason: v.reason || tr('core.render.error.noNumbers') };
    if (want && v.type !== want) throw new Error(`type: a ${want} chart was asked for, not a ${v.type} chart`);
    return { ok: true, spec: v.type === 'scatter' ? scatterSeries(v) : categorySeries(v, v.type) };
  });
}

/** Reads the model's chart (see `chartReply`). */
export function parseChartDraft(value: unknown, want?: ChartType): ChartDraft {
  return chartReply(want).parse(value);
}
