import { fmString, parseNote, sanitizeFileName, stringifyNote } from '../markdown';
import type { ChangePlan, PlannedFile, PlanProblem, WikiWriter } from '../plan';
import type { Clock } from '../ports/clock';
import type { VaultPort } from '../ports/vault';
import { plainLine } from '../sources/plain-text';
import { tr } from '../../i18n';
import { inertLine, inertMarkdown } from './inert-markdown';
import type { WebPage, WebPageReader } from './page-reader';
import { normalizeWebUrl, type WebCallBudget } from './web-tools';

/** What became of one address of a clip. */
export interface ClipOutcome {
  url: string;
  /** clipped: a new note is planned; already: a note in the folder has this source; failed: see `reason`. */
  status: 'clipped' | 'already' | 'failed';
  /** The new note (clipped) or the existing one (already). */
  path?: string;
  title?: string;
  reason?: string;
  /** What the note is meant for (a gap of the wiki), when the clip was asked for one. */
  fills?: string;
}

export interface ClipRequest {
  url: string;
  /** Why it is clipped, for the report and the preview: "fills the gap: …". */
  fills?: string;
}

export interface ClipOptions {
  reader: WebPageReader;
  writer: WikiWriter;
  vault: VaultPort;
  clock: Clock;
  /** Where the notes go, inside the raw folder (e.g. "raw/web"). */
  folder: string;
  pages: (string | ClipRequest)[];
  signal?: AbortSignal;
  /** Called as pages are read: `done` of `total`. */
  progress?: (done: number, total: number, url: string) => void;
  /** Each page read is one web call; none is read once the cap is reached. */
  budget?: WebCallBudget;
  /** The plan's title; default "Clip N web pages into <folder> (<date>)". */
  title?: string;
}

export interface ClipRun {
  /** Apply it with `writer.apply`; empty when no page could be read. */
  plan: ChangePlan;
  clips: ClipOutcome[];
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A name as Web Clipper writes authors: a wikilink, without characters that would break one. */
function authorLink(name: string): string {
  return `[[${inertLine(plainLine(name, 120)).replace(/[[\]|#^]/g, ' ').replace(/\s+/g, ' ').trim()}]]`;
}

/**
 * A clipped page as a raw note, in the shape Obsidian's Web Clipper writes: frontmatter `title`,
 * `source`, `author` (wikilinks), `published`, `retrieved`, `description`, `tags: [clippings]`,
 * then the article as markdown, made inert ({@link inertMarkdown}).
 */
export function clipNote(page: WebPage, retrievedAt: number): string {
  const authors = page.authors.map(authorLink).filter((a) => a !== '[[]]');
  const frontmatter: Record<string, unknown> = {
    title: inertLine(page.title),
    source: page.canonicalUrl ?? page.finalUrl,
    author: authors.length ? authors : undefined,
    published: page.published,
    retrieved: new Date(retrievedAt).toISOString(),
    description: page.description === undefined ? undefined : inertLine(page.description),
    tags: ['clippings'],
  };
  const cut = page.truncated ? '\n\n> [!note] Clipped in part\n> The page was longer than the size limit; the rest was not downloaded.\n' : '\n';
  // The page's markdown loses what would run or reach into the vault once it is a note.
  return stringifyNote(frontmatter, `${inertMarkdown(page.markdown.trim())}${cut}`);
}

/** The `source` of every note already in the folder, normalised, with its path. */
async function clippedSources(vault: VaultPort, folder: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await vault.list()) {
    if (!file.path.startsWith(`${folder}/`) || !file.path.toLowerCase().endsWith('.md')) continue;
    try {
      const source = fmString(parseNote(await vault.read(file.path)).frontmatter, 'source');
      const key = source ? normalizeWebUrl(source) : null;
      if (key && !out.has(key)) out.set(key, file.path);
    } catch {
      // An unreadable note: it cannot be a duplicate we could name.
    }
  }
  return out;
}

