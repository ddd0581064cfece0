import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDataset, DATASET_FILES, FineTuneClient, readPrevious, SynthGenerator, type SynthEstimate, type SynthRun } from '../../core/synth';
import { ENDPOINT_OPTIONS, flagBool, flagInt, flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import { confirm } from '../confirm';
import { STOPPED, type CliContext } from '../context';

/** A run beyond these asks for confirmation (or --yes). */
const CONFIRM_ABOVE = { articles: 20, promptTokens: 200_000 };

function estimateLine(e: SynthEstimate): string {
  const deferred = e.deferred.length > 0 ? `, ${e.deferred.length} left for the next run (--max-articles)` : '';
  return `${e.articles} article${e.articles === 1 ? '' : 's'}: ${e.toGenerate.length} to generate, ${e.unchanged} unchanged${deferred}; about ${e.modelCalls} model calls, ${e.promptTokens.toLocaleString('en')} prompt and ${e.completionTokens.toLocaleString('en')} completion tokens.`;
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
  if (!endpoint.baseURL) throw new UsageError('no model endpoint configured: pass --base-url or set SCRIPTORIUM_BASE_URL (and SCRIPTORIUM_API_KEY)');
  return { client: new FineTuneClient({ baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, fetch: globalThis.fetch }), model: endpoint.model };
}

function runText(run: SynthRun, out: string, kept: { train: number; valid: number }): string {
  const c = run.counts;
  const lines = [
    `Pairs this run: ${c.generated} generated, ${c.unsupported} not grounded, ${c.duplicate} near duplicates, ${c.kept} kept.`,
    `Dataset: ${kept.train + kept.valid} pairs from ${run.articles.length} articles (${kept.train} train, ${kept.valid} validation) in ${out}`,
    `Tokens: ${run.usage.promptTokens} prompt + ${run.usage.completionTokens} completion.`,
  ];
  for (const f of run.failures) lines.push(`Not generated: ${f.article}: ${f.message} It is tried again on the next run.`);
  if (run.deferred.length > 0) lines.push(`${run.deferred.length} changed articles are left for the next run (--max-articles).`);
  return lines.join('\n');
}

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'Write grounded question–answer pairs from the wiki as a fine-tuning dataset',
  operands: '',
  options: [
    { name: 'out', type: 'string', value: 'DIR', description: 'the dataset folder (train.jsonl, valid.jsonl, pairs.jsonl, manifest.json, README.md)' },
    { name: 'folder', type: 'string', value: 'F', description: 'only the articles under this vault folder (default: the whole wiki)' },
    { name: 'seed', type: 'string', value: 'N', default: '1', description: 'seed of the train/validation split by article' },
    { name: 'pairs', type: 'string', value: 'N', default: '6', description: 'pairs asked for per article' },
    { name: 'max-articles', type: 'string', value: 'N', default: '200', description: 'most articles generated in one run; the rest wait for the next' },
    { name: 'judge', type: 'boolean', description: 'a second model pass checks each kept pair against its cited text' },
    { name: 'yes', type: 'boolean', description: 'run a large generation without asking' },
    { name: 'submit', type: 'boolean', description: 'upload train.jsonl (and valid.jsonl) and start a fine-tuning job; prints its id' },
    { name: 'fine-tune-model', type: 'string', value: 'NAME', description: 'the base model to fine-tune with --submit (default: --model)' },
    { name: 'status', type: 'string', value: 'JOB', description: 'report a fine-tuning job and exit' },
    ...ENDPOINT_OPTIONS,
  ],
  details: [
    'Each wiki article (index, log and outputs left out) gets factual, why/how, comparison, multi-hop and',
    'unanswerable pairs with [[article#heading]] citations. A pair is kept only when every cited section',
    'exists and the cited text holds at least 80% of its answer\'s content words; near-duplicate questions',
    'are dropped. Re-running into the same --out regenerates only the articles whose text changed.',
    `More than ${CONFIRM_ABOVE.articles} articles or ${CONFIRM_ABOVE.promptTokens.toLocaleString('en')} estimated prompt tokens asks for confirmation on a`,
    'terminal; elsewhere it needs --yes. Ctrl-C stops after the current article and writes the finished ones.',
    'Exit codes: 0 ok, 1 some articles failed or the endpoint failed (finished articles are written), 2 usage, 130 stopped.',
  ].join('\n'),
  async run(ctx) {
    const job = flagString(ctx.args, 'status');
    if (job !== undefined) {
      const { client } = await fineTuneClient(ctx);
      const status = await client.status(job, ctx.signal);
      ctx.print(status, () =>
        [
          `Job ${status.id}: ${status.status} (base model ${status.model})`,
          status.fineTunedModel ? `Fine-tuned model: ${status.fineTunedModel}` : null,
          status.trainedTokens !== null ? `Trained tokens: ${status.trainedTokens}` : null,
          status.error ? `Error: ${status.error}` : null,
        ]
          .filter((l): l is string => l !== null)
          .join('\n'),
      );
      return 0;
    }
    const outFlag = flagString(ctx.args, 'out');
    if (!outFlag) throw new UsageError('--out DIR is required: the folder the dataset is written to');
    const out = path.resolve(outFlag);
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out: "${outFlag}" is a file, not a folder`);
    const settings = await ctx.settings();
    const seed = flagInt(ctx.args, 'seed', 1);
    const pairs = flagInt(ctx.args, 'pairs', 6);
    if (pairs < 1 || pairs > 30) throw new UsageError('--pairs must be from 1 to 30');
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
    if (estimate.articles === 0) throw new UsageError(`no articles under ${folder ?? settings.wikiFolder}: compile some sources first, or choose another --folder`);
    say(estimateLine(estimate));
    const costly = estimate.toGenerate.length > CONFIRM_ABOVE.articles || estimate.promptTokens > CONFIRM_ABOVE.promptTokens;
    if (costly && !flagBool(ctx.args, 'yes')) {
      const what = `${estimate.toGenerate.length} articles, about ${estimate.promptTokens.toLocaleString('en')} prompt tokens`;
      if (!process.stdin.isTTY) throw new UsageError(`${what}; nothing was sent to the model. Pass --yes to run it without a terminal, or use --folder or --max-articles`);
      if (!(await confirm(`${what}. Generate pairs?`, ctx.signal))) {
        ctx.io.err(ctx.signal.aborted ? 'scriptorium synth: stopped; nothing was written.' : 'Nothing generated.');
        return ctx.signal.aborted ? STOPPED : 0;
      }
    }
    let shown = 0;
    const run = await generator.run({
      ...(previous ? { previous } : {}),
      signal: ctx.signal,
      onArticle: (a) => say(`[${++shown}/${estimate.toGenerate.length}] ${a.path}: ${a.pairs.length} of ${a.generated} pairs kept`),
    });
    if (run.articles.length === 0 && (run.stopped || run.error)) {
      if (run.error) {
        ctx.io.err(`scriptorium synth: ${run.error} Nothing was written.`);
        return 1;
      }
      ctx.io.err('scriptorium synth: stopped before any article was finished; nothing was written.');
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
      () => [runText(run, out, dataset.manifest.counts), submitted ? `Fine-tuning job ${submitted.jobId} started (${submitted.status}); check it with: scriptorium synth --status ${submitted.jobId}` : null].filter((l): l is string => l !== null).join('\n'),
    );
    if (run.stopped) {
      const n = run.articles.filter((a) => !a.reused).length;
      ctx.io.err(`scriptorium synth: stopped; ${n === 1 ? 'the article finished is' : `the ${n} articles finished are`} written, the rest are generated on the next run.`);
      return STOPPED;
    }
    if (run.error) {
      ctx.io.err(`scriptorium synth: the model endpoint failed: ${run.error} The finished articles are written; run again to continue.`);
      return 1;
    }
    if (flagBool(ctx.args, 'submit') && run.failures.length > 0) ctx.io.err('scriptorium synth: some articles failed; the job was started with the others.');
    return run.failures.length > 0 ? 1 : 0;
  },
};
