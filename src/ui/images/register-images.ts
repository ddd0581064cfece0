import { Notice, TFile, TFolder, type TAbstractFile } from 'obsidian';
import type { FetchFn } from '../../core/ports/fetch';
import { planImageDownloads } from '../../core/sources/image-download';
import { requestUrlFetch } from '../../obsidian/http';
import type { PluginContext } from '../../obsidian/plugin-context';
import { applyPlan } from '../apply-plan';
import { ConfirmModal } from '../confirm-modal';
import { failureText } from '../failure-text';
import { t } from '../../i18n/plugin';

/** More remote images than this are confirmed before downloading. */
const CONFIRM_IMAGES_ABOVE = 50;

export interface ImagesFeatureOptions {
  /** How images are fetched; default Obsidian's `requestUrl` (no CORS), wrapped as a fetch. */
  fetch?: FetchFn;
}

/**
 * Registers "Download images": commands (current note, the raw folder) and file, folder and
 * multi-file menu items for raw notes. The remote images are downloaded through Obsidian's
 * network layer, shown as a change plan (the rewritten notes with their diffs, each new image as
 * a line) and applied through the shared writer; "Undo last change plan" takes it back. Called
 * once from `main.ts`.
 */
export function registerImages(ctx: PluginContext, options: ImagesFeatureOptions = {}): void {
  const { plugin, app } = ctx;
  const fetch = options.fetch ?? requestUrlFetch();

  const inRaw = (path: string) => {
    const raw = ctx.settings().rawFolder;
    return path === raw || path.startsWith(`${raw}/`);
  };

  const notesCount = (n: number) => (n === 1 ? t('count.notes.one') : t('count.notes.other', { count: n }));
  const imagesCount = (n: number) => (n === 1 ? t('count.images.one') : t('count.images.other', { count: n }));

  const download = async (paths: string[], what: string): Promise<void> => {
    await ctx.tasks.run(
      t('images.task'),
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        progress(t('images.progress.looking', { what }));
        const run = await planImageDownloads({
          vault: ctx.vault,
          writer: ctx.writer,
          fetch,
          rawFolder: settings.rawFolder,
          attachmentsFolder: settings.attachmentsFolder,
          paths,
          signal,
          progress: (done, total) => progress(t('images.progress.downloading', { done, total })),
          confirm: async ({ notes, images }) => {
            if (images <= CONFIRM_IMAGES_ABOVE) return true;
            progress(null);
            return new ConfirmModal(app, {
              title: t('images.confirm.title'),
              body: t('images.confirm.body', {
                images: images === 1 ? t('count.remoteImages.one') : t('count.remoteImages.other', { count: images }),
                notes: notesCount(notes),
                folder: settings.attachmentsFolder,
              }),
              confirmText: t('images.confirm.button', { count: images }),
            }).ask();
          },
        });
        progress(null);
        if (run.declined) {
          new Notice(t('images.declined'));
          return;
        }
        const plan = run.plan;
        const failures = plan.problems.map((p) => t('notice.item', { subject: p.subject, message: p.message }));
        if (!plan.changes.some((c) => !c.derived)) {
          const why = run.images.length === 0 && failures.length === 0 ? t('images.none', { what }) : t('images.nothingToWrite', { reused: run.reused, failed: run.failed });
          new Notice([why, ...failures.slice(0, 5)].join('\n'), failures.length ? 12000 : 5000);
          return;
        }
        const applied = await applyPlan(ctx, { signal, progress }, plan, { writing: t('images.progress.writing') });
        if (!applied) return;
        const images = applied.paths.filter((p) => plan.changes.some((c) => c.path === p && c.binary)).length;
        const notes = applied.paths.filter((p) => plan.changes.some((c) => c.path === p && !c.binary && !c.derived)).length;
        const lines = [t('images.done', { images: imagesCount(images), notes: notesCount(notes), undo: t('command.undoLastChangePlan') })];
        if (failures.length) lines.push(t('images.failures', { images: imagesCount(failures.length), list: `${failures.slice(0, 5).join(t('core.plan.partsSeparator'))}${failures.length > 5 ? `${t('core.plan.partsSeparator')}…` : ''}` }));
        new Notice(lines.join('\n'), failures.length ? 15000 : 6000);
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('images.stopped'));
          else new Notice(t('images.failed', { error: failureText(error) }), 10000);
        },
      },
    );
  };

  const notesIn = (files: TAbstractFile[]): string[] => files.filter((f): f is TFile => f instanceof TFile && f.extension === 'md' && inRaw(f.path)).map((f) => f.path);

  plugin.addCommand({
    id: 'download-images-current-note',
    name: t('command.downloadImagesCurrentNote'),
    checkCallback: (checking) => {
      const file = app.workspace.getActiveFile();
      if (!file || file.extension !== 'md' || !inRaw(file.path)) return false;
      if (!checking) void download([file.path], file.basename);
      return true;
    },
  });
  plugin.addCommand({
    id: 'download-images-raw-folder',
    name: t('command.downloadImagesRawFolder'),
    callback: () => void download([ctx.settings().rawFolder], `"${ctx.settings().rawFolder}"`),
  });

  plugin.registerEvent(
    app.workspace.on('file-menu', (menu, file) => {
      if (file instanceof TFile ? notesIn([file]).length === 1 : file instanceof TFolder && inRaw(file.path)) {
        menu.addItem((item) =>
          item
            .setTitle(t('images.menu'))
            .setIcon('image-down')
            .onClick(() => void download([file.path], file instanceof TFile ? file.basename : `"${file.path}"`)),
        );
      }
    }),
  );
  plugin.registerEvent(
    app.workspace.on('files-menu', (menu, files) => {
      const paths = notesIn(files);
      if (paths.length === 0) return;
      menu.addItem((item) =>
        item
          .setTitle(t('images.menu.notes', { notes: notesCount(paths.length) }))
          .setIcon('image-down')
          .onClick(() => void download(paths, notesCount(paths.length))),
      );
    }),
  );
}
