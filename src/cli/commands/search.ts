import { readFile } from 'node:fs/promises';
import { HybridSearch, type SearchMode, type SearchResult, type VaultIndex, type VaultSearch } from '../../core/search';
import { flagBool, flagInt, flagString, UsageError } from '../args';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import type { Translate } from '../../i18n';
import { EMBED_OPTIONS, embeddingsClient, openVectors } from '../embeddings';
import { openVaultIndex } from './index-vault';

const MODES: readonly SearchMode[] = ['lexical', 'semantic', 'hybrid'];

/**
 * The search to run: the vault index alone, or with the stored passage vectors and the embedding
 * endpoint for queries (hybrid by default once vectors exist). An endpoint that fails is said once
 * on stderr and the results are lexical; asking for meaning without an endpoint is a usage error.
 */
async function searcher(ctx: CliContext, index: VaultIndex, mode: SearchMode | undefined): Promise<VaultSearch> {
  const client = mode === 'lexical' ? null : await embeddingsClient(ctx);
  if (!client) {
    if (mode && mode !== 'lexical') throw new UsageError(ctx.t('cli.search.modeNeedsEndpoint', { mode }));
    return index;
  }
  const { vectors } = await openVectors(ctx, index, client.model);
  if (!vectors.ready && mode) ctx.io.err(ctx.t('cli.search.noVectors', { model: client.model }));
  return new HybridSearch({
    index,
    vault: ctx.vault,
    vectors: () => ({ vectors, embedder: client }),
    onFallback: (error) => ctx.io.err(ctx.t('cli.search.meaningUnavailable', { error: error.message })),
  });
}

/** Exactly the documented fields, in the documented order (the index returns a few more). */
function shape(r: SearchResult): SearchResult {
  return { path: r.path, title: r.title, heading: r.heading, line: r.line, endLine: r.endLine, score: r.score, snippet: r.snippet };
}

function human(results: SearchResult[], t: Translate): string {
  if (results.length === 0) return t('cli.search.noResults');
  return results
    .map((r, i) => {
      const where = r.heading ? `${r.title} › ${r.heading}` : r.title;
      return `${i + 1}. ${r.path}:${r.line}-${r.endLine}  ${where}  (${r.score.toFixed(2)})\n   ${r.snippet}`;
    })
    .join('\n');
}

async function batch(index: VaultSearch, file: string, options: { limit: number; notes: boolean; folder?: string; prefix: false; mode?: SearchMode }, out: (line: string) => void, t: Translate): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(t('cli.search.cannotReadQueries', { file, error: (error as NodeJS.ErrnoException).code ?? String(error) }));
  }
  let failed = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '') continue;
    let id: unknown;
    let query: unknown;
    try {
      const parsed = JSON.parse(line) as { id?: unknown; query?: unknown };
      id = parsed?.id;
      query = parsed?.query;
    } catch {
      // A bad line is reported in place and the rest still run: one typo must not lose a batch.
      out(JSON.stringify({ id: null, line: n + 1, error: 'not valid JSON' }));
      failed++;
      continue;
    }
    if (typeof query !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) {
      out(JSON.stringify({ id: id ?? null, line: n + 1, error: 'each line needs {"id": string, "query": string}' }));
      failed++;
      continue;
    }
    const results = await index.search(query, options);
    out(JSON.stringify({ id, results: results.map(shape) }));
  }
  return failed > 0 ? 1 : 0;
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'Search the vault (full text, sections, snippets); batch mode for evaluations',
  operands: 'QUERY',
  options: [
    { name: 'limit', type: 'string', value: 'N', default: '10', description: en['cli.option.search.limit'], descriptionKey: 'cli.option.search.limit' },
    { name: 'notes', type: 'boolean', description: en['cli.option.search.notes'], descriptionKey: 'cli.option.search.notes' },
    { name: 'folder', type: 'string', value: 'F', description: en['cli.option.search.folder'], descriptionKey: 'cli.option.search.folder' },
    { name: 'mode', type: 'string', value: 'M', description: en['cli.option.search.mode'], descriptionKey: 'cli.option.search.mode' },
    ...EMBED_OPTIONS,
    { name: 'queries', type: 'string', value: 'FILE', description: en['cli.option.search.queries'], descriptionKey: 'cli.option.search.queries' },
  ],
  details: (t) => t('cli.details.search'),
  async run(ctx) {
    const limit = flagInt(ctx.args, 'limit', 10);
    if (limit < 1) throw new UsageError(ctx.t('cli.search.limitTooSmall'));
    const modeFlag = flagString(ctx.args, 'mode');
    if (modeFlag !== undefined && !MODES.includes(modeFlag as SearchMode)) throw new UsageError(ctx.t('cli.search.badMode', { mode: modeFlag }));
    const mode = modeFlag as SearchMode | undefined;
    const options = { limit, notes: flagBool(ctx.args, 'notes'), folder: flagString(ctx.args, 'folder'), prefix: false as const, ...(mode ? { mode } : {}) };
    const queries = flagString(ctx.args, 'queries');
    const query = ctx.args.positional.join(' ').trim();
    if (!queries && query === '') throw new UsageError(ctx.t('cli.search.noQuery'));
    if (queries && query !== '') throw new UsageError(ctx.t('cli.search.queryAndFile'));
    const { index } = await openVaultIndex(ctx, { progress: !ctx.json });
    const search = await searcher(ctx, index, mode);
    if (queries) {
      // Many queries: read the cached passage texts once, so no query reads a note.
      await index.loadPassageTexts();
      return batch(search, queries, options, (line) => ctx.io.out(line), ctx.t);
    }
    // A query given on the command line is finished: its last word is not completed (prefix: false, as in batch mode).
    const results = (await search.search(query, options)).map(shape);
    ctx.print({ query, results }, () => human(results, ctx.t));
    return 0;
  },
};
