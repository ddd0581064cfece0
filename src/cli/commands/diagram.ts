import { DIAGRAM_KINDS, type DiagramKind } from '../../core/render';
import { flagString, UsageError } from '../args';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { cliRenderer, finishRender, RENDER_DETAILS, RENDER_OPTIONS, renderSource } from './slides';

export const diagramCommand: CliCommand = {
  name: 'diagram',
  summary: 'Draw a concept map or timeline of a note as a Mermaid diagram, in wiki/outputs/',
  operands: 'NOTE',
  options: [{ name: 'kind', type: 'string', value: DIAGRAM_KINDS.join('|'), description: en['cli.option.diagram.kind'], descriptionKey: 'cli.option.diagram.kind' }, ...RENDER_OPTIONS],
  details: RENDER_DETAILS,
  async run(ctx) {
    const kind = flagString(ctx.args, 'kind');
    if (kind !== undefined && !(DIAGRAM_KINDS as readonly string[]).includes(kind)) throw new UsageError(ctx.t('cli.render.badDiagramKind', { kinds: DIAGRAM_KINDS.join(', ') }));
    const source = await renderSource(ctx);
    const { renderer, writer } = await cliRenderer(ctx, true);
    return finishRender(ctx, writer, await renderer.planDiagram(source, kind ? { kind: kind as DiagramKind } : {}));
  },
};
