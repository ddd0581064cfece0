import { Modal, Notice, type App } from 'obsidian';
import { HealthCheck, LintLayout } from '../../core/lint';
import { planGapSources, WEB_FILLABLE_KINDS } from '../../core/web/gap-sources';
import type { FetchFn } from '../../core/ports/fetch';
import { systemClock } from '../../core/ports/clock';
import { planClip } from '../../core/web/clip';
import { WebCallBudget } from '../../core/web/web-tools';
import { webFolderOf } from '../../core/web/web-settings';
import type { PluginContext } from '../../obsidian/plugin-context';
import { applyPlan } from '../apply-plan';
import { ConfirmModal } from '../confirm-modal';
import { failureText } from '../failure-text';
import { pluginWeb } from './plugin-web';
import { t } from '../../i18n/plugin';

/** Asks for the addresses to clip, one per line. Resolves with them, or null when cancelled. */
export class ClipUrlModal extends Modal {
  private resolve: ((urls: string[] | null) => void) | null = null;
  private readonly folder: string;

  constructor(app: App, folder: string) {
    super(app);
    this.folder = folder;
  }

  ask(): Promise<string[] | null> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.open();
    });
  }

  override onOpen(): void {
    const { contentEl } = this;
    this.setTitle(t('web.clip.title'));
    contentEl.createEl('p', { text: t('web.clip.intro', { folder: this.folder }) });
    const area = contentEl.createEl('textarea', { cls: 'scriptorium-clip-urls', attr: { rows: '5', placeholder: t('web.clip.placeholder'), 'aria-label': t('web.clip.label') } });
    const buttons = contentEl.createDiv({ cls: 'modal-button-container' });
    buttons.createEl('button', { text: t('common.cancel') }).addEventListener('click', () => this.finish(null));
    buttons.createEl('button', { cls: 'mod-cta', text: t('web.clip.button') }).addEventListener('click', () => {
      const urls = area.value.split(/\s+/).map((u) => u.trim()).filter(Boolean);
      if (urls.length > 0) this.finish(urls);
    });
    window.setTimeout(() => area.focus(), 0);
  }

  override onClose(): void {
    this.contentEl.empty();
    this.finish(null);
  }

  private finish(urls: string[] | null): void {
    const resolve = this.resolve;
    this.resolve = null;
    if (resolve) {
      resolve(urls);
      this.close();
    }
  }
}

export interface WebFeatureOptions {
  /** How pages are fetched; default Obsidian's `requestUrl` (no CORS), wrapped as a fetch. */
  fetch?: FetchFn;
}

/**
 * Registers "Clip a web page": asks for addresses, reads each page through Obsidian's network
 * layer, shows the new raw notes as a change plan and applies it through the shared writer.
 * Called once from `main.ts`.
 */
