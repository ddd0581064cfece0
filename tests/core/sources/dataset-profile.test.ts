import { BytesHasher, hashBytes } from '../../../src/core/markdown';
import { dateValue, isDatasetProblem, profileDataset, type DatasetProfile, type DatasetProblem } from '../../../src/core/sources/dataset-profile';
import { MemoryVault } from '../../support/memory-vault';

const bytes = (text: string) => new TextEncoder().encode(text);

async function profile(path: string, content: string | Uint8Array, options: { chunkBytes?: number; maxJsonBytes?: number } = {}): Promise<DatasetProfile> {
  const vault = new MemoryVault({ [path]: content });
  const result = await profileDataset(vault, path, options);
  if (isDatasetProblem(result)) throw new Error(`unexpected problem: ${result.message}`);
  return result;
}

async function problem(path: string, content: string | Uint8Array, options: { maxJsonBytes?: number } = {}): Promise<DatasetProblem> {
  const result = await profileDataset(new MemoryVault({ [path]: content }), path, options);
  if (!isDatasetProblem(result)) throw new Error('expected a problem');
  return result;
}

function column(p: DatasetProfile, name: string) {
  const c = p.columns.find((col) => col.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

describe('BytesHasher', () => {
  it('gives hashBytes of the whole, however the bytes are split', () => {
    const data = bytes('région,amount\nNorth,1\n'.repeat(50));
    for (const size of [1, 3, 7, 64, data.length]) {
      const h = new BytesHasher();
      for (let i = 0; i < data.length; i += size) h.update(data.subarray(i, i + size));
      expect(h.digest()).toBe(hashBytes(data));
    }
    expect(new BytesHasher().digest()).toBe(hashBytes(new Uint8Array(0)));
  });
});

describe('profileDataset: CSV', () => {
  // 500 rows built here; every expected figure is computed from the same arrays.
  const regions = ['North', 'South', 'East', 'West'];
  const rows = Array.from({ length: 500 }, (_, i) => ({
    region: regions[i % 4],
    amount: i % 50 === 7 ? '' : String((i * 37) % 1000) + '.5',
    units: String(i % 13),
    day: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    note: i === 3 ? 'said "hi", then left\nearly' : `row ${i} — café`,
    ok: i % 3 === 0 ? 'true' : 'false',
  }));
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const csv = `region,amount,units,day,note,ok\n${rows.map((r) => [r.region, r.amount, r.units, r.day, r.note, r.ok].map(quote).join(',')).join('\r\n')}\n`;

  it('counts rows and columns, infers types and computes the statistics from every row', async () => {
    const p = await profile('raw/sales.csv', csv);
    expect(p.format).toBe('csv');
    expect(p.delimiter).toBe(',');
    expect(p.header).toBe(true);
    expect(p.rows).toBe(500);
    expect(p.columns.map((c) => [c.name, c.type])).toEqual([
      ['region', 'text'],
      ['amount', 'number'],
      ['units', 'integer'],
      ['day', 'date'],
      ['note', 'text'],
      ['ok', 'boolean'],
    ]);
    const amounts = rows.map((r) => r.amount).filter((a) => a !== '').map(Number);
    const amount = column(p, 'amount');
    expect(amount.missing).toBe(rows.length - amounts.length);
    expect(amount.min).toBe(Math.min(...amounts));
    expect(amount.max).toBe(Math.max(...amounts));
    expect(amount.mean).toBeCloseTo(amounts.reduce((a, b) => a + b, 0) / amounts.length, 9);
    const region = column(p, 'region');
    expect(region.distinct).toBe(4);
    expect(region.distinctCapped).toBe(false);
    expect(region.top).toEqual([
      { value: 'East', count: 125 },
      { value: 'North', count: 125 },
      { value: 'South', count: 125 },
      { value: 'West', count: 125 },
    ]);
    const days = rows.map((r) => r.day).sort();
    expect(column(p, 'day')).toMatchObject({ minDate: days[0], maxDate: days[days.length - 1] });
    expect(column(p, 'units')).toMatchObject({ min: 0, max: 12, distinct: 13 });
    expect(p.sample).toHaveLength(20);
    expect(p.sample[3][4]).toBe('said "hi", then left\nearly');
    expect(p.hash).toBe(hashBytes(bytes(csv)));
    expect(p.malformedRows).toBe(0);
  });

  it('gives the same profile whatever the chunk size (quoted line breaks and UTF-8 split across chunks)', async () => {
    const whole = await profile('raw/sales.csv', csv);
    for (const chunkBytes of [5, 97, 4096]) expect(await profile('raw/sales.csv', csv, { chunkBytes })).toEqual(whole);
  });

  it('sniffs the delimiter and reads TSV', async () => {
    const semi = await profile('raw/a.csv', 'name;score\nAda;3,5\nBob;4\n', { chunkBytes: 3 });
    expect(semi.delimiter).toBe(';');
    expect(semi.columns.map((c) => c.name)).toEqual(['name', 'score']);
    const tsv = await profile('raw/a.tsv', 'name\tscore\nAda\t3\nBob\t4\n');
    expect(tsv).toMatchObject({ format: 'tsv', delimiter: '\t', rows: 2 });
    expect(column(tsv, 'score')).toMatchObject({ type: 'integer', min: 3, max: 4, mean: 3.5 });
  });

  it('tells a header row from a first data row', async () => {
    const noHeader = await profile('raw/n.csv', '1,2.5,2024-01-01\n2,3.5,2024-02-01\n3,4.5,2024-03-01\n');
    expect(noHeader.header).toBe(false);
    expect(noHeader.rows).toBe(3);
    expect(noHeader.columns.map((c) => c.name)).toEqual(['column 1', 'column 2', 'column 3']);
    const header = await profile('raw/h.csv', 'id,price,when\n1,2.5,2024-01-01\n2,3.5,2024-02-01\n');
    expect(header.header).toBe(true);
    expect(header.rows).toBe(2);
    const dup = await profile('raw/d.csv', 'a,a,\n1,2,3\n');
    expect(dup.columns.map((c) => c.name)).toEqual(['a', 'a (2)', 'column 3']);
  });

  it('counts malformed rows, never fails on them, and keeps profiling', async () => {
    const p = await profile('raw/m.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    expect(p.rows).toBe(2);
    expect(p.malformedRows).toBe(2);
    expect(p.malformedExamples).toEqual(['record 3: 2 fields where there are 3 columns', 'record 4: 4 fields where there are 3 columns']);
    expect(column(p, 'a')).toMatchObject({ min: 1, max: 10 });
  });

  it('reads missing markers as missing and keeps a few odd values out of the numbers', async () => {
    const values = [...Array.from({ length: 40 }, (_, i) => String(i)), 'NA', '', 'n/a', 'unknown'];
    const p = await profile('raw/v.csv', `x\n${values.join('\n')}\n`);
    // Empty lines are skipped, so the '' row is not a row at all.
    expect(p.rows).toBe(values.length - 1);
    expect(column(p, 'x')).toMatchObject({ type: 'integer', missing: 2, other: 1, min: 0, max: 39 });
  });

  it('caps the distinct count at 10,000 and says so', async () => {
    const p = await profile('raw/big.csv', `id\n${Array.from({ length: 12_000 }, (_, i) => `k${i}`).join('\n')}\n`);
    expect(column(p, 'id')).toMatchObject({ distinct: 10_000, distinctCapped: true, type: 'text' });
  });

  it('reports empty and binary files as problems', async () => {
    expect(await problem('raw/e.csv', '')).toMatchObject({ problem: 'empty' });
    expect(await problem('raw/b.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0]))).toMatchObject({ problem: 'binary' });
  });
});

describe('profileDataset: JSON and JSON Lines', () => {
  it('profiles a JSON array of objects, keys in order of first appearance', async () => {
    const records = [{ city: 'Oslo', pop: 709_000 }, { city: 'Bergen', pop: 291_000, coast: true }, { city: 'Tromsø', pop: null, coast: true }];
    const p = await profile('raw/c.json', JSON.stringify(records));
    expect(p.format).toBe('json');
    expect(p.rows).toBe(3);
    expect(p.columns.map((c) => [c.name, c.type, c.missing])).toEqual([
      ['city', 'text', 0],
      ['pop', 'integer', 1],
      ['coast', 'boolean', 1],
    ]);
    expect(column(p, 'pop')).toMatchObject({ min: 291_000, max: 709_000, mean: 500_000 });
  });

  it('finds the records under a key, and reads an array of arrays as a table', async () => {
    const keyed = await profile('raw/k.json', JSON.stringify({ meta: { n: 2 }, data: [{ a: 1 }, { a: 2 }] }));
    expect(keyed).toMatchObject({ recordsKey: 'data', rows: 2 });
    const table = await profile('raw/t.json', JSON.stringify([['name', 'n'], ['x', 1], ['y', 2]]));
    expect(table.header).toBe(true);
    expect(table.columns.map((c) => c.name)).toEqual(['name', 'n']);
    expect(column(table, 'n')).toMatchObject({ type: 'integer', mean: 1.5 });
  });

  it('refuses a JSON file above the cap, with its hash, and one that is not records', async () => {
    const text = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i })));
    const big = await problem('raw/big.json', text, { maxJsonBytes: 1000 });
    expect(big.problem).toBe('too-big');
    expect(big.message).toContain('JSON Lines');
    expect(big.hash).toBe(hashBytes(bytes(text)));
    expect((await problem('raw/o.json', '{"a": 1}')).message).toContain('not a list of records');
    expect((await problem('raw/s.json', '{"a": ')).problem).toBe('unreadable');
  });

  it('streams JSON Lines, counting lines that are not objects', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ n: i, tag: i % 2 ? 'odd' : 'even', ...(i > 100 ? { late: 'x' } : {}) }));
    lines.splice(10, 0, '{broken', '[1,2]');
    const text = `${lines.join('\n')}\n`;
    const p = await profile('raw/l.jsonl', text, { chunkBytes: 13 });
    expect(p.rows).toBe(300);
    expect(p.malformedRows).toBe(2);
    expect(p.malformedExamples).toEqual(['line 11: not valid JSON', 'line 12: a list, not an object']);
    expect(column(p, 'n')).toMatchObject({ min: 0, max: 299, mean: 149.5 });
    // A key first seen on row 102 was missing in the 101 rows before it.
    expect(column(p, 'late')).toMatchObject({ present: 199, missing: 101 });
    expect(p.hash).toBe(hashBytes(bytes(text)));
  });
});

describe('dateValue', () => {
  it('reads ISO dates and times as UTC, with zones, and refuses impossible ones', () => {
    expect(dateValue('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(dateValue('2024/03/01')).toBe(Date.UTC(2024, 2, 1));
    expect(dateValue('2024-03-01 10:30')).toBe(Date.UTC(2024, 2, 1, 10, 30));
    expect(dateValue('2024-03-01T10:30:15.250Z')).toBe(Date.UTC(2024, 2, 1, 10, 30, 15, 250));
    expect(dateValue('2024-03-01T10:30:00+02:00')).toBe(Date.parse('2024-03-01T10:30:00+02:00'));
    expect(dateValue('2024-03-01T10:30:00-0530')).toBe(Date.parse('2024-03-01T10:30:00-05:30'));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '2024-01-01T25:00', 'March 1', '20240301']) expect(dateValue(bad)).toBeUndefined();
  });
});
