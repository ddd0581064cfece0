import type { CategoryChartSpec, CategorySeries, ChartSpec, ScatterChartSpec, ScatterSeries } from './chart-spec';

/**
 * A small SVG renderer for the four chart types Scriptorium draws. Written here rather than taken
 * from Vega: vega + vega-lite add ~776 KB minified to a plugin that must also load on phones
 * (see docs/render.md for the measurement), and four chart types need a few hundred lines.
 *
 * The SVG is self-contained (no CSS, scripts or external fonts), so it looks the same embedded in
 * a note, opened on its own or exported. Each data mark carries `data-series`, `data-label` and
 * `data-value` and a `<title>` tooltip, which keeps the figure accessible and checkable.
 */

const WIDTH = 720;
const HEIGHT = 440;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const INK = '#1f2328';
const MUTED = '#59636e';
const GRID = '#d8dee4';
/** Okabe–Ito first (readable with colour blindness), then a few distinct extras for pies. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8C564B', '#000000', '#7F7F7F', '#BCBD22', '#17BECF', '#F0E442'];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** Escapes text for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Rounds away floating-point noise (0.1 + 0.2) without changing meaningful digits. */
function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/** "1.5k", "2M", "0.25": short labels for ticks. */
export function formatNumber(n: number): string {
  const a = Math.abs(n);
  const trim = (x: number) => String(clean(Number(x.toFixed(2))));
  if (a >= 1e12) return `${trim(n / 1e12)}T`;
  if (a >= 1e9) return `${trim(n / 1e9)}B`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e4) return `${trim(n / 1e3)}k`;
  if (a !== 0 && a < 0.01) return n.toExponential(1);
  return trim(n);
}

/** Evenly spaced round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  const first = Math.floor(lo / step) * step;
  const last = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step / 2; i++) ticks.push(clean(first + i * step));
  return ticks;
}

interface Scale {
  (value: number): number;
  ticks: number[];
}

function linearScale(min: number, max: number, from: number, to: number): Scale {
  const ticks = niceTicks(min, max);
  const d0 = ticks[0];
  const d1 = ticks[ticks.length - 1];
  const scale = ((v: number) => from + ((v - d0) / (d1 - d0)) * (to - from)) as Scale;
  scale.ticks = ticks;
  return scale;
}

function fixed(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
  return `<text x="${fixed(x)}" y="${fixed(y)}"${extra}>${xmlEscape(content)}</text>`;
}

/** Shortens a label to about `maxChars` characters, keeping whole code points. */
function shorten(label: string, maxChars: number): string {
  const chars = [...label];
  return chars.length <= maxChars ? label : `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…`;
}

function withUnit(value: number, unit: string): string {
  const v = String(value);
  if (!unit) return v;
  return unit === '%' ? `${v}%` : `${v} ${unit}`;
}

function axisTitle(label: string, unit: string): string {
  if (label && unit) return `${label} (${unit})`;
  return label || unit;
}

interface Frame {
  parts: string[];
  top: number;
}

function frame(spec: ChartSpec, height: number, legend: { name: string; color: string }[]): Frame {
  const parts = [
    `<rect class="background" width="${WIDTH}" height="${height}" rx="8" fill="#ffffff"/>`,
    text(WIDTH / 2, 30, shorten(spec.title, 80), { 'text-anchor': 'middle', 'font-size': 17, 'font-weight': 600, fill: INK, class: 'chart-title' }),
  ];
  let top = 52;
  if (legend.length > 0) {
    // One row of swatches, wrapped when it would run off the edge.
    let x = 24;
    let y = 52;
    for (const item of legend) {
      const label = shorten(item.name, 28);
      const w = 22 + label.length * 7 + 16;
      if (x + w > WIDTH - 24 && x > 24) {
        x = 24;
        y += 18;
      }
      parts.push(`<rect class="legend-swatch" x="${x}" y="${y - 9}" width="12" height="12" rx="2" fill="${item.color}"/>`);
      parts.push(text(x + 18, y + 1, label, { 'font-size': 12, fill: INK, class: 'legend-label' }));
      x += w;
    }
    top = y + 18;
  }
  return { parts, top };
}

