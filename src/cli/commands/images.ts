import { describeBinary, PlanError, unifiedDiff, type AppliedPlan, type BinaryContent, type PlanProblem } from '../../core/plan';
import { IMAGE_CONCURRENCY, MAX_IMAGE_BYTES, planImageDownloads, type ImageDownloadRun, type ImageOutcome } from '../../core/sources/image-download';
import { flagBool, flagInt, UsageError } from '../args';
import { createTranslator, type Translate } from '../../i18n';
import type { CliCommand } from '../command';
import { counted } from '../counted';
import { STOPPED } from '../context';
import { confirm } from '../confirm';

/** More remote images than this asks for confirmation on a terminal, and needs --yes elsewhere. */
export const CONFIRM_IMAGES_ABOVE = 50;

/** The `--json` shape of `scriptorium images`. */
export interface ImagesJson {
  dryRun: boolean;
  /** The plan's id (what `undo --list` shows), null when nothing was to be written. */
  planId: string | null;
  title: string;
  /** Paths written (empty for a dry run or when nothing changed). */
  applied: string[];
  /** Every file of the plan; a note's diff for a dry run, an image's size and hash. */
  changes: { path: string; action: 'create' | 'modify' | 'delete'; reason: string; binary?: BinaryContent; usedBy?: string[]; diff?: string }[];
  /** One entry per image per note. */
  images: ImageOutcome[];
  problems: PlanProblem[];
  downloaded: number;
  reused: number;
  failed: number;
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function changeLines(run: ImageDownloadRun, withDiffs: boolean, t: Translate): string[] {
  const lines: string[] = [];
  for (const c of run.plan.changes) {
    if (c.derived === 'log') continue;
    if (c.binary) {
      lines.push(t('cli.plan.binaryLine', { sign: '+', path: c.path, what: describeBinary(c.binary), reason: c.reason }));
      continue;
    }
    lines.push(t('cli.plan.changeLine', { sign: '~', path: c.path, mark: '', reason: c.reason }));
    if (withDiffs) {
      const diff = unifiedDiff(c.path, c.before, c.after);
      if (diff) lines.push(...diff.split('\n').map((l) => `    ${l}`), '');
    }
  }
  return lines;
}

function countsLine(run: ImageDownloadRun, t: Translate): string {
  const parts = [t('cli.images.downloaded', { images: counted(t, run.downloaded, 'image') })];
  if (run.reused) parts.push(t('cli.images.reused', { count: run.reused }));
  if (run.failed) parts.push(t('cli.images.failed', { count: run.failed }));
  return parts.join(t('cli.list.separator'));
}

const english = createTranslator('en');

export const imagesCommand: CliCommand = {
  name: 'images',
  summary: 'Download the remote images of raw notes into the attachments folder and link the notes to them (--dry-run to preview)',
  operands: '[PATHS…]',
  options: [
    { name: 'dry-run', type: 'boolean', description: english('cli.option.images.dryRun'), descriptionKey: 'cli.option.images.dryRun' },
    {
      name: 'yes',
      type: 'boolean',
      description: english('cli.option.images.yes', { count: CONFIRM_IMAGES_ABOVE }),
      descriptionKey: 'cli.option.images.yes',
      descriptionParams: { count: CONFIRM_IMAGES_ABOVE },
    },
    {
      name: 'concurrency',
      type: 'string',
      value: 'N',
      description: english('cli.option.images.concurrency', { count: IMAGE_CONCURRENCY }),
      descriptionKey: 'cli.option.images.concurrency',
      descriptionParams: { count: IMAGE_CONCURRENCY },
    },
  ],
  details: (t) => t('cli.details.images', { mb: MAX_IMAGE_BYTES / (1024 * 1024) }),
  async run(ctx) {
    const settings = await ctx.settings();
    const dryRun = flagBool(ctx.args, 'dry-run');
    const concurrency = flagInt(ctx.args, 'concurrency', IMAGE_CONCURRENCY);
    if (concurrency < 1) throw new UsageError(ctx.t('cli.images.concurrencyTooSmall'));
    const writer = await ctx.writer();
    // Temporary files a killed run left beside the notes or the images (the writer's start-up sweeps the wiki only).
    await ctx.vault.sweepTempFiles([settings.rawFolder, settings.attachmentsFolder]).catch(() => 0);
    const paths = ctx.args.positional.length ? ctx.args.positional : [settings.rawFolder];
    const say = (text: string) => {
      if (!ctx.json) ctx.io.err(text);
    };
    let refusal: string | null = null;
    let run: ImageDownloadRun;
    try {
      run = await planImageDownloads({
        vault: ctx.vault,
        writer,
        fetch: globalThis.fetch,
        rawFolder: settings.rawFolder,
        attachmentsFolder: settings.attachmentsFolder,
        paths,
        signal: ctx.signal,
        concurrency,
        progress: (done, total, url) => say(`[${done}/${total}] ${url}`),
        confirm: async ({ notes, images }) => {
          say(ctx.t('cli.images.found', { images: counted(ctx.t, images, 'remoteImage'), notes: counted(ctx.t, notes, 'note') }));
          if (images <= CONFIRM_IMAGES_ABOVE || flagBool(ctx.args, 'yes')) return true;
          const what = ctx.t('cli.images.toDownload', { images: counted(ctx.t, images, 'image') });
          if (!process.stdin.isTTY) {
            refusal = ctx.t('cli.images.refusedNoTerminal', { what });
            return false;
          }
          return confirm(ctx.t('cli.images.ask', { what }), ctx.signal);
        },
      });
    } catch (error) {
      if (ctx.signal.aborted || isAbort(error)) {
        ctx.io.err(`scriptorium images: ${ctx.t('cli.stop.nothingWritten')}`);
        return STOPPED;
      }
      if (error instanceof PlanError) {
        ctx.io.err(`scriptorium images: ${error.message}`);
        return 1;
      }
      throw error;
    }
    if (refusal) throw new UsageError(refusal);
    if (run.declined) {
      ctx.io.err(ctx.signal.aborted ? `scriptorium images: ${ctx.t('cli.stop.nothingWritten')}` : ctx.t('cli.images.nothingDownloaded'));
      return ctx.signal.aborted ? STOPPED : 0;
    }
    const plan = run.plan;
    const hasChanges = plan.changes.some((c) => !c.derived || c.derived === 'attachment');
    let applied: AppliedPlan | undefined;
    if (!dryRun && hasChanges) {
      // Stopped between downloading and writing: write nothing. Once apply starts it is not cut short.
      if (ctx.signal.aborted) {
        ctx.io.err(`scriptorium images: ${ctx.t('cli.stop.nothingWritten')}`);
        return STOPPED;
      }
      try {
        applied = await writer.apply(plan, { signal: ctx.signal });
      } catch (error) {
        if (error instanceof PlanError) {
          ctx.io.err(`scriptorium images: ${error.message}`);
          return ctx.signal.aborted && error.kind === 'busy' ? STOPPED : 1;
        }
        throw error;
      }
    }
    const json: ImagesJson = {
      dryRun,
      planId: hasChanges ? plan.id : null,
      title: plan.title,
      applied: applied?.paths ?? [],
      changes: plan.changes.map((c) => ({
        path: c.path,
        action: c.action,
        reason: c.reason,
        ...(c.binary ? { binary: c.binary } : {}),
        ...(c.usedBy ? { usedBy: c.usedBy } : {}),
        ...(dryRun && !c.binary ? { diff: unifiedDiff(c.path, c.before, c.after) } : {}),
      })),
      images: run.images,
      problems: plan.problems,
      downloaded: run.downloaded,
      reused: run.reused,
      failed: run.failed,
    };
    ctx.print(json, () => {
      const lines: string[] = [];
      if (!hasChanges) {
        lines.push(
          run.images.length === 0 && plan.problems.length === 0
            ? ctx.t('cli.images.noRemote', { notes: counted(ctx.t, run.notes.length, 'note') })
            : ctx.t('cli.images.nothingToWrite', { counts: countsLine(run, ctx.t) }),
        );
      } else if (dryRun) {
        lines.push(ctx.t('cli.images.dryRunPlan', { title: plan.title, counts: countsLine(run, ctx.t) }), ...changeLines(run, true, ctx.t));
      } else {
        lines.push(ctx.t('cli.images.applied', { title: plan.title, counts: countsLine(run, ctx.t) }), ...changeLines(run, false, ctx.t));
      }
      lines.push(...plan.problems.map((p) => ctx.t('cli.plan.problemLine', { subject: p.subject, message: p.message })));
      return lines.join('\n');
    });
    return plan.problems.length > 0 ? 1 : 0;
  },
};
