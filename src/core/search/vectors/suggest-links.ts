import type { VectorIndex, VectorHit } from './vector-index';

/** Two notes close in meaning that link to each other in neither direction. */
export interface LinkSuggestion {
  /** The note looked at, and the related note it does not link with (each pair is listed once). */
  a: string;
  b: string;
  /** Cosine of their closest passages (−1…1). */
  score: number;
  /** The passage of `b` closest to `a`, and the passage of `a` it relates to. */
  passage: VectorHit;
  from: { heading: string | null; line: number; endLine: number };
}

export interface SuggestLinksOptions {
  /** Notes considered, on both sides (for example the wiki's articles). */
  paths: readonly string[];
  /** Whether `from` links to `to` (one direction; both are asked). */
  links: (from: string, to: string) => boolean;
  /** Lowest similarity suggested. Default 0.75. */
  minScore?: number;
  /** Related notes looked at per note. Default 5. */
  perNote?: number;
  /** Most suggestions returned, best first. Default 50. */
  limit?: number;
}

/**
 * Pairs of notes that should know about each other: each note's closest notes by meaning (stored
 * vectors only, no model call) that it neither links to nor is linked from, best first. What lint
 * or a person uses to add links between articles written apart.
 */
export function suggestLinks(vectors: VectorIndex, options: SuggestLinksOptions): LinkSuggestion[] {
  const minScore = options.minScore ?? 0.75;
  const allowed = new Set(options.paths);
  const seen = new Set<string>();
  const out: LinkSuggestion[] = [];
  for (const path of options.paths) {
    for (const r of vectors.related(path, options.perNote ?? 5)) {
      if (r.score < minScore || !allowed.has(r.path)) continue;
      const [a, b] = path < r.path ? [path, r.path] : [r.path, path];
      const key = `${a}\u0000${b}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (options.links(path, r.path) || options.links(r.path, path)) continue;
      out.push({ a: path, b: r.path, score: r.score, passage: r.passage, from: { heading: r.from.heading, line: r.from.line, endLine: r.from.endLine } });
    }
  }
  return out.sort((x, y) => y.score - x.score || x.a.localeCompare(y.a)).slice(0, options.limit ?? 50);
}
