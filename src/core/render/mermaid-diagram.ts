import { replyShape, s, type Infer, type ReplyShape } from '../llm/schema';
import { line } from './draft-fields';

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

const nodeSchema = s.coerce(
  s.object(
    { id: s.optional(line(80, { description: 'short id used by edges' })), label: line(80, { nonEmpty: true, description: 'the concept' }) },
    { aliases: { label: ['name', 'id'] } },
  ),
  // A bare string is a node whose id is its label.
  (raw) => (typeof raw === 'string' || typeof raw === 'number' ? { id: raw, label: raw } : raw),
);

const edgeSchema = s.object(
  {
    from: line(80, { nonEmpty: true, description: 'a node id' }),
    to: line(80, { nonEmpty: true, description: 'a node id' }),
    label: s.optional(line(60, { description: 'the relation, e.g. causes' })),
  },
  { aliases: { from: ['source'], to: ['target'] } },
);

const eventSchema = s.object(
  {
    when: line(40, { nonEmpty: true, description: 'a date or period: 1969, 2024-03' }),
    what: s.array(line(120), { single: true, skipInvalid: true, description: 'what happened' }),
  },
  { aliases: { when: ['date', 'period'], what: ['event', 'events', 'label'] } },
);

const diagramSchema = s.object(
  {
    kind: s.enumOf(DIAGRAM_KINDS, { synonyms: { conceptmap: 'concept-map', map: 'concept-map' } }),
    title: line(120, { nonEmpty: true, description: 'what the diagram shows' }),
    nodes: s.optional(s.array(nodeSchema, { max: DIAGRAM_LIMITS.maxNodes, description: 'concept map only' })),
    edges: s.optional(s.array(edgeSchema, { max: DIAGRAM_LIMITS.maxEdges, description: 'concept map only' })),
    events: s.optional(s.array(eventSchema, { max: DIAGRAM_LIMITS.maxEvents, description: 'timeline only' })),
  },
  { aliases: { kind: ['type'], edges: ['links'] } },
);

type DiagramReply = Infer<typeof diagramSchema>;

function conceptMap(v: DiagramReply): ConceptMap {
  const nodesRaw = v.nodes ?? [];
  if (nodesRaw.length < 2) throw new Error('nodes: a concept map needs at least two nodes');
  const nodes: ConceptMap['nodes'] = [];
  const ids = new Map<string, string>();
  for (const n of nodesRaw) {
    const id = n.id || n.label;
    if (ids.has(id.toLowerCase())) continue; // duplicates add nothing
    ids.set(id.toLowerCase(), id);
    nodes.push({ id, label: n.label });
  }
  const known = (ref: string, what: string): string => {
    const key = ref.toLowerCase();
    const id = ids.get(key) ?? nodes.find((n) => n.label.toLowerCase() === key)?.id;
    if (!id) throw new Error(`${what}: refers to ${JSON.stringify(ref)}, which is not a node id`);
    return id;
  };
  const edges = (v.edges ?? []).map((e, i) => ({ from: known(e.from, `edges[${i}].from`), to: known(e.to, `edges[${i}].to`), label: e.label ?? '' }));
  if (edges.length === 0) throw new Error('edges: a concept map needs edges between its nodes');
  return { kind: 'concept-map', title: v.title, nodes, edges };
}

function timeline(v: DiagramReply): Timeline {
  const eventsRaw = v.events ?? [];
  if (eventsRaw.length === 0) throw new Error('events: a timeline needs at least one entry');
  const events = eventsRaw.map((e, i) => {
    const what = e.what.filter((w) => w !== '').slice(0, 5);
    if (what.length === 0) throw new Error(`events[${i}].what: must say what happened`);
    return { when: e.when, what };
  });
  return { kind: 'timeline', title: v.title, events };
}

/** The diagram reply: its schema (sent as structured output) and its parse; `want` forces a kind when the user chose one. */
export function diagramReply(want?: DiagramKind): ReplyShape<DiagramDraft> {
  return replyShape('diagram', diagramSchema, (v): DiagramDraft => {
    if (want && v.kind !== want) throw new Error(`kind: a ${want} was asked for, not a ${v.kind}`);
    return v.kind === 'concept-map' ? conceptMap(v) : timeline(v);
  });
}

/** Reads the model's diagram (see `diagramReply`). */
export function parseDiagramDraft(value: unknown, want?: DiagramKind): DiagramDraft {
  return diagramReply(want).parse(value);
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