function svgDocument(spec: ChartSpec, height: number, body: string[], description: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="chart-title chart-desc" font-family="${xmlEscape(FONT)}" data-chart-type="${spec.type}">`,
    `<title id="chart-title">${xmlEscape(spec.title)}</title>`,
    `<desc id="chart-desc">${xmlEscape(description)}</desc>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function markAttrs(series: string, label: string, value: number): string {
  return `data-series="${xmlEscape(series)}" data-label="${xmlEscape(label)}" data-value="${value}"`;
}

function tooltip(series: string, label: string, value: number, unit: string): string {
  return `<title>${xmlEscape(`${series ? `${series} — ` : ''}${label}: ${withUnit(value, unit)}`)}</title>`;
}

function yAxis(parts: string[], scale: Scale, left: number, right: number, spec: ChartSpec, plotTop: number, plotBottom: number): void {
  for (const t of scale.ticks) {
    const y = scale(t);
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${fixed(y)}" y2="${fixed(y)}" stroke="${t === 0 ? MUTED : GRID}" stroke-width="1"/>`);
    parts.push(text(left - 8, y + 4, formatNumber(t), { 'text-anchor': 'end', 'font-size': 11, fill: MUTED, class: 'tick' }));
  }
  const title = axisTitle(spec.yLabel, spec.unit);
  if (title) {
    const mid = (plotTop + plotBottom) / 2;
    parts.push(text(16, mid, shorten(title, 50), { 'text-anchor': 'middle', 'font-size': 12, fill: MUTED, transform: `rotate(-90 16 ${fixed(mid)})`, class: 'axis-title' }));
  }
}

function categoryChart(spec: CategoryChartSpec): string {
  const series: CategorySeries[] = spec.series;
  const legend = series.length > 1 ? series.map((s, i) => ({ name: s.name, color: seriesColor(i) })) : [];
  const { parts, top } = frame(spec, HEIGHT, legend);
  const n = spec.labels.length;
  const left = 72;
  const right = WIDTH - 24;
  const band = (right - left) / n;
  const longest = Math.max(...spec.labels.map((l) => [...l].length));
  const rotate = longest * 6.5 > band - 4;
  const xTitle = spec.xLabel ? 22 : 0;
  const plotBottom = HEIGHT - (rotate ? 92 : 40) - xTitle;
  const plotTop = top + 8;
  const values = series.flatMap((s) => s.values);
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (spec.type === 'bar') {
    // Bars are read by their length, so zero is always on the axis.
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  const y = linearScale(min, max, plotBottom, plotTop);
  yAxis(parts, y, left, right, spec, plotTop, plotBottom);

  spec.labels.forEach((label, i) => {
    const cx = left + band * (i + 0.5);
    const shown = rotate ? shorten(label, 16) : shorten(label, Math.max(3, Math.floor(band / 7)));
    parts.push(
      rotate
        ? text(cx, plotBottom + 14, shown, { 'text-anchor': 'end', 'font-size': 11, fill: INK, transform: `rotate(-40 ${fixed(cx)} ${fixed(plotBottom + 14)})`, class: 'category' })
        : text(cx, plotBottom + 18, shown, { 'text-anchor': 'middle', 'font-size': 11, fill: INK, class: 'category' }),
    );
  });
  if (spec.xLabel) parts.push(text((left + right) / 2, HEIGHT - 14, shorten(spec.xLabel, 60), { 'text-anchor': 'middle', 'font-size': 12, fill: MUTED, class: 'axis-title' }));

  if (spec.type === 'bar') {
    const groupWidth = band * 0.8;
    const barWidth = groupWidth / series.length;
    const zero = y(Math.max(y.ticks[0], Math.min(0, y.ticks[y.ticks.length - 1])));
    series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        const x = left + band * i + (band - groupWidth) / 2 + barWidth * si;
        const yv = y(v);
        const yTop = Math.min(yv, zero);
        const h = Math.abs(zero - yv);
        parts.push(
          `<rect class="mark bar" ${markAttrs(s.name, spec.labels[i], v)} x="${fixed(x + 1)}" y="${fixed(yTop)}" width="${fixed(Math.max(1, barWidth - 2))}" height="${fixed(h)}" fill="${seriesColor(si)}">${tooltip(s.name, spec.labels[i], v, spec.unit)}</rect>`,
        );
      });
    });
  } else {
    series.forEach((s, si) => {
      const points = s.values.map((v, i) => [left + band * (i + 0.5), y(v)] as const);
      parts.push(`<polyline class="line" fill="none" stroke="${seriesColor(si)}" stroke-width="2.5" stroke-linejoin="round" points="${points.map(([px, py]) => `${fixed(px)},${fixed(py)}`).join(' ')}"/>`);
      s.values.forEach((v, i) => {
        parts.push(
          `<circle class="mark point" ${markAttrs(s.name, spec.labels[i], v)} cx="${fixed(points[i][0])}" cy="${fixed(points[i][1])}" r="4" fill="${seriesColor(si)}" stroke="#ffffff" stroke-width="1.5">${tooltip(s.name, spec.labels[i], v, spec.unit)}</circle>`,
        );
      });
    });
  }
  return svgDocument(spec, HEIGHT, parts, describeCategories(spec));
}

function describeCategories(spec: CategoryChartSpec): string {
  const kind = spec.type === 'bar' ? 'Bar chart' : spec.type === 'line' ? 'Line chart' : 'Pie chart';
  const series = spec.series.map((s) => `${s.name ? `${s.name}: ` : ''}${s.values.map((v, i) => `${spec.labels[i]} ${withUnit(v, spec.unit)}`).join(', ')}`);
  return `${kind}. ${series.join('; ')}.`;
}

