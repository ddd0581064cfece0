import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LinkResolver, normalizeVaultPath } from '../../core/markdown';
import { WikiWriter, type FileChange } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import { MARP_THEMES, OutputRenderer, type MarpTheme, type RenderResult, type RenderSource } from '../../core/render';
import { ENDPOINT_OPTIONS, flagBool, flagInt, flagString, UsageError, type OptionSpec } from '../args';
import type { MessageKey, Translate } from '../../i18n';
import { en } from '../../i18n/en';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';

/** The `--json` shape of slides, chart, diagram and canvas. */
export interface RenderJson {
  summary: string;
  /** The file to open: the deck, the chart's note, the diagram's note or the canvas. */
  primary: string;
  files: string[];
  applied: boolean;
  planId: string;
  warnings: string[];
  problems: { subject: string; message: string }[];
  usage: { promptTokens: number; completionTokens: number } | null;
}

/** Options shared by slides, chart and diagram (the renders that call the model). */
export const RENDER_OPTIONS: readonly OptionSpec[] = [
  { name: 'answer', type: 'string', value: 'FILE', description: en['cli.option.render.answer'], descriptionKey: 'cli.option.render.answer' },
  { name: 'title', type: 'string', value: 'TEXT', description: en['cli.option.render.title'], descriptionKey: 'cli.option.render.title' },
  { name: 'dry-run', type: 'boolean', description: en['cli.option.render.dryRun'], descriptionKey: 'cli.option.render.dryRun' },
  ...ENDPOINT_OPTIONS,
];

/** What NOTE means, for the usage of the renders. */
export const RENDER_DETAILS = (t: Translate): string => t('cli.details.render');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The vault path a NOTE argument means: a path in the vault, a path on disk inside it, or a note name. */
export async function noteArgument(ctx: CliContext, word: string | undefined): Promise<string> {
  if (!word) throw new UsageError(ctx.t('cli.render.noNote'));
  const vault = ctx.vault;
  const abs = path.resolve(word);
  const insideVault = abs.startsWith(ctx.vaultDir + path.sep) ? path.relative(ctx.vaultDir, abs).split(path.sep).join('/') : undefined;
  for (const candidate of [normalizeVaultPath(word), insideVault].filter((c): c is string => !!c)) {
    if ((await vault.stat(candidate)) !== null) return candidate;
  }
  const resolved = new LinkResolver((await vault.list()).map((f) => f.path)).resolve(word.replace(/^\[\[|\]\]$/g, ''), '');
  if (resolved) return resolved;
  throw new UsageError(ctx.t('cli.render.noSuchNote', { note: word, vault: ctx.vaultDir }));
}

/** What to render: `--answer FILE` or the NOTE argument. */
export async function renderSource(ctx: CliContext): Promise<RenderSource> {
  const answer = flagString(ctx.args, 'answer');
  if (answer !== undefined) {
    const markdown = answer === '-' ? await readStdin() : await readFile(path.resolve(answer), 'utf8').catch(() => {
      throw new UsageError(ctx.t('cli.render.cannotReadAnswer', { file: answer }));
    });
    return { kind: 'answer', markdown, ...(flagString(ctx.args, 'title') ? { title: flagString(ctx.args, 'title') } : {}) };
  }
  return { kind: 'note', path: await noteArgument(ctx, ctx.args.positional[0]) };
}

/** Builds the renderer over the CLI's vault; `withModel` false for the canvas, which needs none. */
export async function cliRenderer(ctx: CliContext, withModel: boolean): Promise<{ renderer: OutputRenderer; writer: WikiWriter }> {
  const settings = await ctx.settings();
  const writer = await ctx.writer();
  const client = withModel ? await ctx.llm() : undefined;
  const renderer = new OutputRenderer({ vault: ctx.vault, writer, clock: systemClock, client, maxInputChars: settings.contextTokens * 4 });
  return { renderer, writer };
}

/** The line naming a file a render writes, by what is done to it. */
const CHANGE_LINE = { create: 'cli.render.change.create', modify: 'cli.render.change.modify', delete: 'cli.render.change.delete' } as const satisfies Record<FileChange['action'], MessageKey>;

/** Applies the plan (unless --dry-run) and prints what was written. */
export async function finishRender(ctx: CliContext, writer: WikiWriter, result: RenderResult): Promise<number> {
  const dryRun = flagBool(ctx.args, 'dry-run');
  if (!dryRun) await writer.apply(result.plan, { signal: ctx.signal });
  const json: RenderJson = {
    summary: result.summary,
    primary: result.primaryPath,
    files: result.paths,
    applied: !dryRun,
    planId: result.plan.id,
    warnings: result.warnings,
    problems: result.plan.problems.filter((p) => !result.warnings.includes(p.message)),
    usage: result.usage ? { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens } : null,
  };
  ctx.print(json, () => {
    const lines = [ctx.t(dryRun ? 'cli.render.wouldWrite' : 'cli.render.wrote', { summary: result.summary })];
    for (const change of result.plan.changes) lines.push(ctx.t(CHANGE_LINE[change.action], { path: change.path }));
    for (const w of result.warnings) lines.push(ctx.t('cli.render.warning', { warning: w }));
    if (result.usage) lines.push(ctx.t('cli.render.usage', { prompt: result.usage.promptTokens, completion: result.usage.completionTokens }));
    if (dryRun) lines.push(ctx.t('cli.render.dryRun'));
    return lines.join('\n');
  });
  return 0;
}

export const slidesCommand: CliCommand = {
  name: 'slides',
  summary: 'Make a Marp slide deck from a note or a chat answer, in wiki/outputs/',
  operands: 'NOTE',
  options: [
    { name: 'slides', type: 'string', value: 'N', default: '8', description: en['cli.option.slides.count'], descriptionKey: 'cli.option.slides.count' },
    { name: 'theme', type: 'string', value: MARP_THEMES.join('|'), default: 'default', description: en['cli.option.slides.theme'], descriptionKey: 'cli.option.slides.theme' },
    ...RENDER_OPTIONS,
  ],
  details: RENDER_DETAILS,
  async run(ctx) {
    const theme = flagString(ctx.args, 'theme') ?? 'default';
    if (!(MARP_THEMES as readonly string[]).includes(theme)) throw new UsageError(ctx.t('cli.render.badTheme', { themes: MARP_THEMES.join(', ') }));
    const slides = flagInt(ctx.args, 'slides', 8);
    if (slides < 3 || slides > 20) throw new UsageError(ctx.t('cli.render.badSlides'));
    const source = await renderSource(ctx);
    const { renderer, writer } = await cliRenderer(ctx, true);
    return finishRender(ctx, writer, await renderer.planSlides(source, { slides, theme: theme as MarpTheme }));
  },
};
