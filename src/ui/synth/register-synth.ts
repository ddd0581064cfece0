import { Notice, TFile, TFolder, normalizePath } from 'obsidian';
import { ResearchAgent } from '../../core/ask';
import { slugify } from '../../core/markdown';
import { isoDate } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import { VaultIndex } from '../../core/search';
import type { VaultSearch } from '../../core/search/types';
import { buildDataset, DATASET_FILES, datasetFileReason, evalReportNote, evalReportReason, evalReportTitle, evaluate, readPairs, readPrevious, SynthGenerator, trainingDataLogDetail, trainingDataTitle, type EvalReport, type EvalSummary } from '../../core/synth';
import type { PluginContext } from '../../obsidian/plugin-context';
import { applyPlan } from '../apply-plan';
import { ConfirmModal } from '../confirm-modal';
import { failureText } from '../failure-text';
import { t } from '../../i18n/plugin';
import { joinSentences } from '../../i18n';

export interface SynthFeatureOptions {
  /** The shared vault index, once loaded; without it the evaluation builds one. */
  search?: () => VaultSearch | undefined;
}

/** The dataset of the whole wiki: `<wiki>/outputs/datasets/wiki-qa/`; a folder's is `<folder name>-qa`. */
export const DATASET_NAME = 'wiki-qa';
/** The previous evaluation's summary, shown beside the next one (before and after a fine-tune). */
const LAST_EVAL_KEY = 'synth-last-eval.json';

function datasetName(folder: string | undefined): string {
  return folder ? `${slugify(folder.split('/').pop() ?? folder, { ascii: true, maxLength: 60 })}-qa` : DATASET_NAME;
}

function datasetFolder(wikiFolder: string, name = DATASET_NAME): string {
  return normalizePath(`${wikiFolder}/outputs/datasets/${name}`);
}

/**
 * Registers "Generate training data" (grounded pairs from the wiki, written to
 * `wiki/outputs/datasets/wiki-qa/` through a previewed, undoable change plan) and "Evaluate my model
 * on the wiki" (the research agent over the validation split, a report note comparing it with the
 * previous evaluation). Both run as the plugin's one task, with progress and stop.
 */
