import { basenameNoExt, extname } from '../markdown/paths';

/** An unfinished `[[…` being typed before the caret. */
export interface MentionQuery {
  /** Index of the first `[` of `[[`. */
  start: number;
  /** What was typed after `[[`. */
  query: string;
}

/** The `[[partial` the caret is in, or null (no `[[`, already closed, or across a line break). */
export function mentionAtCaret(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('[[');
  if (open === -1) return null;
  const query = before.slice(open + 2);
  if (query.includes(']]') || query.includes('\n') || query.includes('[') || query.length > 200) return null;
  return { start: open, query };
}

/**
 * Notes for a `[[` completion, best first: name starts with the query, then name contains it,
 * then path contains it; markdown notes before other files; shorter paths first on ties.
 */
export function rankMentionCandidates(paths: readonly string[], query: string, limit = 20): string[] {
  const q = query.trim().toLowerCase();
  const scored: { path: string; score: number }[] = [];
  for (const path of paths) {
    const name = basenameNoExt(path).toLowerCase();
    const lower = path.toLowerCase();
    let score: number;
    if (q === '' || name.startsWith(q)) score = 0;
    else if (name.includes(q)) score = 1;
    else if (lower.includes(q)) score = 2;
    else continue;
    if (extname(path) !== '.md') score += 3;
    scored.push({ path, score });
  }
  scored.sort((a, b) => a.score - b.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.path);
}
