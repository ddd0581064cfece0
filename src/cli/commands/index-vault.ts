import { LlmError } from '../../core/llm/errors';
import { VaultIndex, type SyncReport } from '../../core/search';
import { flagBool } from '../args';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { confirm } from '../confirm';
import { STOPPED, type CliContext } from '../context';
import { EMBED_OPTIONS, embeddingsClient, openVectors } from '../embeddings';

/**
 * The vault index as the plugin left it (same cache, same folder), brought up to date with the
 * files on disk, and saved again when anything changed so the next run starts warm.
 */
export async function openVaultIndex(
  ctx: CliContext,
  options: { rebuild?: boolean; progress?: boolean; preloadTexts?: boolean } = {},
): Promise<{ index: VaultIndex; report: SyncReport; fromCache: boolean }> {
  const settings = await ctx.settings();
  // A command that runs one query reads the few notes it shows rather than every passage text.
  const index = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings, preloadTexts: options.preloadTexts ?? false });
  const fromCache = options.rebuild ? false : await index.load();
  let lastShown = 0;
  const progress = options.progress
    ? ({ done, total }: { done: number; total?: number }) => {
        // A line every 10% on large builds; nothing on the quick ones.
        if (!total || total < 500 || done === total || done - lastShown < total / 10) return;
        lastShown = done;
        ctx.io.err(ctx.t('cli.index.progress', { done, total }));
      }
    : undefined;
  const report = options.rebuild ? await index.rebuild(ctx.signal, progress) : await index.sync(ctx.signal, progress);
  if (!options.rebuild && (report.added + report.updated + report.removed > 0 || !fromCache)) {
    await index.persist().catch((error: unknown) => ctx.io.err(ctx.t('cli.index.cacheNotSaved', { error: error instanceof Error ? error.message : String(error) })));
  }
  return { index, report, fromCache };
}

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Build or update the search index of the vault (shared with the plugin)',
  options: [
    { name: 'rebuild', type: 'boolean', description: en['cli.option.index.rebuild'], descriptionKey: 'cli.option.index.rebuild' },
    ...EMBED_OPTIONS,
    { name: 'yes', type: 'boolean', description: en['cli.option.index.yes'], descriptionKey: 'cli.option.index.yes' },
  ],
  details: (t) => t('cli.details.index'),
  async run(ctx) {
    const started = Date.now();
    const { index, report, fromCache } = await openVaultIndex(ctx, { rebuild: flagBool(ctx.args, 'rebuild'), progress: !ctx.json });
    const s = index.stats();
    const settings = await ctx.settings();
    const embedded = await embedVault(ctx, index);
    const value = {
      notes: s.notes,
      sections: s.sections,
      terms: s.terms,
      added: report.added,
      updated: report.updated,
      removed: report.removed,
      unchanged: report.unchanged,
      truncated: s.truncated,
      problems: s.problems,
      fromCache,
      ms: Date.now() - started,
      cacheDir: ctx.state.dir,
      ...(embedded ? { vectors: embedded.value } : {}),
    };
    ctx.print(value, () =>
      [
        ctx.t('cli.index.indexed', { notes: s.notes, sections: s.sections, terms: s.terms, ms: value.ms }),
        ctx.t(fromCache ? 'cli.index.changesFromCache' : 'cli.index.changes', { added: report.added, updated: report.updated, removed: report.removed, unchanged: report.unchanged }),
        ...(s.truncated > 0 ? [ctx.t('cli.index.truncated', { count: s.truncated, bytes: settings.maxIndexedFileBytes })] : []),
        ...(s.problems > 0 ? [ctx.t('cli.index.problems', { count: s.problems })] : []),
        ctx.t('cli.index.cache', { dir: ctx.state.dir }),
        ...(embedded ? [embedded.line] : []),
      ].join('\n'),
    );
    return embedded?.code ?? 0;
  },
};

interface VectorsValue {
  model: string;
  dimension: number;
  passages: number;
  embedded: number;
  sent: number;
  tokens: number;
  left: number;
  ms: number;
  stopped?: boolean;
  error?: string;
  skipped?: string;
}

/**
 * Embeds the passages without a vector when an embedding endpoint is configured: a cost estimate
 * and a confirmation before the first full run, progress on stderr, and the work kept on Ctrl-C or
 * failure (saved, so the next run sends only the rest). Null when no endpoint is configured.
 */
async function embedVault(ctx: CliContext, index: VaultIndex): Promise<{ value: VectorsValue; line: string; code: number } | null> {
  const client = await embeddingsClient(ctx);
  if (!client) return null;
  const started = Date.now();
  const { vectors } = await openVectors(ctx, index, client.model);
  const plan = await vectors.plan(ctx.signal);
  const value: VectorsValue = { model: client.model, dimension: vectors.dimension, passages: 0, embedded: 0, sent: 0, tokens: 0, left: plan.passages, ms: 0 };
  const finish = (line: string, code: number) => {
    const s = vectors.stats();
    Object.assign(value, { dimension: s.dimension, passages: s.passages, embedded: s.embedded, left: s.passages - s.embedded, ms: Date.now() - started });
    return { value, line, code };
  };
  const what = ctx.t('cli.index.toEmbed', { passages: plan.passages, tokens: plan.tokens.toLocaleString('en-US'), model: client.model, url: client.baseURL });
  if (plan.passages > 0 && plan.firstRun && !flagBool(ctx.args, 'yes')) {
    const refused = !process.stdin.isTTY
      ? ctx.t('cli.index.refusedNoTerminal', { what })
      : (await confirm(ctx.t('cli.index.askEmbed', { what }), ctx.signal))
        ? null
        : ctx.t('cli.index.refused', { what });
    if (refused) {
      await vectors.persist();
      value.skipped = refused;
      return finish(ctx.t('cli.index.vectorsLine', { text: refused }), 0);
    }
  }
  if (plan.passages > 0 && !ctx.json) ctx.io.err(ctx.t('cli.index.embedding', { what }));
  let lastShown = 0;
  try {
    const report = await vectors.embed(client, {
      signal: ctx.signal,
      progress: ({ done, total }) => {
        if (ctx.json || !total || total < 200 || done === total || done - lastShown < total / 10) return;
        lastShown = done;
        ctx.io.err(ctx.t('cli.index.embedProgress', { done, total }));
      },
    });
    value.sent = report.embedded;
    value.tokens = report.tokens;
  } catch (error) {
    await vectors.persist();
    const stopped = ctx.signal.aborted || (error instanceof LlmError && error.kind === 'aborted');
    const s = vectors.stats();
    if (stopped) {
      value.stopped = true;
      return finish(ctx.t('cli.index.embedStopped', { embedded: s.embedded, passages: s.passages }), STOPPED);
    }
    const message = error instanceof LlmError ? error.withHint : error instanceof Error ? error.message : String(error);
    value.error = message;
    return finish(ctx.t('cli.index.embedFailed', { error: message, embedded: s.embedded, passages: s.passages }), 1);
  }
  await vectors.persist();
  const s = vectors.stats();
  return finish(ctx.t('cli.index.embedDone', { embedded: s.embedded, passages: s.passages, dimension: s.dimension, model: client.model, sent: value.sent }), 0);
}
