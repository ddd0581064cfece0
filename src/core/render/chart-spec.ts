import { asList, asRecord, finiteNumber, oneLine, requiredLine } from './draft-fields';

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

function common(raw: Record<string, unknown>): ChartCommon {
  return {
    title: requiredLine(raw.title, '"title"', 120),
    unit: oneLine(raw.unit, 24),
    xLabel: oneLine(raw.x_label ?? raw.xLabel, 60),
    yLabel: oneLine(raw.y_label ?? raw.yLabel, 60),
    basis: oneLine(raw.basis ?? raw.source, 200),
  };
}

function categorySeries(raw: Record<string, unknown>, type: 'bar' | 'line' | 'pie'): ChartSpec {
  const labels = asList(raw.labels ?? raw.categories).map((l, i) => requiredLine(l, `labels[${i}]`, 60));
  if (labels.length === 0) throw new Error('"labels" must list the categories (at least one)');
  const max = type === 'pie' ? CHART_LIMITS.maxPieSlices : CHART_LIMITS.maxCategories;
  if (labels.length > max) throw new Error(`a ${type} chart takes at most ${max} categories, not ${labels.length}; group or pick the most important`);
  const seriesRaw = asList(raw.series);
  if (seriesRaw.length === 0) throw new Error('"series" must hold at least one series of values');
  if (seriesRaw.length > CHART_LIMITS.maxSeries) throw new Error(`at most ${CHART_LIMITS.maxSeries} series, not ${seriesRaw.length}`);
  if (type === 'pie' && seriesRaw.length !== 1) throw new Error('a pie chart takes exactly one series');
  const series = seriesRaw.map((s, i) => {
    const r = asRecord(s, `series[${i}]`);
    const values = asList(r.values ?? r.data).map((v, j) => finiteNumber(v, `series[${i}].values[${j}]`));
    if (values.length !== labels.length) {
      throw new Error(`series[${i}] has ${values.length} values but there are ${labels.length} labels; give one value per label`);
    }
    return { name: oneLine(r.name, 60) || (seriesRaw.length === 1 ? '' : `Series ${i + 1}`), values };
  });
  if (type === 'pie') {
    const values = series[0].values;
    if (values.some((v) => v < 0)) throw new Error('a pie chart cannot show negative values');
    if (values.reduce((a, b) => a + b, 0) <= 0) throw new Error('a pie chart needs values that add up to more than zero');
  }
  return { ...common(raw), type, labels, series };
}

function scatterSeries(raw: Record<string, unknown>): ChartSpec {
  const seriesRaw = asList(raw.series);
  if (seriesRaw.length === 0) throw new Error('"series" must hold at least one series of points');
  if (seriesRaw.length > CHART_LIMITS.maxSeries) throw new Error(`at most ${CHART_LIMITS.maxSeries} series, not ${seriesRaw.length}`);
  let total = 0;
  const series = seriesRaw.map((s, i) => {
    const r = asRecord(s, `series[${i}]`);
    const points = asList(r.points ?? r.data).map((p, j) => {
      const what = `series[${i}].points[${j}]`;
      if (Array.isArray(p) && p.length >= 2) return { x: finiteNumber(p[0], `${what}[0]`), y: finiteNumber(p[1], `${what}[1]`) };
      const pr = asRecord(p, what);
      const label = oneLine(pr.label, 40);
      return { x: finiteNumber(pr.x, `${what}.x`), y: finiteNumber(pr.y, `${what}.y`), ...(label ? { label } : {}) };
    });
    if (points.length === 0) throw new Error(`series[${i}] has no points`);
    total += points.length;
    return { name: oneLine(r.name, 60) || (seriesRaw.length === 1 ? '' : `Series ${i + 1}`), points };
  });
  if (total > CHART_LIMITS.maxScatterPoints) throw new Error(`at most ${CHART_LIMITS.maxScatterPoints} points, not ${total}`);
  return { ...common(raw), type: 'scatter', series };
}

/**
 * Reads the model's chart; throws with a message the model can act on when the data is unusable
 * (missing, not finite, lengths that disagree, too large). A reply of type "none" is the model
 * saying there is nothing to chart, which is an answer, not a malformed reply. `want` forces a type.
 */
export function parseChartDraft(value: unknown, want?: ChartType): ChartDraft {
  const raw = asRecord(value, 'The chart');
  const type = typeof raw.type === 'string' ? raw.type.trim().toLowerCase() : '';
  if (type === 'none' || (type === '' && typeof raw.reason === 'string' && !('series' in raw))) {
    return { ok: false, reason: oneLine(raw.reason, 300) || 'the model found no numbers to chart' };
  }
  const normalized = type === 'column' ? 'bar' : type === 'area' ? 'line' : type === 'donut' || type === 'doughnut' ? 'pie' : type;
  if (!(CHART_TYPES as readonly string[]).includes(normalized)) {
    throw new Error(`"type" must be one of ${CHART_TYPES.join(', ')} (or "none"), not ${JSON.stringify(raw.type) ?? 'missing'}`);
  }
  if (want && normalized !== want) throw new Error(`a ${want} chart was asked for, not a ${normalized} chart`);
  const spec = normalized === 'scatter' ? scatterSeries(raw) : categorySeries(raw, normalized as 'bar' | 'line' | 'pie');
  return { ok: true, spec };
}

