import type { StateStore } from '../ports/state-store';

/** What one compiled source produced. */
export interface CompiledSource {
  /** hashText of the raw file's full content when it was compiled. */
  hash: string;
  /** The source summary's vault path. */
  summary: string;
  /** Concept articles this source created or merged into. */
  concepts: string[];
  compiledAt: number;
}

interface StateData {
  version: 1;
  sources: Record<string, CompiledSource>;
}

/**
 * Compile state in the plugin folder (`compile-state.json`): raw path → content hash and outputs.
 * A cache: the wiki's own frontmatter (`source_hashes`) says the same thing, and compile checks
 * it, so losing this file or undoing a plan never makes a stale source look compiled.
 */
export class CompileState {
  static readonly KEY = 'compile-state.json';
  private readonly state: StateStore;
  private cache: StateData | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(options: { state: StateStore }) {
    this.state = options.state;
  }

  private async data(): Promise<StateData> {
    if (this.cache) return this.cache;
    const text = await this.state.get(CompileState.KEY);
    let data: StateData = { version: 1, sources: {} };
    if (text) {
      try {
        const parsed = JSON.parse(text) as Partial<StateData>;
        if (parsed && typeof parsed.sources === 'object' && parsed.sources) data = { version: 1, sources: parsed.sources };
      } catch {
        // Rebuildable cache: start empty rather than fail.
      }
    }
    this.cache = data;
    return data;
  }

  async get(rawPath: string): Promise<CompiledSource | undefined> {
    return (await this.data()).sources[rawPath];
  }

  async all(): Promise<Record<string, CompiledSource>> {
    return { ...(await this.data()).sources };
  }

  async record(entries: Record<string, CompiledSource>): Promise<void> {
    const data = await this.data();
    Object.assign(data.sources, entries);
    await this.state.set(CompileState.KEY, JSON.stringify(data));
    this.emit();
  }

  async forget(rawPaths: string[]): Promise<void> {
    const data = await this.data();
    for (const p of rawPaths) delete data.sources[p];
    await this.state.set(CompileState.KEY, JSON.stringify(data));
    this.emit();
  }

  /** Drops the in-memory copy (another process, e.g. the CLI, may have written the file). */
  reload(): void {
    this.cache = undefined;
    this.emit();
  }

  /** Called after every change; returns the unsubscribe function. Lets the editor badge refresh. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
