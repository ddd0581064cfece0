import { DIAGRAM_KINDS, type DiagramKind } from '../../core/render';
import { flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import { cliRenderer, finishRender, RENDER_COMMON_USAGE, renderSource } from './slides';

export const diagramCommand: CliCommand = {
  name: 'diagram',
  summary: 'Draw a concept map or timeline of a note as a Mermaid diagram, in wiki/outputs/',
  usage: [
    'scriptorium diagram --vault DIR [--kind concept-map|timeline] [--dry-run] [--json] NOTE',
    '',
    '  --kind NAME    diagram kind (default: the model picks)',
    RENDER_COMMON_USAGE,
  ].join('\n'),
  async run(ctx) {
    const kind = flagString(ctx.args, 'kind');
    if (kind !== undefined && !(DIAGRAM_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${DIAGRAM_KINDS.join(', ')}`);
    const source = await renderSource(ctx);
    const { renderer, writer } = await cliRenderer(ctx, true);
    return finishRender(ctx, writer, await renderer.planDiagram(source, kind ? { kind: kind as DiagramKind } : {}));
  },
};
