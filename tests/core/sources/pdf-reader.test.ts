import { cliPdfEngine } from '../../../src/cli/pdf-engine';
import { hashBytes } from '../../../src/core/markdown';
import { pageMarker, PAGE_MARKER, readerForFile, type PdfEngine, type SourceDefect, type SourceDocument, type SourceReadContext } from '../../../src/core/sources';
import { firstPageHeading, pageTextFromItems, pdfDate, pdfReader, splitAuthors } from '../../../src/core/sources/pdf-reader';
import { MemoryVault } from '../../support/memory-vault';
import { buildPdf, layoutPage, type PdfBlock, type PdfPageSpec, type PdfSpacing } from '../../support/pdf-builder';

const engine = cliPdfEngine();

async function context(files: Record<string, Uint8Array>, pdf: PdfEngine | null = engine, signal?: AbortSignal): Promise<SourceReadContext> {
  const vault = new MemoryVault(files);
  return { vault, files: await vault.list(), engines: pdf ? { pdf } : {}, budgetTokens: 100_000, ...(signal ? { signal } : {}) };
}

async function read(bytes: Uint8Array, path = 'raw/paper.pdf'): Promise<SourceDocument | SourceDefect> {
  return pdfReader.read(path, await context({ [path]: bytes }));
}

async function readDoc(bytes: Uint8Array, path = 'raw/paper.pdf'): Promise<SourceDocument> {
  const out = await read(bytes, path);
  if (!('path' in out)) throw new Error(`expected a document, got the defect: ${out.message}`);
  return out;
}

async function readDefect(bytes: Uint8Array, path = 'raw/paper.pdf'): Promise<SourceDefect> {
  const out = await read(bytes, path);
  if ('path' in out) throw new Error(`expected a defect, got a document: ${out.body.slice(0, 200)}`);
  return out;
}

/** The text of each page of a body, by the page markers. */
function pagesOf(body: string): string[] {
  const parts = body.split(/^\[Page \d+\]$/m);
  return parts.slice(1).map((p) => p.trim());
}

const INTRO =
  'Scriptorium compiles a folder of raw sources into a wiki. Every summary cites the pages it used, so a reader can check a claim against the ori\u00adginal. Incre\u00admental com\u00adpilation compares hashes so that unchanged sources cost no model calls at all.';
const METHOD =
  'We measured the time to read one hundred pages and the overlap of the words with a reference extrac\u00adtion. The reference is the poppler tool that ships with most Linux distri\u00adbutions; it joins words broken at the end of a line.';
const RESULTS = 'Reading is fast enough to be unnoticed: the whole paper is read in well under a second on a laptop, and the text matches the reference.';

function paper(spacing?: PdfSpacing): PdfPageSpec[] {
  const page1: PdfBlock[] = [
    { kind: 'title', text: 'Compiling Notes into a Wiki' },
    { kind: 'authors', text: 'Ada Lovelace, Alan Turing and Grace Hopper' },
    { kind: 'heading', text: '1 Introduction' },
    { kind: 'paragraph', text: INTRO },
    { kind: 'paragraph', text: METHOD },
  ];
  const page2: PdfBlock[] = [
    { kind: 'heading', text: '2 Method' },
    { kind: 'paragraph', text: METHOD },
  ];
  const page3: PdfBlock[] = [
    { kind: 'heading', text: '3 Results' },
    { kind: 'paragraph', text: RESULTS },
    { kind: 'paragraph', text: INTRO },
  ];
  return [layoutPage(page1, { spacing }), layoutPage(page2, { spacing }), layoutPage(page3, { spacing })];
}

const words = (s: string) => s.replace(/\u00ad/g, '').split(/\s+/).filter((w) => w !== '');

