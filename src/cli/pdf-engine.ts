import { createRequire } from 'node:module';
import path from 'node:path';
import type { PdfDocumentLike, PdfEngine } from '../core/sources/types';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let loading: Promise<PdfJs> | undefined;

/**
 * pdf.js for Node (pdfjs-dist's legacy build), loaded on first use so that commands reading no PDF
 * never pay for it. The package stays outside the CLI bundle (esbuild keeps this import()) and is
 * resolved from node_modules next to it. Node has no web worker: pdf.js runs its worker's code in
 * this thread, loading it from beside itself.
 */
function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return loading;
}

/** The folder of the installed pdfjs-dist, where its character maps and standard fonts are. */
function pdfjsAssets(): string | undefined {
  try {
    return path.dirname(createRequire(__filename).resolve('pdfjs-dist/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * The CLI's PDF engine. pdf.js never evaluates code from the file, renders no fonts and prints no
 * warnings (a damaged file is reported by the PDF reader as a defect instead).
 */
export function cliPdfEngine(): PdfEngine {
  return {
    async open(data: Uint8Array): Promise<PdfDocumentLike> {
      const pdf = await loadPdfJs();
      const assets = pdfjsAssets();
      const task = pdf.getDocument({
        // A copy: pdf.js may take over the buffer it is given.
        data: data.slice(),
        isEvalSupported: false,
        useSystemFonts: false,
        disableFontFace: true,
        verbosity: pdf.VerbosityLevel.ERRORS,
        // Character maps turn CJK fonts' codes into text; both ship with the package.
        ...(assets ? { cMapUrl: `${path.join(assets, 'cmaps')}${path.sep}`, cMapPacked: true, standardFontDataUrl: `${path.join(assets, 'standard_fonts')}${path.sep}` } : {}),
      });
      try {
        // pdf.js's document has what the reader uses; its text items are typed as a union with
        // marked-content entries (no `str`), which the reader skips.
        return (await task.promise) as unknown as PdfDocumentLike;
      } catch (error) {
        await task.destroy().catch(() => undefined);
        throw error;
      }
    },
  };
}
