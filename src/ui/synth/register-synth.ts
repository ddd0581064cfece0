import { Notice, TFile, TFolder, normalizePath } from 'obsidian';
import { ResearchAgent } from '../../core/ask';
import { slugify } from '../../core/markdown';
import { isoDate } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import { VaultIndex } from '../../core/search';
import type { VaultSearch } from '../../core/search/types';
import { buildDataset, DATASET_FILES, evalReportNote, evaluate, readPairs, readPrevious, SynthGenerator, type EvalReport, type EvalSummary } from '../../core/synth';
import type { PluginContext } from '../../obsidian/plugin-context';
import { ConfirmModal } from '../confirm-modal';
import { failureText } from '../failure-text';
import { t } from '../../i18n/plugin';

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
      'training data generation',
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        const name = datasetName(from);
        const folder = datasetFolder(settings.wikiFolder, name);
        const previous = readPrevious(await readOrNull(`${folder}/manifest.json`), await readOrNull(`${folder}/pairs.jsonl`));
        const generator = new SynthGenerator({ llm: ctx.client(), vault: ctx.vault, wikiFolder: settings.wikiFolder, ...(from ? { folder: from } : {}) });
        progress('Scriptorium: reading the wiki…');
        const estimate = await generator.estimate(previous);
        progress(null);
        if (estimate.articles === 0) {
          new Notice(`Scriptorium: no articles in "${from ?? settings.wikiFolder}" to write training data from. Compile some sources first.`, 8000);
          return;
        }
        if (estimate.toGenerate.length === 0) {
          new Notice(`Scriptorium: all ${estimate.articles} articles are unchanged since the last training data; nothing to generate.`, 8000);
          return;
        }
        const go = await new ConfirmModal(app, {
          title: 'Generate training data',
          body: `${estimate.toGenerate.length} of ${estimate.articles} articles get new question–answer pairs (${estimate.unchanged} unchanged): about ${estimate.modelCalls} model calls, ${estimate.promptTokens.toLocaleString()} prompt and ${estimate.completionTokens.toLocaleString()} completion tokens.`,
          notes: [
            `Pairs are kept only where the wiki's text supports them, and written to ${folder}/ for review.`,
            estimate.deferred.length > 0 ? `${estimate.deferred.length} more articles are left for the next run.` : '',
          ],
          confirmText: 'Generate',
        }).ask();
        if (!go) return;
        const run = await generator.run({
          ...(previous ? { previous } : {}),
          signal,
          progress: (u) => progress(`Scriptorium: training data ${u.done}/${u.total ?? '?'}`),
        });
        if (run.articles.filter((a) => !a.reused).length === 0 && (run.stopped || run.error)) {
          if (run.error) throw new Error(run.error);
          new Notice('Scriptorium: training data stopped before any article was finished; nothing was written.');
          return;
        }
        progress(null);
        const dataset = buildDataset(run, { name, seed: 1, createdAt: new Date(systemClock.now()).toISOString() });
        const plan = await ctx.writer.plan({
          operation: 'render',
          title: `Training data: ${name}`,
          files: DATASET_FILES.map((name) => ({ path: `${folder}/${name}`, content: dataset.files[name], reason: name === 'README.md' ? 'dataset card' : `training data: ${name}` })),
          logDetails: [`${run.counts.generated} pairs generated, ${run.counts.unsupported} not grounded, ${run.counts.duplicate} duplicates, ${dataset.manifest.counts.kept} kept`],
          usage: run.usage,
        });
        let selected: string[] | undefined;
        if (!ctx.settings().autoApplyPlans) {
          const chosen = await ctx.preview(plan);
          if (chosen === null) {
            new Notice('Scriptorium: training data not written.');
            return;
          }
          selected = chosen;
        }
        await ctx.writer.apply(plan, { signal, ...(selected ? { selectedPaths: selected } : {}) });
        const c = dataset.manifest.counts;
        const stopped = run.stopped ? ' Stopped: the remaining articles are generated next time.' : '';
        const failed = run.failures.length > 0 ? ` ${run.failures.length} article${run.failures.length === 1 ? '' : 's'} failed and will be tried again.` : '';
        new Notice(
          `Scriptorium: ${run.counts.generated} pairs generated, ${run.counts.unsupported} not grounded, ${run.counts.duplicate} duplicates; the dataset holds ${c.kept} (${c.train} train, ${c.valid} validation).${stopped}${failed} "Undo last change plan" takes it back.`,
          10000,
        );
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice('Scriptorium: training data stopped; nothing was written.');
          else new Notice(`Scriptorium: training data failed: ${failureText(error)}`, 10000);
        },
      },
    );

  /** The validation pairs of the whole wiki's dataset, or of the dataset in `dataset`. */
  const evaluateModel = (dataset?: string) =>
    ctx.tasks.run(
      'the model evaluation',
      async ({ signal, progress }) => {
        const settings = ctx.settings();
        const folder = dataset ?? datasetFolder(settings.wikiFolder);
        const pairsText = await readOrNull(`${folder}/pairs.jsonl`);
        if (pairsText === null) {
          new Notice('Scriptorium: no training data yet; generate it first, since the evaluation uses its validation pairs.', 8000);
          return;
        }
        const items = readPairs(pairsText).pairs.filter((p) => p.split === 'valid');
        if (items.length === 0) {
          new Notice(`Scriptorium: ${folder}/pairs.jsonl has no validation pairs. Generate training data from more articles first.`, 8000);
          return;
        }
        let search = options.search?.();
        if (!search) {
          progress('Scriptorium: indexing the vault…');
          const index = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings });
          await index.load();
          await index.sync(signal);
          search = index;
        }
        const client = ctx.client();
        const agent = new ResearchAgent({ client, search, vault: ctx.vault, wikiFolder: settings.wikiFolder, rawFolder: settings.rawFolder, useTools: settings.useTools });
        const report: EvalReport = await evaluate(items, { agent, vault: ctx.vault, wikiFolder: settings.wikiFolder, model: client.model }, {
          signal,
          progress: (u) => progress(`Scriptorium: evaluating ${u.done}/${u.total ?? items.length}`),
        });
        if (report.stopped) {
          new Notice('Scriptorium: evaluation stopped; nothing was written.');
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
          title: `Model evaluation: ${client.model}`,
          files: [{ path, content: evalReportNote(reports, `Model evaluation: ${client.model}`, date), reason: 'evaluation report' }],
        });
        // Scriptorium's own new report note, like the health report: applied without a preview, undoable.
        await ctx.writer.apply(plan, { signal });
        await ctx.state.set(LAST_EVAL_KEY, JSON.stringify(report.summary));
        const s = report.summary;
        new Notice(`Scriptorium: ${client.model} answered ${s.questions} questions: F1 ${s.f1.toFixed(2)}, supported ${(s.supportRate * 100).toFixed(0)}%, refusal accuracy ${s.refusalAccuracy === null ? '–' : `${(s.refusalAccuracy * 100).toFixed(0)}%`}.`, 10000);
        const file = app.vault.getAbstractFileByPath(path);
        if (file instanceof TFile) await app.workspace.getLeaf('tab').openFile(file);
      },
      {
        onError: (error, stopped) => {
          if (stopped) new Notice('Scriptorium: evaluation stopped; nothing was written.');
          else new Notice(`Scriptorium: evaluation failed: ${failureText(error)}`, 10000);
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
            .setTitle('Generate training data')
            .setIcon('graduation-cap')
            .onClick(() => void generate(file.path === wiki ? undefined : file.path)),
        );
      }
      if (file.path.startsWith(`${outputs}/datasets/`) && file.children.some((c) => c.name === 'pairs.jsonl')) {
        menu.addItem((item) =>
          item
            .setTitle('Evaluate my model on this dataset')
            .setIcon('gauge')
            .onClick(() => void evaluateModel(file.path)),
        );
      }
    }),
  );
}
