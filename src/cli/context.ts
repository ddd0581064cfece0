import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { EndpointCapabilities, LlmClient } from '../core/llm';
import { describeOwner, describeRecovery, WikiWriter, type RecoveryReport, type WriterOwner } from '../core/plan';
import { systemClock } from '../core/ports/clock';
import { describeFolderProblem, migrateSettings, type ScriptoriumSettings } from '../core/settings';
import { flagString, UsageError, type ParsedArgs } from './args';
import { FsStateStore, FsVault } from './fs-vault';
import { createTranslator, type Translate } from '../i18n';

export interface Endpoint {
  baseURL: string;
  model: string;
  apiKey: string | undefined;
  /** Where each value came from, for `doctor` and error messages. */
  sources: { baseURL: string; model: string; apiKey: string };
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Exit code of a command the person stopped (128 + SIGINT, as shells report it). */
export const STOPPED = 130;

/** Everything a command needs, built lazily from the arguments and the environment. */
export class CliContext {
  readonly args: ParsedArgs;
  readonly env: NodeJS.ProcessEnv;
  readonly io: Output;
  /**
   * Aborted when the person stops the command (the first Ctrl-C): every model call and long
   * loop of the command takes it. An apply already writing finishes or rolls back regardless.
   */
  readonly signal: AbortSignal;
  /** Which endpoints refused structured output, for every client this run makes. */
  private readonly capabilities = new EndpointCapabilities();
  private vaultValue: FsVault | undefined;
  private stateValue: FsStateStore | undefined;
  private settingsValue: ScriptoriumSettings | undefined;
  private writerValue: WikiWriter | undefined;
  /** What start-up recovery did (set once `writer()` has run). */
  recovered: RecoveryReport | undefined;

  /** The interface language's messages (`--lang`, else LC_ALL, LC_MESSAGES or LANG): what the command says to the person. */
  readonly t: Translate;

  constructor(args: ParsedArgs, env: NodeJS.ProcessEnv, io: Output, signal: AbortSignal = new AbortController().signal, t: Translate = createTranslator('en')) {
    this.t = t;
    this.args = args;
    this.env = env;
    this.io = io;
    this.signal = signal;
  }

  get json(): boolean {
    return this.args.flags.has('json');
  }

  get vaultDir(): string {
    const dir = flagString(this.args, 'vault') ?? this.env.SCRIPTORIUM_VAULT;
    if (!dir) throw new UsageError(this.t('cli.context.vaultRequired'));
    const abs = path.resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(this.t('cli.context.vaultNotFolder', { dir }));
    return abs;
  }

  get vault(): FsVault {
    this.vaultValue ??= new FsVault(this.vaultDir);
    return this.vaultValue;
  }

  get state(): FsStateStore {
    this.stateValue ??= new FsStateStore(this.vaultDir, this.vault.configDir);
    return this.stateValue;
  }

  /**
   * The one wiki writer of this process: every command that changes the vault (compile, undo,
   * ask --save, renders, lint fixes) goes through it, so they share one lock and one journal.
   */
  async writer(): Promise<WikiWriter> {
    if (!this.writerValue) {
      const settings = await this.settings();
      let waitTold = false;
      const writer = new WikiWriter({
        vault: this.vault,
        state: this.state,
        clock: systemClock,
        wikiFolder: settings.wikiFolder,
        rawFolder: settings.rawFolder,
        attachmentsFolder: settings.attachmentsFolder,
        owner: { id: `${process.pid}-${randomBytes(6).toString('hex')}`, label: 'the command line', pid: process.pid, host: hostname() },
        isAlive: processAlive,
        onWait: (holder) => {
          if (waitTold) return;
          waitTold = true;
          this.io.err(this.t('cli.context.waiting', { owner: describeOwner(holder) }));
        },
        onRecovered: (report) => {
          const text = describeRecovery(report);
          if (text) this.io.err(text);
        },
      });
      // Finish what a killed run left half-done before this command reads the wiki.
      this.recovered = await writer.recover(this.signal);
      // …and clear the temporary files a killed process left (hidden, so never indexed, but they take space).
      // (Download images writes in the raw notes and the attachments folder too.)
      await this.vault.sweepTempFiles([settings.wikiFolder, settings.rawFolder, settings.attachmentsFolder]).catch(() => 0);
      this.writerValue = writer;
    }
    return this.writerValue;
  }

