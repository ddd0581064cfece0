import { lookup } from 'node:dns/promises';
import { PlanError, unifiedDiff, type AppliedPlan, type PlanProblem } from '../../core/plan';
import { systemClock } from '../../core/ports/clock';
import type { Finding } from '../../core/lint';
import type { LlmClient } from '../../core/llm';
import type { WikiWriter } from '../../core/plan';
import { planClip, type ClipOutcome, type ClipRun } from '../../core/web/clip';
import { gapSourcesReport, planGapSources, WEB_FILLABLE_KINDS, type GapSourcesEntry } from '../../core/web/gap-sources';
import { WebPageReader } from '../../core/web/page-reader';
import { createWebSearchProvider, WebSearchError, type WebSearchProvider } from '../../core/web/search-providers';
import { WebCallBudget } from '../../core/web/web-tools';
import { WEB_PROVIDER_IDS, webFolderOf, type WebProviderId, type WebSettings } from '../../core/web/web-settings';
import { flagBool, flagString, UsageError, type OptionSpec } from '../args';
import { createTranslator } from '../../i18n';
import type { CliCommand } from '../command';
import { STOPPED, type CliContext } from '../context';
import { htmlToMarkdown } from '../html-to-markdown';
import { guardedFetch } from '../web-fetch';

/** The options every command that reaches the web takes. */
const english = createTranslator('en');

export const WEB_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'web-provider',
    type: 'string',
    value: 'NAME',
    description: english('cli.option.web.provider', { providers: WEB_PROVIDER_IDS.join(', ') }),
    descriptionKey: 'cli.option.web.provider',
    descriptionParams: { providers: WEB_PROVIDER_IDS.join(', ') },
  },
  { name: 'web-url', type: 'string', value: 'URL', description: english('cli.option.web.url'), descriptionKey: 'cli.option.web.url' },
  { name: 'allow-private-hosts', type: 'boolean', description: english('cli.option.web.allowPrivateHosts'), descriptionKey: 'cli.option.web.allowPrivateHosts' },
];

/** The web as this run may use it: the provider (null: none set), the page reader and the settings in force. */
export interface CliWeb {
  provider: WebSearchProvider | null;
  reader: WebPageReader;
  settings: WebSettings;
  /** Where the setting came from, for messages. */
  providerSource: string;
}

