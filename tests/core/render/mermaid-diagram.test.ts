import { parseDiagramDraft, toMermaid } from '../../../src/core/render';
import { checkFlowchart, checkTimeline } from './support/mermaid-check';

describe('toMermaid', () => {
  it('writes a flowchart with our own ids, whatever the model called its nodes', () => {
    const draft = parseDiagramDraft({ kind: 'concept-map', title: 'T', nodes: [{ id: 'end', label: 'End' }, { id: 'graph', label: 'Graph' }], edges: [{ from: 'end', to: 'graph', label: 'leads to' }] });
    const text = toMermaid(draft);
    expect(text).toBe('flowchart LR\n    n1["End"]\n    n2["Graph"]\n    n1 -->|"leads to"| n2');
    expect(checkFlowchart(text)).toEqual([]);
  });

  it('escapes every character that could break a label', () => {
    const label = 'a "b" <c> #d; `e` [f] {g} h|i & j\\k';
    const draft = parseDiagramDraft({ kind: 'concept-map', title: 'T', nodes: [label, 'other'], edges: [{ from: label, to: 'other', label }] });
    const text = toMermaid(draft);
    expect(checkFlowchart(text)).toEqual([]);
    expect(text).toContain('#34;b#34;');
    expect(text).toContain('#35;d;');
  });

  it('writes timelines whose periods and events cannot be split or read as keywords', () => {
    const draft = parseDiagramDraft({
      kind: 'timeline',
      title: 'History # 1; part: one',
      events: [
        { when: 'title card', what: ['x: y', 'a;b'] },
        { when: '10:30', what: 'section 2 #tag %% comment' },
        { when: 'Timeline', what: ['```'] },
      ],
    });
    const text = toMermaid(draft);
    expect(checkTimeline(text)).toEqual([]);
    expect(text.split('\n')).toHaveLength(5);
    expect(text).not.toContain('```');
  });

  it('the checker itself catches what the escaping prevents', () => {
    expect(checkFlowchart('flowchart LR\n    n1["a "b""]')).not.toEqual([]);
    expect(checkFlowchart('flowchart LR\n    end["x"]')).not.toEqual([]);
    expect(checkFlowchart('flowchart LR\n    n1["x"]\n    n1 --> n9')).toEqual(['edge refers to undeclared node n9']);
    expect(checkTimeline('timeline\n    2020 : a: b')).not.toEqual([]);
    expect(checkTimeline('timeline\n    section x : y')).not.toEqual([]);
  });
});

describe('parseDiagramDraft', () => {
  it.each([
    [{ kind: 'mindmap', title: 'T' }, 'kind: expected one of "concept-map", "timeline", not "mindmap"'],
    [{ kind: 'concept-map', title: 'T', nodes: ['a'], edges: [] }, 'nodes: a concept map needs at least two nodes'],
    [{ kind: 'concept-map', title: 'T', nodes: ['a', 'b'], edges: [] }, 'edges: a concept map needs edges between its nodes'],
    [{ kind: 'concept-map', title: 'T', nodes: ['a', 'b'], edges: [{ from: 'a', to: 'z' }] }, 'edges[0].to: refers to "z", which is not a node id'],
    [{ kind: 'timeline', title: 'T', events: [] }, 'events: a timeline needs at least one entry'],
    [{ kind: 'timeline', title: 'T', events: [{ when: '2020' }] }, 'events[0].what: missing'],
  ])('refuses %j', (value, message) => {
    expect(() => parseDiagramDraft(value)).toThrow(message);
  });
});
