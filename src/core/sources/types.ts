import type { VaultFileStat, VaultPort } from '../ports/vault';

/**
 * The kinds of source Scriptorium compiles. Each has one reader (a file in this folder) listed in
 * `registry.ts`; docs/adding-a-source-kind.md says how to add one.
 */
export type SourceKind = 'note' | 'pdf' | 'image' | 'dataset' | 'repository' | 'web-page';

/** An image a source shows: a local file in the vault, or a remote URL (never fetched by compile). */
export interface SourceImage {
  /** Vault path of a local image file. */
  path?: string;
  /** A remote image (http or https), listed but not sent; "Download images" makes it local. */
  url?: string;
  /** Alt text or caption, '' when none. */
  alt: string;
}

/** A source ready to be compiled: what every reader produces and compile consumes. */
export interface SourceDocument {
  /** Vault path of the file; for a folder source (repository), of its anchor file (see registry.ts). */
  path: string;
  kind: SourceKind;
  /** For a folder source: the folder it was read from. */
  folder?: string;
  /**
   * Hash of what the source is made of (the note's text, the file's bytes, a repository's files):
   * what incremental compile compares. A note's hash is `hashText` of its text.
   */
  hash: string;
  title: string;
  /** Web Clipper and similar metadata, when present. */
  url?: string;
  authors: string[];
  published?: string;
  description?: string;
  /**
   * The text the model reads, without frontmatter or page chrome. For paged sources (PDF) each
   * page starts with a line made by {@link pageMarker}, so the model can say where a claim is and
   * the summary can link to that page.
   */
  body: string;
  /** True when `body` carries page markers and "page N" citations link to `path#page=N`. */
  paged?: boolean;
  /** Images the source shows, sent to a model that can see (capped), else listed with their alt text. */
  images?: SourceImage[];
  /** Lines about the source for the summary's header (a dataset's size, a repository's manifest). */
  facts?: string[];
}

/** Why a source cannot be compiled; never fatal to the run. */
export interface SourceDefect {
  kind: 'empty' | 'binary' | 'encoding' | 'frontmatter' | 'unreadable' | 'unsupported' | 'no-text' | 'too-big';
  message: string;
  /** The hash when it could be computed (so a source compiled before stays up to date). */
  hash?: string;
}

/** The line that starts page `n` of a paged source's body. */
export function pageMarker(n: number): string {
  return `[Page ${n}]`;
}

/** Matches a {@link pageMarker} line; group 1 is the page number. */
export const PAGE_MARKER = /^\[Page (\d+)\]$/m;

/**
 * A PDF library with pdf.js's shape: the plugin passes the pdf.js Obsidian ships (`loadPdfJs()`),
 * the CLI `pdfjs-dist`. Only what the PDF reader uses is declared.
 */
export interface PdfEngine {
  open(data: Uint8Array): Promise<PdfDocumentLike>;
}

export interface PdfDocumentLike {
  numPages: number;
  getPage(pageNumber: number): Promise<PdfPageLike>;
  getMetadata(): Promise<{ info?: unknown; metadata?: { get(name: string): unknown } | null }>;
  destroy(): Promise<void>;
}

export interface PdfTextItemLike {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
  width?: number;
  height?: number;
}

export interface PdfPageLike {
  getTextContent(): Promise<{ items: PdfTextItemLike[] }>;
  cleanup?(): void;
}

/** Platform tools some readers need; a reader whose tool is missing reports that, never throws. */
export interface SourceEngines {
  pdf?: PdfEngine;
  /** HTML to markdown: Obsidian's `htmlToMarkdown` in the plugin, a converter library in the CLI. */
  htmlToMarkdown?: (html: string) => string;
}

export interface SourceReadContext {
  vault: VaultPort;
  /** Every file of the vault, listed once per run (a repository reads its tree from it). */
  files: readonly VaultFileStat[];
  engines: SourceEngines;
  /** About how many tokens of text one source may give the model (repositories choose files within it). */
  budgetTokens: number;
  signal?: AbortSignal;
}

/** Turns one vault file (or a repository folder) into a {@link SourceDocument}. */
export interface SourceReader {
  readonly kind: SourceKind;
  /** What a person calls it: "note", "PDF", "image"… */
  readonly label: string;
  /** Lower-case file extensions with the dot that this reader takes (none for repositories). */
  readonly extensions: readonly string[];
  /** For folder kinds (repositories): whether `folder` is one, given the vault's files. */
  claimsFolder?(folder: string, files: readonly VaultFileStat[]): boolean;
  read(path: string, ctx: SourceReadContext): Promise<SourceDocument | SourceDefect>;
}

export function isDefect(value: SourceDocument | SourceDefect): value is SourceDefect {
  return !('path' in value);
}