  /** The vault's plugin settings (data.json), or defaults when there are none. */
  async settings(): Promise<ScriptoriumSettings> {
    if (!this.settingsValue) {
      const text = await this.state.get('data.json');
      let saved: unknown = {};
      if (text) {
        try {
          saved = JSON.parse(text);
        } catch {
          this.io.err(this.t('cli.context.settingsNotJson', { file: path.join(this.state.dir, 'data.json') }));
        }
      }
      const { settings, folderProblem } = migrateSettings(saved, this.vault.configDir);
      // Checked before anything runs: a folder outside the vault must not cost a model call first.
      if (folderProblem) throw new UsageError(this.t('cli.context.settingsUnusable', { file: path.join(this.state.dir, 'data.json'), problem: describeFolderProblem(folderProblem) }));
      this.settingsValue = settings;
    }
    return this.settingsValue;
  }

  /**
   * The endpoint, resolved as flags > SCRIPTORIUM_* > OPENAI_* > the vault's plugin settings.
   * The key never comes from a flag (shell history, process lists): only from the environment.
   */
  async endpoint(): Promise<Endpoint> {
    const env = this.env;
    let settings: ScriptoriumSettings | undefined;
    try {
      settings = await this.settings();
    } catch {
      settings = undefined;
    }
    const pick = (flag: string, names: string[], fromSettings: string | undefined): [string, string] => {
      const f = flagString(this.args, flag);
      if (f) return [f, `--${flag}`];
      for (const name of names) if (env[name]) return [env[name], name];
      return fromSettings ? [fromSettings, 'vault settings'] : ['', 'unset'];
    };
    const [baseURL, baseSource] = pick('base-url', ['SCRIPTORIUM_BASE_URL', 'OPENAI_BASE_URL'], settings?.baseURL);
    const [model, modelSource] = pick('model', ['SCRIPTORIUM_MODEL', 'OPENAI_MODEL'], settings?.model);
    const keyName = ['SCRIPTORIUM_API_KEY', 'OPENAI_API_KEY'].find((n) => env[n]);
    if (this.args.flags.has('api-key')) throw new UsageError(this.t('cli.context.apiKey'));
    return {
      baseURL,
      model,
      apiKey: keyName ? env[keyName] : undefined,
      sources: { baseURL: baseSource, model: modelSource, apiKey: keyName ?? 'unset' },
    };
  }

  async llm(): Promise<LlmClient> {
    const endpoint = await this.endpoint();
    if (!endpoint.baseURL) {
      throw new UsageError(this.t('cli.context.noEndpoint'));
    }
    if (!endpoint.model) throw new UsageError(this.t('cli.context.noModel'));
    const settings = await this.settings();
    return new LlmClient({
      baseURL: endpoint.baseURL,
      model: endpoint.model,
      apiKey: endpoint.apiKey,
      fetch: globalThis.fetch,
      maxRetries: 2,
      timeoutMs: Number(this.env.SCRIPTORIUM_TIMEOUT_MS) || 120_000,
      streamIdleMs: Math.max(60_000, settings.contextTokens * 10),
      ...this.retryWait(settings),
      // Every call of the command stops on Ctrl-C, whether or not the command passed the signal on.
      signal: this.signal,
      capabilities: this.capabilities,
      vision: this.vision(settings),
    });
  }

  /** Whether images go to the model: SCRIPTORIUM_VISION (auto, on, off), else the vault's setting. */
  vision(settings: ScriptoriumSettings): 'auto' | 'on' | 'off' {
    const raw = this.env.SCRIPTORIUM_VISION?.trim().toLowerCase();
    if (!raw) return settings.vision;
    if (raw === 'auto' || raw === 'on' || raw === 'off') return raw;
    throw new UsageError(this.t('cli.context.badVision', { value: raw }));
  }

  /** The longest retry wait: SCRIPTORIUM_MAX_RETRY_WAIT (seconds), else the vault's setting. */
  retryWait(settings: ScriptoriumSettings): { maxRetryWaitSeconds: number; retryWaitSetting: string } {
    const raw = this.env.SCRIPTORIUM_MAX_RETRY_WAIT?.trim();
    if (raw) {
      const seconds = Number(raw);
      if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(this.t('cli.context.badRetryWait', { value: raw }));
      return { maxRetryWaitSeconds: seconds, retryWaitSetting: 'with SCRIPTORIUM_MAX_RETRY_WAIT (seconds)' };
    }
    return { maxRetryWaitSeconds: settings.maxRetryWaitSeconds, retryWaitSetting: 'in settings (Longest retry wait) or with SCRIPTORIUM_MAX_RETRY_WAIT (seconds)' };
  }

  /** Prints a value as JSON (with --json) or text. */
  print(value: unknown, text: () => string): void {
    this.io.out(this.json ? JSON.stringify(value, null, 2) : text());
  }
}

/** Whether a lock or journal owner's process still runs: known only for a process on this machine. */
export function processAlive(owner: WriterOwner): boolean | undefined {
  if (owner.pid === undefined || owner.host !== hostname()) return undefined;
  if (owner.pid === process.pid) return false; // another owner id with our pid: a dead process whose pid was reused
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
