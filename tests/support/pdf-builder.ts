/**
 * Writes real PDF files for tests and benchmarks, so no binary fixture is committed. Text is set in
 * Helvetica (one of the 14 standard fonts, WinAnsi encoding, nothing embedded), one content stream
 * per page, with a correct cross-reference table. Two levels:
 *
 * - {@link buildPdf} places lines exactly where a test says (position, size, how spaces are made);
 * - {@link layoutPage} sets headings and paragraphs in a column as a word processor would: lines
 *   wrapped to the column width with Helvetica's widths, words broken with a hyphen at a soft hyphen
 *   (U+00AD) when they do not fit, a larger gap between paragraphs.
 */

/**
 * How the spaces of a line are written: as space characters in one string (most producers), as
 * displacements inside one TJ array with no space character (as TeX does), or each word shown on
 * its own at its position (as some converters do).
 */
export type PdfSpacing = 'chars' | 'kerning' | 'words';

export interface PdfTextLine {
  text: string;
  /** Left edge and baseline, in points from the page's bottom-left corner. */
  x: number;
  y: number;
  /** Font size in points. */
  size: number;
  bold?: boolean;
  spacing?: PdfSpacing;
}

export interface PdfPageSpec {
  lines?: PdfTextLine[];
  /** A page with no text at all, only a grey filled rectangle (what a scanned page is to a text reader). */
  scan?: boolean;
}

export interface PdfSpec {
  pages: PdfPageSpec[];
  /** Entries of the document information dictionary (Title, Author, Subject, Creator, Producer, CreationDate…). */
  info?: Record<string, string>;
  /** An XMP metadata stream with dc:title and dc:creator. */
  xmp?: { title?: string; creators?: string[] };
  /**
   * Protect the file with a password (standard security handler, RC4 40-bit) whose check value no
   * password matches: what a password-protected PDF is to a reader that has no password.
   */
  passwordProtected?: boolean;
  /** Page size in points; US Letter by default. */
  width?: number;
  height?: number;
}

export const LETTER = { width: 612, height: 792 } as const;

