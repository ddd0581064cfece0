import { NoteGraph } from '../../core/ask';
import { suggestLinks, VectorIndex, openingWords, type LinkSuggestion, type RelatedNote } from '../../core/search/vectors';
import { flagBool, flagInt, flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import { embedEndpoint, EMBED_OPTIONS } from '../embeddings';
import { openVaultIndex } from './index-vault';

interface RelatedValue {
  path: string;
  title: string;
  score: number;
  passage: { heading: string | null; line: number; endLine: number; snippet: string };
  from: { heading: string | null; line: number; endLine: number };
}

/** The note NOTE names: a vault path (".md" may be left out), else a title or alias. */
function resolveNote(paths: readonly string[], byTitle: (name: string) => string[], spec: string): string {
  const clean = spec.trim().replace(/^\/+/, '');
  for (const candidate of [clean, `${clean}.md`]) if (paths.includes(candidate)) return candidate;
  const titled = byTitle(clean);
  if (titled.length === 1) return titled[0];
  if (titled.length > 1) throw new UsageError(`"${spec}" is the title of ${titled.length} notes (${titled.join(', ')}); give the path`);
  throw new UsageError(`no note "${spec}" in the vault index (give a vault path or a title)`);
}

export const relatedCommand: CliCommand = {
  name: 'related',
  summary: 'List the notes closest in meaning to a note, from the stored passage vectors',
  operands: 'NOTE | --unlinked',
  options: [
    { name: 'limit', type: 'string', value: 'N', default: '10', description: 'notes (or, with --unlinked, pairs) to list' },
    { name: 'unlinked', type: 'boolean', description: 'instead of NOTE: pairs of notes close in meaning that link to each other in neither direction' },
    { name: 'folder', type: 'string', value: 'F', description: 'with --unlinked: only notes under this folder (default: the wiki folder)' },
    { name: 'min-score', type: 'string', value: 'S', default: '0.75', description: 'with --unlinked: lowest similarity (cosine, 0-1) suggested' },
    ...EMBED_OPTIONS,
  ],
  details: [
    '  NOTE  vault-relative path (".md" may be left out), or a title or alias',
    '--unlinked suggests links to add: each pair once, best first, with the passage that relates them.',
    'Uses the vectors `scriptorium index` stored with an embedding endpoint; no model is called.',
    'Each related note comes with its passage closest to NOTE and the passage of NOTE it is closest to.',
  ].join('\n'),
  async run(ctx) {
    const spec = ctx.args.positional.join(' ');
    const unlinked = flagBool(ctx.args, 'unlinked');
    if (!unlinked && !spec.trim()) throw new UsageError('give a NOTE, e.g. "wiki/concepts/Levain.md", or --unlinked');
    if (unlinked && spec.trim()) throw new UsageError('give either a NOTE or --unlinked, not both');
    const limit = flagInt(ctx.args, 'limit', 10);
    if (limit < 1) throw new UsageError('--limit must be at least 1');
    const minScore = Number(flagString(ctx.args, 'min-score') ?? '0.75');
    if (!Number.isFinite(minScore) || minScore < -1 || minScore > 1) throw new UsageError('--min-score must be a number from -1 to 1');
    const { index } = await openVaultIndex(ctx, { progress: !ctx.json });
    // The stored vectors of the configured model, or of whichever model made them when none is configured.
    const endpoint = await embedEndpoint(ctx);
    const vectors = new VectorIndex({ vault: ctx.vault, state: ctx.state, model: endpoint?.model ?? '*', includes: (p) => index.includes(p) });
    if (!(await vectors.load()) || !vectors.ready) {
      ctx.io.err(`No passage vectors are stored${endpoint ? ` for ${endpoint.model}` : ''}: run scriptorium index with an embedding endpoint (--embed-model, SCRIPTORIUM_EMBED_MODEL) first.`);
      return 1;
    }
    if (unlinked) {
      const folder = (flagString(ctx.args, 'folder') ?? (await ctx.settings()).wikiFolder).replace(/^\/+|\/+$/g, '');
      const paths = index.paths().filter((p) => folder === '' || p.startsWith(`${folder}/`));
      const graph = new NoteGraph({ vault: ctx.vault, signal: ctx.signal });
      const out = new Map<string, Set<string>>();
      for (const p of paths) out.set(p, new Set((await graph.linksOf(p)).out.flatMap((l) => (l.path ? [l.path] : []))));
      const pairs = suggestLinks(vectors, { paths, links: (from, to) => out.get(from)?.has(to) === true, minScore, limit });
      const values = await Promise.all(pairs.map((pair) => describePair(ctx, pair)));
      ctx.print({ folder, minScore, model: vectors.model, suggestions: values }, () =>
        values.length === 0
          ? `No unlinked notes in ${folder || 'the vault'} are closer than ${minScore}.`
          : [
              `Notes in ${folder || 'the vault'} close in meaning that do not link each other:`,
              ...values.map((v, i) => `${i + 1}. ${v.a} ↔ ${v.b}  (${v.score.toFixed(2)})\n   ${v.b}:${v.passage.line}-${v.passage.endLine}${v.passage.heading ? ` › ${v.passage.heading}` : ''}: ${v.passage.snippet}`),
            ].join('\n'),
      );
      return 0;
    }
    const path = resolveNote(index.paths(), (name) => index.findByTitle(name), spec);
    const stat = await ctx.vault.stat(path);
    if (stat && !vectors.current(path, stat)) ctx.io.err(`warning: ${path} changed since its vectors were stored; run scriptorium index to update them`);
    const related = vectors.related(path, limit);
    if (related.length === 0 && !vectors.passagesOf(path)?.length) {
      ctx.io.err(`${path} has no stored vectors yet: run scriptorium index to embed it.`);
      return 1;
    }
    const values = await Promise.all(related.map((r) => describe(ctx, index.note(r.path)?.title, r)));
    ctx.print({ note: path, model: vectors.model, related: values }, () => human(path, values));
    return 0;
  },
};

async function describe(ctx: CliContext, title: string | undefined, r: RelatedNote): Promise<RelatedValue> {
  const text = await ctx.vault.read(r.path).catch(() => '');
  const name = r.path.slice(r.path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
  return {
    path: r.path,
    title: title ?? name,
    score: Math.round(r.score * 1000) / 1000,
    passage: { heading: r.passage.heading, line: r.passage.line, endLine: r.passage.endLine, snippet: openingWords(text, r.passage.line, r.passage.endLine) },
    from: { heading: r.from.heading, line: r.from.line, endLine: r.from.endLine },
  };
}

async function describePair(ctx: CliContext, pair: LinkSuggestion) {
  const text = await ctx.vault.read(pair.b).catch(() => '');
  return {
    a: pair.a,
    b: pair.b,
    score: Math.round(pair.score * 1000) / 1000,
    passage: { heading: pair.passage.heading, line: pair.passage.line, endLine: pair.passage.endLine, snippet: openingWords(text, pair.passage.line, pair.passage.endLine) },
    from: pair.from,
  };
}

function human(path: string, values: RelatedValue[]): string {
  if (values.length === 0) return `No notes related to ${path}.`;
  return [
    `Notes related to ${path}:`,
    ...values.map((v, i) => {
      const where = v.passage.heading ? `${v.title} › ${v.passage.heading}` : v.title;
      const from = v.from.heading ? `${v.from.heading}, ` : '';
      return `${i + 1}. ${v.path}:${v.passage.line}-${v.passage.endLine}  ${where}  (${v.score.toFixed(2)}; from ${from}lines ${v.from.line}-${v.from.endLine})\n   ${v.passage.snippet}`;
    }),
  ].join('\n');
}
