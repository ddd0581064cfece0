import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FsVault } from '../../../src/cli/fs-vault';
import { hashBytes } from '../../../src/core/markdown';
import { datasetReader } from '../../../src/core/sources/dataset-reader';
import { isDefect, type SourceDocument, type SourceReadContext } from '../../../src/core/sources/types';
import type { VaultPort } from '../../../src/core/ports/vault';
import { tempVault } from '../../support/cli-io';
import { MemoryVault } from '../../support/memory-vault';

function context(vault: VaultPort, budgetTokens = 4000): SourceReadContext {
  return { vault, files: [], engines: {}, budgetTokens };
}

async function read(vault: VaultPort, file: string, budgetTokens?: number): Promise<SourceDocument> {
  const result = await datasetReader.read(file, context(vault, budgetTokens));
  if (isDefect(result)) throw new Error(`unexpected defect: ${result.message}`);
  return result;
}

const CSV = ['species,mass_g,island,seen', 'Adelie,3750,Torgersen,2024-03-01', 'Gentoo,5000,Biscoe,2024-03-02', 'Adelie,NA,Dream,2024-03-02', 'Chinstrap,3500,Dream,2024-03-04', ''].join('\n');

describe('datasetReader', () => {
  it('takes the dataset extensions', () => {
    expect(datasetReader.kind).toBe('dataset');
    expect([...datasetReader.extensions].sort()).toEqual(['.csv', '.json', '.jsonl', '.ndjson', '.tsv']);
  });

  it('turns a CSV into a profile the model reads: facts, a column table and a sample', async () => {
    const doc = await read(new MemoryVault({ 'raw/penguins.csv': CSV }), 'raw/penguins.csv');
    expect(doc).toMatchObject({ kind: 'dataset', title: 'penguins', path: 'raw/penguins.csv', authors: [] });
    expect(doc.facts).toEqual(['CSV, 4 rows × 4 columns']);
    expect(doc.hash).toBe(hashBytes(new TextEncoder().encode(CSV)));
    expect(doc.body).toContain('Dataset "penguins.csv": CSV with a header row, 4 rows × 4 columns.');
    // mean of 3750, 5000, 3500; one value missing (NA) of 4.
    expect(doc.body).toContain('| mass_g | integer | 1 (25.0%) | 3 | 3,500 | 5,000 | 4,083.33 |');
    expect(doc.body).toContain('| species | text | 0 | 3 |');
    expect(doc.body).toContain('Adelie (2)');
    expect(doc.body).toContain('| seen | date | 0 | 3 | 2024-03-01 | 2024-03-04 | 2024-03-02 |');
    expect(doc.body).toContain('## Sample (first 4 rows)');
    expect(doc.body).toContain('| Chinstrap | 3500 | Dream | 2024-03-04 |');
  });

  it('reads the same file streamed from disk through the filesystem vault', async () => {
    const root = tempVault('dataset');
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},${(i % 97) / 4},${i % 2 ? 'odd' : 'even'}`);
    const text = `n,q,parity\n${rows.join('\n')}\n`;
    writeFileSync(path.join(root, 'data.csv'), text);
    const vault = new FsVault(root);
    expect(typeof vault.readStream).toBe('function');
    const doc = await read(vault, 'data.csv');
    expect(doc.facts).toEqual(['CSV, 30,000 rows × 3 columns']);
    expect(doc.hash).toBe(hashBytes(new TextEncoder().encode(text)));
    expect(doc.body).toContain('| n | integer | 0 | more than 10,000 | 0 | 29,999 | 14,999.5 |');
    expect(doc.body).toContain('| parity | text | 0 | 2 |');
  });

  it('keeps the body within the budget by showing fewer sample rows', async () => {
    const wide = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 200 }, (_, r) => wide.map((_, c) => `value ${r}-${c} with some words`).join(','));
    const vault = new MemoryVault({ 'raw/w.csv': `${wide.join(',')}\n${rows.join('\n')}\n` });
    const roomy = await read(vault, 'raw/w.csv', 100_000);
    const tight = await read(vault, 'raw/w.csv', 500);
    expect(roomy.body).toContain('## Sample (first 20 rows)');
    expect(tight.body.length).toBeLessThanOrEqual(2000);
    expect(tight.body).toContain('## Columns');
  });

  it('names JSON Lines and malformed rows in its facts', async () => {
    const lines = ['{"t":1}', '{"t":2}', 'oops', '{"t":4}'].join('\n');
    const doc = await read(new MemoryVault({ 'raw/e.ndjson': lines }), 'raw/e.ndjson');
    expect(doc.facts).toEqual(['JSON Lines, 3 rows × 1 column', '1 malformed row left out']);
    expect(doc.body).toContain('1 malformed row left out (line 3: not valid JSON).');
  });

  it('returns defects, never throws, for files that are not datasets', async () => {
    const vault = new MemoryVault({ 'raw/e.csv': '', 'raw/x.json': '"just a string"', 'raw/z.tsv': new Uint8Array([1, 0, 2, 0]) });
    expect(await datasetReader.read('raw/e.csv', context(vault))).toMatchObject({ kind: 'empty' });
    const notRecords = await datasetReader.read('raw/x.json', context(vault));
    expect(notRecords).toMatchObject({ kind: 'unreadable', hash: hashBytes(new TextEncoder().encode('"just a string"')) });
    expect(await datasetReader.read('raw/z.tsv', context(vault))).toMatchObject({ kind: 'binary' });
    expect(await datasetReader.read('raw/missing.csv', context(vault))).toMatchObject({ kind: 'unreadable' });
  });
});