export function registerWeb(ctx: PluginContext, options: WebFeatureOptions = {}): void {
  const { plugin, app } = ctx;

  const clip = async (urls: string[]): Promise<void> => {
    await ctx.tasks.run(
      t('web.clip.task'),
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        const folder = webFolderOf(settings.rawFolder, settings.web);
        const { reader } = pluginWeb(app, settings, options.fetch);
        const run = await planClip({
          reader,
          writer: ctx.writer,
          vault: ctx.vault,
          clock: systemClock,
          folder,
          pages: urls,
          signal,
          budget: new WebCallBudget(Math.max(settings.web.maxCallsPerRun, urls.length)),
          progress: (done, total) => progress(t('web.clip.progress', { done, total })),
        });
        progress(null);
        const plan = run.plan;
        const failures = plan.problems.map((p) => t('notice.item', { subject: p.subject, message: p.message }));
        const already = run.clips.filter((c) => c.status === 'already').map((c) => t('notice.item', { subject: c.url, message: c.reason ?? '' }));
        if (!plan.changes.some((c) => !c.derived)) {
          new Notice([t('web.clip.nothing'), ...already, ...failures].slice(0, 6).join('\n'), 12000);
          return;
        }
        const applied = await applyPlan(ctx, { signal, progress }, plan);
        if (!applied) return;
        const notes = applied.paths.filter((p) => p.startsWith(`${folder}/`)).length;
        const undo = t('command.undoLastChangePlan');
        const lines = [notes === 1 ? t('web.clip.done.one', { folder, undo }) : t('web.clip.done.other', { count: notes, folder, undo }), ...already];
        if (failures.length) lines.push(t('web.clip.notClipped', { list: `${failures.slice(0, 5).join(t('core.plan.partsSeparator'))}${failures.length > 5 ? `${t('core.plan.partsSeparator')}…` : ''}` }));
        new Notice(lines.join('\n'), failures.length ? 15000 : 6000);
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('web.clip.stopped'));
          else new Notice(t('web.clip.failed', { error: failureText(error) }), 10000);
        },
      },
    );
  };

  /**
   * "Find sources on the web": the deep checks (after the estimate, which counts the web calls too),
   * then for each gap, unsourced claim and suggested article a few queries, the best pages read, and
   * new raw notes in the web folder, previewed with the gap each is for.
   */
  const findSources = async (): Promise<void> => {
    await ctx.tasks.run(
      t('web.gaps.task'),
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        const { provider, reader } = pluginWeb(app, settings, options.fetch);
        if (!provider) {
          new Notice(t('web.gaps.noProvider'), 10000);
          return;
        }
        const folder = webFolderOf(settings.rawFolder, settings.web);
        const check = new HealthCheck({
          vault: ctx.vault,
          writer: ctx.writer,
          layout: new LintLayout({ rawFolder: settings.rawFolder, wikiFolder: settings.wikiFolder, splitArticleWords: settings.splitArticleWords, attachmentsFolder: settings.attachmentsFolder }),
          clock: systemClock,
          llm: ctx.client(),
          deep: { contextTokens: settings.contextTokens },
        });
        progress(t('synth.reading'));
        const structural = await check.structural({ signal });
        const e = check.estimateDeep(structural.snapshot);
        progress(null);
        if (e.calls === 0) {
          new Notice(t('web.gaps.noArticles'));
          return;
        }
        const go = await new ConfirmModal(app, {
          title: t('web.gaps.confirm.title'),
          body: t('web.gaps.confirm.body', {
            calls: e.calls === 1 ? t('count.modelCalls.one') : t('count.modelCalls.other', { count: e.calls }),
            articles: e.articles === 1 ? t('count.articles.one') : t('count.articles.other', { count: e.articles }),
            prompt: e.promptTokens.toLocaleString(),
            webCalls: settings.web.maxCallsPerRun === 1 ? t('count.webCalls.one') : t('count.webCalls.other', { count: settings.web.maxCallsPerRun }),
            provider: provider.label,
            folder,
          }),
          confirmText: t('web.gaps.confirm.button'),
        }).ask();
        if (!go) return;
        progress(t('lint.progress.model', { done: 0, total: e.calls }));
        const deep = await check.deep(structural.snapshot, { signal, progress: (u) => progress(t('lint.progress.model', { done: u.done, total: u.total ?? e.calls })) });
        const fillable = deep.findings.filter((f) => WEB_FILLABLE_KINDS.has(f.kind));
        if (fillable.length === 0) {
          progress(null);
          new Notice(t('web.gaps.noGap'), 8000);
          return;
        }
        const run = await planGapSources({
          client: ctx.client(),
          provider,
          reader,
          writer: ctx.writer,
          vault: ctx.vault,
          clock: systemClock,
          folder,
          findings: fillable,
          budget: new WebCallBudget(settings.web.maxCallsPerRun),
          signal,
          progress: (text) => progress(t('common.message', { message: text })),
        });
        progress(null);
        const plan = run.plan;
        if (!plan.changes.some((c) => !c.derived)) {
          const why = run.entries.map((x) => t('notice.item', { subject: x.gap, message: x.note ?? t('web.gaps.nothingReadReason') })).slice(0, 4);
          new Notice([t('web.gaps.nothingRead'), ...why].join('\n'), 12000);
          return;
        }
        const applied = await applyPlan(ctx, { signal, progress }, plan);
        if (!applied) return;
        const notes = applied.paths.filter((p) => p.startsWith(`${folder}/`)).length;
        new Notice(
          t('web.gaps.done', {
            sources: notes === 1 ? t('count.newSources.one') : t('count.newSources.other', { count: notes }),
            gaps: fillable.length === 1 ? t('count.gaps.one') : t('count.gaps.other', { count: fillable.length }),
            folder,
            undo: t('command.undoLastChangePlan'),
          }),
          10000,
        );
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('web.gaps.stopped'));
          else new Notice(t('web.gaps.failed', { error: failureText(error) }), 10000);
        },
      },
    );
  };

  plugin.addCommand({ id: 'find-web-sources', name: t('command.findWebSources'), callback: () => void findSources() });

  plugin.addCommand({
    id: 'clip-web-page',
    name: t('command.clipWebPage'),
    callback: () => {
      const settings = ctx.settings();
      void new ClipUrlModal(app, webFolderOf(settings.rawFolder, settings.web)).ask().then((urls) => {
        if (urls) void clip(urls);
      });
    },
  });
}
