import { articleLink } from '../plan';
import type { ChartSpec } from './chart-spec';
import type { DiagramDraft } from './mermaid-diagram';
import { toMermaid } from './mermaid-diagram';

/** A note an output was made from, as the output notes cite it. */
export interface CitedSource {
  path: string;
  title: string;
}

/** A table cell: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

function sourceLine(sources: CitedSource[]): string {
  if (sources.length === 0) return 'Source: a chat answer.';
  return `Source: ${sources.map((s) => articleLink(s.path, s.title)).join(', ')}.`;
}

/** The data behind a chart as a markdown table, so the numbers stay readable and searchable. */
export function chartTable(spec: ChartSpec): string {
  const unit = spec.unit ? ` (${spec.unit})` : '';
  if (spec.type === 'scatter') {
    const x = spec.xLabel || 'x';
    const y = `${spec.yLabel || 'y'}${unit}`;
    const multi = spec.series.length > 1;
    const head = multi ? `| Series | Point | ${cell(x)} | ${cell(y)} |\n|---|---|---:|---:|` : `| Point | ${cell(x)} | ${cell(y)} |\n|---|---:|---:|`;
    const rows = spec.series.flatMap((s) =>
      s.points.map((p, i) => `| ${multi ? `${cell(s.name)} | ` : ''}${cell(p.label ?? String(i + 1))} | ${p.x} | ${p.y} |`),
    );
    return [head, ...rows].join('\n');
  }
  const names = spec.series.map((s, i) => cell(s.name || (spec.series.length === 1 ? spec.yLabel || 'Value' : `Series ${i + 1}`)) + unit);
  const head = `| ${cell(spec.xLabel || 'Category')} | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|`;
  const rows = spec.labels.map((label, i) => `| ${cell(label)} | ${spec.series.map((s) => String(s.values[i])).join(' | ')} |`);
  return [head, ...rows].join('\n');
}

/** The note next to a chart's SVG: the picture, the data as a table, and where it came from. */
export function chartNoteBody(spec: ChartSpec, svgPath: string, sources: CitedSource[]): string {
  const lines = [`# ${spec.title}`, '', `![[${svgPath}]]`, ''];
  if (spec.basis) lines.push(`The numbers come from ${spec.basis.replace(/\.$/, '')}.`, '');
  lines.push('## Data', '', chartTable(spec), '', sourceLine(sources), '');
  return lines.join('\n');
}

/** The note holding a diagram: the Mermaid block Obsidian draws, then the same content as text. */
export function diagramNoteBody(draft: DiagramDraft, sources: CitedSource[]): string {
  const lines = [`# ${draft.title}`, '', '```mermaid', toMermaid(draft), '```', '', '## Outline', ''];
  if (draft.kind === 'timeline') {
    for (const e of draft.events) lines.push(`- **${e.when}**: ${e.what.join('; ')}`);
  } else {
    const label = new Map(draft.nodes.map((n) => [n.id, n.label]));
    for (const e of draft.edges) lines.push(`- ${label.get(e.from) ?? e.from} → ${e.label ? `${e.label} → ` : ''}${label.get(e.to) ?? e.to}`);
  }
  lines.push('', sourceLine(sources), '');
  return lines.join('\n');
}