/** The CLI's DNS for the private-host rule: every address a name has. */
async function resolveHost(hostname: string): Promise<string[]> {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

/**
 * The web of this run, resolved as flags > SCRIPTORIUM_WEB_* > the vault's settings. The key never
 * comes from a flag. A provider that is set but unusable (no address, no key) is a usage error.
 */
export async function cliWeb(ctx: CliContext): Promise<CliWeb> {
  const saved = (await ctx.settings()).web;
  const flag = flagString(ctx.args, 'web-provider');
  const env = ctx.env.SCRIPTORIUM_WEB_PROVIDER?.trim();
  const name = (flag ?? env ?? saved.provider).trim().toLowerCase();
  const providerSource = flag !== undefined ? '--web-provider' : env ? 'SCRIPTORIUM_WEB_PROVIDER' : ctx.t('cli.web.vaultSettings');
  if (!WEB_PROVIDER_IDS.includes(name as WebProviderId)) throw new UsageError(ctx.t('cli.web.badProvider', { source: providerSource, name, providers: WEB_PROVIDER_IDS.join(', ') }));
  const url = flagString(ctx.args, 'web-url') ?? ctx.env.SCRIPTORIUM_WEB_URL?.trim() ?? saved.url;
  const settings: WebSettings = { ...saved, provider: name as WebProviderId, url, allowPrivateHosts: flagBool(ctx.args, 'allow-private-hosts') || saved.allowPrivateHosts };
  let provider: WebSearchProvider | null;
  try {
    provider = createWebSearchProvider({ provider: settings.provider, url: settings.url, apiKey: ctx.env.SCRIPTORIUM_WEB_API_KEY || undefined, fetch: globalThis.fetch });
  } catch (error) {
    if (error instanceof WebSearchError) throw new UsageError(error.message.replace(/\.$/, ''));
    throw error;
  }
  // Pages go through a fetch that checks the addresses it connects to, not only those checked first.
  const reader = new WebPageReader({ fetch: guardedFetch({ allowPrivateHosts: settings.allowPrivateHosts }), htmlToMarkdown, allowPrivateHosts: settings.allowPrivateHosts, resolveHost });
  return { provider, reader, settings, providerSource };
}

/** The `--json` shape of `scriptorium clip`. */
export interface ClipJson {
  dryRun: boolean;
  planId: string | null;
  title: string;
  applied: string[];
  clips: ClipOutcome[];
  problems: PlanProblem[];
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

export const clipCommand: CliCommand = {
  name: 'clip',
  summary: 'Read web pages into new raw notes under the web folder (raw/web/), one per address (--dry-run to preview)',
  operands: 'URL…',
  options: [
    { name: 'dry-run', type: 'boolean', description: english('cli.option.clip.dryRun'), descriptionKey: 'cli.option.clip.dryRun' },
    ...WEB_OPTIONS.filter((o) => o.name === 'allow-private-hosts'),
  ],
  details: (t) => t('cli.details.clip'),
  async run(ctx) {
    const urls = ctx.args.positional.map((u) => u.trim()).filter(Boolean);
    if (urls.length === 0) throw new UsageError(ctx.t('cli.clip.noUrl'));
    const settings = await ctx.settings();
    const web = await cliWeb(ctx);
    const dryRun = flagBool(ctx.args, 'dry-run');
    const writer = await ctx.writer();
    const folder = webFolderOf(settings.rawFolder, web.settings);
    const say = (text: string) => {
      if (!ctx.json) ctx.io.err(text);
    };
    let run: ClipRun;
    try {
      run = await planClip({
        reader: web.reader,
        writer,
        vault: ctx.vault,
        clock: systemClock,
        folder,
        pages: urls,
        signal: ctx.signal,
        budget: new WebCallBudget(Math.max(web.settings.maxCallsPerRun, urls.length)),
        progress: (done, total, url) => say(`[${done}/${total}] ${url}`),
      });
    } catch (error) {
      if (ctx.signal.aborted || isAbort(error)) {
        ctx.io.err(`scriptorium clip: ${ctx.t('cli.stop.nothingWritten')}`);
        return STOPPED;
      }
      if (error instanceof PlanError) {
        ctx.io.err(`scriptorium clip: ${error.message}`);
        return 1;
      }
      throw error;
    }
    if (ctx.signal.aborted) {
      ctx.io.err(`scriptorium clip: ${ctx.t('cli.stop.nothingWritten')}`);
      return STOPPED;
    }
    const plan = run.plan;
    const notes = plan.changes.filter((c) => !c.derived);
    let applied: AppliedPlan | undefined;
    if (!dryRun && notes.length > 0) {
      try {
        applied = await writer.apply(plan, { signal: ctx.signal });
      } catch (error) {
        if (error instanceof PlanError) {
          ctx.io.err(`scriptorium clip: ${error.message}`);
          return ctx.signal.aborted && error.kind === 'busy' ? STOPPED : 1;
        }
        throw error;
      }
    }
    const json: ClipJson = { dryRun, planId: notes.length ? plan.id : null, title: plan.title, applied: applied?.paths ?? [], clips: run.clips, problems: plan.problems };
    ctx.print(json, () => {
      const lines: string[] = [];
      if (notes.length === 0) lines.push(ctx.t('cli.clip.nothingToWrite'));
      else if (dryRun) lines.push(ctx.t('cli.clip.dryRunPlan', { title: plan.title }));
      else lines.push(ctx.t('cli.clip.applied', { title: plan.title }));
      for (const c of run.clips) {
        if (c.status === 'clipped') lines.push(`+ ${c.path}  ← ${c.url}`);
        else if (c.status === 'already') lines.push(ctx.t('cli.clip.alreadyLine', { sign: '=', url: c.url, reason: c.reason ?? '' }));
      }
      lines.push(...plan.problems.map((p) => ctx.t('cli.plan.problemLine', { subject: p.subject, message: p.message })));
      return lines.join('\n');
    });
    return run.clips.some((c) => c.status === 'failed') || plan.problems.length > 0 ? 1 : 0;
  },
};

/** The id of lint's "Find sources on the web" fix. */
export const WEB_SOURCES_FIX = 'web-sources';

/** The web as `lint --deep --web` uses it: a provider is required. */
export interface WebSourcesFix extends CliWeb {
  provider: WebSearchProvider;
  /** The fix to list for these findings, or null when none of them is a gap the web can fill. */
  offer: (findings: readonly Finding[]) => { id: string; label: string } | null;
}

export async function webSourcesFix(ctx: CliContext): Promise<WebSourcesFix> {
  const web = await cliWeb(ctx);
  const provider = web.provider;
  if (!provider) throw new UsageError(ctx.t('cli.web.noProvider'));
  const settings = await ctx.settings();
  return {
    ...web,
    provider,
    offer: (findings) => {
      const n = findings.filter((f) => WEB_FILLABLE_KINDS.has(f.kind)).length;
      if (n === 0) return null;
      const folder = webFolderOf(settings.rawFolder, web.settings);
      return { id: WEB_SOURCES_FIX, label: n === 1 ? ctx.t('cli.web.fixLabelOne', { folder }) : ctx.t('cli.web.fixLabel', { count: n, folder }) };
    },
  };
}

/** `lint --deep --web --fix web-sources`: search, read, plan new raw notes, apply (or --dry-run), report. */
export async function runWebSourcesFix(ctx: CliContext, web: WebSourcesFix, findings: readonly Finding[], options: { llm: LlmClient; writer: WikiWriter; rawFolder: string }): Promise<number> {
  const say = (text: string) => {
    if (!ctx.json) ctx.io.err(text);
  };
  const run = await planGapSources({
    client: options.llm,
    provider: web.provider,
    reader: web.reader,
    writer: options.writer,
    vault: ctx.vault,
    clock: systemClock,
    folder: webFolderOf(options.rawFolder, web.settings),
    findings,
    budget: new WebCallBudget(web.settings.maxCallsPerRun),
    signal: ctx.signal,
    progress: say,
  });
  const plan = run.plan;
  const notes = plan.changes.filter((c) => !c.derived);
  const dryRun = flagBool(ctx.args, 'dry-run');
  let applied: AppliedPlan | undefined;
  if (!dryRun && notes.length > 0) applied = await options.writer.apply(plan, { signal: ctx.signal });
  const entries = run.entries.map((e: GapSourcesEntry) => ({ gap: e.gap, kind: e.finding.kind, path: e.finding.path, queries: e.queries, clips: e.clips, ...(e.note ? { note: e.note } : {}) }));
  ctx.print({ fix: { id: WEB_SOURCES_FIX }, dryRun, planId: notes.length ? plan.id : null, applied: applied?.paths ?? [], entries, problems: plan.problems, usage: run.usage }, () => {
    const head = notes.length === 0 ? ctx.t('cli.web.nothingFound') : dryRun ? ctx.t('cli.clip.dryRunPlan', { title: plan.title }) : ctx.t('cli.clip.applied', { title: plan.title });
    const diffs = dryRun ? notes.map((c) => unifiedDiff(c.path, c.before, c.after)) : [];
    return [head, gapSourcesReport(run), ...diffs].join('\n');
  });
  return notes.length === 0 ? 1 : plan.problems.length > 0 ? 1 : 0;
}
