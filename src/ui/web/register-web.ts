import { Modal, Notice, type App } from 'obsidian';
import type { FetchFn } from '../../core/ports/fetch';
import { systemClock } from '../../core/ports/clock';
import { planClip } from '../../core/web/clip';
import { WebCallBudget } from '../../core/web/web-tools';
import { webFolderOf } from '../../core/web/web-settings';
import type { PluginContext } from '../../obsidian/plugin-context';
import { plural } from '../confirm-modal';
import { failureText } from '../failure-text';
import { pluginWeb } from './plugin-web';

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
    this.setTitle('Clip a web page');
    contentEl.createEl('p', { text: `Each page becomes a new note in "${this.folder}". You see the notes before anything is written.` });
    const area = contentEl.createEl('textarea', { cls: 'scriptorium-clip-urls', attr: { rows: '5', placeholder: 'One web address per line', 'aria-label': 'Web addresses' } });
    const buttons = contentEl.createDiv({ cls: 'modal-button-container' });
    buttons.createEl('button', { text: 'Cancel' }).addEventListener('click', () => this.finish(null));
    buttons.createEl('button', { cls: 'mod-cta', text: 'Clip' }).addEventListener('click', () => {
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
      'the clip',
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
          progress: (done, total) => progress(`Scriptorium: reading pages ${done}/${total}`),
        });
        progress(null);
        const plan = run.plan;
        const failures = plan.problems.map((p) => `${p.subject}: ${p.message}`);
        const already = run.clips.filter((c) => c.status === 'already').map((c) => `${c.url}: ${c.reason ?? ''}`);
        if (!plan.changes.some((c) => !c.derived)) {
          new Notice(['Scriptorium: nothing to clip.', ...already, ...failures].slice(0, 6).join('\n'), 12000);
          return;
        }
        let selected: string[] | undefined;
        if (!settings.autoApplyPlans) {
          const chosen = await ctx.preview(plan);
          if (chosen === null) {
            new Notice('Scriptorium: nothing was written.');
            return;
          }
          selected = chosen;
        }
        signal.throwIfAborted();
        const applied = await ctx.writer.apply(plan, { signal, ...(selected ? { selectedPaths: selected } : {}) });
        const notes = applied.paths.filter((p) => p.startsWith(`${folder}/`)).length;
        const lines = [`Scriptorium: ${plural(notes, 'page')} clipped into "${folder}". "Undo last change plan" takes it back.`, ...already];
        if (failures.length) lines.push(`Not clipped: ${failures.slice(0, 5).join('; ')}${failures.length > 5 ? '; …' : ''}`);
        new Notice(lines.join('\n'), failures.length ? 15000 : 6000);
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice('Scriptorium: clip stopped; nothing was written.');
          else new Notice(`Scriptorium: clip failed: ${failureText(error)}`, 10000);
        },
      },
    );
  };

  plugin.addCommand({
    id: 'clip-web-page',
    name: 'Clip a web page',
    callback: () => {
      const settings = ctx.settings();
      void new ClipUrlModal(app, webFolderOf(settings.rawFolder, settings.web)).ask().then((urls) => {
        if (urls) void clip(urls);
      });
    },
  });
}
