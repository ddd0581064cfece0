import { loadPdfJs } from 'obsidian';
import { PDF_ENGINE_UNAVAILABLE } from '../core/sources/pdf-reader';
import type { PdfDocumentLike, PdfEngine } from '../core/sources/types';

/** The part of pdf.js's API the engine calls. */
interface PdfJsLib {
  getDocument(source: { data: Uint8Array; isEvalSupported?: boolean; verbosity?: number }): { promise: Promise<PdfDocumentLike>; destroy(): Promise<void> };
  VerbosityLevel?: { ERRORS?: number };
}

function isPdfJs(value: unknown): value is PdfJsLib {
  return typeof value === 'object' && value !== null && typeof (value as { getDocument?: unknown }).getDocument === 'function';
}

/**
 * The plugin's PDF engine: the pdf.js Obsidian ships for its own PDF viewer (on desktop and
 * mobile, with its worker already set up), so nothing is added to the plugin's bundle.
 */
export function obsidianPdfEngine(): PdfEngine {
  return {
    async open(data: Uint8Array): Promise<PdfDocumentLike> {
      const lib: unknown = await loadPdfJs().catch(() => undefined);
      if (!isPdfJs(lib)) {
        const error = new Error('Obsidian did not provide its PDF library');
        error.name = PDF_ENGINE_UNAVAILABLE;
        throw error;
      }
      const task = lib.getDocument({
        // A copy: pdf.js hands the buffer over to its worker, which leaves the caller's empty.
        data: data.slice(),
        isEvalSupported: false,
        verbosity: lib.VerbosityLevel?.ERRORS ?? 0,
      });
      try {
        return await task.promise;
      } catch (error) {
        await task.destroy().catch(() => undefined);
        throw error;
      }
    },
  };
}
