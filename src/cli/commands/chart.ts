import { CHART_TYPES, type ChartType } from '../../core/render';
import { flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import { cliRenderer, finishRender, RENDER_DETAILS, RENDER_OPTIONS, renderSource } from './slides';

export const chartCommand: CliCommand = {
  name: 'chart',
  summary: 'Chart the numbers in a note, or a dataset (CSV, TSV, JSON, JSON Lines), as an SVG with a note stating the data, in wiki/outputs/',
  operands: 'NOTE|DATASET',
  options: [{ name: 'type', type: 'string', value: CHART_TYPES.join('|'), description: 'chart type (default: the model picks one that fits the data)' }, ...RENDER_OPTIONS],
  details: [
    RENDER_DETAILS,
    'DATASET is a .csv, .tsv, .json, .jsonl or .ndjson file in the vault ("raw/sales.csv"): the model sees its profile and first rows and chooses the columns and aggregation; every number is computed from all the rows of the file.',
    'Exit codes: 0 written, 1 no usable data or endpoint failure, 2 usage error.',
  ].join('\n'),
  async run(ctx) {
    const type = flagString(ctx.args, 'type');
    if (type !== undefined && !(CHART_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type must be one of ${CHART_TYPES.join(', ')}`);
    const source = await renderSource(ctx);
    const { renderer, writer } = await cliRenderer(ctx, true);
    return finishRender(ctx, writer, await renderer.planChart(source, type ? { type: type as ChartType } : {}));
  },
};
