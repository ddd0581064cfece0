import { tr } from '../../i18n';
import { basename, confineToFolder, dirname, hashBytes, normalizeVaultPath } from '../markdown';
import { codeLineMask, frontmatterCloseLine, splitText } from '../markdown/scan';
import type { ChangePlan, PlannedFile, PlanProblem, WikiWriter } from '../plan';
import type { FetchFn } from '../ports/fetch';
import type { VaultPort } from '../ports/vault';

/**
 * "Download images": remote images a raw note shows (`![alt](https://…)`, `<img src="https://…">`
 * in clipped HTML) become files in the attachments folder, and the note's links point at them.
 * The one operation that edits raw notes, and only as a change plan the person sees and can undo
 * (the writer's `rawAccess`): nothing is written here, {@link planImageDownloads} returns the plan.
 */

/** Largest image downloaded, in bytes. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Longest wait for one image, in milliseconds. */
export const IMAGE_TIMEOUT_MS = 30_000;
/** Images downloaded at once. */
export const IMAGE_CONCURRENCY = 4;
/** Most bytes of images one run downloads before writing them (they are held in memory until applied). */
export const MAX_RUN_BYTES = 256 * 1024 * 1024;

/** One image a note shows, found where the note's text names it. */
export interface ImageReference {
  syntax: 'markdown' | 'html';
  /** The address as the reader means it (escapes and entities decoded). */
  url: string;
  alt: string;
  /** Offsets of the address in the note's text: what is replaced by the local link. */
  start: number;
  end: number;
  /** For an unquoted HTML `src`: the replacement is quoted. */
  unquoted?: boolean;
}

/** What became of one image of one note. */
export interface ImageOutcome {
  note: string;
  url: string;
  alt: string;
  /** downloaded: a new file; reused: a file with the same bytes was there already; failed: left as a remote link. */
  status: 'downloaded' | 'reused' | 'failed';
  /** The local file, for downloaded and reused images. */
  path?: string;
  /** Why it failed, in a clause: "HTTP 404 Not Found", "the server sent text/html, not an image". */
  reason?: string;
}

export interface ImageDownloadOptions {
  vault: VaultPort;
  writer: WikiWriter;
  /** How images are fetched: Node's fetch in the CLI, `requestUrl` wrapped as a fetch in the plugin (no CORS). */
  fetch: FetchFn;
  rawFolder: string;
  /** Where the images go (the `attachmentsFolder` setting), e.g. "raw/assets". */
  attachmentsFolder: string;
  /** Notes or folders, vault-relative; every note must be in the raw folder. */
  paths: string[];
  signal?: AbortSignal;
  /** Called as images finish: `done` of `total` unique addresses. */
  progress?: (done: number, total: number, url: string) => void;
  concurrency?: number;
  maxBytes?: number;
  /** Most bytes of images downloaded in one run; the rest waits for the next run. Default {@link MAX_RUN_BYTES}. */
  maxTotalBytes?: number;
  timeoutMs?: number;
  /**
   * Asked once the notes are read, before anything is downloaded, with how many remote images
   * they show; false declines the run (nothing downloaded, an empty plan, `declined`).
   */
  confirm?: (count: { notes: number; images: number }) => Promise<boolean>;
}

export interface ImageDownloadRun {
  /** Apply it with `writer.apply`; empty (no changes) when there was nothing to download. */
  plan: ChangePlan;
  /** One line per image per note, in note order. */
  images: ImageOutcome[];
  /** The raw notes read. */
  notes: string[];
  downloaded: number;
  reused: number;
  failed: number;
  /** The `confirm` callback said no: nothing was downloaded. */
  declined?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Finding images

/** `![alt](dest "title")`: alt without unescaped brackets; dest bare (one level of parentheses) or `<…>`. */
const MARKDOWN_IMAGE = /!\[((?:[^[\]\\\n]|\\.)*)\]\(\s*(<[^<>\n]*>|(?:[^\s()\\<]|\\.|\((?:[^\s()\\]|\\.)*\))+)(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)/g;
/** An `<img …>` tag, possibly over several lines. */
const IMG_TAG = /<img\b[^>]*>/gi;
const SRC_ATTR = /(?:^|[\s/])src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+))/i;
const ALT_ATTR = /(?:^|[\s/])alt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+))/i;

