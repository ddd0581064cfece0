import { ItemView, type TFile, type WorkspaceLeaf } from 'obsidian';
import type { RelatedNote } from '../../core/search/vectors';
import { openingWords } from '../../core/search/vectors';
import type { SemanticState } from './semantic-index';
import { t } from '../../i18n/plugin';

export const RELATED_VIEW_TYPE = 'scriptorium-related';

export interface RelatedViewDeps {
  /** The note whose related notes are shown (the active note), or null. */
  activeFile: () => TFile | null;
  /** Related notes of `path` from stored vectors (no model call). */
  related: (path: string) => RelatedNote[];
  /** Why there may be nothing to show. */
  state: () => SemanticState;
  /** Whether the note's stored vectors are current (same mtime and size) and complete. */
  current: (file: TFile) => boolean;
  title: (path: string) => string;
  read: (path: string) => Promise<string>;
  /** Opens a note at a 1-based line; `newTab` for Mod-click. */
  open: (path: string, line: number, newTab: boolean) => Promise<void>;
  /** Starts building vectors now (asks first when none exist). */
  build: () => void;
}

/**
 * "Related notes": the notes closest in meaning to the active note, each with the passage that
 * makes it related and the passage of the active note it is closest to. Instant: from stored
 * vectors, never a model call; it redraws when the active note or the vectors change.
 */
export class RelatedView extends ItemView {
  private readonly deps: RelatedViewDeps;
  private statusEl!: HTMLElement;
  private listEl!: HTMLElement;
  private generation = 0;
  /** The rendered note and what was shown, for tests. */
  shown: { path: string | null; related: RelatedNote[]; status: string } = { path: null, related: [], status: '' };

  constructor(leaf: WorkspaceLeaf, deps: RelatedViewDeps) {
    super(leaf);
    this.deps = deps;
    this.navigation = false;
  }

  getViewType(): string {
    return RELATED_VIEW_TYPE;
  }

  getDisplayText(): string {
    return t('related.title');
  }

  override getIcon(): string {
    return 'waypoints';
  }

  override async onOpen(): Promise<void> {
    const root = this.contentEl;
    root.empty();
    root.addClass('scriptorium-related-view');
    this.statusEl = root.createDiv({ cls: 'scriptorium-related-status', attr: { 'aria-live': 'polite' } });
    this.listEl = root.createDiv({ cls: 'scriptorium-related-list' });
    this.registerEvent(this.app.workspace.on('file-open', () => void this.refresh()));
    this.registerEvent(this.app.workspace.on('active-leaf-change', () => void this.refresh()));
    await this.refresh();
  }

  /** Draws the related notes of the active note again. */
  async refresh(): Promise<void> {
    if (!this.statusEl) return;
    const generation = ++this.generation;
    const file = this.deps.activeFile();
    const state = this.deps.state();
    this.listEl.empty();
    const say = (text: string, action?: { label: string; run: () => void }) => {
      this.statusEl.setText(text);
      if (action) {
        const button = this.statusEl.createEl('button', { text: action.label, cls: 'scriptorium-related-action' });
        button.addEventListener('click', action.run);
      }
      this.shown = { path: file?.path ?? null, related: [], status: text };
    };
    if (state.kind === 'off') return say(t('related.off'));
    if (!file || file.extension !== 'md') return say(t('related.openNote'));
    if (state.kind === 'loading') return say(t('related.loading'));
    const related = this.deps.related(file.path);
    if (related.length === 0) {
      if (state.kind === 'declined') return say(t('related.noVectors'), { label: t('related.build'), run: () => this.deps.build() });
      if (state.kind === 'failed') return say(t('related.buildFailed', { error: state.message }), { label: t('related.tryAgain'), run: () => this.deps.build() });
      return say(this.deps.current(file) ? t('related.none') : t('related.building'));
    }
    const title = this.deps.title(file.path);
    this.statusEl.setText(this.deps.current(file) ? t('related.relatedTo', { title }) : t('related.relatedToStale', { title }));
    this.shown = { path: file.path, related, status: this.statusEl.getText() };
    for (const r of related) {
      const row = this.listEl.createDiv({ cls: 'scriptorium-related-item tree-item' });
      const head = row.createDiv({ cls: 'scriptorium-related-title tree-item-self is-clickable' });
      head.createSpan({ text: this.deps.title(r.path) });
      head.createSpan({ cls: 'scriptorium-related-score', text: r.score.toFixed(2), attr: { 'aria-label': t('related.similarity') } });
      const passage = row.createDiv({ cls: 'scriptorium-related-passage' });
      if (r.passage.heading) passage.createDiv({ cls: 'scriptorium-related-heading', text: r.passage.heading });
      const snippet = passage.createDiv({ cls: 'scriptorium-related-snippet' });
      const from = r.from.heading ?? t('related.lines', { from: r.from.line, to: r.from.endLine });
      row.createDiv({ cls: 'scriptorium-related-from', text: t('related.closeTo', { part: from }) });
      const go = (event: MouseEvent, line: number) => void this.deps.open(r.path, line, event.ctrlKey || event.metaKey || event.button === 1);
      head.addEventListener('click', (event) => go(event, 1));
      passage.addEventListener('click', (event) => go(event, r.passage.line));
      void this.deps.read(r.path).then(
        (text) => {
          if (generation === this.generation) snippet.setText(openingWords(text, r.passage.line, r.passage.endLine));
        },
        () => undefined,
      );
    }
  }
}
