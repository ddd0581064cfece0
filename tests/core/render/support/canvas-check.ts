/**
 * Validates a document against the JSON Canvas 1.0 spec (https://jsoncanvas.org/spec/1.0/):
 * top-level `nodes` and `edges` arrays; nodes with a unique string id, a known type, integer
 * x/y/width/height and the fields their type requires; edges with a unique id, endpoints that are
 * node ids, and only the allowed sides and ends. Returns the problems found (empty when valid).
 */
export function validateJsonCanvas(doc: unknown): string[] {
  const problems: string[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['the document is not an object'];
  const { nodes, edges } = doc as { nodes?: unknown; edges?: unknown };
  if (nodes !== undefined && !Array.isArray(nodes)) problems.push('nodes is not an array');
  if (edges !== undefined && !Array.isArray(edges)) problems.push('edges is not an array');
  const ids = new Set<string>();
  const sides = new Set(['top', 'right', 'bottom', 'left']);
  const ends = new Set(['none', 'arrow']);
  const isColor = (c: unknown) => c === undefined || (typeof c === 'string' && (/^[1-6]$/.test(c) || /^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(c)));
  for (const [i, n] of ((nodes as unknown[]) ?? []).entries()) {
    const node = n as Record<string, unknown>;
    const where = `nodes[${i}]`;
    if (typeof node.id !== 'string' || node.id === '') problems.push(`${where}.id is not a non-empty string`);
    else if (ids.has(node.id)) problems.push(`${where}.id ${node.id} is not unique`);
    else ids.add(node.id);
    for (const k of ['x', 'y', 'width', 'height']) if (!Number.isInteger(node[k])) problems.push(`${where}.${k} is not an integer`);
    if (!isColor(node.color)) problems.push(`${where}.color is not a preset or hex colour`);
    switch (node.type) {
      case 'text':
        if (typeof node.text !== 'string') problems.push(`${where}.text is missing`);
        break;
      case 'file':
        if (typeof node.file !== 'string' || node.file === '') problems.push(`${where}.file is missing`);
        break;
      case 'link':
        if (typeof node.url !== 'string') problems.push(`${where}.url is missing`);
        break;
      case 'group':
        break;
      default:
        problems.push(`${where}.type ${String(node.type)} is not text, file, link or group`);
    }
  }
  const edgeIds = new Set<string>();
  for (const [i, e] of ((edges as unknown[]) ?? []).entries()) {
    const edge = e as Record<string, unknown>;
    const where = `edges[${i}]`;
    if (typeof edge.id !== 'string' || edge.id === '') problems.push(`${where}.id is not a non-empty string`);
    else if (edgeIds.has(edge.id) || ids.has(edge.id)) problems.push(`${where}.id ${edge.id} is not unique`);
    else edgeIds.add(edge.id);
    for (const k of ['fromNode', 'toNode']) if (typeof edge[k] !== 'string' || !ids.has(edge[k])) problems.push(`${where}.${k} is not a node id`);
    for (const k of ['fromSide', 'toSide']) if (edge[k] !== undefined && !sides.has(edge[k] as string)) problems.push(`${where}.${k} is not a side`);
    for (const k of ['fromEnd', 'toEnd']) if (edge[k] !== undefined && !ends.has(edge[k] as string)) problems.push(`${where}.${k} is not none or arrow`);
    if (!isColor(edge.color)) problems.push(`${where}.color is not a preset or hex colour`);
    if (edge.label !== undefined && typeof edge.label !== 'string') problems.push(`${where}.label is not a string`);
  }
  return problems;
}
