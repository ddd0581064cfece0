import { Notice, TFile, type WorkspaceLeaf } from 'obsidian';
import type { VaultIndex } from '../../core/search';
import { createEmbeddingsClient } from '../../obsidian/embeddings-factory';
import type { PluginContext } from '../../obsidian/plugin-context';
import { ConfirmModal } from '../confirm-modal';
import { RelatedView, RELATED_VIEW_TYPE } from './related-view';
import { SemanticIndex } from './semantic-index';
import { t } from '../../i18n/plugin';

export interface RelatedFeature {
  semantic: SemanticIndex;
}

/** Seconds between checks of the settings and the vault for vectors to update (after edits, after turning it on). */
const CHECK_SECONDS = 15;

/**
 * Registers search by meaning in the plugin: the passage vectors (built after the search index,
 * kept current in the background, a confirmation with passages and tokens before the first full
 * run), the "Related notes" view in the right sidebar and its commands. Nothing runs until search
 * by meaning is turned on in the settings.
 */
export function registerRelated(ctx: PluginContext, deps: { index: () => VaultIndex | null }): RelatedFeature {
  const { plugin, app } = ctx;
  const views = (): RelatedView[] => app.workspace.getLeavesOfType(RELATED_VIEW_TYPE).flatMap((l) => (l.view instanceof RelatedView ? [l.view] : []));
  const redraw = () => {
    for (const view of views()) void view.refresh();
  };
  let quiet: AbortController | null = null;
  const semantic = new SemanticIndex({
    vault: ctx.vault,
    state: ctx.state,
    settings: ctx.settings,
    index: deps.index,
    client: () => createEmbeddingsClient({ app, settings: ctx.settings }),
    confirm: (plan, client) =>
      new ConfirmModal(app, {
        title: t('command.buildVectors'),
        body: t('related.confirm.body', { passages: plan.passages.toLocaleString(), notes: plan.notes.toLocaleString(), tokens: plan.tokens.toLocaleString(), url: client.baseURL, model: client.model }),
        notes: [t('related.confirm.note')],
        confirmText: t('related.build'),
      }).ask(),
    run: async (label, work, visible) => {
      if (!visible) {
        quiet?.abort();
        const controller = new AbortController();
        quiet = controller;
        try {
          await work(controller.signal, () => undefined);
        } catch {
          // Said by the view's state; search stays lexical meanwhile.
        }
        return true;
      }
      const outcome = await ctx.tasks.run(label, (task) => work(task.signal, task.progress), {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('related.stopped'));
          else new Notice(t('related.failed', { task: label, error: error instanceof Error ? error.message : String(error) }), 10000);
        },
      });
      return outcome.status !== 'busy';
    },
    onChange: redraw,
    onFallback: (error) => new Notice(t('related.unavailable', { error: error.message }), 8000),
  });

  plugin.registerView(
    RELATED_VIEW_TYPE,
    (leaf) =>
      new RelatedView(leaf, {
        activeFile: () => app.workspace.getActiveFile(),
        related: (path) => semantic.related(path),
        state: () => semantic.state,
        current: (file) => semantic.current()?.current(file.path, { mtime: file.stat.mtime, size: file.stat.size }) ?? false,
        title: (path) => deps.index()?.note(path)?.title ?? path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, ''),
        read: (path) => ctx.vault.read(path),
        open: async (path, line, newTab) => {
          const file = app.vault.getAbstractFileByPath(path);
          if (!(file instanceof TFile)) {
            new Notice(t('search.gone', { path }));
            return;
          }
          await app.workspace.getLeaf(newTab ? 'tab' : false).openFile(file, { active: true, eState: { line: line - 1 } });
        },
        build: () => void semantic.refresh({ ask: true }),
      }),
  );

  const openView = async (): Promise<void> => {
    let leaf: WorkspaceLeaf | null = app.workspace.getLeavesOfType(RELATED_VIEW_TYPE)[0] ?? null;
    if (!leaf) {
      leaf = app.workspace.getRightLeaf(false);
      if (!leaf) return;
      await leaf.setViewState({ type: RELATED_VIEW_TYPE, active: true });
    }
    await app.workspace.revealLeaf(leaf);
  };
  plugin.addCommand({ id: 'open-related-notes', name: t('command.openRelatedNotes'), callback: () => void openView() });
  plugin.addCommand({
    id: 'build-vectors',
    name: t('command.buildVectors'),
    callback: () => {
      if (!ctx.settings().embeddings.enabled) {
        new Notice(t('related.offNotice'));
        return;
      }
      void semantic.refresh({ ask: true });
    },
  });

  // After the search index has loaded, and then every few seconds: settings changes (turned on,
  // another model) and edits are picked up; each run sends only passages without a vector.
  app.workspace.onLayoutReady(() => {
    plugin.registerInterval(window.setInterval(() => void semantic.refresh(), CHECK_SECONDS * 1000));
    void semantic.refresh();
  });
  plugin.register(() => {
    quiet?.abort();
    void semantic.close();
  });
  return { semantic };
}
