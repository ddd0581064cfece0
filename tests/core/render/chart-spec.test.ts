import { CHART_LIMITS, parseChartDraft, type ChartSpec } from '../../../src/core/render';

function spec(value: unknown): ChartSpec {
  const draft = parseChartDraft(value);
  if (!draft.ok) throw new Error(`expected a chart, got "no data": ${draft.reason}`);
  return draft.spec;
}

const bar = { type: 'bar', title: 'T', labels: ['a', 'b'], series: [{ name: 's', values: [1, 2] }] };

describe('parseChartDraft', () => {
  it('reads a category chart, accepting plain numeric strings and common type synonyms', () => {
    const s = spec({ ...bar, type: 'Column', unit: '%', series: [{ name: 's', values: ['1.5', -2] }] });
    expect(s).toMatchObject({ type: 'bar', unit: '%', labels: ['a', 'b'], series: [{ name: 's', values: [1.5, -2] }] });
  });

  it('reads scatter points given as objects or pairs', () => {
    const s = spec({ type: 'scatter', title: 'T', series: [{ name: 'p', points: [{ x: 1, y: 2, label: 'one' }, [3, '4']] }] });
    expect(s.type === 'scatter' && s.series[0].points).toEqual([{ x: 1, y: 2, label: 'one' }, { x: 3, y: 4 }]);
  });

  it('treats type "none" as the model saying there is nothing to chart', () => {
    expect(parseChartDraft({ type: 'none', reason: 'No figures.' })).toEqual({ ok: false, reason: 'No figures.' });
  });

  it.each([
    [{ ...bar, type: 'radar' }, 'type: expected one of "bar", "line", "pie", "scatter", "none", not "radar"'],
    [{ ...bar, title: '' }, 'title: expected a non-empty string'],
    [{ ...bar, labels: [] }, 'labels: must list the categories'],
    [{ ...bar, series: [] }, 'series: must hold at least one series'],
    [{ ...bar, series: [{ values: [1] }] }, 'series[0]: has 1 values but there are 2 labels'],
    [{ ...bar, series: [{ values: [1, '12%'] }] }, 'series[0].values[1]: expected a number, not "12%"'],
    [{ ...bar, series: [{ values: [1, '1,234'] }] }, 'series[0].values[1]: expected a number, not "1,234"'],
    [{ ...bar, series: [{ values: [1, null] }] }, 'series[0].values[1]: expected a number, not null'],
    [{ ...bar, series: [{ values: [1, 1e400] }] }, 'series[0].values[1]: expected a finite number'],
    [{ ...bar, type: 'pie', series: [{ values: [1, -1] }] }, 'cannot show negative values'],
    [{ ...bar, type: 'pie', series: [{ values: [0, 0] }] }, 'add up to more than zero'],
    [{ ...bar, type: 'pie', series: [{ values: [1, 1] }, { values: [1, 1] }] }, 'exactly one series'],
    [{ type: 'scatter', title: 'T', series: [{ points: [] }] }, 'series[0]: has no points'],
    [{ type: 'scatter', title: 'T', series: [{ points: [{ x: 'a', y: 1 }] }] }, 'series[0].points[0].x: expected a number, not "a"'],
    ['just text', 'the reply: expected an object, not "just text"'],
  ])('refuses %j with a message the model can act on', (value, message) => {
    expect(() => parseChartDraft(value)).toThrow(message);
  });

  it('bounds the size of the data', () => {
    const labels = Array.from({ length: CHART_LIMITS.maxCategories + 1 }, (_, i) => `c${i}`);
    expect(() => parseChartDraft({ ...bar, labels, series: [{ values: labels.map(() => 1) }] })).toThrow(`at most ${CHART_LIMITS.maxCategories} categories`);
    const series = Array.from({ length: CHART_LIMITS.maxSeries + 1 }, () => ({ values: [1, 2] }));
    expect(() => parseChartDraft({ ...bar, series })).toThrow(`series: expected at most ${CHART_LIMITS.maxSeries} items`);
    const points = Array.from({ length: CHART_LIMITS.maxScatterPoints + 1 }, (_, i) => ({ x: i, y: i }));
    expect(() => parseChartDraft({ type: 'scatter', title: 'T', series: [{ points }] })).toThrow(`at most ${CHART_LIMITS.maxScatterPoints} points`);
  });

  it('refuses a type other than the one asked for', () => {
    expect(() => parseChartDraft(bar, 'line')).toThrow('a line chart was asked for, not a bar chart');
  });
});
