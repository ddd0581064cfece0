import { tr } from '../../i18n';
import { basenameNoExt, hashBytes } from '../markdown';
import { plainOrUndefined } from './plain-text';
import { pageMarker, type PdfDocumentLike, type PdfTextItemLike, type SourceDefect, type SourceDocument, type SourceReader } from './types';

/** One line of a page, as set: its text, where it sits, and how big its type is. */
interface TextLine {
  text: string;
  /** Position along the text direction where the line starts and ends (x for upright text). */
  start: number;
  end: number;
  /** Position across it (the baseline's y for upright text; larger is higher on the page). */
  baseline: number;
  size: number;
  /** Whether the line holds a wide gap between two of its parts (a table row, a formula). */
  tabular: boolean;
}

/** Text pdf.js gives for one page, rebuilt into lines and paragraphs. */
export interface PageText {
  /** Paragraphs separated by a blank line, lines of a paragraph by a newline. */
  text: string;
  lines: TextLine[];
}

const HYPHEN_END = /(\p{L})[-\u2010\u00ad]$/u;

/**
 * Whether a line ending in `before` (a letter and a hyphen) and the next line starting with `after`
 * are one word broken in two: the continuation starts with a letter of the same case as the one
 * before the hyphen ("compi-" "lation", "ELE-" "MENT"), which keeps "Smith-" "Jones" and "non-"
 * "Newtonian" apart.
 */
function brokenWord(before: string, after: string): boolean {
  const end = HYPHEN_END.exec(before);
  const first = /^\p{L}/u.exec(after);
  if (!end || !first) return false;
  const lower = (c: string) => c !== c.toUpperCase();
  const upper = (c: string) => c !== c.toLowerCase();
  return (lower(end[1]) && lower(first[0])) || (upper(end[1]) && upper(first[0]));
}

function itemSize(item: PdfTextItemLike): number {
  const t = item.transform;
  const fromMatrix = t ? Math.hypot(t[2] ?? 0, t[3] ?? 0) : 0;
  return fromMatrix > 0 ? fromMatrix : (item.height ?? 0) > 0 ? (item.height ?? 0) : 10;
}

/**
 * Rebuilds a page's text from pdf.js text items: items run into lines (pdf.js marks line ends with
 * `hasEOL`; a jump of the baseline ends one too), with a space where there is a visible gap between
 * two items; a word broken with a hyphen at a line end is joined again (the rest of it moves up);
 * a vertical gap clearly larger than the page's usual line spacing, a change of type size, or a
 * jump back up the page starts a new paragraph.
 */
export function pageTextFromItems(items: readonly PdfTextItemLike[]): PageText {
  const lines: TextLine[] = [];
  let current: { segments: Segment[]; baseline: number; size: number; dir: [number, number] } | undefined;
  const close = () => {
    if (current) {
      const line = joinSegments(current.segments, current.baseline, current.size);
      if (line.text) lines.push(line);
    }
    current = undefined;
  };
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const t = item.transform ?? [1, 0, 0, 1, 0, 0];
    const norm = Math.hypot(t[0], t[1]) || 1;
    const dir: [number, number] = current?.dir ?? [t[0] / norm, t[1] / norm];
    const along = dir[0] * t[4] + dir[1] * t[5];
    const across = -dir[1] * t[4] + dir[0] * t[5];
    const size = itemSize(item);
    if (item.str !== '') {
      if (current && Math.abs(across - current.baseline) > 0.5 * Math.max(size, current.size)) close();
      current ??= { segments: [], baseline: across, size, dir };
      current.segments.push({ str: item.str, start: along, end: along + (item.width ?? 0), size });
      // Superscripts and subscripts are smaller and off the baseline: the line keeps its own.
      if (size > current.size) current.size = size;
    }
    if (item.hasEOL) close();
  }
  close();
  return { text: paragraphs(lines), lines };
}

interface Segment {
  str: string;
  start: number;
  end: number;
  size: number;
}

/**
 * One line's text from its pieces: a space where there is a visible gap between two pieces (or
 * where the next one goes back along the line). Pieces drawn out of order (a right-aligned label
 * drawn before the line's start) are put in their place first, unless most of the line goes
 * backwards, as right-to-left text does.
 */