export function registerSynth(ctx: PluginContext, options: SynthFeatureOptions = {}): void {
  const { plugin, app } = ctx;

  const readOrNull = async (path: string): Promise<string | null> => ((await ctx.vault.stat(path)) ? ctx.vault.read(path) : null);

  /** Pairs from the whole wiki, or from the articles under `from`. */
  const generate = (from?: string) =>
    ctx.tasks.run(
      t('synth.task'),
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        const name = datasetName(from);
        const folder = datasetFolder(settings.wikiFolder, name);
        const previous = readPrevious(await readOrNull(`${folder}/manifest.json`), await readOrNull(`${folder}/pairs.jsonl`));
        const generator = new SynthGenerator({ llm: ctx.client(), vault: ctx.vault, wikiFolder: settings.wikiFolder, ...(from ? { folder: from } : {}) });
        progress(t('synth.reading'));
        const estimate = await generator.estimate(previous);
        progress(null);
        if (estimate.articles === 0) {
          new Notice(t('synth.noArticles', { folder: from ?? settings.wikiFolder }), 8000);
          return;
        }
        if (estimate.toGenerate.length === 0) {
          new Notice(t('synth.allUnchanged', { count: estimate.articles }), 8000);
          return;
        }
        const go = await new ConfirmModal(app, {
          title: t('synth.confirm.title'),
          body: t('synth.confirm.body', {
            toGenerate: estimate.toGenerate.length,
            articles: estimate.articles,
            unchanged: estimate.unchanged,
            calls: estimate.modelCalls,
            prompt: estimate.promptTokens.toLocaleString(),
            completion: estimate.completionTokens.toLocaleString(),
          }),
          notes: [t('synth.confirm.kept', { folder }), estimate.deferred.length > 0 ? t('synth.confirm.deferred', { count: estimate.deferred.length }) : ''],
          confirmText: t('synth.confirm.button'),
        }).ask();
        if (!go) return;
        const run = await generator.run({
          ...(previous ? { previous } : {}),
          signal,
          progress: (u) => progress(t('synth.progress', { done: u.done, total: u.total ?? '?' })),
        });
        if (run.articles.filter((a) => !a.reused).length === 0 && (run.stopped || run.error)) {
          if (run.error) throw new Error(run.error);
          new Notice(t('synth.stoppedEarly'));
          return;
        }
        progress(null);
        const dataset = buildDataset(run, { name, seed: 1, createdAt: new Date(systemClock.now()).toISOString() });
        const plan = await ctx.writer.plan({
          operation: 'render',
          title: trainingDataTitle(name),
          files: DATASET_FILES.map((name) => ({ path: `${folder}/${name}`, content: dataset.files[name], reason: datasetFileReason(name) })),
          logDetails: [trainingDataLogDetail(run.counts, dataset.manifest.counts.kept)],
          usage: run.usage,
        });
        // A stopped run keeps the pairs it made: they are previewed and written like a finished one's.
        const applied = await applyPlan(ctx, { signal, progress }, plan, { cancelled: t('synth.notWritten'), writeAfterStop: true });
        if (!applied) return;
        const c = dataset.manifest.counts;
        const failures = run.failures.length;
        new Notice(
          joinSentences([
            t('synth.done', { generated: run.counts.generated, unsupported: run.counts.unsupported, duplicate: run.counts.duplicate, kept: c.kept, train: c.train, valid: c.valid }),
            run.stopped ? t('synth.done.stopped') : '',
            failures === 0 ? '' : failures === 1 ? t('synth.done.failed.one') : t('synth.done.failed.other', { count: failures }),
            t('synth.done.undo', { undo: t('command.undoLastChangePlan') }),
          ]),
          10000,
        );
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('synth.stopped'));
          else new Notice(t('synth.failed', { error: failureText(error) }), 10000);
        },
      },
    );

  /** The validation pairs of the whole wiki's dataset, or of the dataset in `dataset`. */
  const evaluateModel = (dataset?: string) =>
    ctx.tasks.run(
      t('eval.task'),
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        const folder = dataset ?? datasetFolder(settings.wikiFolder);
        const pairsText = await readOrNull(`${folder}/pairs.jsonl`);
        if (pairsText === null) {
          new Notice(t('eval.noData'), 8000);
          return;
        }
        const items = readPairs(pairsText).pairs.filter((p) => p.split === 'valid');
        if (items.length === 0) {
          new Notice(t('eval.noValid', { file: `${folder}/pairs.jsonl` }), 8000);
          return;
        }
        let search = options.search?.();
        if (!search) {
          progress(t('eval.indexing'));
          const index = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings });
          await index.load();
          await index.sync(signal);
          search = index;
        }
        const client = ctx.client();
        const agent = new ResearchAgent({ client, search, vault: ctx.vault, wikiFolder: settings.wikiFolder, rawFolder: settings.rawFolder, useTools: settings.useTools });
        const report: EvalReport = await evaluate(items, { agent, vault: ctx.vault, wikiFolder: settings.wikiFolder, model: client.model }, {
          signal,
          progress: (u) => progress(t('eval.progress', { done: u.done, total: u.total ?? items.length })),
        });
        if (report.stopped) {
          new Notice(t('eval.stopped'));
          return;
        }
        progress(null);
        let earlier: EvalSummary | undefined;
        try {
          const saved = await ctx.state.get(LAST_EVAL_KEY);
          if (saved) earlier = JSON.parse(saved) as EvalSummary;
        } catch {
          earlier = undefined;
        }
        const date = isoDate(systemClock.now());
        const reports = earlier ? [report, { summary: earlier, items: [], stopped: false }] : [report];
        const path = normalizePath(`${settings.wikiFolder}/outputs/Model evaluation ${date} ${client.model.replace(/[\\/:*?"<>|#^[\]]/g, '-')}.md`);
        const plan = await ctx.writer.plan({
          operation: 'render',
          title: evalReportTitle(client.model),
          files: [{ path, content: evalReportNote(reports, evalReportTitle(client.model), date), reason: evalReportReason() }],
        });
        // Scriptorium's own new report note, like the health report: applied without a preview, undoable.
        await ctx.writer.apply(plan, { signal });
        await ctx.state.set(LAST_EVAL_KEY, JSON.stringify(report.summary));
        const s = report.summary;
        new Notice(
          t('eval.done', {
            model: client.model,
            questions: s.questions,
            f1: s.f1.toFixed(2),
            supported: (s.supportRate * 100).toFixed(0),
            refusal: s.refusalAccuracy === null ? '–' : `${(s.refusalAccuracy * 100).toFixed(0)}%`,
          }),
          10000,
        );
        const file = app.vault.getAbstractFileByPath(path);
        if (file instanceof TFile) await app.workspace.getLeaf('tab').openFile(file);
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice(t('eval.stopped'));
          else new Notice(t('eval.failed', { error: failureText(error) }), 10000);
        },
      },
    );

  plugin.addCommand({ id: 'generate-training-data', name: t('command.generateTrainingData'), callback: () => void generate() });
  plugin.addCommand({ id: 'evaluate-model-on-wiki', name: t('command.evaluateModelOnWiki'), callback: () => void evaluateModel() });

  // A wiki folder (not outputs): its own dataset. A dataset folder: evaluate on its validation pairs.
  plugin.registerEvent(
    app.workspace.on('file-menu', (menu, file) => {
      if (!(file instanceof TFolder)) return;
      const wiki = normalizePath(ctx.settings().wikiFolder);
      const outputs = `${wiki}/outputs`;
      if (file.path === wiki || (file.path.startsWith(`${wiki}/`) && file.path !== outputs && !file.path.startsWith(`${outputs}/`))) {
        menu.addItem((item) =>
          item
            .setTitle(t('synth.menu.generate'))
            .setIcon('graduation-cap')
            .onClick(() => void generate(file.path === wiki ? undefined : file.path)),
        );
      }
      if (file.path.startsWith(`${outputs}/datasets/`) && file.children.some((c) => c.name === 'pairs.jsonl')) {
        menu.addItem((item) =>
          item
            .setTitle(t('eval.menu'))
            .setIcon('gauge')
            .onClick(() => void evaluateModel(file.path)),
        );
      }
    }),
  );
}
