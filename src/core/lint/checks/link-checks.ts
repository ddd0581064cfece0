import { extname, normalizeVaultPath } from '../../markdown';
import type { ResolvedNoteLink, SnapshotNote, WikiSnapshot } from '../wiki-snapshot';
import { sourceTarget } from '../wiki-snapshot';

/** Notes whose outgoing links the link checks look at: articles only (not raw notes, the log, reports or the index). */
export function linksToCheck(wiki: WikiSnapshot): ResolvedNoteLink[] {
  return wiki.memo('links-to-check', () => computeLinksToCheck(wiki));
}

function computeLinksToCheck(wiki: WikiSnapshot): ResolvedNoteLink[] {
  const out: ResolvedNoteLink[] = [];
  const sourceLinks = new Map<string, Set<string>>();
  for (const r of wiki.links()) {
    const note = wiki.notes.get(r.from);
    if (!note || note.role !== 'article') continue;
    if (r.link.line < note.bodyStartLine && isSourcesEntry(note, r.link.target, sourceLinks)) continue;
    out.push(r);
  }
  return out;
}

/** `sources` links are checked by missing-source; a broken one is not also a broken link. */
function isSourcesEntry(note: SnapshotNote, target: string, cache: Map<string, Set<string>>): boolean {
  let set = cache.get(note.path);
  if (!set) {
    set = new Set();
    const list = note.frontmatter.sources;
    const entries = Array.isArray(list) ? list : [list];
    for (const e of entries) {
      const t = typeof e === 'string' ? sourceTarget(e) : null;
      if (t !== null) set.add(t);
    }
    cache.set(note.path, set);
  }
  return set.has(target);
}

/** Key under which unresolved targets are grouped: case-insensitive, `.md` optional, as Obsidian matches. */
export function targetKey(target: string): string {
  const n = normalizeVaultPath(target).toLowerCase();
  return n.endsWith('.md') ? n.slice(0, -3) : n;
}

// Obsidian's attachment formats; any other dot in a name (`Version 1.2`) is part of a note title.
const ATTACHMENT_EXTENSIONS = new Set(
  ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'svg', 'webp', 'avif', 'pdf', 'mp3', 'wav', 'm4a', 'ogg', '3gp', 'flac', 'webm', 'mp4', 'mov', 'ogv', 'mkv', 'canvas', 'base'].map((e) => `.${e}`),
);

/** A link to a note that would be an article if it existed (not an embed of an image or other attachment). */
export function couldBeArticle(r: ResolvedNoteLink): boolean {
  return !r.link.embed && !ATTACHMENT_EXTENSIONS.has(extname(r.link.target));
}

/**
 * Unresolved article targets linked from two or more notes: those are concepts the wiki is
 * missing rather than typos. Keyed by targetKey, with the referring notes in path order.
 */
export function missingTargets(wiki: WikiSnapshot): Map<string, ResolvedNoteLink[]> {
  return wiki.memo('missing-targets', () => computeMissingTargets(wiki));
}

function computeMissingTargets(wiki: WikiSnapshot): Map<string, ResolvedNoteLink[]> {
  const byTarget = new Map<string, ResolvedNoteLink[]>();
  for (const r of linksToCheck(wiki)) {
    if (r.path !== null || !couldBeArticle(r)) continue;
    // A link by alias is a broken link to an existing article (broken-link suggests the fix), not a missing one.
    if (r.link.kind === 'wikilink' && wiki.aliasOwner(r.link.target, r.from) !== null) continue;
    const k = targetKey(r.link.target);
    const list = byTarget.get(k);
    if (list) list.push(r);
    else byTarget.set(k, [r]);
  }
  const out = new Map<string, ResolvedNoteLink[]>();
  for (const [k, refs] of byTarget) {
    if (new Set(refs.map((r) => r.from)).size >= 2) out.set(k, refs);
  }
  return out;
}
