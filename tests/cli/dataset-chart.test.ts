import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RenderJson } from '../../src/cli/commands/slides';
import { runCli } from '../../src/cli/run';
import { marks, parseSvg } from '../core/render/support/svg-check';
import { capture, tempVault, tree } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';

/** Rounds as the chart does: float noise off, integers exact. */
const round = (n: number) => (Number.isInteger(n) ? n : Number(n.toPrecision(12)));

// 2,400 sales rows built here; every expected number below is computed from this array.
const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PRODUCTS = ['Widget', 'Gadget', 'Gizmo'];
const SALES = Array.from({ length: 2400 }, (_, i) => ({
  region: REGIONS[(i * 7) % 5],
  product: PRODUCTS[i % 3],
  amount: ((i * 7919) % 10_000) / 100,
  units: (i * 31) % 17,
  day: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
  id: `order-${i}`,
}));
const CSV = `region,product,amount,units,day,id\n${SALES.map((r) => [r.region, r.product, r.amount, r.units, r.day, r.id].join(',')).join('\n')}\n`;

function groupBy<T>(rows: T[], key: (r: T) => string, value: (rs: T[]) => number): Map<string, number> {
  const groups = new Map<string, T[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return new Map([...groups].map(([k, rs]) => [k, round(value(rs))]));
}

/** The data table of a chart note: label → values. */
function noteTable(note: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const data = note.slice(note.indexOf('## Data'));
  for (const line of data.split('\n').slice(4)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    out.set(cells[0], cells.slice(1).map(Number));
  }
  return out;
}

describe('scriptorium chart DATASET', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let endpoint: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = tempVault('dataset-chart');
    writeFileSync(path.join(vault, 'sales.csv'), CSV);
    endpoint = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  async function chart(reply: unknown, extra: string[] = []): Promise<{ json: RenderJson; note: string; svg: SVGSVGElement }> {
    server.script({ kind: 'text', content: JSON.stringify(reply) });
    const c = capture();
    const code = await runCli(['chart', ...endpoint, '--json', ...extra, 'sales.csv'], {}, c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as RenderJson;
    const note = readFileSync(path.join(vault, json.primary), 'utf8');
    const svg = parseSvg(readFileSync(path.join(vault, json.files[1]), 'utf8'));
    return { json, note, svg };
  }

  it('computes a filtered sum per category from every row; the model sees only the profile and a sample', async () => {
    // The model also sends numbers of its own: they are not part of the request and are ignored.
    const { json, note, svg } = await chart({ type: 'bar', title: 'Widget revenue by region', x: 'region', y: ['amount'], aggregate: 'sum', filters: [{ column: 'product', op: 'eq', value: 'Widget' }], sort: 'value-desc', unit: 'USD', values: [1, 2, 3] });
    const widgets = SALES.filter((r) => r.product === 'Widget');
    const expected = groupBy(widgets, (r) => r.region, (rs) => rs.reduce((a, r) => a + r.amount, 0));
    const ordered = [...expected].sort((a, b) => b[1] - a[1]);
    expect(marks(svg, '.mark.bar').map((m) => [m.label, m.value])).toEqual(ordered);
    expect([...noteTable(note)]).toEqual(ordered.map(([k, v]) => [k, [v]]));
    expect(json.files).toEqual(['wiki/outputs/sales chart.md', 'wiki/outputs/sales chart.svg']);
    expect(note).toContain(`The numbers come from every row of sales.csv (2,400 rows; ${widgets.length} match product = Widget): the sum of amount for each region, computed by Scriptorium, not by the model.`);
    expect(note).toContain('Source: [[sales.csv|sales]].');
    expect(note).toContain('sources:\n  - "[[sales.csv]]"');

    const [request] = server.chatRequests();
    const prompt = request.body.messages?.map((m) => m.content ?? '').join('\n') ?? '';
    expect(prompt).toContain('2,400 rows × 6 columns');
    expect(prompt).toContain('| amount | number |');
    expect(prompt).toContain('order-19'); // in the sample
    expect(prompt).not.toContain('order-2399'); // never sent: only the first rows are
    expect(request.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'dataset_chart' } });
  });

  it('groups dates by month for a line of means, in time order', async () => {
    const { svg } = await chart({ type: 'line', title: 'Mean units per month', x: 'day', y: 'units', aggregate: 'mean', group_dates: 'month', sort: 'x' });
    const expected = [...groupBy(SALES, (r) => r.day.slice(0, 7), (rs) => rs.reduce((a, r) => a + r.units, 0) / rs.length)].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(marks(svg, '.mark.point').map((m) => [m.label, m.value])).toEqual(expected);
  });

  it('counts rows per category for a pie', async () => {
    const { svg } = await chart({ type: 'pie', title: 'Orders by product', x: 'product', aggregate: 'count' });
    const expected = [...groupBy(SALES, (r) => r.product, (rs) => rs.length)].sort((a, b) => b[1] - a[1]);
    expect(marks(svg, '.mark.slice').map((m) => [m.label, m.value])).toEqual(expected);
  });

  it('keeps the top N by value, several series at once (max and min)', async () => {
    const { note } = await chart({ type: 'bar', title: 'Extremes', x: 'region', y: ['amount', 'units'], aggregate: 'max', top: 2 });
    const maxAmount = groupBy(SALES, (r) => r.region, (rs) => Math.max(...rs.map((r) => r.amount)));
    const maxUnits = groupBy(SALES, (r) => r.region, (rs) => Math.max(...rs.map((r) => r.units)));
    const top2 = [...maxAmount].sort((a, b) => b[1] - a[1]).slice(0, 2);
    expect([...noteTable(note)]).toEqual(top2.map(([k, v]) => [k, [v, maxUnits.get(k)]]));
  });

  it('plots a scatter of two numeric columns from the rows that pass the filter', async () => {
    const { svg } = await chart({ type: 'scatter', title: 'Units against amount', x: 'amount', y: ['units'], aggregate: 'none', filters: [{ column: 'day', op: 'ge', value: '2024-12-01' }] });
    const rows = SALES.filter((r) => r.day >= '2024-12-01');
    expect(rows.length).toBeLessThanOrEqual(500);
    const points = marks(svg, '.mark.point').map((m) => [Number(m.el.getAttribute('data-x')), m.value]);
    expect(points).toEqual(rows.map((r) => [r.amount, r.units]).sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  });

  it('a column the dataset does not have is sent back for the one repair, with the columns it has', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ type: 'bar', title: 'Revenue', x: 'Region', y: ['revenue'], aggregate: 'sum' }) });
    const { note } = await chart({ type: 'bar', title: 'Revenue', x: 'Region', y: ['amount'], aggregate: 'sum' });
    const requests = server.chatRequests();
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[1].body.messages)).toContain('y[0]: no column \\"revenue\\"; the columns are \\"region\\", \\"product\\", \\"amount\\"');
    const expected = groupBy(SALES, (r) => r.region, (rs) => rs.reduce((a, r) => a + r.amount, 0));
    expect(new Map([...noteTable(note)].map(([k, [v]]) => [k, v]))).toEqual(expected);
  });

  it('refuses a text column as y (after the one repair), writing nothing', async () => {
    const before = tree(vault);
    server.script(
      { kind: 'text', content: JSON.stringify({ type: 'bar', title: 'x', x: 'region', y: ['product'], aggregate: 'sum' }) },
      { kind: 'text', content: JSON.stringify({ type: 'bar', title: 'x', x: 'region', y: ['product'], aggregate: 'sum' }) },
    );
    const c = capture();
    expect(await runCli(['chart', ...endpoint, 'sales.csv'], {}, c.io)).toBe(1);
    expect(c.err.join('\n')).toContain('column "product" is text, not numeric');
    expect(tree(vault)).toEqual(before);
  });

  it('an x with more values than a chart can show keeps the largest 40, and says so', async () => {
    const { json, note } = await chart({ type: 'bar', title: 'Biggest orders', x: 'id', y: ['amount'], aggregate: 'sum' });
    const top = [...SALES].sort((a, b) => b.amount - a.amount || SALES.indexOf(a) - SALES.indexOf(b)).slice(0, 40);
    expect([...noteTable(note)]).toEqual(top.map((r) => [r.id, [r.amount]]));
    expect(json.warnings).toEqual(['"id" has 2,400 values; the chart shows the 40 largest.']);
  });

  it('"none" from the model is exit 1 with its reason', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ type: 'none', reason: 'only identifiers' }) });
    const c = capture();
    expect(await runCli(['chart', ...endpoint, 'sales.csv'], {}, c.io)).toBe(1);
    expect(c.err).toEqual(['scriptorium chart: No chart made: only identifiers. Nothing was written.']);
  });

  it('charts JSON Lines the same way', async () => {
    writeFileSync(path.join(vault, 'sales.jsonl'), SALES.map((r) => JSON.stringify(r)).join('\n'));
    server.script({ kind: 'text', content: JSON.stringify({ type: 'bar', title: 'Units by product', x: 'product', y: ['units'], aggregate: 'sum', sort: 'x' }) });
    const c = capture();
    expect(await runCli(['chart', ...endpoint, '--json', 'sales.jsonl'], {}, c.io)).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as RenderJson;
    const svg = parseSvg(readFileSync(path.join(vault, json.files[1]), 'utf8'));
    const expected = [...groupBy(SALES, (r) => r.product, (rs) => rs.reduce((a, r) => a + r.units, 0))].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(marks(svg, '.mark.bar').map((m) => [m.label, m.value])).toEqual(expected);
  });
});