function joinSegments(segments: Segment[], baseline: number, size: number): TextLine {
  let back = 0;
  for (let i = 1; i < segments.length; i++) if (segments[i].start < segments[i - 1].end - segments[i].size) back++;
  const ordered = back > 0 && back < segments.length - 1 - back ? [...segments].sort((a, b) => a.start - b.start) : segments;
  let text = '';
  let tabular = false;
  for (let i = 0; i < ordered.length; i++) {
    const seg = ordered[i];
    const prev = ordered[i - 1];
    if (prev) {
      const gap = seg.start - prev.end;
      const spaced = /\s$/.test(text) || /^\s/.test(seg.str);
      if (!spaced && (gap > 0.15 * seg.size || gap < -seg.size)) text += ' ';
      if (gap > 1.5 * seg.size) tabular = true;
    }
    text += seg.str;
  }
  const start = Math.min(...ordered.map((s) => s.start));
  const end = Math.max(...ordered.map((s) => s.end));
  return { text: text.replace(/\s+/g, ' ').trim(), start, end, baseline, size, tabular };
}

/** The page's usual distance between consecutive lines of the same size. */
function usualLeading(lines: readonly TextLine[]): number | undefined {
  const steps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1];
    const b = lines[i];
    const step = a.baseline - b.baseline;
    if (step > 0 && Math.abs(a.size - b.size) <= 0.1 * a.size && step < 3 * a.size) steps.push(step);
  }
  if (!steps.length) return undefined;
  steps.sort((x, y) => x - y);
  return steps[Math.floor(steps.length / 2)];
}

function paragraphs(lines: readonly TextLine[]): string {
  const leading = usualLeading(lines);
  const texts = lines.map((l) => l.text);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const prev = lines[i - 1];
    if (prev) {
      const step = prev.baseline - line.baseline;
      // The page's usual spacing when it fits this line's size (body text), else a measure of the line's own.
      const limit = leading !== undefined && leading >= 0.9 * line.size && leading <= 2.2 * line.size ? leading * 1.3 : line.size * 1.6;
      const sizeChange = Math.abs(prev.size - line.size) > 0.12 * Math.max(prev.size, line.size);
      out.push(step > limit || step < -0.5 * line.size || sizeChange ? '\n\n' : '\n');
    }
    // A word broken at the end of the previous line: its rest joins it there.
    const before = out.length >= 2 ? out[out.length - 2] : undefined;
    if (prev && before !== undefined && out[out.length - 1] === '\n' && !prev.tabular && brokenWord(before, texts[i])) {
      const m = /^(\S+)\s*(.*)$/u.exec(texts[i]);
      if (m) {
        out[out.length - 2] = before.slice(0, -1) + m[1];
        if (m[2] === '') {
          out.pop();
          continue;
        }
        out.push(m[2]);
        continue;
      }
    }
    out.push(texts[i]);
  }
  return out.join('');
}

const JUNK_TITLE = [
  /^(microsoft|ms)\s*(word|powerpoint|excel)\b/i,
  /\.(docx?|pdf|tex|dvi|ps|eps|rtf|odt|pptx?|indd|pages|qxd|html?|txt)$/i,
  /^(untitled|title|no title|document|doc\d*|paper|slide \d+|presentation\d*|pdf|none|null|unknown|draft)\b/i,
  /^[\d\W_]*$/u,
];

// Account names a word processor fills in, not people: "Administrator", "user1", "jd" (lower case only: "Wu" is a name).
const JUNK_AUTHOR = /^(?:(?:admin|administrator|user|owner|author|unknown|none|null|default|guest|root|staff|anonymous)\d*|\W*)$/i;
const ACCOUNT_NAME = /^[a-z]{1,3}\d*$/;

function clean(value: unknown): string | undefined {
  if (Array.isArray(value)) value = value.find((v) => typeof v === 'string' && v.trim() !== '');
  if (typeof value !== 'string') return undefined;
  // Plain text, one line, no link or image syntax: it becomes the summary's heading and byline.
  return plainOrUndefined(value, 1000);
}

function usableTitle(value: unknown): string | undefined {
  const title = clean(value);
  if (!title || title.length < 3 || title.length > 300) return undefined;
  return JUNK_TITLE.some((re) => re.test(title)) ? undefined : title;
}

/** Authors from an Author entry: "A; B", "A, B and C", "A & B"; "Last, First" kept whole. */
export function splitAuthors(value: string): string[] {
  let parts: string[];
  if (value.includes(';')) parts = value.split(';');
  else {
    parts = value.split(/\s*(?:,?\s+and\s+|\s*&\s*|,\s*)\s*/i);
    // "Turing, Alan" or "Turing, A." is one person, not two.
    const single = parts.every((p) => !/\s/.test(p.trim()));
    if (parts.length === 2 && single) parts = [value];
  }
  return parts
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '' && !JUNK_AUTHOR.test(p) && !ACCOUNT_NAME.test(p));
}

