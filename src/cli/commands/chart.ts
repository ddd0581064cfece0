import { CHART_TYPES, type ChartType } from '../../core/render';
import { flagString, UsageError } from '../args';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { cliRenderer, finishRender, RENDER_DETAILS, RENDER_OPTIONS, renderSource } from './slides';

export const chartCommand: CliCommand = {
  name: 'chart',
  summary: 'Chart the numbers in a note, or a dataset (CSV, TSV, JSON, JSON Lines), as an SVG with a note stating the data, in wiki/outputs/',
  operands: 'NOTE|DATASET',
  options: [{ name: 'type', type: 'string', value: CHART_TYPES.join('|'), description: en['cli.option.chart.type'], descriptionKey: 'cli.option.chart.type' }, ...RENDER_OPTIONS],
  details: (t) => `${RENDER_DETAILS(t)}\n${t('cli.details.chart')}`,
  async run(ctx) {
    const type = flagString(ctx.args, 'type');
    if (type !== undefined && !(CHART_TYPES as readonly string[]).includes(type)) throw new UsageError(ctx.t('cli.render.badChartType', { types: CHART_TYPES.join(', ') }));
    const source = await renderSource(ctx);
    const { renderer, writer } = await cliRenderer(ctx, true);
    return finishRender(ctx, writer, await renderer.planChart(source, type ? { type: type as ChartType } : {}));
  },
};