/** Character ranges of a note that are not prose: frontmatter, fenced code, inline code. */
function codeRanges(text: string): [number, number][] {
  const { lines, starts } = splitText(text);
  const ranges: [number, number][] = [];
  const endOf = (i: number) => starts[i] + lines[i].length;
  const close = frontmatterCloseLine(lines);
  if (close >= 0) ranges.push([0, endOf(close)]);
  const mask = codeLineMask(lines, close + 1);
  for (let i = close + 1; i < lines.length; i++) {
    if (mask[i]) {
      ranges.push([starts[i], endOf(i)]);
      continue;
    }
    // Inline code: a run of backticks up to the same run.
    const line = lines[i];
    const tick = /`+/g;
    let m: RegExpExecArray | null;
    while ((m = tick.exec(line)) !== null) {
      const closing = line.indexOf(m[0], m.index + m[0].length);
      if (closing === -1) continue;
      ranges.push([starts[i] + m.index, starts[i] + closing + m[0].length]);
      tick.lastIndex = closing + m[0].length;
    }
  }
  return ranges;
}

function inside(ranges: [number, number][], at: number): boolean {
  return ranges.some(([a, b]) => at >= a && at < b);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function unescapeMarkdown(value: string): string {
  return value.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Every image the note shows with a markdown image or an HTML `<img>`, outside code and frontmatter, in text order. */
export function findImageReferences(text: string): ImageReference[] {
  const skip = codeRanges(text);
  const out: ImageReference[] = [];
  for (const m of text.matchAll(MARKDOWN_IMAGE)) {
    const at = m.index;
    if (inside(skip, at)) continue;
    const raw = m[2];
    const destStart = at + m[0].indexOf('(', m[1].length + 2) + 1;
    const start = text.indexOf(raw, destStart);
    const url = raw.startsWith('<') ? raw.slice(1, -1) : unescapeMarkdown(raw);
    out.push({ syntax: 'markdown', url: url.trim(), alt: unescapeMarkdown(m[1]), start, end: start + raw.length });
  }
  for (const m of text.matchAll(IMG_TAG)) {
    const at = m.index;
    if (inside(skip, at)) continue;
    const tag = m[0];
    const src = SRC_ATTR.exec(tag.slice(4));
    if (!src) continue;
    const value = src[1] ?? src[2] ?? src[3] ?? '';
    const quoted = src[3] === undefined;
    // The value's offset within the attribute match: after the quote, or where the bare value starts.
    const attrAt = 4 + src.index + src[0].length - value.length - (quoted ? 1 : 0);
    const alt = ALT_ATTR.exec(tag.slice(4));
    out.push({
      syntax: 'html',
      url: decodeEntities(value).trim(),
      alt: alt ? decodeEntities(alt[1] ?? alt[2] ?? alt[3] ?? '') : '',
      start: at + attrAt,
      end: at + attrAt + value.length,
      ...(quoted ? {} : { unquoted: true }),
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** 'remote' for an http(s) address (a protocol-relative one counts as https), 'refused' for any other scheme, 'local' for a path. */
export function classifyImageUrl(url: string): { kind: 'remote'; url: string } | { kind: 'refused'; scheme: string } | { kind: 'local' } {
  if (url.startsWith('//')) return { kind: 'remote', url: `https:${url}` };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!scheme) return { kind: 'local' };
  const name = scheme[1].toLowerCase();
  if (name === 'http' || name === 'https') {
    try {
      return { kind: 'remote', url: new URL(url).href };
    } catch {
      return { kind: 'refused', scheme: name };
    }
  }
  return { kind: 'refused', scheme: name };
}

// ---------------------------------------------------------------------------------------------
// Downloading

/** An image format recognised by its first bytes, with the extension and type its file gets. */
export function sniffImage(bytes: Uint8Array): { ext: string; mime: string } | null {
  const at = (i: number) => bytes[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 8 && at(0) === 0x89 && ascii(1, 4) === 'PNG' && at(4) === 0x0d && at(5) === 0x0a) return { ext: 'png', mime: 'image/png' };
  if (bytes.length >= 3 && at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return { ext: 'jpg', mime: 'image/jpeg' };
  if (bytes.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return { ext: 'gif', mime: 'image/gif' };
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { ext: 'webp', mime: 'image/webp' };
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp' && /^avi[fs]$/.test(ascii(8, 12))) return { ext: 'avif', mime: 'image/avif' };
  if (bytes.length >= 14 && ascii(0, 2) === 'BM') return { ext: 'bmp', mime: 'image/bmp' };
  if (bytes.length >= 6 && at(0) === 0 && at(1) === 0 && at(2) === 1 && at(3) === 0) return { ext: 'ico', mime: 'image/x-icon' };
  if (bytes.length >= 8 && (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')) return { ext: 'tif', mime: 'image/tiff' };
  // SVG is text: an <svg> element near the start, after an optional XML declaration, comments or doctype.
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 2048)).replace(/^\ufeff/, '');
  if (/^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head)) return { ext: 'svg', mime: 'image/svg+xml' };
  return null;
}

type Fetched = { ok: true; bytes: Uint8Array; mime: string; ext: string } | { ok: false; reason: string };

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${ms < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(ms / 1000)} s`;
}

function messageOf(error: unknown): string {
  const text = (value: unknown): string => {
    const message = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : '';
  };
  const own = text(error) || String(error);
  const cause = typeof error === 'object' && error !== null ? text((error as { cause?: unknown }).cause) : '';
  return (cause && cause !== own ? `${own}: ${cause}` : own).replace(/\s*\.+\s*$/, '');
}

function cancel(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}

/** Downloads one image: only an `image/*` reply whose bytes are an image, at most `maxBytes`, within `timeoutMs`. */
async function fetchImage(url: string, fetch: FetchFn, options: { signal?: AbortSignal; timeoutMs: number; maxBytes: number }): Promise<Fetched> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = window.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow', headers: { accept: 'image/*' } });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (timedOut) return { ok: false, reason: tr('core.sources.images.noAnswer', { seconds: seconds(options.timeoutMs) }) };
      return { ok: false, reason: tr('core.sources.images.noConnection', { error: messageOf(error) }) };
    }
    if (!response.ok) {
      cancel(response);
      return { ok: false, reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!type.startsWith('image/')) {
      cancel(response);
      return { ok: false, reason: type ? tr('core.sources.images.notImageType', { type }) : tr('core.sources.images.noContentType') };
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      cancel(response);
      return { ok: false, reason: tr('core.sources.images.tooBig', { size: sizeText(declared), max: sizeText(options.maxBytes) }) };
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.length;
          if (total > options.maxBytes) {
            await reader.cancel().catch(() => undefined);
            return { ok: false, reason: tr('core.sources.images.tooBigStream', { max: sizeText(options.maxBytes) }) };
          }
          chunks.push(value);
        }
      } else {
        const all = new Uint8Array(await response.arrayBuffer());
        total = all.length;
        if (total > options.maxBytes) return { ok: false, reason: tr('core.sources.images.tooBig', { size: sizeText(total), max: sizeText(options.maxBytes) }) };
        chunks.push(all);
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (timedOut) return { ok: false, reason: tr('core.sources.images.notWhole', { seconds: seconds(options.timeoutMs) }) };
      return { ok: false, reason: tr('core.sources.images.brokeOff', { error: messageOf(error) }) };
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    if (bytes.length === 0) return { ok: false, reason: tr('core.sources.images.emptyReply') };
    const format = sniffImage(bytes);
    if (!format) return { ok: false, reason: tr('core.sources.images.notImageBytes', { type }) };
    // The bytes decide the extension: a server that calls a JPEG "image/png" gets a .jpg file.
    return { ok: true, bytes, mime: format.mime, ext: format.ext };
  } finally {
    window.clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  }
}

/** Runs `work` over `items`, at most `limit` at once; stops starting new ones once `signal` aborts. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

// ---------------------------------------------------------------------------------------------
// Naming and linking

/** The file name for an image: the URL's base name, made safe for links, + 8 hex of its hash + the format's extension. */
export function imageFileName(url: string, hash: string, ext: string): string {
  let name = '';
  try {
    name = basename(new URL(url).pathname);
    name = decodeURIComponent(name);
  } catch {
    // An undecodable name keeps its raw form, cleaned below.
  }
  name = name.replace(/\.[a-z0-9]{1,5}$/i, '');
  const safe = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${safe || 'image'}-${hash.replace(/^b/, '').slice(0, 8)}.${ext}`;
}

/** The path of `target` relative to the folder of `from` (both vault paths). */
export function relativeLink(from: string, target: string): string {
  const fromDir = dirname(from).split('/').filter(Boolean);
  const to = target.split('/');
  let common = 0;
  while (common < fromDir.length && common < to.length - 1 && fromDir[common] === to[common]) common++;
  return [...fromDir.slice(common).map(() => '..'), ...to.slice(common)].join('/');
}

/** The replacement text for one reference's address. */
function linkText(ref: ImageReference, link: string): string {
  if (ref.syntax === 'markdown') return /[\s()<>]/.test(link) ? `<${link}>` : link;
  const value = link.replace(/ /g, '%20').replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return ref.unquoted ? `"${value}"` : value;
}

// ---------------------------------------------------------------------------------------------
// The plan

/** The log line of a Download images plan: the files it writes and the images that failed. */
function downloadLog(files: number, failed: number, folder: string): string {
  if (files === 1) return failed === 1 ? tr('core.sources.images.log.oneOne', { folder }) : tr('core.sources.images.log.oneMany', { folder, failed });
  return failed === 1 ? tr('core.sources.images.log.manyOne', { files, folder }) : tr('core.sources.images.log.manyMany', { files, folder, failed });
}

function shortUrl(url: string): string {
  return url.length > 120 ? `${url.slice(0, 117)}…` : url;
}

/** The raw notes named by `paths` (notes, or folders searched whole), and problems with the rest. */
async function notesOf(vault: VaultPort, rawFolder: string, paths: string[]): Promise<{ notes: string[]; problems: PlanProblem[] }> {
  const files = await vault.list();
  const notes = new Set<string>();
  const problems: PlanProblem[] = [];
  const raw = normalizeVaultPath(rawFolder);
  for (const given of paths) {
    const path = normalizeVaultPath(given);
    const inRaw = path === raw || confineToFolder(raw, path) === path;
    if (!inRaw) {
      problems.push({ subject: given, message: tr('core.sources.images.notInRaw', { folder: raw }) });
      continue;
    }
    const file = files.find((f) => f.path === path);
    if (file) {
      if (/\.md$/i.test(path)) notes.add(path);
      else problems.push({ subject: given, message: tr('core.sources.images.notMarkdown') });
      continue;
    }
    const under = files.filter((f) => f.path.startsWith(`${path}/`) && /\.md$/i.test(f.path) && confineToFolder(raw, f.path) === f.path);
    if (under.length === 0 && !files.some((f) => f.path.startsWith(`${path}/`))) problems.push({ subject: given, message: tr('core.sources.images.noSuchPath') });
    for (const f of under) notes.add(f.path);
  }
  return { notes: [...notes].sort(), problems };
}

/**
 * Finds the remote images of the chosen raw notes, downloads each address once (bounded
 * concurrency, `signal` stops it), names the files by URL and content hash (the same bytes are
 * one file, reused across notes and runs), and returns the change plan: the new images in the
 * attachments folder and each note with its links rewritten, planned over the text it was read
 * with. Failed images are listed and keep their remote link. Nothing is written.
 */
export async function planImageDownloads(options: ImageDownloadOptions): Promise<ImageDownloadRun> {
  const { vault, writer, signal } = options;
  const attachments = normalizeVaultPath(options.attachmentsFolder);
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  const timeoutMs = options.timeoutMs ?? IMAGE_TIMEOUT_MS;
  const { notes, problems } = await notesOf(vault, options.rawFolder, options.paths);

  // 1. Every image of every note; remote addresses collected once.
  const texts = new Map<string, string>();
  const refs = new Map<string, (ImageReference & { remote?: string; refused?: string })[]>();
  const remote = new Set<string>();
  for (const note of notes) {
    signal?.throwIfAborted();
    const text = await vault.read(note);
    texts.set(note, text);
    const found: (ImageReference & { remote?: string; refused?: string })[] = [];
    for (const ref of findImageReferences(text)) {
      const kind = classifyImageUrl(ref.url);
      if (kind.kind === 'local') continue;
      if (kind.kind === 'refused') found.push({ ...ref, refused: kind.scheme });
      else {
        found.push({ ...ref, remote: kind.url });
        remote.add(kind.url);
      }
    }
    if (found.length) refs.set(note, found);
  }

  // 2. Download each address once.
  const fetched = new Map<string, Fetched>();
  const urls = [...remote];
  if (options.confirm && urls.length > 0 && !(await options.confirm({ notes: refs.size, images: urls.length }))) {
    const plan = await writer.plan({ operation: 'download-images', title: tr('core.sources.images.title'), files: [], problems, rawAccess: { notes: [], attachments } });
    return { plan, images: [], notes, downloaded: 0, reused: 0, failed: 0, declined: true };
  }
  let done = 0;
  // Downloaded bytes wait in memory for the plan to be applied: a run stops taking more past a
  // total, and the rest is listed for the next run (which skips what is already local).
  const maxTotal = options.maxTotalBytes ?? MAX_RUN_BYTES;
  let held = 0;
  await pool(
    urls,
    options.concurrency ?? IMAGE_CONCURRENCY,
    async (url) => {
      if (held >= maxTotal) {
        fetched.set(url, { ok: false, reason: tr('core.sources.images.runFull', { size: sizeText(held) }) });
      } else {
        const got = await fetchImage(url, options.fetch, { signal, timeoutMs, maxBytes });
        if (got.ok) held += got.bytes.length;
        fetched.set(url, got);
      }
      options.progress?.(++done, urls.length, url);
    },
    signal,
  );
  signal?.throwIfAborted();

  // 3. One file per distinct content: the same bytes reuse the file already there (this run or an earlier one).
  const files = await vault.list();
  const taken = new Set(files.map((f) => f.path));
  const byHash = new Map<string, { path: string; existed: boolean; bytes: Uint8Array; mime: string }>();
  const localOf = new Map<string, string>();
  for (const url of urls) {
    const got = fetched.get(url);
    if (!got?.ok) continue;
    const hash = hashBytes(got.bytes);
    const known = byHash.get(hash);
    if (known) {
      localOf.set(url, known.path);
      continue;
    }
    // The same bytes already in the attachments folder (an earlier download, or put there by hand), whatever their name.
    let existing: string | undefined;
    for (const f of files) {
      if (f.size !== got.bytes.length || !f.path.startsWith(`${attachments}/`)) continue;
      if (hashBytes(await vault.readBinary(f.path)) === hash) {
        existing = f.path;
        break;
      }
    }
    let path = existing;
    if (!path) {
      const name = imageFileName(url, hash, got.ext);
      path = `${attachments}/${name}`;
      for (let n = 2; taken.has(path); n++) path = `${attachments}/${name.replace(/(\.[a-z0-9]+)$/i, `-${n}$1`)}`;
      taken.add(path);
    }
    byHash.set(hash, { path, existed: existing !== undefined, bytes: got.bytes, mime: got.mime });
    localOf.set(url, path);
  }

  // 4. Each note with its links rewritten; every image once per note in the outcome list.
  const images: ImageOutcome[] = [];
  const planned: PlannedFile[] = [];
  const usedBy = new Map<string, Set<string>>();
  for (const note of notes) {
    const list = refs.get(note);
    if (!list) continue;
    const text = texts.get(note) as string;
    let rewritten = text;
    const told = new Set<string>();
    for (const ref of [...list].sort((a, b) => b.start - a.start)) {
      const local = ref.remote ? localOf.get(ref.remote) : undefined;
      if (local) rewritten = rewritten.slice(0, ref.start) + linkText(ref, relativeLink(note, local)) + rewritten.slice(ref.end);
    }
    for (const ref of list) {
      const key = ref.remote ?? ref.url;
      if (told.has(key)) continue;
      told.add(key);
      if (ref.refused !== undefined) {
        const reason = tr('core.sources.images.scheme', { scheme: ref.refused });
        images.push({ note, url: ref.url, alt: ref.alt, status: 'failed', reason });
        problems.push({ subject: note, message: tr('core.sources.images.linkKept', { url: shortUrl(ref.url), reason }) });
        continue;
      }
      const url = ref.remote as string;
      const got = fetched.get(url);
      const local = localOf.get(url);
      if (!got?.ok || !local) {
        const reason = got && !got.ok ? got.reason : tr('core.sources.images.notDownloaded');
        images.push({ note, url, alt: ref.alt, status: 'failed', reason });
        problems.push({ subject: note, message: tr('core.sources.images.linkKept', { url: shortUrl(url), reason }) });
        continue;
      }
      const entry = byHash.get(hashBytes(got.bytes));
      const fresh = entry !== undefined && !entry.existed;
      images.push({ note, url, alt: ref.alt, status: fresh ? 'downloaded' : 'reused', path: local });
      if (fresh) {
        const users = usedBy.get(local) ?? new Set<string>();
        users.add(note);
        usedBy.set(local, users);
      }
    }
    if (rewritten !== text) {
      const count = images.filter((i) => i.note === note && i.status !== 'failed').length;
      planned.push({
        path: note,
        content: rewritten,
        basedOn: text,
        reason: count === 1 ? tr('core.sources.images.noteReasonOne', { folder: attachments }) : tr('core.sources.images.noteReason', { count, folder: attachments }),
      });
    }
  }
  const attachmentsPlanned: PlannedFile[] = [];
  for (const entry of byHash.values()) {
    const users = usedBy.get(entry.path);
    if (entry.existed || !users) continue;
    const url = images.find((i) => i.path === entry.path)?.url ?? '';
    attachmentsPlanned.push({ path: entry.path, content: null, bytes: entry.bytes, mime: entry.mime, usedBy: [...users].sort(), reason: tr('core.sources.images.fileReason', { url: shortUrl(url) }) });
  }

  const downloaded = images.filter((i) => i.status === 'downloaded').length;
  const reused = images.filter((i) => i.status === 'reused').length;
  const failed = images.filter((i) => i.status === 'failed').length;
  const title =
    options.paths.length === 1
      ? tr('core.sources.images.titleIn', { path: normalizeVaultPath(options.paths[0]) })
      : notes.length === 1
        ? tr('core.sources.images.titleInNotesOne')
        : tr('core.sources.images.titleInNotes', { count: notes.length });
  const plan = await writer.plan({
    operation: 'download-images',
    title,
    files: [...attachmentsPlanned, ...planned],
    problems,
    rawAccess: { notes: planned.map((p) => p.path), attachments },
    logDetails: [downloadLog(attachmentsPlanned.length, failed, attachments)],
  });
  return { plan, images, notes, downloaded, reused, failed };
}
