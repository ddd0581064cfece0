import { isDefect, type SourceDefect, type SourceDocument } from '../../../src/core/sources';
import { numberValue, profileDataset, MAX_COLUMNS } from '../../../src/core/sources/dataset-profile';
import { datasetReader } from '../../../src/core/sources/dataset-reader';
import { MemoryVault } from '../../support/memory-vault';

async function read(path: string, content: string | Uint8Array): Promise<SourceDocument | SourceDefect> {
  const vault = new MemoryVault({ [path]: content });
  return datasetReader.read(path, { vault, files: await vault.list(), engines: {}, budgetTokens: 8000 });
}

async function readDoc(path: string, content: string | Uint8Array): Promise<SourceDocument> {
  const out = await read(path, content);
  if (isDefect(out)) throw new Error(`expected a document, got the defect: ${out.message}`);
  return out;
}

describe('hostile datasets', () => {
  it('profiles at most MAX_COLUMNS columns of a line of commas, and says how many were left out', async () => {
    // One line, 300,001 empty fields: before, one column profile (and one Map) per field; a 20 MB line ran out of memory.
    const path = 'raw/commas.csv';
    const vault = new MemoryVault({ [path]: 'a,'.repeat(300_000) });
    const profile = await profileDataset(vault, path);
    if ('problem' in profile) throw new Error(profile.message);
    expect(profile.columns).toHaveLength(MAX_COLUMNS);
    expect(profile.columnsLeftOut).toBe(300_001 - MAX_COLUMNS);
    expect(profile.sample.every((row) => row.length === MAX_COLUMNS)).toBe(true);
    const doc = await readDoc(path, 'a,'.repeat(300_000));
    expect(doc.body).toContain('Only the first 1,000 columns are profiled; 299,001 more columns left out.');
    expect(doc.facts).toContain('only the first 1,000 columns profiled');
    expect(doc.body.length).toBeLessThan(40_000);
  });

  it('a wide table with long column names stays a bounded profile', async () => {
    const names = Array.from({ length: 900 }, (_, i) => `${"n".repeat(500)}${i}`);
    const doc = await readDoc('raw/wide.csv', `${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`);
    // 900 names of 500 characters were listed whole in one line (450 KB of prompt).
    expect(doc.body.length).toBeLessThan(40_000);
    expect(doc.body).toMatch(/And 800 more columns: .*, and 600 others\./);
  });

  it('a JSON file whose records have more than MAX_COLUMNS keys says so', async () => {
    const record = Object.fromEntries(Array.from({ length: MAX_COLUMNS + 50 }, (_, i) => [`k${i}`, i]));
    const doc = await readDoc('raw/keys.json', JSON.stringify([record, record]));
    expect(doc.body).toContain('Only the first 1,000 columns are profiled; at least 50 more columns left out.');
  });

  it('numbers beyond what a double holds are text, not infinite minimums and NaN means', async () => {
    expect(numberValue('1e999')).toBeUndefined();
    expect(numberValue('-1e999')).toBeUndefined();
    expect(numberValue('1e308')).toBe(1e308);
    const doc = await readDoc('raw/inf.csv', 'name,x\na,1e999\nb,-1e999\nc,5\nd,6\n');
    expect(doc.body).not.toMatch(/∞|NaN/);
  });

  it('a JSON Lines line nested too deeply is one malformed line, not a failed file', async () => {
    const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const doc = await readDoc('raw/deep.jsonl', `{"a":1}\n${deep}\n{"a":2}\n`);
    expect(doc.body).toContain('2 rows × 1 column');
    expect(doc.body).toMatch(/1 malformed row left out \(line 2: (nested too deeply|not valid JSON)\)/);
  });

  it('a JSON table nested too deeply is a defect that says why', async () => {
    const out = await read('raw/deep.json', `[${'['.repeat(200_000)}${']'.repeat(200_000)}]`);
    expect(isDefect(out) && out.message).toMatch(/nested too deeply/);
  });

  it('BOM, CRLF and formula-looking cells are data', async () => {
    const doc = await readDoc('raw/f.csv', '\ufeffname,x\r\n=HYPERLINK("http://evil.example"),1\r\n"[[../../.obsidian/app]]",2\r\n');
    expect(doc.body).toContain('| name | x |');
    expect(doc.body).toContain('=HYPERLINK("http://evil.example")');
  });
});
