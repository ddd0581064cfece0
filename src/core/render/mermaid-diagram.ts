import { asList, asRecord, oneLine, requiredLine } from './draft-fields';

export const DIAGRAM_KINDS = ['concept-map', 'timeline'] as const;
export type DiagramKind = (typeof DIAGRAM_KINDS)[number];

export interface ConceptMap {
  kind: 'concept-map';
  title: string;
  nodes: { id: string; label: string }[];
  edges: { from: string; to: string; label: string }[];
}

export interface Timeline {
  kind: 'timeline';
  title: string;
  events: { when: string; what: string[] }[];
}

export type DiagramDraft = ConceptMap | Timeline;

export const DIAGRAM_LIMITS = { maxNodes: 40, maxEdges: 80, maxEvents: 40 } as const;

export const DIAGRAM_JSON_SHAPE = `Either a concept map:
{
  "kind": "concept-map",
  "title": "what the map shows",
  "nodes": [{ "id": "short-id", "label": "Concept" }],
  "edges": [{ "from": "short-id", "to": "other-id", "label": "relation, e.g. causes (optional)" }]
}
or a timeline:
{
  "kind": "timeline",
  "title": "what the timeline shows",
  "events": [{ "when": "1969 or 2024-03", "what": ["what happened"] }]
}`;

function parseConceptMap(raw: Record<string, unknown>, title: string): ConceptMap {
  const nodesRaw = asList(raw.nodes);
  if (nodesRaw.length < 2) throw new Error('a concept map needs at least two "nodes"');
  if (nodesRaw.length > DIAGRAM_LIMITS.maxNodes) throw new Error(`at most ${DIAGRAM_LIMITS.maxNodes} nodes, not ${nodesRaw.length}`);
  const nodes: ConceptMap['nodes'] = [];
  const ids = new Map<string, string>();
  nodesRaw.forEach((n, i) => {
    // A bare string is a node whose id is its label.
    const r = typeof n === 'string' ? { id: n, label: n } : asRecord(n, `nodes[${i}]`);
    const label = requiredLine(r.label ?? r.name ?? r.id, `nodes[${i}].label`, 80);
    const id = oneLine(r.id, 80) || label;
    if (ids.has(id.toLowerCase())) return; // duplicates add nothing
    ids.set(id.toLowerCase(), id);
    nodes.push({ id, label });
  });
  const known = (ref: unknown, what: string): string => {
    const key = oneLine(ref, 80).toLowerCase();
    const id = ids.get(key) ?? nodes.find((n) => n.label.toLowerCase() === key)?.id;
    if (!id) throw new Error(`${what} refers to ${JSON.stringify(ref) ?? 'nothing'}, which is not a node id`);
    return id;
  };
  const edgesRaw = asList(raw.edges ?? raw.links);
  if (edgesRaw.length > DIAGRAM_LIMITS.maxEdges) throw new Error(`at most ${DIAGRAM_LIMITS.maxEdges} edges, not ${edgesRaw.length}`);
  const edges = edgesRaw.map((e, i) => {
    const r = asRecord(e, `edges[${i}]`);
    return { from: known(r.from ?? r.source, `edges[${i}].from`), to: known(r.to ?? r.target, `edges[${i}].to`), label: oneLine(r.label, 60) };
  });
  if (edges.length === 0) throw new Error('a concept map needs "edges" between its nodes');
  return { kind: 'concept-map', title, nodes, edges };
}

function parseTimeline(raw: Record<string, unknown>, title: string): Timeline {
  const eventsRaw = asList(raw.events);
  if (eventsRaw.length === 0) throw new Error('a timeline needs at least one entry in "events"');
  if (eventsRaw.length > DIAGRAM_LIMITS.maxEvents) throw new Error(`at most ${DIAGRAM_LIMITS.maxEvents} events, not ${eventsRaw.length}`);
  const events = eventsRaw.map((e, i) => {
    const r = asRecord(e, `events[${i}]`);
    const when = requiredLine(r.when ?? r.date ?? r.period, `events[${i}].when`, 40);
    const what = asList(r.what ?? r.event ?? r.events ?? r.label)
      .map((w) => oneLine(w, 120))
      .filter((w) => w !== '')
      .slice(0, 5);
    if (what.length === 0) throw new Error(`events[${i}].what must say what happened`);
    return { when, what };
  });
  return { kind: 'timeline', title, events };
}

/** Reads the model's diagram; `want` forces a kind when the user chose one. */
export function parseDiagramDraft(value: unknown, want?: DiagramKind): DiagramDraft {
  const raw = asRecord(value, 'The diagram');
  const kindRaw = oneLine(raw.kind ?? raw.type, 30).toLowerCase().replace(/[\s_]+/g, '-');
  const kind = kindRaw === 'concept-map' || kindRaw === 'conceptmap' || kindRaw === 'map' ? 'concept-map' : kindRaw === 'timeline' ? 'timeline' : undefined;
  if (!kind) throw new Error(`"kind" must be "concept-map" or "timeline", not ${JSON.stringify(raw.kind ?? raw.type) ?? 'missing'}`);
  if (want && kind !== want) throw new Error(`a ${want} was asked for, not a ${kind}`);
  const title = requiredLine(raw.title, '"title"', 120);
  return kind === 'concept-map' ? parseConceptMap(raw, title) : parseTimeline(raw, title);
}

/**
 * Text inside a quoted flowchart label. Mermaid decodes `#code;` entities there, so every
 * character that could end the string, start HTML or markdown, or be read as an entity is
 * written as one; newlines cannot occur (labels are one line).
 */
export function mermaidLabel(text: string): string {
  return text.replace(/["#<>&`|\\[\]{}]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * Timeline text has no escapes: Mermaid's timeline lexer ends a period or event at `:`, `;`, `#`
 * or a newline, a line starting with a keyword changes meaning, and backticks could close the fence. Those characters become
 * look-alikes, and a keyword at the start gets a zero-width joiner so it reads as text.
 */
export function timelineText(text: string): string {
  const cleaned = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/:/g, '∶')
    .replace(/;/g, ',')
    .replace(/#/g, '♯')
    .replace(/%%/g, '%')
    .replace(/`/g, "'") // three in a row would close the note's code fence
    .replace(/[{}]/g, (c) => (c === '{' ? '(' : ')'))
    .trim();
  return /^(timeline|title|section|acctitle|accdescr)\b/i.test(cleaned) ? `\u200d${cleaned}` : cleaned;
}

/** Mermaid source for a draft; the ids are ours (n1, n2, …), so no model text becomes syntax. */
export function toMermaid(draft: DiagramDraft): string {
  if (draft.kind === 'timeline') {
    const lines = ['timeline', `    title ${timelineText(draft.title)}`];
    for (const e of draft.events) lines.push(`    ${timelineText(e.when)} : ${e.what.map(timelineText).join(' : ')}`);
    return lines.join('\n');
  }
  const idOf = new Map(draft.nodes.map((n, i) => [n.id, `n${i + 1}`]));
  const lines = ['flowchart LR'];
  for (const n of draft.nodes) lines.push(`    ${idOf.get(n.id)}["${mermaidLabel(n.label)}"]`);
  for (const e of draft.edges) {
    const arrow = e.label ? `-->|"${mermaidLabel(e.label)}"|` : '-->';
    lines.push(`    ${idOf.get(e.from)} ${arrow} ${idOf.get(e.to)}`);
  }
  return lines.join('\n');
}