describe('pdfReader', () => {
  test('is the reader for .pdf files, whatever the case of the extension', () => {
    expect(readerForFile('raw/paper.pdf')).toBe(pdfReader);
    expect(readerForFile('raw/Paper.PDF')).toBe(pdfReader);
    expect(pdfReader.kind).toBe('pdf');
  });

  test('gives the text page by page, each page starting with its marker line, words broken at a line end joined', async () => {
    const doc = await readDoc(buildPdf({ pages: paper() }));
    expect(doc.kind).toBe('pdf');
    expect(doc.paged).toBe(true);
    expect(doc.body.startsWith(`${pageMarker(1)}\n`)).toBe(true);
    expect([...doc.body.matchAll(new RegExp(PAGE_MARKER.source, 'gm'))].map((m) => Number(m[1]))).toEqual([1, 2, 3]);
    const pages = pagesOf(doc.body);
    expect(pages).toHaveLength(3);
    // Every word of what was set, in order, and nothing else: no hyphen halves, no merged words.
    expect(words(pages[0])).toEqual(words(`Compiling Notes into a Wiki Ada Lovelace, Alan Turing and Grace Hopper 1 Introduction ${INTRO} ${METHOD}`));
    expect(words(pages[1])).toEqual(words(`2 Method ${METHOD}`));
    expect(words(pages[2])).toEqual(words(`3 Results ${RESULTS} ${INTRO}`));
    expect(doc.body).toContain('original');
    expect(doc.body).toContain('Incremental');
    expect(doc.body).toContain('distributions');
    expect(doc.body).not.toMatch(/\p{L}-\n/u);
    expect(doc.facts).toEqual(['PDF, 3 pages']);
  });

  test('keeps headings and paragraphs apart with blank lines, and a paragraph\'s lines together', async () => {
    const doc = await readDoc(buildPdf({ pages: paper() }));
    const blocks = pagesOf(doc.body)[1].split(/\n\n/);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toBe('2 Method');
    expect(blocks[1].split('\n').length).toBeGreaterThan(1);
    expect(words(blocks[1])).toEqual(words(METHOD));
    const first = pagesOf(doc.body)[0].split(/\n\n/);
    expect(first.map((b) => words(b).slice(0, 2).join(' '))).toEqual(['Compiling Notes', 'Ada Lovelace,', '1 Introduction', 'Scriptorium compiles', 'We measured']);
  });

  test.each<PdfSpacing>(['kerning', 'words'])('reads the same words when spaces are %s rather than space characters', async (spacing) => {
    const plain = await readDoc(buildPdf({ pages: paper('chars') }));
    const other = await readDoc(buildPdf({ pages: paper(spacing) }));
    expect(words(other.body)).toEqual(words(plain.body));
  });

  test('keeps letters outside ASCII that the font encodes (accents, dashes, quotes)', async () => {
    const doc = await readDoc(buildPdf({ pages: [layoutPage([{ kind: 'paragraph', text: 'Café society — a “naïve” reading of Gödel’s théorème, 2½ times over.' }])] }));
    expect(pagesOf(doc.body)[0]).toBe('Café society — a “naïve” reading of Gödel’s théorème, 2½ times over.');
  });

  test('puts parts of a line set apart (a table row) on one line with spaces, rows on their own lines', async () => {
    const row = (y: number, cells: string[]) => cells.map((text, i) => ({ text, x: 72 + i * 150, y, size: 10 }));
    const pdf = buildPdf({ pages: [{ lines: [...row(700, ['Kind', 'Pages per second', 'Overlap']), ...row(687, ['pdf', '180', '0.99']), ...row(674, ['scan', '0', '0'])] }] });
    const doc = await readDoc(pdf);
    expect(pagesOf(doc.body)[0]).toBe('Kind Pages per second Overlap\npdf 180 0.99\nscan 0 0');
  });

  test('title and authors from the document information dictionary', async () => {
    const doc = await readDoc(buildPdf({ pages: paper(), info: { Title: 'Notes into Wikis', Author: 'Ada Lovelace; Alan Turing', CreationDate: "D:20230115093000+01'00'" } }));
    expect(doc.title).toBe('Notes into Wikis');
    expect(doc.authors).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(doc.published).toBe('2023-01-15');
  });

  test('XMP dc:title and dc:creator come before the information dictionary; a non-ASCII title is kept', async () => {
    const doc = await readDoc(buildPdf({ pages: paper(), info: { Title: 'Old title', Author: 'Someone Else' }, xmp: { title: 'Über Notizen — ein Wiki', creators: ['Émilie du Châtelet', 'Alan Turing'] } }));
    expect(doc.title).toBe('Über Notizen — ein Wiki');
    expect(doc.authors).toEqual(['Émilie du Châtelet', 'Alan Turing']);
    const info = await readDoc(buildPdf({ pages: paper(), info: { Title: 'Théorie des notes', Author: 'Émilie du Châtelet' } }));
    expect(info.title).toBe('Théorie des notes');
    expect(info.authors).toEqual(['Émilie du Châtelet']);
  });

  test('a junk title in the metadata ("Microsoft Word - …", "untitled") gives way to the first page\'s largest type; names under it are the authors', async () => {
    for (const junk of ['Microsoft Word - draft7.docx', 'untitled', 'paper.pdf']) {
      const doc = await readDoc(buildPdf({ pages: paper(), info: { Title: junk, Author: 'Administrator' } }));
      expect(doc.title).toBe('Compiling Notes into a Wiki');
      expect(doc.authors).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    }
  });

  test('no metadata and no heading on the first page: the file name is the title, no authors', async () => {
    const doc = await readDoc(buildPdf({ pages: [layoutPage([{ kind: 'paragraph', text: INTRO }])] }), 'raw/Field notes 2024.pdf');
    expect(doc.title).toBe('Field notes 2024');
    expect(doc.authors).toEqual([]);
    expect(doc.published).toBeUndefined();
  });

  test('a PDF without a text layer (a scan) is a no-text defect that says so in words a person understands', async () => {
    const bytes = buildPdf({ pages: [{ scan: true }, { scan: true }] });
    const defect = await readDefect(bytes);
    expect(defect.kind).toBe('no-text');
    expect(defect.message).toMatch(/no text layer/);
    expect(defect.message).toMatch(/scan/);
    expect(defect.message).toMatch(/vision model/);
    expect(defect.message).toMatch(/not supported yet/);
    expect(defect.hash).toBe(hashBytes(bytes));
  });

  test('a scanned page among text pages is kept as an empty page and named in the facts', async () => {
    const pages = paper();
    const doc = await readDoc(buildPdf({ pages: [pages[0], { scan: true }, pages[2]] }));
    expect(pagesOf(doc.body)[1]).toBe('');
    expect(doc.body).toContain(`${pageMarker(2)}\n\n${pageMarker(3)}`);
    expect(doc.facts).toEqual(['PDF, 3 pages', 'Page 2 has no text (scanned or pictures only).']);
  });

  test('a file named .pdf that is not one is a defect, not an error', async () => {
    const garbage = new TextEncoder().encode('<html><body>Not found</body></html>');
    const defect = await readDefect(garbage);
    expect(defect.kind).toBe('unreadable');
    expect(defect.message).toMatch(/not a PDF/);
    expect(defect.hash).toBe(hashBytes(garbage));
    const random = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    expect((await readDefect(random)).kind).toBe('unreadable');
  });

  test('a damaged PDF is a defect that gives pdf.js\'s reason', async () => {
    const damaged = new TextEncoder().encode('%PDF-1.7\n' + 'this is not a PDF body '.repeat(40));
    const defect = await readDefect(damaged);
    expect(defect.kind).toBe('unreadable');
    expect(defect.message).toMatch(/damaged/);
    expect(defect.message).toMatch(/pdf\.js: "/);
  });

  test('a password-protected PDF is a defect that says so and what to do', async () => {
    const defect = await readDefect(buildPdf({ pages: paper(), passwordProtected: true }));
    expect(defect.kind).toBe('unreadable');
    expect(defect.message).toMatch(/password/);
    expect(defect.message).toMatch(/copy without the password/);
  });

  test('an empty file is an empty defect', async () => {
    expect((await readDefect(new Uint8Array(0))).kind).toBe('empty');
  });

  test('where no PDF engine is available, a defect says PDFs cannot be read here', async () => {
    const bytes = buildPdf({ pages: paper() });
    const out = await pdfReader.read('raw/paper.pdf', await context({ 'raw/paper.pdf': bytes }, null));
    expect('path' in out).toBe(false);
    expect((out as SourceDefect).kind).toBe('unsupported');
    expect((out as SourceDefect).message).toMatch(/PDFs cannot be read here/);
    expect((out as SourceDefect).hash).toBe(hashBytes(bytes));
  });

  test('the hash is the hash of the bytes: stable across reads, different when the file changes', async () => {
    const bytes = buildPdf({ pages: paper() });
    const a = await readDoc(bytes);
    const b = await readDoc(bytes.slice());
    expect(a.hash).toBe(hashBytes(bytes));
    expect(b.hash).toBe(a.hash);
    const changed = await readDoc(buildPdf({ pages: paper(), info: { Title: 'Another' } }));
    expect(changed.hash).not.toBe(a.hash);
  });

  test('stops between pages when the run is stopped, and always closes the document', async () => {
    let destroyed = 0;
    let pagesRead = 0;
    const controller = new AbortController();
    const counting: PdfEngine = {
      async open(data) {
        const doc = await engine.open(data);
        return {
          numPages: doc.numPages,
          getMetadata: () => doc.getMetadata(),
          getPage: async (n) => {
            pagesRead++;
            if (n === 2) controller.abort();
            return doc.getPage(n);
          },
          destroy: () => {
            destroyed++;
            return doc.destroy();
          },
        };
      },
    };
    const bytes = buildPdf({ pages: paper() });
    await expect(pdfReader.read('raw/paper.pdf', await context({ 'raw/paper.pdf': bytes }, counting, controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
    expect(pagesRead).toBe(2);
    expect(destroyed).toBe(1);
    const done = await pdfReader.read('raw/paper.pdf', await context({ 'raw/paper.pdf': bytes }, counting));
    expect('path' in done).toBe(true);
    expect(destroyed).toBe(2);
  });
});

describe('pageTextFromItems', () => {
  const item = (str: string, x: number, y: number, width: number, size = 10, hasEOL = false) => ({ str, transform: [size, 0, 0, size, x, y], width, height: size, hasEOL });

  test('a space where two items have a gap between them, none where they touch or already have one', () => {
    const text = pageTextFromItems([item('Hello', 72, 700, 24), item('world', 100, 700, 25), item('ly', 125, 700, 8), item(' spaced', 133, 700, 30), item('out', 168, 700, 15)]).text;
    expect(text).toBe('Hello worldly spaced out');
  });

  test('a new line when the baseline moves even without an end-of-line mark; superscripts stay on their line', () => {
    const text = pageTextFromItems([item('Energy', 72, 700, 30), item('2', 103, 704, 4, 6), item('is conserved', 110, 700, 55), item('Next line', 72, 688, 40)]).text;
    expect(text).toBe('Energy 2 is conserved\nNext line');
  });

  test('a large gap, a jump back up the page or a change of type size starts a paragraph', () => {
    const lines = [item('One a', 72, 700, 30, 10, true), item('one b', 72, 688, 30, 10, true), item('two', 72, 664, 20, 10, true), item('Heading', 72, 640, 50, 14, true), item('three', 72, 624, 25, 10, true), item('column two', 320, 700, 50, 10, true)];
    expect(pageTextFromItems(lines).text).toBe('One a\none b\n\ntwo\n\nHeading\n\nthree\n\ncolumn two');
  });

  test('joins a word broken with a hyphen when the continuation\'s case matches (not "Smith-" "Jones")', () => {
    const text = pageTextFromItems([item('a compi-', 72, 700, 40, 10, true), item('lation step', 72, 688, 50, 10, true), item('see Smith-', 72, 676, 50, 10, true), item('Jones here', 72, 664, 50, 10, true), item('one word-', 72, 652, 40, 10, true), item('only', 72, 640, 20, 10, true), item('an ELE-', 72, 628, 40, 10, true), item('MENT of', 72, 616, 40, 10, true), item('non-', 72, 604, 20, 10, true), item('Newtonian', 72, 592, 40, 10, true)]).text;
    expect(text).toBe('a compilation\nstep\nsee Smith-\nJones here\none wordonly\nan ELEMENT\nof\nnon-\nNewtonian');
  });

  test('puts a piece drawn out of order (a label at the right, drawn first) in its place, with no stray spaces after it', () => {
    const text = pageTextFromItems([item('[Function]', 474, 585, 48), item('int parse', 90, 585, 50), item(' ', 140, 585, 5), item('(', 145, 585, 4), item('const char *', 149, 585, 60), item('file', 212, 585, 20), item(')', 232, 585, 4)]).text;
    expect(text).toBe('int parse (const char * file) [Function]');
  });

  test('keeps right-to-left lines, whose pieces all go backwards, in the order pdf.js gives', () => {
    expect(pageTextFromItems([item('שלום', 300, 700, 30), item('עולם', 260, 700, 30)]).text).toBe('שלום עולם');
  });

  test('reads text turned on its side along its own direction', () => {
    const rotated = (str: string, x: number, y: number, width: number, hasEOL = false) => ({ str, transform: [0, 10, -10, 0, x, y], width, height: 10, hasEOL });
    expect(pageTextFromItems([rotated('Side', 100, 72, 20), rotated('ways', 100, 95, 22, true), rotated('text', 112, 72, 20)]).text).toBe('Side ways\ntext');
  });

  test('skips marked-content entries, which carry no text', () => {
    expect(pageTextFromItems([{ type: 'beginMarkedContent' } as never, item('Only', 72, 700, 20)]).text).toBe('Only');
  });
});

describe('metadata helpers', () => {
  test('splitAuthors', () => {
    expect(splitAuthors('Ada Lovelace; Alan Turing')).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(splitAuthors('Ada Lovelace, Alan Turing and Grace Hopper')).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    expect(splitAuthors('Ada Lovelace & Alan Turing')).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(splitAuthors('Turing, Alan')).toEqual(['Turing, Alan']);
    expect(splitAuthors('Wu')).toEqual(['Wu']);
    expect(splitAuthors('Administrator')).toEqual([]);
    expect(splitAuthors('jd')).toEqual([]);
  });

  test('pdfDate keeps plausible dates only', () => {
    expect(pdfDate("D:20230115093000+01'00'")).toBe('2023-01-15');
    expect(pdfDate('D:2019')).toBe('2019-01-01');
    expect(pdfDate('2021-06-30T10:00:00Z')).toBe('2021-06-30');
    expect(pdfDate('D:19700101000000Z')).toBeUndefined();
    expect(pdfDate('D:29990101')).toBeUndefined();
    expect(pdfDate('yesterday')).toBeUndefined();
  });

  test('firstPageHeading wants type clearly larger than the body', () => {
    const line = (text: string, size: number, baseline: number) => ({ text, size, baseline, start: 72, end: 300, tabular: false });
    expect(firstPageHeading([line('Same size', 10, 700), line('as the body text of the page', 10, 688)])).toEqual({ authors: [] });
    expect(firstPageHeading([line('A Long Title That', 18, 700), line('Runs on Two Lines', 18, 678), line('Ada Lovelace1, Alan Turing*', 11, 650), line('Body text here.', 10, 620)])).toEqual({ title: 'A Long Title That Runs on Two Lines', authors: ['Ada Lovelace', 'Alan Turing'] });
  });
});