// Helvetica's advance widths (thousandths of the font size) for ASCII 32–126, from its AFM file.
// prettier-ignore
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-9 : ; < = > ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ A-O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-Z [ \ ] ^ _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` a-o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p-z { | } ~
];

/** Width of `text` in Helvetica at `size` points (characters outside ASCII count as a digit's width). */
export function textWidth(text: string, size: number): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    units += code >= 32 && code <= 126 ? HELVETICA_WIDTHS[code - 32] : 556;
  }
  return (units * size) / 1000;
}

// WinAnsiEncoding codes 128–159 (the rest of 160–255 is Latin-1).
const WIN_ANSI_HIGH: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e,
  '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

/** A PDF literal string of `text` in WinAnsi; characters WinAnsi lacks become '?'. */
function literal(text: string): string {
  let out = '(';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    const byte = code < 128 || (code >= 160 && code <= 255) ? code : (WIN_ANSI_HIGH[ch] ?? 63);
    if (byte === 40 || byte === 41 || byte === 92) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 32 || byte > 126) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

/** A PDF text string for the info dictionary: literal when ASCII, else UTF-16BE with a byte-order mark. */
function textString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return literal(text);
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, ''));

function lineOps(line: PdfTextLine): string {
  const font = line.bold ? '/F2' : '/F1';
  const spacing = line.spacing ?? 'chars';
  if (spacing === 'chars') return `BT ${font} ${num(line.size)} Tf ${num(line.x)} ${num(line.y)} Td ${literal(line.text)} Tj ET`;
  const words = line.text.split(/ +/).filter((w) => w !== '');
  if (spacing === 'kerning') {
    // A space's width as a negative displacement between words, no space character in the string.
    const parts = words.map(literal).join(` ${-HELVETICA_WIDTHS[0]} `);
    return `BT ${font} ${num(line.size)} Tf ${num(line.x)} ${num(line.y)} Td [${parts}] TJ ET`;
  }
  const ops: string[] = [];
  let x = line.x;
  for (const word of words) {
    ops.push(`BT ${font} ${num(line.size)} Tf ${num(x)} ${num(line.y)} Td ${literal(word)} Tj ET`);
    x += textWidth(`${word} `, line.size);
  }
  return ops.join('\n');
}

function xmpPacket(xmp: NonNullable<PdfSpec['xmp']>): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const title = xmp.title === undefined ? '' : `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(xmp.title)}</rdf:li></rdf:Alt></dc:title>`;
  const creators = xmp.creators ? `<dc:creator><rdf:Seq>${xmp.creators.map((c) => `<rdf:li>${esc(c)}</rdf:li>`).join('')}</rdf:Seq></dc:creator>` : '';
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">${title}${creators}</rdf:Description>`,
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** The bytes of a PDF file as `spec` describes it. */
export function buildPdf(spec: PdfSpec): Uint8Array {
  const width = spec.width ?? LETTER.width;
  const height = spec.height ?? LETTER.height;
  const encoder = new TextEncoder();
  // Objects 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, then per page a page and its
  // contents, then the info dictionary, the XMP stream and the encryption dictionary when asked.
  const objects: string[] = [];
  const pageIds: number[] = [];
  const firstPage = 5;
  spec.pages.forEach((page, i) => {
    const pageId = firstPage + i * 2;
    pageIds.push(pageId);
    const ops = page.scan ? ['0.85 g', `36 36 ${num(width - 72)} ${num(height - 72)} re f`] : (page.lines ?? []).map(lineOps);
    const content = `${ops.join('\n')}\n`;
    objects[pageId] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(width)} ${num(height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId + 1} 0 R >>`;
    objects[pageId + 1] = `<< /Length ${encoder.encode(content).length} >>\nstream\n${content}endstream`;
  });
  let next = firstPage + spec.pages.length * 2;
  let catalogExtra = '';
  let trailerExtra = '';
  if (spec.info) {
    const entries = Object.entries(spec.info).map(([k, v]) => `/${k} ${textString(v)}`);
    objects[next] = `<< ${entries.join(' ')} >>`;
    trailerExtra += ` /Info ${next} 0 R`;
    next++;
  }
  if (spec.xmp) {
    const packet = xmpPacket(spec.xmp);
    objects[next] = `<< /Type /Metadata /Subtype /XML /Length ${encoder.encode(packet).length} >>\nstream\n${packet}\nendstream`;
    catalogExtra += ` /Metadata ${next} 0 R`;
    next++;
  }
  if (spec.passwordProtected) {
    const check = '<' + 'A5'.repeat(32) + '>';
    objects[next] = `<< /Filter /Standard /V 1 /R 2 /O ${check} /U ${check} /P -44 >>`;
    trailerExtra += ` /Encrypt ${next} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`;
    next++;
  }
  objects[1] = `<< /Type /Catalog /Pages 2 0 R${catalogExtra} >>`;
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';

  const chunks: Uint8Array[] = [];
  let length = 0;
  const write = (s: string) => {
    const bytes = encoder.encode(s);
    chunks.push(bytes);
    length += bytes.length;
  };
  write('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const offsets: number[] = [];
  for (let id = 1; id < next; id++) {
    offsets[id] = length;
    write(`${id} 0 obj\n${objects[id]}\nendobj\n`);
  }
  const xref = length;
  write(`xref\n0 ${next}\n0000000000 65535 f \n`);
  for (let id = 1; id < next; id++) write(`${String(offsets[id]).padStart(10, '0')} 00000 n \n`);
  write(`trailer\n<< /Size ${next} /Root 1 0 R${trailerExtra} >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A block of a page set by {@link layoutPage}. */
export interface PdfBlock {
  kind: 'title' | 'authors' | 'heading' | 'paragraph';
  /** The text; U+00AD marks where a word may be broken with a hyphen at a line end. */
  text: string;
}

export interface LayoutOptions {
  width?: number;
  height?: number;
  margin?: number;
  /** Body font size; titles and headings are set larger. */
  size?: number;
  spacing?: PdfSpacing;
}

const SOFT_HYPHEN = '\u00ad';

/**
 * Sets `blocks` in one column from the top of a page: each paragraph wrapped to the column width,
 * a word that does not fit broken at a soft hyphen (the part before it and a '-' stay on the line),
 * larger gaps before headings and between paragraphs. Text that runs past the bottom margin is
 * still placed (tests keep pages short enough).
 */
export function layoutPage(blocks: PdfBlock[], options: LayoutOptions = {}): PdfPageSpec {
  const width = options.width ?? LETTER.width;
  const height = options.height ?? LETTER.height;
  const margin = options.margin ?? 72;
  const body = options.size ?? 10;
  const column = width - 2 * margin;
  const lines: PdfTextLine[] = [];
  let y = height - margin;
  let first = true;
  for (const block of blocks) {
    const size = block.kind === 'title' ? body * 1.8 : block.kind === 'heading' ? body * 1.3 : block.kind === 'authors' ? body * 1.1 : body;
    const leading = size * 1.25;
    if (!first) y -= block.kind === 'heading' ? body * 1.6 : body * 0.9;
    first = false;
    y -= size;
    const bold = block.kind === 'title' || block.kind === 'heading';
    const spacing = block.kind === 'paragraph' ? options.spacing : 'chars';
    for (const text of wrap(block.text, size, column)) {
      const x = block.kind === 'title' || block.kind === 'authors' ? margin + Math.max(0, (column - textWidth(text, size)) / 2) : margin;
      lines.push({ text, x, y, size, bold, spacing });
      y -= leading;
    }
    y += leading;
  }
  return { lines };
}

/** Lines of at most `column` points; words broken at a soft hyphen when one does not fit. */
function wrap(text: string, size: number, column: number): string[] {
  const visible = (s: string) => s.split(SOFT_HYPHEN).join('');
  const out: string[] = [];
  let line = '';
  const words = text.split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const candidate = line ? `${line} ${visible(word)}` : visible(word);
    if (textWidth(candidate, size) <= column || !line) {
      line = candidate;
      continue;
    }
    // The longest head of the word, up to a soft hyphen, that fits with its hyphen.
    const pieces = word.split(SOFT_HYPHEN);
    let head = '';
    let used = 0;
    for (let k = 1; k < pieces.length; k++) {
      const attempt = pieces.slice(0, k).join('');
      if (textWidth(`${line} ${attempt}-`, size) <= column) {
        head = attempt;
        used = k;
      }
    }
    if (head) {
      out.push(`${line} ${head}-`);
      line = pieces.slice(used).join('');
    } else {
      out.push(line);
      line = visible(word);
    }
  }
  if (line) out.push(line);
  return out;
}
