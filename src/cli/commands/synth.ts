import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDataset, DATASET_FILES, FineTuneClient, readPrevious, SynthGenerator, type SynthEstimate, type SynthRun } from '../../core/synth';
import { ENDPOINT_OPTIONS, flagBool, flagInt, flagString, UsageError } from '../args';
import type { Translate } from '../../i18n';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import { counted } from '../counted';
import { confirm } from '../confirm';
import { STOPPED, type CliContext } from '../context';

/** A run beyond these asks for confirmation (or --yes). */
const CONFIRM_ABOVE = { articles: 20, promptTokens: 200_000 };

function estimateLine(e: SynthEstimate, t: Translate): string {
  const values = {
    articles: counted(t, e.articles, 'article'),
    toGenerate: e.toGenerate.length,
    unchanged: e.unchanged,
    calls: e.modelCalls,
    prompt: e.promptTokens.toLocaleString('en'),
    completion: e.completionTokens.toLocaleString('en'),
  };
  return e.deferred.length > 0 ? t('cli.synth.estimateDeferred', { ...values, deferred: e.deferred.length }) : t('cli.synth.estimate', values);
}

/** The `--help` details, with the confirmation limits filled in. */
function details(t: Translate): string {
  return t('cli.details.synth', { articles: CONFIRM_ABOVE.articles, tokens: CONFIRM_ABOVE.promptTokens.toLocaleString('en') });
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Each file written whole (a temporary name, then renamed), so a stopped run never leaves half a file. */
function writeDataset(out: string, files: Record<string, string>): void {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(out, name);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, target);
  }
}

async function fineTuneClient(ctx: CliContext): Promise<{ client: FineTuneClient; model: string }> {
  const endpoint = await ctx.endpoint();
  if (!endpoint.baseURL) throw new UsageError(ctx.t('cli.synth.noEndpoint'));
  return { client: new FineTuneClient({ baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, fetch: globalThis.fetch }), model: endpoint.model };
}

