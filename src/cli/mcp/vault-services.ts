import { LintLayout } from '../../core/lint';
import { HybridSearch, VaultIndex, type VaultSearch } from '../../core/search';
import type { WikiWriter } from '../../core/plan';
import type { ScriptoriumSettings } from '../../core/settings';
import type { CliContext } from '../context';
import { embeddingsClient, openVectors } from '../embeddings';
import { WarmLinkGraph } from './link-graph';
import { SourceStatus } from './source-status';
import { WatchedVault } from './watched-vault';

export interface VaultServicesOptions {
  /** The three writing tools (compile with apply, save_answer, undo) run only when true. */
  allowWrites: boolean;
  /** Most characters one tool result may hold. */
  maxChars: number;
  /** A line for the server's log (stderr; never stdout, which carries the protocol on stdio). */
  log: (line: string) => void;
  /** Save the index cache this long after the watcher last changed it. Default 30 s. */
  persistDelayMs?: number;
}

/**
 * What every MCP session of one server shares: the CLI context (settings, endpoint, the one wiki
 * writer and its lock), and the warm index, loaded once from the cache the plugin and the CLI use
 * and kept current by watching the vault. Writes are made one at a time.
 */
export class VaultServices {
  readonly ctx: CliContext;
  readonly options: VaultServicesOptions;
  readonly settings: ScriptoriumSettings;
  readonly index: VaultIndex;
  /** Settles when the index is loaded and current (rejects when that failed). */
  ready: Promise<void> = Promise.resolve();
  /**
   * What `search` and `ask` search: the warm index, or, when an embedding endpoint is configured
   * (as for `scriptorium search`), the index with the stored passage vectors (hybrid search).
   */
  search: VaultSearch;
  /** The vault's links for the `links` tool, re-reading only the notes changed since its last call. */
  readonly links: WarmLinkGraph;
  /** The uncompiled and stale sources for `status`, kept until the vault changes. */
  readonly sources: SourceStatus;
  private readonly watched: WatchedVault;
  private readonly unfollow: (() => void)[];
  private detach: (() => void) | null = null;
  private writerValue: Promise<WikiWriter> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private resyncing: Promise<unknown> | null = null;
  private resyncAgain = false;
  private stopped = false;

  private constructor(ctx: CliContext, settings: ScriptoriumSettings, options: VaultServicesOptions) {
    this.ctx = ctx;
    this.options = options;
    this.settings = settings;
    this.watched = new WatchedVault(ctx.vault);
    this.index = new VaultIndex({ vault: this.watched, state: ctx.state, settings, debounceMs: 100, persistDelayMs: options.persistDelayMs ?? 30_000 });
    this.search = this.index;
    this.links = new WarmLinkGraph(ctx.vault);
    this.sources = new SourceStatus({ vault: ctx.vault, layout: VaultServices.layout(settings), signal: ctx.signal, watching: () => this.watched.watching });
    // Every change seen: the server's own writes and notes edited on disk (events), any other file or folder (touches).
    this.unfollow = [this.watched.on(() => this.sources.changed()), this.watched.onTouch(() => this.sources.changed())];
  }

  /** The health checks' view of the vault's folders, from its settings. */
  static layout(s: ScriptoriumSettings): LintLayout {
    return new LintLayout({ rawFolder: s.rawFolder, wikiFolder: s.wikiFolder, splitArticleWords: s.splitArticleWords, attachmentsFolder: s.attachmentsFolder });
  }

  /**
   * Starts loading the index from the shared cache and bringing it up to date with the disk (saving
   * the cache when that changed anything), and follows the vault from then on: our own writes and
   * everyone else's. Returns at once, so the client's handshake does not wait for a large index;
   * `ready` settles when the index can answer (every tool waits for it).
   */
  static async open(ctx: CliContext, options: VaultServicesOptions): Promise<VaultServices> {
    const settings = await ctx.settings();
    const services = new VaultServices(ctx, settings, options);
    services.ready = services.warmUp();
    // A failure is reported by every tool call that waits for it; this keeps it from going unhandled.
    services.ready.catch(() => undefined);
    return services;
  }

