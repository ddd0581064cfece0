import * as obsidian from 'obsidian';
import { obsidianPdfEngine } from '../../src/obsidian/pdf-engine';
import { pageMarker } from '../../src/core/sources';
import { pdfReader } from '../../src/core/sources/pdf-reader';
import { MemoryVault } from '../support/memory-vault';
import { buildPdf, layoutPage } from '../support/pdf-builder';

// Obsidian's loadPdfJs() gives the app's own pdf.js. Here it gives pdfjs-dist's build of the same
// library, so the engine is checked against pdf.js's real API; the test double of the obsidian
// module otherwise returns an empty object.
let pdfjs: unknown = {};
jest.mock('obsidian', () => ({ ...jest.requireActual<typeof obsidian>('obsidian'), loadPdfJs: () => Promise.resolve(pdfjs) }));

const bytes = buildPdf({ pages: [layoutPage([{ kind: 'title', text: 'A Plugin Reads a Paper' }, { kind: 'paragraph', text: 'Its text comes from the pdf.js the app ships.' }])] });

async function read() {
  const vault = new MemoryVault({ 'raw/paper.pdf': bytes });
  return pdfReader.read('raw/paper.pdf', { vault, files: await vault.list(), engines: { pdf: obsidianPdfEngine() }, budgetTokens: 10_000 });
}

test('reads a PDF through the pdf.js that loadPdfJs() gives', async () => {
  pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await read();
  expect('path' in doc && doc.body).toBe(`${pageMarker(1)}\nA Plugin Reads a Paper\n\nIts text comes from the pdf.js the app ships.\n`);
});

test('when the app gives no pdf.js, the PDF is a defect, not a crash', async () => {
  pdfjs = {};
  const out = await read();
  expect(out).toMatchObject({ kind: 'unsupported', message: 'PDFs cannot be read here: Obsidian did not provide its PDF library.' });
});
