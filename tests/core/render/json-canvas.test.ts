import { neighbourhoodCanvas, stringifyCanvas } from '../../../src/core/render';
import { validateJsonCanvas } from './support/canvas-check';

describe('neighbourhoodCanvas', () => {
  it('places out-links right, backlinks left and mutual links above, with arrows in the link direction', () => {
    const canvas = neighbourhoodCanvas({ center: 'c.md', outLinks: ['out.md', 'both.md', 'img.png'], backlinks: ['back.md', 'both.md'] });
    expect(validateJsonCanvas(canvas)).toEqual([]);
    const node = (file: string) => {
      const n = canvas.nodes.find((x) => x.type === 'file' && x.file === file);
      if (!n) throw new Error(`no node for ${file}`);
      return n;
    };
    const center = node('c.md');
    expect(node('out.md').x).toBeGreaterThan(center.x + center.width);
    expect(node('back.md').x + node('back.md').width).toBeLessThan(center.x);
    expect(node('both.md').y + node('both.md').height).toBeLessThan(center.y);
    const edge = (from: string, to: string) => canvas.edges.find((e) => e.fromNode === node(from).id && e.toNode === node(to).id);
    expect(edge('c.md', 'out.md')?.toEnd).toBe('arrow');
    expect(edge('back.md', 'c.md')?.toEnd).toBe('arrow');
    expect(edge('c.md', 'both.md')).toMatchObject({ fromEnd: 'arrow', toEnd: 'arrow' });
    expect(canvas.edges).toHaveLength(4);
  });

  it('wraps many neighbours into columns without overlapping', () => {
    const outLinks = Array.from({ length: 30 }, (_, i) => `n${i}.md`);
    const canvas = neighbourhoodCanvas({ center: 'c.md', outLinks, backlinks: [] });
    expect(validateJsonCanvas(canvas)).toEqual([]);
    const boxes = canvas.nodes;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap).toBe(false);
      }
    }
  });

  it('says so when a note has no links at all, and is deterministic', () => {
    const a = neighbourhoodCanvas({ center: 'lonely.md', outLinks: [], backlinks: [] });
    expect(validateJsonCanvas(a)).toEqual([]);
    expect(a.nodes.some((n) => n.type === 'text' && n.text.includes('no links yet'))).toBe(true);
    expect(stringifyCanvas(a)).toBe(stringifyCanvas(neighbourhoodCanvas({ center: 'lonely.md', outLinks: [], backlinks: [] })));
  });

  it('the validator rejects what the spec forbids', () => {
    expect(validateJsonCanvas({ nodes: [{ id: 'a', type: 'file', x: 0.5, y: 0, width: 1, height: 1 }], edges: [{ id: 'e', fromNode: 'a', toNode: 'b', toSide: 'middle' }] })).toEqual([
      'nodes[0].x is not an integer',
      'nodes[0].file is missing',
      'edges[0].toNode is not a node id',
      'edges[0].toSide is not a side',
    ]);
  });
});