function pieChart(spec: CategoryChartSpec): string {
  const height = 400;
  const values = spec.series[0].values;
  const total = values.reduce((a, b) => a + b, 0);
  const { parts, top } = frame(spec, height, []);
  const cy = (top + height) / 2;
  const r = Math.min((height - top - 24) / 2, 150);
  const cx = 24 + r + 16;
  const name = spec.series[0].name;
  let angle = -Math.PI / 2;
  values.forEach((v, i) => {
    const share = v / total;
    const label = spec.labels[i];
    if (v > 0) {
      if (share >= 1 - 1e-9) {
        parts.push(`<circle class="mark slice" ${markAttrs(name, label, v)} cx="${fixed(cx)}" cy="${fixed(cy)}" r="${fixed(r)}" fill="${seriesColor(i)}">${tooltip(name, label, v, spec.unit)}</circle>`);
      } else {
        const end = angle + share * 2 * Math.PI;
        const large = share > 0.5 ? 1 : 0;
        const d = `M ${fixed(cx)} ${fixed(cy)} L ${fixed(cx + r * Math.cos(angle))} ${fixed(cy + r * Math.sin(angle))} A ${fixed(r)} ${fixed(r)} 0 ${large} 1 ${fixed(cx + r * Math.cos(end))} ${fixed(cy + r * Math.sin(end))} Z`;
        parts.push(`<path class="mark slice" ${markAttrs(name, label, v)} d="${d}" fill="${seriesColor(i)}" stroke="#ffffff" stroke-width="1.5">${tooltip(name, label, v, spec.unit)}</path>`);
        angle = end;
      }
    }
  });
  // Legend on the right with shares, since small slices have no room for labels.
  const lx = cx + r + 40;
  const rowHeight = Math.min(24, (height - top - 16) / values.length);
  values.forEach((v, i) => {
    const ly = top + 16 + rowHeight * i;
    const pct = `${clean(Number(((v / total) * 100).toFixed(1)))}%`;
    parts.push(`<rect class="legend-swatch" x="${fixed(lx)}" y="${fixed(ly - 10)}" width="12" height="12" rx="2" fill="${seriesColor(i)}"/>`);
    parts.push(text(lx + 20, ly, `${shorten(spec.labels[i], 34)} — ${pct} (${withUnit(v, spec.unit)})`, { 'font-size': 12, fill: INK, class: 'legend-label' }));
  });
  return svgDocument(spec, height, parts, describeCategories(spec));
}

function scatterChart(spec: ScatterChartSpec): string {
  const series: ScatterSeries[] = spec.series;
  const legend = series.length > 1 ? series.map((s, i) => ({ name: s.name, color: seriesColor(i) })) : [];
  const { parts, top } = frame(spec, HEIGHT, legend);
  const left = 72;
  const right = WIDTH - 24;
  const plotTop = top + 8;
  const plotBottom = HEIGHT - 40 - (spec.xLabel ? 22 : 0);
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  // A little room around the extremes, so no point sits on the frame.
  const padded = (v: number[]) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad] as const;
  };
  const x = linearScale(...padded(xs), left, right);
  const y = linearScale(...padded(ys), plotBottom, plotTop);
  yAxis(parts, y, left, right, spec, plotTop, plotBottom);
  for (const t of x.ticks) {
    parts.push(`<line class="grid" x1="${fixed(x(t))}" x2="${fixed(x(t))}" y1="${fixed(plotTop)}" y2="${fixed(plotBottom)}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(text(x(t), plotBottom + 18, formatNumber(t), { 'text-anchor': 'middle', 'font-size': 11, fill: MUTED, class: 'tick' }));
  }
  if (spec.xLabel) parts.push(text((left + right) / 2, HEIGHT - 14, shorten(spec.xLabel, 60), { 'text-anchor': 'middle', 'font-size': 12, fill: MUTED, class: 'axis-title' }));
  const total = series.reduce((a, s) => a + s.points.length, 0);
  series.forEach((s, si) => {
    for (const p of s.points) {
      const label = p.label ?? `(${p.x}, ${p.y})`;
      parts.push(
        `<circle class="mark point" ${markAttrs(s.name, label, p.y)} data-x="${p.x}" cx="${fixed(x(p.x))}" cy="${fixed(y(p.y))}" r="4.5" fill="${seriesColor(si)}" fill-opacity="0.85">${tooltip(s.name, label, p.y, spec.unit)}</circle>`,
      );
      // Point labels only when few enough to stay legible.
      if (p.label && total <= 30) {
        const nearRight = x(p.x) > right - 120;
        parts.push(text(x(p.x) + (nearRight ? -7 : 7), y(p.y) - 6, shorten(p.label, 24), { 'font-size': 10, fill: INK, 'text-anchor': nearRight ? 'end' : 'start', class: 'point-label' }));
      }
    }
  });
  const description = `Scatter plot. ${series.map((s) => `${s.name ? `${s.name}: ` : ''}${s.points.map((p) => `${p.label ? `${p.label} ` : ''}(${p.x}, ${p.y})`).join(', ')}`).join('; ')}.`;
  return svgDocument(spec, HEIGHT, parts, description);
}

/** The chart as a standalone SVG document. The spec must come from `parseChartDraft`. */
export function renderChartSvg(spec: ChartSpec): string {
  switch (spec.type) {
    case 'bar':
    case 'line':
      return categoryChart(spec);
    case 'pie':
      return pieChart(spec);
    case 'scatter':
      return scatterChart(spec);
  }
}
