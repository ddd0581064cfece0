import type { EmbeddingsClient } from '../../core/llm/embeddings';
import { LlmError } from '../../core/llm/errors';
import type { StateStore } from '../../core/ports/state-store';
import type { VaultPort } from '../../core/ports/vault';
import { HybridSearch, type VaultIndex } from '../../core/search';
import { VectorIndex, type RelatedNote, type VectorPlan } from '../../core/search/vectors';
import type { ScriptoriumSettings } from '../../core/settings';
import { t } from '../../i18n/plugin';

export interface SemanticIndexOptions {
  vault: VaultPort;
  state: StateStore;
  settings: () => ScriptoriumSettings;
  /** The shared lexical index once loaded, else null. */
  index: () => VaultIndex | null;
  /** A client for the embedding endpoint of the current settings, or null when search by meaning is off. */
  client: () => EmbeddingsClient | null;
  /** Asked before the first full run (no vector stored yet) with what it will send; false: nothing is sent. */
  confirm: (plan: VectorPlan, client: EmbeddingsClient) => Promise<boolean>;
  /**
   * Runs the embedding: `visible` (a first or large run) as a task with progress and stop (the
   * plugin's task runner), else quietly in the background. Resolves false when it could not start
   * (another task runs), so the work is tried again later.
   */
  run: (label: string, work: (signal: AbortSignal, progress: (text: string | null) => void) => Promise<void>, visible: boolean) => Promise<boolean>;
  /** Told when vectors changed (loaded, embedded, dropped), so views can redraw. */
  onChange?: () => void;
  /** Told once per distinct failure of the embedding endpoint while searching (the results are then by words only). */
  onFallback?: (error: LlmError) => void;
}

/** After a failed run, the background waits this long before trying again (a person can start one sooner). */
const FAILURE_PAUSE_MS = 5 * 60_000;
/** While another task holds the task runner. */
const BUSY_PAUSE_MS = 60_000;
/**
 * Background runs save the vector file at most this often (it is one file, 40 MB at 50k passages);
 * a visible run saves at its end, and the plugin saves on unload. What a crash loses is embedded again.
 */
const SAVE_EVERY_MS = 5 * 60_000;

export type SemanticState =
  | { kind: 'off' }
  | { kind: 'loading' }
  | { kind: 'declined' }
  | { kind: 'ready'; notes: number; embedded: number; passages: number }
  | { kind: 'failed'; message: string };

/**
 * The plugin's passage vectors: loaded for the configured embedding model, brought up to date
 * with the vault in the background (only changed passages are sent), and used for hybrid search
 * and related notes. Asks before the first full run; a failure leaves search lexical.
 */
export class SemanticIndex {
  private readonly o: SemanticIndexOptions;
  private vectors: VectorIndex | null = null;
  /** Model and address the loaded vectors are for. */
  private loadedFor = '';
  private running: Promise<void> | null = null;
  private again = false;
  private againAsk = false;
  /** The settings the person agreed to a first full run for (asked once, even if the run waits for another task). */
  private confirmedFor = '';
  /** No background run before this time (ms): after a failure, or while another task held the runner. */
  private pausedUntil = 0;
  private savedAt = 0;
  private declinedFor = '';
  state: SemanticState = { kind: 'off' };
  private hybrid: { index: VaultIndex; search: HybridSearch } | null = null;
  private clientFor: { key: string; client: EmbeddingsClient | null } | null = null;

  constructor(options: SemanticIndexOptions) {
    this.o = options;
  }

  /** The embeddings client of the current settings, made again only when they change. */
  private client(): EmbeddingsClient | null {
    const e = this.o.settings().embeddings;
    const key = JSON.stringify([e, this.o.settings().baseURL, this.o.settings().networkMode]);
    if (this.clientFor?.key !== key) this.clientFor = { key, client: this.o.client() };
    return this.clientFor.client;
  }

  private configKey(client: EmbeddingsClient | null): string {
    return client ? `${client.baseURL}\u0000${client.model}` : '';
  }

  /** The stored vectors, when search by meaning is on and they are loaded. */
  current(): VectorIndex | null {
    return this.vectors;
  }

  /** Hybrid search over the shared index and these vectors (one per index, so query vectors are reused), or null when there is no index yet. */
  search(): HybridSearch | null {
    const index = this.o.index();
    if (!index) return null;
    if (this.hybrid?.index === index) return this.hybrid.search;
    const search = new HybridSearch({
      index,
      vault: this.o.vault,
      onFallback: (error) => this.o.onFallback?.(error),
      vectors: () => {
        const client = this.client();
        return this.vectors && client && this.configKey(client) === this.loadedFor ? { vectors: this.vectors, embedder: client } : null;
      },
    });
    this.hybrid = { index, search };
    return search;
  }