function runText(run: SynthRun, out: string, kept: { train: number; valid: number }, t: Translate): string {
  const c = run.counts;
  const lines = [
    t('cli.synth.pairsLine', { generated: c.generated, unsupported: c.unsupported, duplicate: c.duplicate, kept: c.kept }),
    t('cli.synth.datasetLine', { pairs: kept.train + kept.valid, articles: run.articles.length, train: kept.train, valid: kept.valid, out }),
    t('cli.synth.tokensLine', { prompt: run.usage.promptTokens, completion: run.usage.completionTokens }),
  ];
  for (const f of run.failures) lines.push(t('cli.synth.notGenerated', { article: f.article, message: f.message }));
  if (run.deferred.length > 0) lines.push(t('cli.synth.deferred', { count: run.deferred.length }));
  return lines.join('\n');
}

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'Write grounded question–answer pairs from the wiki as a fine-tuning dataset',
  operands: '',
  options: [
    { name: 'out', type: 'string', value: 'DIR', description: en['cli.option.synth.out'], descriptionKey: 'cli.option.synth.out' },
    { name: 'folder', type: 'string', value: 'F', description: en['cli.option.synth.folder'], descriptionKey: 'cli.option.synth.folder' },
    { name: 'seed', type: 'string', value: 'N', default: '1', description: en['cli.option.synth.seed'], descriptionKey: 'cli.option.synth.seed' },
    { name: 'pairs', type: 'string', value: 'N', default: '6', description: en['cli.option.synth.pairs'], descriptionKey: 'cli.option.synth.pairs' },
    { name: 'max-articles', type: 'string', value: 'N', default: '200', description: en['cli.option.synth.maxArticles'], descriptionKey: 'cli.option.synth.maxArticles' },
    { name: 'judge', type: 'boolean', description: en['cli.option.synth.judge'], descriptionKey: 'cli.option.synth.judge' },
    { name: 'yes', type: 'boolean', description: en['cli.option.synth.yes'], descriptionKey: 'cli.option.synth.yes' },
    { name: 'submit', type: 'boolean', description: en['cli.option.synth.submit'], descriptionKey: 'cli.option.synth.submit' },
    { name: 'fine-tune-model', type: 'string', value: 'NAME', description: en['cli.option.synth.fineTuneModel'], descriptionKey: 'cli.option.synth.fineTuneModel' },
    { name: 'status', type: 'string', value: 'JOB', description: en['cli.option.synth.status'], descriptionKey: 'cli.option.synth.status' },
    ...ENDPOINT_OPTIONS,
  ],
  details,
  async run(ctx) {
    const job = flagString(ctx.args, 'status');
    if (job !== undefined) {
      const { client } = await fineTuneClient(ctx);
      const status = await client.status(job, ctx.signal);
      ctx.print(status, () =>
        [
          ctx.t('cli.synth.job', { id: status.id, status: status.status, model: status.model }),
          status.fineTunedModel ? ctx.t('cli.synth.fineTunedModel', { model: status.fineTunedModel }) : null,
          status.trainedTokens !== null ? ctx.t('cli.synth.trainedTokens', { tokens: status.trainedTokens }) : null,
          status.error ? ctx.t('cli.synth.jobError', { error: status.error }) : null,
        ]
          .filter((l): l is string => l !== null)
          .join('\n'),
      );
      return 0;
    }
    const outFlag = flagString(ctx.args, 'out');
    if (!outFlag) throw new UsageError(ctx.t('cli.synth.outRequired'));
    const out = path.resolve(outFlag);
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(ctx.t('cli.synth.outIsFile', { out: outFlag }));
    const settings = await ctx.settings();
    const seed = flagInt(ctx.args, 'seed', 1);
    const pairs = flagInt(ctx.args, 'pairs', 6);
    if (pairs < 1 || pairs > 30) throw new UsageError(ctx.t('cli.synth.badPairs'));
    const folder = flagString(ctx.args, 'folder');
    const llm = await ctx.llm();
    const generator = new SynthGenerator({
      llm,
      vault: ctx.vault,
      wikiFolder: settings.wikiFolder,
      ...(folder ? { folder } : {}),
      pairsPerArticle: pairs,
      maxArticles: flagInt(ctx.args, 'max-articles', 200),
      judge: flagBool(ctx.args, 'judge'),
    });
    const previous = readPrevious(readIfExists(path.join(out, 'manifest.json')), readIfExists(path.join(out, 'pairs.jsonl')));
    const say = (text: string) => {
      if (!ctx.json) ctx.io.err(text);
    };
    const estimate = await generator.estimate(previous);
    if (estimate.articles === 0) throw new UsageError(ctx.t('cli.synth.noArticles', { folder: folder ?? settings.wikiFolder }));
    say(estimateLine(estimate, ctx.t));
    const costly = estimate.toGenerate.length > CONFIRM_ABOVE.articles || estimate.promptTokens > CONFIRM_ABOVE.promptTokens;
    if (costly && !flagBool(ctx.args, 'yes')) {
      const what = ctx.t('cli.synth.large', { count: estimate.toGenerate.length, tokens: estimate.promptTokens.toLocaleString('en') });
      if (!process.stdin.isTTY) throw new UsageError(ctx.t('cli.synth.largeNoTerminal', { what }));
      if (!(await confirm(ctx.t('cli.synth.ask', { what }), ctx.signal))) {
        ctx.io.err(ctx.signal.aborted ? `scriptorium synth: ${ctx.t('cli.stop.nothingWritten')}` : ctx.t('cli.synth.nothingGenerated'));
        return ctx.signal.aborted ? STOPPED : 0;
      }
    }
    let shown = 0;
    const run = await generator.run({
      ...(previous ? { previous } : {}),
      signal: ctx.signal,
      onArticle: (a) => {
        const at = { n: ++shown, total: estimate.toGenerate.length, path: a.path, kept: a.pairs.length };
        say(a.generated === 1 ? ctx.t('cli.synth.progressOne', at) : ctx.t('cli.synth.progress', { ...at, generated: a.generated }));
      },
    });
    if (run.articles.length === 0 && (run.stopped || run.error)) {
      if (run.error) {
        ctx.io.err(`scriptorium synth: ${ctx.t('cli.synth.failedNothing', { error: run.error })}`);
        return 1;
      }
      ctx.io.err(`scriptorium synth: ${ctx.t('cli.synth.stoppedNothing')}`);
      return STOPPED;
    }
    const dataset = buildDataset(run, { name: path.basename(out), seed, createdAt: new Date().toISOString() });
    writeDataset(out, dataset.files);
    let submitted: Awaited<ReturnType<FineTuneClient['submit']>> | undefined;
    if (flagBool(ctx.args, 'submit') && !run.stopped && !run.error) {
      const { client, model } = await fineTuneClient(ctx);
      submitted = await client.submit({ model: flagString(ctx.args, 'fine-tune-model') ?? model, train: dataset.files['train.jsonl'], valid: dataset.files['valid.jsonl'], signal: ctx.signal });
    }
    ctx.print(
      { out, files: [...DATASET_FILES], counts: run.counts, dataset: dataset.manifest.counts, usage: run.usage, failures: run.failures, deferred: run.deferred, stopped: run.stopped, ...(run.error ? { error: run.error } : {}), ...(submitted ? { job: submitted } : {}) },
      () => [runText(run, out, dataset.manifest.counts, ctx.t), submitted ? ctx.t('cli.synth.jobStarted', { id: submitted.jobId, status: submitted.status }) : null].filter((l): l is string => l !== null).join('\n'),
    );
    if (run.stopped) {
      const n = run.articles.filter((a) => !a.reused).length;
      ctx.io.err(`scriptorium synth: ${n === 1 ? ctx.t('cli.synth.stoppedOne') : ctx.t('cli.synth.stopped', { count: n })}`);
      return STOPPED;
    }
    if (run.error) {
      ctx.io.err(`scriptorium synth: ${ctx.t('cli.synth.endpointFailed', { error: run.error })}`);
      return 1;
    }
    if (flagBool(ctx.args, 'submit') && run.failures.length > 0) ctx.io.err(`scriptorium synth: ${ctx.t('cli.synth.someFailedSubmitted')}`);
    return run.failures.length > 0 ? 1 : 0;
  },
};
