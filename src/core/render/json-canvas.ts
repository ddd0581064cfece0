import { basenameNoExt, hashText } from '../markdown';

/** JSON Canvas 1.0 (https://jsoncanvas.org/spec/1.0/): the parts Scriptorium writes. */
export type CanvasSide = 'top' | 'right' | 'bottom' | 'left';

export interface CanvasFileNode {
  id: string;
  type: 'file';
  file: string;
  x: number;
  y: number;
  width: number;
  height: number;
  color?: string;
}

export interface CanvasTextNode {
  id: string;
  type: 'text';
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  color?: string;
}

export interface CanvasGroupNode {
  id: string;
  type: 'group';
  label?: string;
  x: number;
  y: number;
  width: number;
  height: number;
  color?: string;
}

export type CanvasNode = CanvasFileNode | CanvasTextNode | CanvasGroupNode;

export interface CanvasEdge {
  id: string;
  fromNode: string;
  toNode: string;
  fromSide?: CanvasSide;
  toSide?: CanvasSide;
  toEnd?: 'none' | 'arrow';
  fromEnd?: 'none' | 'arrow';
  color?: string;
  label?: string;
}

export interface JsonCanvas {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/** A note and the notes around it in the link graph. */
export interface Neighbourhood {
  /** Vault path of the note at the centre. */
  center: string;
  /** Files the note links to (notes, images, PDFs), in link order, without the note itself. */
  outLinks: string[];
  /** Notes that link to the note, sorted by path. */
  backlinks: string[];
}

const NODE_W = 320;
const NODE_H = 80;
const ROW = 110;
const COLUMN_GAP = 200;
/** Beyond this many per column, neighbours wrap into further columns so the canvas stays compact. */
const PER_COLUMN = 12;
/** Obsidian's preset colours "1"–"6": 4 green (both ways), 5 cyan (out-links), 6 purple (backlinks). */
const COLOR = { center: '1', both: '4', out: '5', back: '6' } as const;

/** Obsidian-style 16-hex-digit ids, derived from the content so the same graph gives the same file. */
function idFor(...parts: string[]): string {
  return hashText(parts.join('\u0000'));
}

function column(paths: string[], side: 'left' | 'right' | 'top', centerX: number, centerY: number, color: string): CanvasFileNode[] {
  const nodes: CanvasFileNode[] = [];
  if (side === 'top') {
    const perRow = 4;
    paths.forEach((file, i) => {
      const row = Math.floor(i / perRow);
      const inRow = Math.min(perRow, paths.length - row * perRow);
      const colIndex = i % perRow;
      const x = centerX + (colIndex - (inRow - 1) / 2) * (NODE_W + 40) - NODE_W / 2;
      nodes.push({ id: idFor('node', file), type: 'file', file, x: Math.round(x), y: centerY - NODE_H / 2 - 2 * ROW - row * ROW, width: NODE_W, height: NODE_H, color });
    });
    return nodes;
  }
  paths.forEach((file, i) => {
    const col = Math.floor(i / PER_COLUMN);
    const inCol = Math.min(PER_COLUMN, paths.length - col * PER_COLUMN);
    const rowIndex = i % PER_COLUMN;
    const offset = (NODE_W + COLUMN_GAP) * (col + 1);
    const x = side === 'right' ? centerX + NODE_W / 2 + COLUMN_GAP + (offset - NODE_W - COLUMN_GAP) : centerX - NODE_W / 2 - COLUMN_GAP - NODE_W - (offset - NODE_W - COLUMN_GAP);
    const y = centerY + (rowIndex - (inCol - 1) / 2) * ROW - NODE_H / 2;
    nodes.push({ id: idFor('node', file), type: 'file', file, x: Math.round(x), y: Math.round(y), width: NODE_W, height: NODE_H, color });
  });
  return nodes;
}

/**
 * A JSON Canvas of a note's neighbourhood: the note in the middle, notes it links to on the
 * right, notes linking to it on the left, and notes that do both above, with an arrow for each
 * link's direction. File nodes point at the real notes, so the canvas opens them in place.
 */
export function neighbourhoodCanvas(hood: Neighbourhood): JsonCanvas {
  const back = new Set(hood.backlinks);
  const out = new Set(hood.outLinks);
  const both = hood.outLinks.filter((p) => back.has(p) && p !== hood.center);
  const onlyOut = hood.outLinks.filter((p) => !back.has(p) && p !== hood.center);
  const onlyBack = hood.backlinks.filter((p) => !out.has(p) && p !== hood.center);
  const center: CanvasFileNode = { id: idFor('node', hood.center), type: 'file', file: hood.center, x: -NODE_W / 2, y: -NODE_H / 2, width: NODE_W, height: NODE_H + 40, color: COLOR.center };
  const nodes: CanvasNode[] = [center, ...column(onlyOut, 'right', 0, 0, COLOR.out), ...column(onlyBack, 'left', 0, 0, COLOR.back), ...column(both, 'top', 0, 0, COLOR.both)];
  const edges: CanvasEdge[] = [];
  for (const file of onlyOut) edges.push({ id: idFor('edge', hood.center, file), fromNode: center.id, fromSide: 'right', toNode: idFor('node', file), toSide: 'left', toEnd: 'arrow' });
  for (const file of onlyBack) edges.push({ id: idFor('edge', file, hood.center), fromNode: idFor('node', file), fromSide: 'right', toNode: center.id, toSide: 'left', toEnd: 'arrow' });
  for (const file of both) {
    edges.push({ id: idFor('edge', hood.center, file), fromNode: center.id, fromSide: 'top', toNode: idFor('node', file), toSide: 'bottom', fromEnd: 'arrow', toEnd: 'arrow', label: 'links both ways' });
  }
  if (nodes.length === 1) {
    nodes.push({ id: idFor('note', hood.center), type: 'text', text: `**${basenameNoExt(hood.center)}** has no links yet, and no note links to it.`, x: -NODE_W / 2, y: NODE_H + 60, width: NODE_W, height: NODE_H });
  }
  return { nodes, edges };
}

/** The canvas file's text: tab-indented like Obsidian writes it, so diffs stay small. */
export function stringifyCanvas(canvas: JsonCanvas): string {
  return `${JSON.stringify(canvas, null, '\t')}\n`;
}
