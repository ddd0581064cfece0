import { describeBinary, PlanError, unifiedDiff, type AppliedPlan, type BinaryContent, type PlanProblem } from '../../core/plan';
import { IMAGE_CONCURRENCY, MAX_IMAGE_BYTES, planImageDownloads, type ImageDownloadRun, type ImageOutcome } from '../../core/sources/image-download';
import { flagBool, flagInt, UsageError } from '../args';
import type { CliCommand } from '../command';
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function changeLines(run: ImageDownloadRun, withDiffs: boolean): string[] {
  const lines: string[] = [];
  for (const c of run.plan.changes) {
    if (c.derived === 'log') continue;
    if (c.binary) {
      lines.push(`+ ${c.path}  (${describeBinary(c.binary)}; ${c.reason})`);
      continue;
    }
    lines.push(`~ ${c.path}  (${c.reason})`);
    if (withDiffs) {
      const diff = unifiedDiff(c.path, c.before, c.after);
      if (diff) lines.push(...diff.split('\n').map((l) => `    ${l}`), '');
    }
  }
  return lines;
}

function countsLine(run: ImageDownloadRun): string {
  const parts = [`${plural(run.downloaded, 'image')} downloaded`];
  if (run.reused) parts.push(`${run.reused} already local`);
  if (run.failed) parts.push(`${run.failed} failed`);
  return parts.join(', ');
}

export const imagesCommand: CliCommand = {
  name: 'images',
  summary: 'Download the remote images of raw notes into the attachments folder and link the notes to them (--dry-run to preview)',
  operands: '[PATHS…]',
  options: [
    { name: 'dry-run', type: 'boolean', description: 'download and print the plan with diffs; write nothing' },
    { name: 'yes', type: 'boolean', description: `download more than ${CONFIRM_IMAGES_ABOVE} images without asking (needed when not on a terminal)` },
    { name: 'concurrency', type: 'string', value: 'N', description: `images downloaded at once (default ${IMAGE_CONCURRENCY})` },
  ],
  details: [
    'PATHS are raw notes or folders relative to the vault (default: the raw folder). Images shown with',
    '![alt](https://…) or <img src="https://…"> are downloaded into the attachments folder (the',
    '"attachmentsFolder" setting, default raw/assets) and the links in the note point at the local file.',
    `Only http and https addresses, only image replies of at most ${MAX_IMAGE_BYTES / (1024 * 1024)} MB; the same bytes are one file, reused.`,
    'This is the one command that writes raw notes: only their image links change, as one change plan',
    '(undo with: scriptorium undo). A note changed while the images downloaded is left alone (exit 1).',
    'Exit codes: 0 done, 1 some images failed (the others are applied) or a note changed meanwhile,',
    '2 usage, 130 stopped.',
  ].join('\n'),
  async run(ctx) {
    const settings = await ctx.settings();
    const dryRun = flagBool(ctx.args, 'dry-run');
    const concurrency = flagInt(ctx.args, 'concurrency', IMAGE_CONCURRENCY);
    if (concurrency < 1) throw new UsageError('--concurrency must be at least 1');
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
          say(`${plural(images, 'remote image')} in ${plural(notes, 'note')}.`);
          if (images <= CONFIRM_IMAGES_ABOVE || flagBool(ctx.args, 'yes')) return true;
          const what = `${plural(images, 'image')} to download`;
          if (!process.stdin.isTTY) {
            refusal = `${what}; nothing was downloaded. Pass --yes to download them without a terminal, or name fewer notes`;
            return false;
          }
          return confirm(`${what}. Download them?`, ctx.signal);
        },
      });
    } catch (error) {
      if (ctx.signal.aborted || isAbort(error)) {
        ctx.io.err('scriptorium images: stopped; nothing was written.');
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
      ctx.io.err(ctx.signal.aborted ? 'scriptorium images: stopped; nothing was written.' : 'Nothing downloaded.');
      return ctx.signal.aborted ? STOPPED : 0;
    }
    const plan = run.plan;
    const hasChanges = plan.changes.some((c) => !c.derived || c.derived === 'attachment');
    let applied: AppliedPlan | undefined;
    if (!dryRun && hasChanges) {
      // Stopped between downloading and writing: write nothing. Once apply starts it is not cut short.
      if (ctx.signal.aborted) {
        ctx.io.err('scriptorium images: stopped; nothing was written.');
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
        lines.push(run.images.length === 0 && plan.problems.length === 0 ? `No remote images in ${plural(run.notes.length, 'note')}; nothing to do.` : `Nothing to write: ${countsLine(run)}.`);
      } else if (dryRun) {
        lines.push(`Plan: ${plan.title} — ${countsLine(run)} (dry run, nothing written)`, ...changeLines(run, true));
      } else {
        lines.push(`Applied: ${plan.title} — ${countsLine(run)} (undo with: scriptorium undo --vault DIR)`, ...changeLines(run, false));
      }
      lines.push(...plan.problems.map((p) => `! ${p.subject}: ${p.message}`));
      return lines.join('\n');
    });
    return plan.problems.length > 0 ? 1 : 0;
  },
};
