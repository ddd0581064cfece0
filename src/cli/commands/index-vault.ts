import { VaultIndex, type SyncReport } from '../../core/search';
import { flagBool } from '../args';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';

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
        ctx.io.err(`indexing ${done}/${total} notes…`);
      }
    : undefined;
  const report = options.rebuild ? await index.rebuild(ctx.signal, progress) : await index.sync(ctx.signal, progress);
  if (!options.rebuild && (report.added + report.updated + report.removed > 0 || !fromCache)) {
    await index.persist().catch((error: unknown) => ctx.io.err(`warning: could not save the index cache: ${error instanceof Error ? error.message : String(error)}`));
  }
  return { index, report, fromCache };
}

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Build or update the search index of the vault (shared with the plugin)',
  options: [{ name: 'rebuild', type: 'boolean', description: 'drop the cache and index every note again' }],
  details: [
    'The cache lives in <vault>/.obsidian/plugins/scriptorium/ and is the one the plugin uses.',
  ].join('\n'),
  async run(ctx) {
    const started = Date.now();
    const { index, report, fromCache } = await openVaultIndex(ctx, { rebuild: flagBool(ctx.args, 'rebuild'), progress: !ctx.json });
    const s = index.stats();
    const settings = await ctx.settings();
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
    };
    ctx.print(value, () =>
      [
        `Indexed ${s.notes} notes (${s.sections} sections, ${s.terms} terms) in ${value.ms} ms`,
        `  ${report.added} added, ${report.updated} updated, ${report.removed} removed, ${report.unchanged} unchanged${fromCache ? ' (started from the cache)' : ''}`,
        ...(s.truncated > 0 ? [`  ${s.truncated} notes larger than ${settings.maxIndexedFileBytes} bytes were indexed only up to that size`] : []),
        ...(s.problems > 0 ? [`  ${s.problems} notes have broken frontmatter or binary content (indexed as far as readable)`] : []),
        `  cache: ${ctx.state.dir}`,
      ].join('\n'),
    );
    return 0;
  },
};