/** A PDF date ("D:20230115120000+01'00'") or an ISO date as YYYY-MM-DD, when it is a plausible one. */
export function pdfDate(value: unknown, now = new Date()): string | undefined {
  const text = clean(value);
  if (!text) return undefined;
  const m = /^(?:D:)?(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  if (year < 1980 || year > now.getFullYear() + 1 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+(?:\p{Lu}[\p{L}'’.-]*|van|von|de|der|da|di|del|la|le|du|dos|bin|al)){1,4}$/u;

/**
 * The title and authors printed on the first page: the largest type among its first lines
 * (clearly larger than the body text), and the line after it when that line is a list of names.
 */
export function firstPageHeading(lines: readonly TextLine[]): { title?: string; authors: string[] } {
  const head = lines.slice(0, 15);
  if (!head.length) return { authors: [] };
  const weighted: number[] = [];
  for (const l of lines) for (let i = 0; i < Math.min(l.text.length, 200); i++) weighted.push(l.size);
  weighted.sort((a, b) => a - b);
  const body = weighted[Math.floor(weighted.length / 2)] ?? 0;
  const largest = Math.max(...head.map((l) => l.size));
  if (largest < body * 1.2) return { authors: [] };
  const first = head.findIndex((l) => l.size >= largest * 0.97);
  let last = first;
  while (last + 1 < head.length && Math.abs(head[last + 1].size - largest) <= largest * 0.03) last++;
  const title = usableTitle(
    head
      .slice(first, last + 1)
      .map((l) => l.text)
      .join(' ')
      .replace(/(\p{L})- (\p{Ll})/gu, '$1$2'),
  );
  const authors: string[] = [];
  for (const line of head.slice(last + 1, last + 4)) {
    // Footnote marks and affiliations' numbers after names go.
    const names = line.text
      .replace(/[*†‡§¶\d]+(?=\s|,|$)/gu, '')
      .split(/\s*(?:,\s*and\s+|,|\band\b|&|;|·)\s*/u)
      .map((n) => n.trim())
      .filter((n) => n !== '');
    if (!names.length || !names.every((n) => NAME.test(n))) break;
    authors.push(...names);
  }
  return { ...(title ? { title } : {}), authors };
}

/** The `name` of the error a PDF engine throws when the platform's PDF library cannot be had. */
export const PDF_ENGINE_UNAVAILABLE = 'PdfEngineUnavailable';

/** pdf.js's reason for refusing a file, in words a person can act on. */
function openFailure(error: unknown, hash: string): SourceDefect {
  const name = error instanceof Error ? error.name : '';
  const reason = error instanceof Error ? error.message : String(error);
  if (name === PDF_ENGINE_UNAVAILABLE) return { kind: 'unsupported', message: tr('core.sources.pdf.engineUnavailable', { reason }), hash };
  if (name === 'PasswordException' || /password/i.test(reason)) {
    return { kind: 'unreadable', message: tr('core.sources.pdf.password'), hash };
  }
  if (name === 'InvalidPDFException' || /invalid pdf/i.test(reason)) {
    return { kind: 'unreadable', message: tr('core.sources.pdf.damaged', { reason }), hash };
  }
  return { kind: 'unreadable', message: tr('core.sources.pdf.unreadable', { reason }), hash };
}

/** True when the first kilobyte holds the "%PDF-" header (pdf.js tolerates leading junk before it). */
function hasPdfHeader(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  for (let i = 0; i + 4 < head.length; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) return true;
  }
  return false;
}

function pageList(pages: number[]): string {
  const shown = pages.slice(0, 10).join(', ');
  return pages.length > 10 ? `${shown} and ${pages.length - 10} more` : shown;
}

/** Pages read from one PDF: a long book fits; a small file whose page tree names one page 200,000 times does not take hours. */
export const MAX_PDF_PAGES = 2_000;
/** Characters of text read from one PDF (about a million tokens); the pages after are left out. */
export const MAX_PDF_TEXT_CHARS = 4_000_000;

/**
 * `promise`, or the signal's reason as soon as it aborts: pdf.js works through one page's content
 * in slices, and a page can take minutes (a tiny file whose content inflates to 100 MB), so a stop
 * cannot wait for the page to end. The document is destroyed by the caller, which ends pdf.js's work.
 */
async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  // Left behind on a stop, the work fails when the document is destroyed: that failure is expected.
  promise.catch(() => undefined);
  signal.throwIfAborted();
  let onAbort = () => undefined as void;
  const stopped = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const done = await Promise.race([promise.then((value) => ({ value })), stopped]);
    // Stopped first: the signal's own reason (an AbortError), as throwIfAborted gives it.
    if (done === undefined) signal.throwIfAborted();
    return (done as { value: T }).value;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function readDocument(doc: PdfDocumentLike, path: string, hash: string, signal: AbortSignal | undefined): Promise<SourceDocument | SourceDefect> {
  const pages: PageText[] = [];
  const total = doc.numPages;
  let chars = 0;
  for (let n = 1; n <= total && n <= MAX_PDF_PAGES && chars <= MAX_PDF_TEXT_CHARS; n++) {
    signal?.throwIfAborted();
    const page = await abortable(doc.getPage(n), signal);
    const content = await abortable(page.getTextContent(), signal);
    const text = pageTextFromItems(content.items);
    pages.push(text);
    chars += text.text.length;
    page.cleanup?.();
  }
  const count = (s: string) => (s.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const characters = pages.reduce((sum, p) => sum + count(p.text), 0);
  if (pages.length === 0 || characters < 16 * pages.length) {
    return {
      kind: 'no-text',
      message:
        pages.length === 0
          ? tr('core.sources.pdf.noTextLayer')
          : pages.length === 1
            ? tr('core.sources.pdf.noTextLayerOne', { letters: characters })
            : tr('core.sources.pdf.noTextLayerPages', { letters: characters, pages: pages.length }),
      hash,
    };
  }
  signal?.throwIfAborted();
  const meta = await abortable(doc.getMetadata(), signal).catch((error: unknown) => {
    if (signal?.aborted) throw error;
    return { info: undefined, metadata: undefined };
  });
  const info = (meta.info && typeof meta.info === 'object' ? meta.info : {}) as Record<string, unknown>;
  const xmp = meta.metadata ?? undefined;
  const fromPage = firstPageHeading(pages[0]?.lines ?? []);
  const title = usableTitle(xmp?.get('dc:title')) ?? usableTitle(info.Title) ?? fromPage.title ?? basenameNoExt(path);
  const xmpCreators = xmp?.get('dc:creator');
  const metaAuthors = Array.isArray(xmpCreators)
    ? xmpCreators.flatMap((c) => {
        const name = clean(c);
        return name ? splitAuthors(name) : [];
      })
    : [];
  const infoAuthor = clean(info.Author);
  const authors = metaAuthors.length ? metaAuthors : infoAuthor && splitAuthors(infoAuthor).length ? splitAuthors(infoAuthor) : fromPage.authors;
  const published = pdfDate(info.CreationDate) ?? pdfDate(xmp?.get('xmp:createdate'));
  const subject = clean(info.Subject);
  const blank = pages.flatMap((p, i) => (count(p.text) === 0 ? [i + 1] : []));
  const facts = [`PDF, ${total} page${total === 1 ? '' : 's'}`];
  if (pages.length < total) {
    const why = pages.length >= MAX_PDF_PAGES ? `at most ${MAX_PDF_PAGES.toLocaleString('en-US')} pages are read` : `at most ${(MAX_PDF_TEXT_CHARS / 1_000_000).toLocaleString('en-US')} million characters of text are read`;
    facts.push(`Only pages 1–${pages.length} of ${total.toLocaleString('en-US')} were read (${why}); split the PDF to compile the rest.`);
  }
  if (blank.length) facts.push(`Page${blank.length === 1 ? '' : 's'} ${pageList(blank)} ha${blank.length === 1 ? 's' : 've'} no text (scanned or pictures only).`);
  const body = pages.map((p, i) => (p.text ? `${pageMarker(i + 1)}\n${p.text}` : pageMarker(i + 1))).join('\n\n');
  return {
    path,
    kind: 'pdf',
    hash,
    title,
    authors,
    ...(published ? { published } : {}),
    ...(subject && subject.length > 3 ? { description: subject } : {}),
    body: `${body}\n`,
    paged: true,
    facts,
  };
}

/** Papers and other PDFs: text page by page (each page marked, so citations can name it), title and authors. */
export const pdfReader: SourceReader = {
  kind: 'pdf',
  label: 'PDF',
  extensions: ['.pdf'],
  async read(path, ctx) {
    const bytes = await ctx.vault.readBinary(path);
    const hash = hashBytes(bytes);
    if (bytes.length === 0) return { kind: 'empty', message: tr('core.sources.pdf.empty'), hash };
    const engine = ctx.engines.pdf;
    if (!engine) return { kind: 'unsupported', message: tr('core.sources.pdf.noEngine'), hash };
    if (!hasPdfHeader(bytes)) return { kind: 'unreadable', message: tr('core.sources.pdf.notPdf'), hash };
    let doc: PdfDocumentLike;
    try {
      doc = await engine.open(bytes);
    } catch (error) {
      return openFailure(error, hash);
    }
    try {
      return await readDocument(doc, path, hash, ctx.signal);
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      return openFailure(error, hash);
    } finally {
      await doc.destroy().catch(() => undefined);
    }
  },
};