  private async warmUp(): Promise<void> {
    const { ctx, options } = this;
    const started = Date.now();
    // Attached before the first sync: an edit made while it runs is queued, not lost.
    this.detach = this.index.attach();
    const how = this.watched.start(() => this.resync(), options.log);
    try {
      const fromCache = await this.index.load(ctx.signal);
      const report = await this.index.sync(ctx.signal);
      if (report.added + report.updated + report.removed > 0 || !fromCache) {
        await this.index.persist().catch((error: unknown) => options.log(`warning: could not save the index cache: ${error instanceof Error ? error.message : String(error)}`));
      }
      await this.meaning();
      const s = this.index.stats();
      options.log(
        `scriptorium mcp: ${s.notes} notes indexed in ${Date.now() - started} ms (${fromCache ? 'from the cache' : 'no cache: built'}; ${report.added} added, ${report.updated} updated, ${report.removed} removed); ${how === 'watching' ? 'watching the vault for changes' : 'checking the vault for changes every 2 s'}.`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!ctx.signal.aborted) options.log(`scriptorium mcp: could not load the search index: ${message}`);
      throw new Error(`The search index could not be loaded (${message}); restart the server, or run \`scriptorium index --rebuild\` on the vault first.`);
    }
  }

  /**
   * Search by meaning, as `scriptorium search` sets it up: with an embedding endpoint configured,
   * the passage vectors `scriptorium index` (or the plugin) stored are loaded and searches become
   * hybrid; queries are embedded, passages are not (notes edited since are found lexically until
   * their vectors are stored). Without an endpoint, or when it fails, search stays lexical.
   */
  private async meaning(): Promise<void> {
    const { ctx, options } = this;
    let client;
    try {
      client = await embeddingsClient(ctx);
    } catch (error) {
      options.log(`warning: search by meaning is off: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!client) return;
    const embedder = client;
    const { vectors } = await openVectors(ctx, this.index, embedder.model);
    if (!vectors.ready) options.log(`warning: no passage vectors of ${embedder.model} are stored yet (run scriptorium index with the embedding endpoint); search stays lexical until then`);
    this.search = new HybridSearch({
      index: this.index,
      vault: ctx.vault,
      vectors: () => ({ vectors, embedder }),
      onFallback: (error) => options.log(`warning: search by meaning is unavailable (${error.message}); the results are lexical`),
    });
  }

  /** The whole vault compared with the index again (a folder moved or deleted, or no watcher). */
  private resync(): void {
    if (this.stopped) return;
    // A folder came or went, and its files may not each have been told. (A poll changes nothing
    // here: status compares the listing then.)
    if (this.watched.watching) this.sources.changed();
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = this.index
      .sync(this.ctx.signal)
      .catch((error: unknown) => {
        if (!this.ctx.signal.aborted) this.options.log(`scriptorium mcp: could not bring the index up to date: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.resyncing = null;
        if (this.resyncAgain) {
          this.resyncAgain = false;
          this.resync();
        }
      });
  }

  /** The one wiki writer (start-up recovery done once, on first need). */
  writer(): Promise<WikiWriter> {
    this.writerValue ??= this.ctx.writer();
    // A failed start (a lock file it could not read) is tried again by the next call.
    this.writerValue.catch(() => (this.writerValue = undefined));
    return this.writerValue;
  }

  /** Runs `work` after every write started before it: the server's writes never overlap. */
  exclusiveWrite<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work).finally(() => this.sources.changed());
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Stops watching, applies the edits seen so far and saves the index cache. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watched.stop();
    await this.ready.catch(() => undefined);
    await this.writes.catch(() => undefined);
    await this.resyncing?.catch(() => undefined);
    try {
      await this.index.flush();
      await this.index.persist();
    } catch (error) {
      this.options.log(`warning: could not save the index cache: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.detach?.();
    this.detach = null;
    for (const off of this.unfollow) off();
  }
}
