import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { cliRenderer, finishRender, noteArgument } from './slides';

export const canvasCommand: CliCommand = {
  name: 'canvas',
  summary: "Map a note's out-links and backlinks as a JSON Canvas, in wiki/outputs/ (no model)",
  operands: 'NOTE',
  options: [{ name: 'dry-run', type: 'boolean', description: en['cli.option.render.dryRun'], descriptionKey: 'cli.option.render.dryRun' }],
  details: (t) => t('cli.details.canvas'),
  async run(ctx) {
    const note = await noteArgument(ctx, ctx.args.positional[0]);
    const { renderer, writer } = await cliRenderer(ctx, false);
    return finishRender(ctx, writer, await renderer.planCanvas(note));
  },
};
