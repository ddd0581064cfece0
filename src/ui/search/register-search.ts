import { Notice, Platform, TFile, type WorkspaceLeaf } from 'obsidian';
import type { ProgressUpdate } from '../../core/ports/progress';
import { VaultIndex, type MeaningSearch, type SectionHit } from '../../core/search';
import type { PluginContext } from '../../obsidian/plugin-context';
import { SearchModal } from './search-modal';
import { SEARCH_VIEW_TYPE, SearchView } from './search-view';
import { t } from '../../i18n/plugin';
import { joinSentences } from '../../i18n';

export interface SearchFeature {
  /** The shared vault index once its cache is loaded (it may still be catching up), else null. */
  index: () => VaultIndex | null;
  /** Lets the modal and the view search by meaning too (search by meaning registers after search). */
  setMeaning: (meaning: () => MeaningSearch | null) => void;
}

/**
 * Registers search: the "Open search" (modal) and "Open search view" (sidebar, also on the ribbon)
 * and "Rebuild search index" commands, and the background index. Nothing happens in onload: after the layout is ready the cache is loaded in slices,
 * then the vault is diffed by mtime and vault events are followed. Long builds show progress with
 * counts and can be stopped: in the status bar on desktop (click it), in a notice with a Stop
 * button on mobile, which has no status bar; and on both with the "Stop indexing" command.
 */
export function registerSearch(ctx: PluginContext): SearchFeature {
  const { plugin, app } = ctx;
  let index: VaultIndex | null = null;
  let meaningOf: () => MeaningSearch | null = () => null;
  const meaning = () => meaningOf();
  let detach: (() => void) | null = null;
  let building: AbortController | null = null;
  // Status bar items do not exist on mobile: there progress and Stop go in a notice.
  const status = Platform.isMobile ? null : plugin.addStatusBarItem();
  let progressNotice: { notice: Notice; text: HTMLElement } | null = null;

  const hideProgress = (): void => {
    status?.hide();
    progressNotice?.notice.hide();
    progressNotice = null;
  };

  const stopIndexing = (): boolean => {
    if (!building) return false;
    building.abort();
    hideProgress();
    new Notice(t('search.indexStopped'));
    return true;
  };

  if (status) {
    status.addClass('scriptorium-search-status');
    status.hide();
    status.onClickEvent(() => void stopIndexing());
  }

  const showProgress = (update: ProgressUpdate): void => {
    if (update.total === undefined || update.total < 50 || update.done >= update.total) return;
    const counts = `${update.done.toLocaleString()}/${update.total.toLocaleString()}`;
    if (status) {
      status.show();
      status.setText(t('search.status.indexing', { counts }));
      status.setAttr('aria-label', t('search.status.indexingLabel'));
      return;
    }
    if (!progressNotice) {
      const notice = new Notice('', 0);
      notice.messageEl.empty();
      const text = notice.messageEl.createSpan({ cls: 'scriptorium-task-text' });
      const stop = notice.messageEl.createEl('button', { text: t('task.stop'), cls: 'scriptorium-task-stop' });
      stop.addEventListener('click', () => void stopIndexing());
      progressNotice = { notice, text };
    }
    progressNotice.text.setText(t('search.notice.indexing', { counts }));
  };

  const showSummary = (idx: VaultIndex): void => {
    hideProgress();
    const s = idx.stats();
    const max = ctx.settings().maxIndexedFileBytes;
    // Mobile has nowhere to keep this line: the rebuild's notice says it there.
    if (!status || s.truncated === 0) return;
    // Said, not hidden: these notes are only searchable up to the cap.
    status.show();
    status.setText(s.truncated === 1 ? t('search.status.cut.one') : t('search.status.cut.other', { count: s.truncated }));
    status.setAttr('aria-label', t('search.status.cutLabel', { count: s.truncated, size: Math.round(max / 1000) }));
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
      hideProgress();
      if (controller.signal.aborted) return;
      new Notice(t('search.buildFailed', { error: error instanceof Error ? error.message : String(error) }));
    } finally {
      if (building === controller) building = null;
    }
  };

  const open = async (hit: SectionHit, newTab: boolean): Promise<void> => {
    const file = app.vault.getAbstractFileByPath(hit.path);
    if (!(file instanceof TFile)) {
      new Notice(t('search.gone', { path: hit.path }));
      return;
    }
    const leaf = app.workspace.getLeaf(newTab ? 'tab' : false);
    // eState.line scrolls to the section's first line, which works for preambles and repeated headings alike.
    // Active: the note takes the focus (from the search view too), and on mobile the sidebar drawer closes.
    await leaf.openFile(file, { active: true, eState: { line: hit.line - 1 } });
  };

  plugin.addCommand({
    id: 'open-search',
    name: t('command.openSearch'),
    callback: () => new SearchModal(app, { index: () => index, open, meaning }).open(),
  });
  plugin.registerView(SEARCH_VIEW_TYPE, (leaf) => new SearchView(leaf, { index: () => index, open, meaning }));

  /** Shows the search view (in the left sidebar, as Obsidian's own search) and puts the cursor in its box. */
  const openView = async (): Promise<void> => {
    const { workspace } = app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(SEARCH_VIEW_TYPE)[0] ?? null;
    if (!leaf) {
      leaf = workspace.getLeftLeaf(false);
      if (!leaf) return;
      await leaf.setViewState({ type: SEARCH_VIEW_TYPE, active: true });
    }
    await workspace.revealLeaf(leaf);
    await leaf.loadIfDeferred();
    if (leaf.view instanceof SearchView) leaf.view.focusInput();
  };

  plugin.addRibbonIcon('text-search', t('command.openSearchView'), () => void openView());
  plugin.addCommand({ id: 'open-search-view', name: t('command.openSearchView'), callback: () => void openView() });
  plugin.addCommand({
    id: 'rebuild-search-index',
    name: t('command.rebuildSearchIndex'),
    callback: () => {
      new Notice(t('search.rebuilding'));
      void build(true).then(() => {
        if (!index || building) return;
        const s = index.stats();
        const size = Math.round(ctx.settings().maxIndexedFileBytes / 1000);
        const cut = s.truncated === 0 ? '' : s.truncated === 1 ? t('search.rebuilt.cut.one', { size }) : t('search.rebuilt.cut.other', { count: s.truncated, size });
        new Notice(joinSentences([t('search.rebuilt', { count: s.notes }), cut]));
      });
    },
  });
  plugin.addCommand({
    id: 'stop-indexing',
    name: t('command.stopIndexing'),
    checkCallback: (checking) => {
      if (!building) return false;
      if (!checking) stopIndexing();
      return true;
    },
  });

  app.workspace.onLayoutReady(() => void build(false));
  plugin.register(() => {
    building?.abort();
    hideProgress();
    detach?.();
    // Best effort: keeps edits made since the last save; the mtime diff at the next start covers the rest.
    void index?.persist().catch(() => undefined);
  });
  return {
    index: () => index,
    setMeaning: (get) => {
      meaningOf = get;
    },
  };
}
