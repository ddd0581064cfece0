import { NoteGraph } from '../../core/ask';
import { suggestLinks, VectorIndex, openingWords, type LinkSuggestion, type RelatedNote } from '../../core/search/vectors';
import { flagBool, flagInt, flagString, UsageError } from '../args';
import { createTranslator, type Translate } from '../../i18n';
import { en } from '../../i18n/en';
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
function resolveNote(paths: readonly string[], byTitle: (name: string) => string[], spec: string, t: Translate = createTranslator('en')): string {
  const clean = spec.trim().replace(/^\/+/, '');
  for (const candidate of [clean, `${clean}.md`]) if (paths.includes(candidate)) return candidate;
  const titled = byTitle(clean);
  if (titled.length === 1) return titled[0];
  if (titled.length > 1) throw new UsageError(t('cli.related.ambiguous', { spec, count: titled.length, paths: titled.join(', ') }));
  throw new UsageError(t('cli.related.noSuchNote', { spec }));
}

export const relatedCommand: CliCommand = {
  name: 'related',
  summary: 'List the notes closest in meaning to a note, from the stored passage vectors',
  operands: 'NOTE | --unlinked',
  options: [
    { name: 'limit', type: 'string', value: 'N', default: '10', description: en['cli.option.related.limit'], descriptionKey: 'cli.option.related.limit' },
    { name: 'unlinked', type: 'boolean', description: en['cli.option.related.unlinked'], descriptionKey: 'cli.option.related.unlinked' },
    { name: 'folder', type: 'string', value: 'F', description: en['cli.option.related.folder'], descriptionKey: 'cli.option.related.folder' },
    { name: 'min-score', type: 'string', value: 'S', default: '0.75', description: en['cli.option.related.minScore'], descriptionKey: 'cli.option.related.minScore' },
    ...EMBED_OPTIONS,
  ],
  details: (t) => t('cli.details.related'),
  async run(ctx) {
    const spec = ctx.args.positional.join(' ');
    const unlinked = flagBool(ctx.args, 'unlinked');
    if (!unlinked && !spec.trim()) throw new UsageError(ctx.t('cli.related.noNote'));
    if (unlinked && spec.trim()) throw new UsageError(ctx.t('cli.related.noteAndUnlinked'));
    const limit = flagInt(ctx.args, 'limit', 10);
    if (limit < 1) throw new UsageError(ctx.t('cli.related.limitTooSmall'));
    const minScore = Number(flagString(ctx.args, 'min-score') ?? '0.75');
    if (!Number.isFinite(minScore) || minScore < -1 || minScore > 1) throw new UsageError(ctx.t('cli.related.badMinScore'));
    const { index } = await openVaultIndex(ctx, { progress: !ctx.json });
    // The stored vectors of the configured model, or of whichever model made them when none is configured.
    const endpoint = await embedEndpoint(ctx);
    const vectors = new VectorIndex({ vault: ctx.vault, state: ctx.state, model: endpoint?.model ?? '*', includes: (p) => index.includes(p) });
    if (!(await vectors.load()) || !vectors.ready) {
      ctx.io.err(endpoint ? ctx.t('cli.related.noVectorsOf', { model: endpoint.model }) : ctx.t('cli.related.noVectors'));
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
          ? ctx.t('cli.related.noUnlinked', { folder: folder || ctx.t('cli.related.theVault'), score: minScore })
          : [
              ctx.t('cli.related.unlinkedHeading', { folder: folder || ctx.t('cli.related.theVault') }),
              ...values.map((v, i) => `${i + 1}. ${v.a} ↔ ${v.b}  (${v.score.toFixed(2)})\n   ${v.b}:${v.passage.line}-${v.passage.endLine}${v.passage.heading ? ` › ${v.passage.heading}` : ''}: ${v.passage.snippet}`),
            ].join('\n'),
      );
      return 0;
    }
    const path = resolveNote(index.paths(), (name) => index.findByTitle(name), spec, ctx.t);
    const stat = await ctx.vault.stat(path);
    if (stat && !vectors.current(path, stat)) ctx.io.err(ctx.t('cli.related.stale', { path }));
    const related = vectors.related(path, limit);
    if (related.length === 0 && !vectors.passagesOf(path)?.length) {
      ctx.io.err(ctx.t('cli.related.notEmbedded', { path }));
      return 1;
    }
    const values = await Promise.all(related.map((r) => describe(ctx, index.note(r.path)?.title, r)));
    ctx.print({ note: path, model: vectors.model, related: values }, () => human(path, values, ctx.t));
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

function human(path: string, values: RelatedValue[], t: Translate): string {
  if (values.length === 0) return t('cli.related.none', { path });
  return [
    t('cli.related.listTitle', { path }),
    ...values.map((v, i) => {
      const where = v.passage.heading ? `${v.title} › ${v.passage.heading}` : v.title;
      return `${i + 1}. ${v.path}:${v.passage.line}-${v.passage.endLine}  ${where}  (${v.from.heading ? t('cli.related.fromHeading', { score: v.score.toFixed(2), heading: v.from.heading, line: v.from.line, endLine: v.from.endLine }) : t('cli.related.from', { score: v.score.toFixed(2), line: v.from.line, endLine: v.from.endLine })})\n   ${v.passage.snippet}`;
    }),
  ].join('\n');
}
