import { formatNumber, niceTicks, parseChartDraft, renderChartSvg, type ChartSpec } from '../../../src/core/render';
import { marks, parseSvg } from './support/svg-check';

function chart(value: Record<string, unknown>): { svg: string; root: SVGSVGElement; spec: ChartSpec } {
  const draft = parseChartDraft(value);
  if (!draft.ok) throw new Error('expected a chart');
  const svg = renderChartSvg(draft.spec);
  return { svg, root: parseSvg(svg), spec: draft.spec };
}

describe('renderChartSvg', () => {
  it('draws one bar per value and series, with heights proportional to the values and zero as baseline', () => {
    const { root } = chart({ type: 'bar', title: 'T', labels: ['a', 'b', 'c'], series: [{ name: 'x', values: [10, 20, -10] }, { name: 'y', values: [5, 0, 15] }] });
    const bars = marks(root, 'rect.mark.bar');
    expect(bars.map((b) => `${b.series}/${b.label}=${b.value}`)).toEqual(['x/a=10', 'x/b=20', 'x/c=-10', 'y/a=5', 'y/b=0', 'y/c=15']);
    const h = (i: number) => Number(bars[i].el.getAttribute('height'));
    const y = (i: number) => Number(bars[i].el.getAttribute('y'));
    expect(h(1)).toBeCloseTo(2 * h(0), 1);
    expect(h(2)).toBeCloseTo(h(0), 1);
    // The negative bar hangs below the baseline where the positive one ends.
    expect(y(2)).toBeCloseTo(y(0) + h(0), 1);
    // A legend entry per series.
    expect([...root.querySelectorAll('.legend-label')].map((e) => e.textContent)).toEqual(['x', 'y']);
  });

  it('draws a line per series with a point per value, higher values higher up', () => {
    const { root } = chart({ type: 'line', title: 'T', labels: ['2019', '2020', '2021'], series: [{ name: 'r', values: [1, 3, 2] }] });
    expect(root.querySelectorAll('polyline.line')).toHaveLength(1);
    const points = marks(root, 'circle.mark.point');
    expect(points.map((p) => p.value)).toEqual([1, 3, 2]);
    const cy = points.map((p) => Number(p.el.getAttribute('cy')));
    expect(cy[1]).toBeLessThan(cy[2]);
    expect(cy[2]).toBeLessThan(cy[0]);
  });

  it('draws pie slices for positive values and a full circle for a single one', () => {
    const { root } = chart({ type: 'pie', title: 'T', labels: ['a', 'b', 'c'], series: [{ values: [3, 0, 1] }] });
    expect(marks(root, '.mark.slice').map((m) => m.label)).toEqual(['a', 'c']);
    expect([...root.querySelectorAll('.legend-label')].map((e) => e.textContent)).toEqual(['a — 75% (3)', 'b — 0% (0)', 'c — 25% (1)']);
    const single = chart({ type: 'pie', title: 'T', labels: ['all'], series: [{ values: [7] }] }).root;
    expect(single.querySelectorAll('circle.mark.slice')).toHaveLength(1);
  });

  it('draws scatter points inside the plot area', () => {
    const { root } = chart({ type: 'scatter', title: 'T', series: [{ name: 's', points: [{ x: 0, y: 0 }, { x: 10, y: 100, label: 'far' }] }] });
    const pts = marks(root, 'circle.mark.point');
    expect(pts.map((p) => [p.el.getAttribute('data-x'), p.value])).toEqual([
      ['0', 0],
      ['10', 100],
    ]);
    for (const p of pts) {
      const cx = Number(p.el.getAttribute('cx'));
      expect(cx).toBeGreaterThan(72);
      expect(cx).toBeLessThan(720 - 24);
    }
  });

  it('escapes text so hostile labels stay text', () => {
    const { svg, root } = chart({ type: 'bar', title: '<script>alert(1)</script> & "q"', labels: ['<b>', "it's"], series: [{ name: 'a&b', values: [1, 2] }] });
    expect(root.querySelector('script')).toBeNull();
    expect(root.querySelector('title')?.textContent).toBe('<script>alert(1)</script> & "q"');
    expect(marks(root, 'rect.mark.bar').map((b) => b.label)).toEqual(['<b>', "it's"]);
    expect(svg).not.toContain('<b>');
  });

  it('states the data in its accessible description', () => {
    const { root } = chart({ type: 'bar', title: 'T', unit: '%', labels: ['a', 'b'], series: [{ values: [1, 2] }] });
    expect(root.querySelector('desc')?.textContent).toBe('Bar chart. a 1%, b 2%.');
  });
});

describe('niceTicks and formatNumber', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-3, 7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(0.1, 0.3)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(5, 5)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('writes large and small numbers compactly', () => {
    expect([formatNumber(1_500_000), formatNumber(12_000), formatNumber(999), formatNumber(0.25), formatNumber(0.001)]).toEqual(['1.5M', '12k', '999', '0.25', '1.0e-3']);
  });
});
