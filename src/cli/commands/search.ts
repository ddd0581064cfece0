import { readFile } from 'node:fs/promises';
import { HybridSearch, type SearchMode, type SearchResult, type VaultIndex, type VaultSearch } from '../../core/search';
import { flagBool, flagInt, flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
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
    if (mode && mode !== 'lexical') throw new UsageError(`--mode ${mode} needs an embedding endpoint: pass --embed-model (and --embed-base-url) or set SCRIPTORIUM_EMBED_MODEL`);
    return index;
  }
  const { vectors } = await openVectors(ctx, index, client.model);
  if (!vectors.ready && mode) ctx.io.err(`warning: no passage vectors of ${client.model} are stored yet (run scriptorium index with the embedding endpoint); the results are lexical`);
  return new HybridSearch({
    index,
    vault: ctx.vault,
    vectors: () => ({ vectors, embedder: client }),
    onFallback: (error) => ctx.io.err(`warning: search by meaning is unavailable (${error.message}); the results are lexical`),
  });
}

/** Exactly the documented fields, in the documented order (the index returns a few more). */
function shape(r: SearchResult): SearchResult {
  return { path: r.path, title: r.title, heading: r.heading, line: r.line, endLine: r.endLine, score: r.score, snippet: r.snippet };
}

function human(results: SearchResult[]): string {
  if (results.length === 0) return 'No results.';
  return results
    .map((r, i) => {
      const where = r.heading ? `${r.title} › ${r.heading}` : r.title;
      return `${i + 1}. ${r.path}:${r.line}-${r.endLine}  ${where}  (${r.score.toFixed(2)})\n   ${r.snippet}`;
    })
    .join('\n');
}

async function batch(index: VaultSearch, file: string, options: { limit: number; notes: boolean; folder?: string; prefix: false; mode?: SearchMode }, out: (line: string) => void): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--queries: cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
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
    { name: 'limit', type: 'string', value: 'N', default: '10', description: 'results to return' },
    { name: 'notes', type: 'boolean', description: 'one result per note instead of one per section' },
    { name: 'folder', type: 'string', value: 'F', description: 'only notes under this folder (e.g. wiki or raw)' },
    { name: 'mode', type: 'string', value: 'M', description: 'lexical, semantic or hybrid (default: hybrid once vectors are stored, else lexical)' },
    ...EMBED_OPTIONS,
    {
      name: 'queries',
      type: 'string',
      value: 'FILE',
      description: 'batch mode, instead of QUERY: one {"id": "...", "query": "..."} per line;\nprints one {"id": "...", "results": [...]} line per query',
    },
  ],
  details: [
    'Query syntax: words (all, else any), "a phrase", -word, -"phrase", path:text,',
    'tag:name, folder:name. Words are matched whole (no completion of the last word).',
    'Search by meaning uses the passage vectors `scriptorium index` stored with an embedding endpoint;',
    'only the query is embedded. When the endpoint fails, the results are lexical and a warning says so.',
  ].join('\n'),
  async run(ctx) {
    const limit = flagInt(ctx.args, 'limit', 10);
    if (limit < 1) throw new UsageError('--limit must be at least 1');
    const modeFlag = flagString(ctx.args, 'mode');
    if (modeFlag !== undefined && !MODES.includes(modeFlag as SearchMode)) throw new UsageError(`--mode must be lexical, semantic or hybrid, not "${modeFlag}"`);
    const mode = modeFlag as SearchMode | undefined;
    const options = { limit, notes: flagBool(ctx.args, 'notes'), folder: flagString(ctx.args, 'folder'), prefix: false as const, ...(mode ? { mode } : {}) };
    const queries = flagString(ctx.args, 'queries');
    const query = ctx.args.positional.join(' ').trim();
    if (!queries && query === '') throw new UsageError('give a QUERY, or --queries FILE.jsonl');
    if (queries && query !== '') throw new UsageError('give either a QUERY or --queries FILE.jsonl, not both');
    const { index } = await openVaultIndex(ctx, { progress: !ctx.json });
    const search = await searcher(ctx, index, mode);
    if (queries) {
      // Many queries: read the cached passage texts once, so no query reads a note.
      await index.loadPassageTexts();
      return batch(search, queries, options, (line) => ctx.io.out(line));
    }
    // A query given on the command line is finished: its last word is not completed (prefix: false, as in batch mode).
    const results = (await search.search(query, options)).map(shape);
    ctx.print({ query, results }, () => human(results));
    return 0;
  },
};