/**
 * "Clip a web page": reads each address into a new raw note in the web folder, as a change plan
 * (nothing is written here). A page already clipped there (same `source`) is not clipped again;
 * a note name in use gets a number; no existing file is ever replaced (the writer's clip rule).
 */
export async function planClip(options: ClipOptions): Promise<ClipRun> {
  const { vault, writer, folder } = options;
  const requests = options.pages.map((p) => (typeof p === 'string' ? { url: p } : p));
  const existing = await clippedSources(vault, folder);
  const clips: ClipOutcome[] = [];
  const files: PlannedFile[] = [];
  const problems: PlanProblem[] = [];
  const taken = new Set<string>();
  const seen = new Map<string, ClipOutcome>();
  let done = 0;
  for (const request of requests) {
    if (options.signal?.aborted) break;
    const { url } = request;
    const key = normalizeWebUrl(url);
    const fills = request.fills ? { fills: request.fills } : {};
    const earlier = key ? seen.get(key) : undefined;
    if (earlier) {
      options.progress?.(++done, requests.length, url);
      continue;
    }
    const already = key ? existing.get(key) : undefined;
    if (already) {
      const outcome: ClipOutcome = { url, status: 'already', path: already, reason: tr('core.web.clip.already', { path: already }), ...fills };
      clips.push(outcome);
      if (key) seen.set(key, outcome);
      options.progress?.(++done, requests.length, url);
      continue;
    }
    if (options.budget && !options.budget.take()) {
      const reason = tr('core.web.clip.capReached', { max: options.budget.max });
      clips.push({ url, status: 'failed', reason, ...fills });
      problems.push({ subject: url, message: tr('core.web.clip.notClippedCap', { max: options.budget.max }) });
      options.progress?.(++done, requests.length, url);
      continue;
    }
    let page: WebPage;
    try {
      page = await options.reader.read(url, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      clips.push({ url, status: 'failed', reason, ...fills });
      problems.push({ subject: url, message: tr('core.web.clip.notClipped', { error: reason }) });
      options.progress?.(++done, requests.length, url);
      continue;
    }
    // The address the page ended at may be one clipped already.
    const finalKey = normalizeWebUrl(page.canonicalUrl ?? page.finalUrl);
    const alreadyFinal = finalKey ? existing.get(finalKey) : undefined;
    if (alreadyFinal) {
      clips.push({ url, status: 'already', path: alreadyFinal, title: page.title, reason: tr('core.web.clip.already', { path: alreadyFinal }), ...fills });
      options.progress?.(++done, requests.length, url);
      continue;
    }
    const base = sanitizeFileName(page.title, 100);
    let path = `${folder}/${base}.md`;
    for (let n = 2; taken.has(path.toLowerCase()) || (await vault.stat(path)) !== null; n++) path = `${folder}/${base} (${n}).md`;
    taken.add(path.toLowerCase());
    const outcome: ClipOutcome = { url, status: 'clipped', path, title: page.title, ...fills };
    clips.push(outcome);
    if (key) seen.set(key, outcome);
    if (finalKey) seen.set(finalKey, outcome);
    files.push({ path, content: clipNote(page, options.clock.now()), reason: request.fills ? tr('core.web.clip.reasonFor', { url: page.finalUrl, gap: request.fills }) : tr('core.web.clip.reason', { url: page.finalUrl }) });
    options.progress?.(++done, requests.length, url);
  }
  const count = files.length;
  const plan = await writer.plan({
    operation: 'clip',
    title: options.title ?? (count === 1 ? tr('core.web.clip.titleOne', { folder, date: isoDay(options.clock.now()) }) : tr('core.web.clip.title', { count, folder, date: isoDay(options.clock.now()) })),
    files,
    problems,
    logDetails: clips.filter((c) => c.status === 'clipped').map((c) => `${c.path} ← ${c.url}${c.fills ? ` (for: ${c.fills})` : ''}`),
    rawAccess: { notes: [], attachments: '', clipFolder: folder },
  });
  return { plan, clips };
}
