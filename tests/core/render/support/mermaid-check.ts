/**
 * A structural checker for the two Mermaid forms Scriptorium writes, following Mermaid's own
 * grammars (flowchart.jison's string and arrow tokens, timeline.jison's period/event tokens).
 * `mermaid` itself needs a browser DOM to parse, so this stands in for it: it rejects anything the
 * real lexer would split, end early, or read as a keyword or comment. Returns the problems found.
 */
const FLOW_RESERVED = new Set(['end', 'subgraph', 'graph', 'flowchart', 'style', 'classdef', 'class', 'click', 'linkstyle', 'default', 'direction']);

function labelProblems(label: string, where: string): string[] {
  const out: string[] = [];
  if (label.includes('"')) out.push(`${where}: raw double quote ends the string early`);
  if (/[<>]/.test(label)) out.push(`${where}: raw < or > would be read as HTML`);
  if (label.startsWith('`')) out.push(`${where}: a leading backtick makes a markdown string`);
  // Mermaid turns `#name;` / `#123;` into entities; a stray `#` must not start one by accident.
  for (const m of label.matchAll(/#/g)) {
    const rest = label.slice(m.index);
    if (!/^#(\d+|[a-z]+);/i.test(rest)) out.push(`${where}: stray # at ${m.index}`);
  }
  return out;
}

export function checkFlowchart(source: string): string[] {
  const lines = source.split('\n').filter((l) => l.trim() !== '');
  const problems: string[] = [];
  if (!/^flowchart (LR|RL|TB|TD|BT)$/.test(lines[0] ?? '')) problems.push(`first line "${lines[0]}" is not a flowchart header`);
  const declared = new Set<string>();
  const edges: [string, string][] = [];
  for (const [i, raw] of lines.slice(1).entries()) {
    const line = raw.trim();
    const where = `line ${i + 2}`;
    const node = /^([A-Za-z][\w]*)\["(.*)"\]$/.exec(line);
    const edge = /^([A-Za-z][\w]*) -->(?:\|"(.*)"\|)? ([A-Za-z][\w]*)$/.exec(line);
    if (node) {
      if (FLOW_RESERVED.has(node[1].toLowerCase())) problems.push(`${where}: id ${node[1]} is a keyword`);
      if (declared.has(node[1])) problems.push(`${where}: node ${node[1]} declared twice`);
      declared.add(node[1]);
      problems.push(...labelProblems(node[2], where));
    } else if (edge) {
      edges.push([edge[1], edge[3]]);
      if (edge[2] !== undefined) {
        problems.push(...labelProblems(edge[2], where));
        if (edge[2].includes('|')) problems.push(`${where}: raw | ends the edge label`);
      }
    } else {
      problems.push(`${where}: "${line}" is neither a node nor an edge`);
    }
  }
  for (const [a, b] of edges) for (const id of [a, b]) if (!declared.has(id)) problems.push(`edge refers to undeclared node ${id}`);
  return problems;
}

const TIMELINE_KEYWORD = /^(timeline|title|section|acctitle|accdescr)\b/i;

export function checkTimeline(source: string): string[] {
  const lines = source.split('\n').filter((l) => l.trim() !== '');
  const problems: string[] = [];
  if ((lines[0] ?? '').trim() !== 'timeline') problems.push('first line is not "timeline"');
  for (const [i, raw] of lines.slice(1).entries()) {
    const line = raw.trim();
    const where = `line ${i + 2}`;
    if (line.includes('%%')) problems.push(`${where}: %% starts a comment`);
    if (line.startsWith('title ')) {
      if (/[#;]/.test(line)) problems.push(`${where}: # or ; ends the title early`);
      continue;
    }
    // period : event : event — the lexer ends each part at ':', '#', ';' or a newline.
    const parts = line.split(' : ');
    if (parts.length < 2) problems.push(`${where}: a period without events`);
    for (const [j, part] of parts.entries()) {
      if (part.trim() === '') problems.push(`${where}: empty part ${j}`);
      if (/[#:;\n]/.test(part)) problems.push(`${where}: part ${j} "${part}" holds # : or ;`);
      if (j === 0 && TIMELINE_KEYWORD.test(part)) problems.push(`${where}: period "${part}" reads as a keyword`);
    }
  }
  return problems;
}

/** The one ```mermaid block of a note, or problems when there is not exactly one well-closed block. */
export function mermaidBlocks(note: string): string[] {
  const blocks: string[] = [];
  const re = /^```mermaid\n([\s\S]*?)\n```$/gm;
  for (const m of note.matchAll(re)) blocks.push(m[1]);
  return blocks;
}
