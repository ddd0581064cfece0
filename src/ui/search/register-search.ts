import { Notice, TFile } from 'obsidian';
import type { ProgressUpdate } from '../../core/ports/progress';
import { VaultIndex, type SectionHit } from '../../core/search';
import type { PluginContext } from '../../obsidian/plugin-context';
import { SearchModal } from './search-modal';

export interface SearchFeature {
  /** The shared vault index once its cache is loaded (it may still be catching up), else null. */
  index: () => VaultIndex | null;
}

/**
 * Registers search: the "Open search" and "Rebuild search index" commands, and the background
 * index. Nothing happens in onload: after the layout is ready the cache is loaded in slices,
 * then the vault is diffed by mtime and vault events are followed. The status bar shows
 * progress with counts on long builds; clicking it cancels the build.
 */
export function registerSearch(ctx: PluginContext): SearchFeature {
  const { plugin, app } = ctx;
  let index: VaultIndex | null = null;
  let detach: (() => void) | null = null;
  let building: AbortController | null = null;
  const status = plugin.addStatusBarItem();
  status.addClass('scriptorium-search-status');
  status.hide();
  status.onClickEvent(() => {
    if (!building) return;
    building.abort();
    new Notice('Scriptorium: indexing cancelled; search covers the notes indexed so far. Rebuild the index from the command palette to finish.');
  });

  const showProgress = (update: ProgressUpdate): void => {
    if (update.total === undefined || update.total < 50 || update.done >= update.total) return;
    status.show();
    status.setText(`Indexing ${update.done.toLocaleString()}/${update.total.toLocaleString()}`);
    status.setAttr('aria-label', 'Scriptorium is indexing the vault for search. Click to cancel.');
  };

  const showSummary = (idx: VaultIndex): void => {
    const s = idx.stats();
    const max = ctx.settings().maxIndexedFileBytes;
    if (s.truncated === 0) {
      status.hide();
      return;
    }
    // Said, not hidden: these notes are only searchable up to the cap.
    status.show();
    status.setText(`Search: ${s.truncated} large ${s.truncated === 1 ? 'note' : 'notes'} cut`);
    status.setAttr('aria-label', `${s.truncated} notes are larger than ${Math.round(max / 1000)} kB and are searchable only up to that size (settings: largest indexed file).`);
  };

  /** Loads (or, with `rebuild`, drops) the cache, catches up with the vault and saves. */
  const build = async (rebuild: boolean): Promise<void> => {
    building?.abort();
    const controller = new AbortController();
    building = controller;
    detach?.();
    const idx = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings: ctx.settings(), persistDelayMs: 30_000 });
    // Follow events before loading so nothing that changes meanwhile is missed.
    detach = idx.attach();
    try {
      if (rebuild) {
        index = idx;
        await idx.rebuild(controller.signal, showProgress);
      } else {
        await idx.load(controller.signal);
        index = idx;
        const report = await idx.sync(controller.signal, showProgress);
        if (report.added + report.updated + report.removed > 0) await idx.persist();
      }
      showSummary(idx);
    } catch (error) {
      status.hide();
      if (controller.signal.aborted) return;
      new Notice(`Scriptorium: the search index could not be built: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (building === controller) building = null;
    }
  };

  const open = async (hit: SectionHit, newTab: boolean): Promise<void> => {
    const file = app.vault.getAbstractFileByPath(hit.path);
    if (!(file instanceof TFile)) {
      new Notice(`Scriptorium: "${hit.path}" no longer exists.`);
      return;
    }
    const leaf = app.workspace.getLeaf(newTab ? 'tab' : false);
    // eState.line scrolls to the section's first line, which works for preambles and repeated headings alike.
    await leaf.openFile(file, { eState: { line: hit.line - 1 } });
  };

  plugin.addCommand({
    id: 'open-search',
    name: 'Open search',
    callback: () => new SearchModal(app, { index: () => index, open }).open(),
  });
  plugin.addCommand({
    id: 'rebuild-search-index',
    name: 'Rebuild search index',
    callback: () => {
      new Notice('Scriptorium: rebuilding the search index…');
      void build(true).then(() => {
        if (index && !building) new Notice(`Scriptorium: search index rebuilt (${index.stats().notes} notes).`);
      });
    },
  });

  app.workspace.onLayoutReady(() => void build(false));
  plugin.register(() => {
    building?.abort();
    detach?.();
    // Best effort: keeps edits made since the last save; the mtime diff at the next start covers the rest.
    void index?.persist().catch(() => undefined);
  });
  return { index: () => index };
}
