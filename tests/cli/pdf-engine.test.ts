import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsVault } from '../../src/cli/fs-vault';
import { cliPdfEngine } from '../../src/cli/pdf-engine';
import { cliSourceEngines } from '../../src/cli/source-engines';
import { pageMarker } from '../../src/core/sources';
import { pdfReader } from '../../src/core/sources/pdf-reader';
import { buildPdf, layoutPage } from '../support/pdf-builder';

const PAGES = [
  layoutPage([{ kind: 'title', text: 'On Reading Papers' }, { kind: 'paragraph', text: 'The first page says what the paper is about.' }]),
  layoutPage([{ kind: 'paragraph', text: 'The second page gives the evidence.' }]),
];

describe('cliPdfEngine', () => {
  test('opens a PDF: its pages, their text items with positions, its metadata', async () => {
    const doc = await cliPdfEngine().open(buildPdf({ pages: PAGES, info: { Title: 'On Reading Papers', Author: 'Ada Lovelace' } }));
    try {
      expect(doc.numPages).toBe(2);
      const page = await doc.getPage(2);
      const { items } = await page.getTextContent();
      const text = items.map((i) => i.str ?? '').join('');
      expect(text).toBe('The second page gives the evidence.');
      const first = items.find((i) => i.str);
      expect(first?.transform?.[4]).toBeCloseTo(72, 0);
      expect(first?.width).toBeGreaterThan(100);
      const meta = await doc.getMetadata();
      expect(meta.info).toMatchObject({ Title: 'On Reading Papers', Author: 'Ada Lovelace' });
    } finally {
      await doc.destroy();
    }
  });

  test('leaves the caller\'s bytes as they were', async () => {
    const bytes = buildPdf({ pages: PAGES });
    const copy = bytes.slice();
    const doc = await cliPdfEngine().open(bytes);
    await doc.destroy();
    expect(bytes.byteLength).toBe(copy.byteLength);
    expect(Buffer.from(bytes).equals(Buffer.from(copy))).toBe(true);
  });

  test('rejects a damaged file and a password-protected one with pdf.js\'s errors, printing nothing', async () => {
    const printed: unknown[] = [];
    const spies = (['log', 'warn', 'error', 'info'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args)));
    try {
      await expect(cliPdfEngine().open(new TextEncoder().encode('%PDF-1.4\nnothing here'))).rejects.toMatchObject({ name: 'InvalidPDFException' });
      await expect(cliPdfEngine().open(buildPdf({ pages: PAGES, passwordProtected: true }))).rejects.toMatchObject({ name: 'PasswordException' });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(printed).toEqual([]);
  });

  test('is the CLI\'s PDF engine, and reads a PDF from a vault on disk through the reader', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scriptorium-pdf-'));
    writeFileSync(path.join(dir, 'paper.pdf'), buildPdf({ pages: PAGES }));
    const vault = new FsVault(dir);
    const engines = cliSourceEngines();
    expect(engines.pdf).toBeDefined();
    const doc = await pdfReader.read('paper.pdf', { vault, files: await vault.list(), engines, budgetTokens: 10_000 });
    expect('path' in doc && doc.body).toBe(`${pageMarker(1)}\nOn Reading Papers\n\nThe first page says what the paper is about.\n\n${pageMarker(2)}\nThe second page gives the evidence.\n`);
    expect('path' in doc && doc.title).toBe('On Reading Papers');
  });
});
