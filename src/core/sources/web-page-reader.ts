import { tr } from '../../i18n';
import { stripBoilerplate } from '../compile/source-reader';
import { basenameNoExt, hashText } from '../markdown';
import { cleanPage, declaredCharset } from './html-page';
import { embeddedImages } from './note-reader';
import { plainLine } from './plain-text';
import type { SourceDefect, SourceDocument, SourceReader } from './types';

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'x-unicode20utf8']);

/**
 * The page's text: UTF-8 (the web's default and what "Save page" writes), or the encoding its meta
 * tag names when this platform can decode it. A page whose bytes are not in its encoding is a defect.
 */
export function decodePage(bytes: Uint8Array): { text: string } | { problem: string } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { text: new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes) };
  }
  const charset = declaredCharset(bytes);
  if (charset === undefined || UTF8_LABELS.has(charset)) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return {
        problem: charset ? tr('core.sources.web.notUtf8Claimed') : tr('core.sources.web.notUtf8'),
      };
    }
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    // An encoding this platform does not know: fine if the bytes are UTF-8 after all (plain ASCII).
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { problem: tr('core.sources.web.unknownEncoding', { charset }) };
    }
  }
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    return { problem: tr('core.sources.web.badEncoding', { charset }) };
  }
}

/**
 * Saved web pages (.html, .htm): the article cut out of the page's chrome, turned into markdown by
 * the platform's converter (Obsidian's htmlToMarkdown in the plugin, turndown in the CLI), then the
 * boilerplate lines a clipper leaves removed as for notes. Nothing in the page is run or fetched.
 */
/** The largest saved page read. */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;

export const webPageReader: SourceReader = {
  kind: 'web-page',
  label: 'web page',
  extensions: ['.html', '.htm'],
  async read(path, ctx): Promise<SourceDocument | SourceDefect> {
    // The hash is of the file's text as the vault reads it, as for notes (what stale checks compare).
    const hash = hashText(await ctx.vault.read(path));
    const convert = ctx.engines.htmlToMarkdown;
    if (!convert) {
      return { kind: 'unsupported', message: tr('core.sources.web.noConverter'), hash };
    }
    const bytes = await ctx.vault.readBinary(path);
    if (bytes.length === 0) return { kind: 'empty', message: tr('core.sources.web.empty'), hash };
    // A saved article is well under a megabyte; tens of megabytes are a data dump or an archive,
    // which would take half a minute to convert into a body no model reads whole.
    if (bytes.length > MAX_PAGE_BYTES) {
      return { kind: 'too-big', message: tr('core.sources.web.tooBig', { size: (bytes.length / 1048576).toFixed(1), max: MAX_PAGE_BYTES / 1048576 }), hash };
    }
    if (bytes.subarray(0, 8192).includes(0)) {
      const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
      if (!utf16) return { kind: 'binary', message: tr('core.sources.web.binary'), hash };
    }
    const decoded = decodePage(bytes);
    if ('problem' in decoded) return { kind: 'encoding', message: decoded.problem, hash };
    const page = cleanPage(decoded.text.replace(/^\uFEFF/, ''));
    let markdown: string;
    try {
      markdown = convert(page.html);
    } catch (error) {
      return { kind: 'unreadable', message: tr('core.sources.web.notHtml', { error: error instanceof Error ? error.message : String(error) }), hash };
    }
    const body = stripBoilerplate(markdown.replace(/\u00a0/g, ' '));
    if (body.replace(/\s+/g, '') === '') return { kind: 'empty', message: tr('core.sources.web.noText'), hash };
    const meta = page.metadata;
    const images = embeddedImages(path, body, ctx.files);
    return {
      path,
      kind: 'web-page',
      hash,
      title: meta.title ?? plainLine(basenameNoExt(path)),
      ...(meta.url ? { url: meta.url } : {}),
      authors: meta.authors,
      ...(meta.published ? { published: meta.published } : {}),
      ...(meta.description ? { description: meta.description } : {}),
      body,
      ...(images.length ? { images } : {}),
      facts: [`A saved web page; the text is its ${page.from === 'body' ? 'page body without navigation, banners and scripts' : `<${page.from}> element`}`],
    };
  },
};
