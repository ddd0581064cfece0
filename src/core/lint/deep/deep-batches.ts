import type { SnapshotNote, WikiSnapshot } from '../wiki-snapshot';

/** A group of articles that share a concept, checked together in one model call. */
export interface DeepBatch {
  /** The concept (or hub article) that ties the batch together. */
  topic: string;
  /** Article paths, the hub first. */
  paths: string[];
  /** Articles no link reaches, grouped only to be looked at (their topic is for the model, in English). */
  loose?: true;
}

export interface BatchOptions {
  /** Most model calls. */
  maxCalls: number;
  /** Most articles in one call. */
  maxArticles: number;
}

/**
 * Groups articles that share concepts: each concept article with the articles linked to or from
 * it. Hubs are taken most-connected first, and a hub whose neighbours are all already covered is
 * skipped, so a bounded number of calls covers as much of the wiki as it can.
 */
export function buildDeepBatches(wiki: WikiSnapshot, options: BatchOptions): DeepBatch[] {
  const articles = wiki.notesWithRole('article');
  const isArticle = new Set(articles.map((a) => a.path));
  const neighbours = new Map<string, Set<string>>();
  const touch = (a: string, b: string) => {
    let set = neighbours.get(a);
    if (!set) neighbours.set(a, (set = new Set()));
    set.add(b);
  };
  for (const r of wiki.links()) {
    if (r.path === null || r.path === r.from || !isArticle.has(r.from) || !isArticle.has(r.path)) continue;
    touch(r.from, r.path);
    touch(r.path, r.from);
  }
  const degree = (n: SnapshotNote) => neighbours.get(n.path)?.size ?? 0;
  // Concepts first (they are where sources meet), then anything else with links; most connected first.
  const hubs = articles
    .filter((a) => degree(a) > 0)
    .sort((a, b) => Number(b.type === 'concept') - Number(a.type === 'concept') || degree(b) - degree(a) || (a.path < b.path ? -1 : 1));
  const covered = new Set<string>();
  const batches: DeepBatch[] = [];
  for (const hub of hubs) {
    if (batches.length >= options.maxCalls) break;
    const others = [...(neighbours.get(hub.path) ?? [])].sort((a, b) => Number(covered.has(a)) - Number(covered.has(b)) || (a < b ? -1 : 1));
    const paths = [hub.path, ...others].slice(0, Math.max(2, options.maxArticles));
    if (paths.every((p) => covered.has(p))) continue;
    for (const p of paths) covered.add(p);
    batches.push({ topic: hub.title, paths });
  }
  // Articles no link reaches are still worth a look for unsourced claims and gaps.
  const loose = articles.filter((a) => !covered.has(a.path)).map((a) => a.path);
  for (let i = 0; i < loose.length && batches.length < options.maxCalls; i += options.maxArticles) {
    batches.push({ topic: 'unlinked articles', paths: loose.slice(i, i + options.maxArticles), loose: true });
  }
  return batches;
}