  /** Notes closest in meaning to `path`, from stored vectors only (no model call). */
  related(path: string, limit = 12): RelatedNote[] {
    const index = this.o.index();
    return (this.vectors?.related(path, limit) ?? []).filter((r) => !index || index.includes(r.path));
  }

  /**
   * Brings the vectors in line with the settings and the vault: drops them when the model
   * changed, loads the stored ones, embeds what changed. One run at a time; a call during a run
   * makes one more run afterwards. `ask`: asking before a first full run is allowed (a person
   * started it); the background never asks twice for the same model once declined.
   */
  refresh(options: { ask?: boolean } = {}): Promise<void> {
    if (this.running) {
      this.again = true;
      this.againAsk ||= options.ask === true;
      return this.running;
    }
    this.running = this.work(options.ask === true).finally(() => {
      this.running = null;
      if (this.again) {
        const ask = this.againAsk;
        this.again = false;
        this.againAsk = false;
        void this.refresh({ ask });
      }
    });
    return this.running;
  }

  private async work(ask: boolean): Promise<void> {
    const client = this.client();
    const index = this.o.index();
    const key = this.configKey(client);
    if (!client) {
      if (this.vectors) {
        this.vectors = null;
        this.loadedFor = '';
        this.o.onChange?.();
      }
      this.state = { kind: 'off' };
      return;
    }
    if (!index) return;
    if (ask) {
      this.declinedFor = '';
      this.pausedUntil = 0;
    }
    // Nothing is read or sent in the background once declined, or soon after a failure.
    if (this.declinedFor === key) {
      this.state = { kind: 'declined' };
      return;
    }
    if (Date.now() < this.pausedUntil) return;
    if (key !== this.loadedFor || !this.vectors) {
      this.state = { kind: 'loading' };
      const vectors = new VectorIndex({ vault: this.o.vault, state: this.o.state, model: client.model, includes: (p) => index.includes(p), maxIndexedFileBytes: this.o.settings().maxIndexedFileBytes });
      await vectors.load();
      this.vectors = vectors;
      this.loadedFor = key;
      this.o.onChange?.();
    }
    const vectors = this.vectors;
    const plan = await vectors.plan();
    if (plan.passages === 0) {
      await this.save(vectors, false);
      this.ready(vectors);
      return;
    }
    if (plan.firstRun && this.confirmedFor !== key) {
      if (!(await this.o.confirm(plan, client))) {
        this.declinedFor = key;
        this.state = { kind: 'declined' };
        return;
      }
      this.confirmedFor = key;
    }
    let failure: unknown;
    const visible = plan.firstRun || plan.passages > 200;
    let started = true;
    try {
      started = await this.o.run(t('related.task', { count: plan.passages.toLocaleString() }), async (signal, progress) => {
        try {
          await vectors.embed(client, {
            signal,
            progress: ({ done, total }) => progress(total ? t('related.progress', { done: done.toLocaleString(), total: total.toLocaleString() }) : null),
          });
        } catch (error) {
          failure = error;
          throw error;
        } finally {
          // What was embedded is kept, stopped or not: the next run sends only the rest.
          await this.save(vectors, visible || failure !== undefined);
          this.o.onChange?.();
        }
      }, visible);
    } catch (error) {
      // A runner that passes the failure on: it is recorded above all the same.
      failure ??= error;
    }
    if (!started) {
      // Another task holds the runner: try again in a minute, without asking again.
      this.pausedUntil = Date.now() + BUSY_PAUSE_MS;
      return;
    }
    if (failure !== undefined) {
      this.pausedUntil = Date.now() + FAILURE_PAUSE_MS;
      this.state = { kind: 'failed', message: failure instanceof LlmError ? failure.withHint : failure instanceof Error ? failure.message : t('related.unknownFailure') };
      return;
    }
    this.ready(vectors);
  }

  /** Saves the vectors now (`now`), or when the last save is older than SAVE_EVERY_MS. Never throws. */
  private async save(vectors: VectorIndex, now: boolean): Promise<void> {
    if (!now && Date.now() - this.savedAt < SAVE_EVERY_MS) return;
    await vectors.persist().catch(() => undefined);
    this.savedAt = Date.now();
  }

  /** Saves what changed since the last save (the plugin calls it on unload). */
  async close(): Promise<void> {
    if (this.vectors) await this.vectors.persist().catch(() => undefined);
  }

  private ready(vectors: VectorIndex): void {
    const s = vectors.stats();
    this.state = { kind: 'ready', notes: s.notes, embedded: s.embedded, passages: s.passages };
    this.o.onChange?.();
  }
}
