import { Keymap, SuggestModal, type App } from 'obsidian';
import type { MeaningSearch, SearchMode, SectionHit, VaultIndex } from '../../core/search';
import { t } from '../../i18n/plugin';
import type { MessageKey } from '../../i18n';

export interface SearchModalOptions {
  /** The shared index, or null while it is still loading. */
  index: () => VaultIndex | null;
  /** Opens a result (the note, at its heading); `newTab` when Mod was held. */
  open: (hit: SectionHit, newTab: boolean) => Promise<void>;
  /** Search by words and meaning, when the vault has passage vectors; Tab then switches the mode. */
  meaning?: () => MeaningSearch | null;
}

const MODE_ORDER: SearchMode[] = ['hybrid', 'lexical', 'semantic'];
const MODE_LABEL = { hybrid: 'searchModal.mode.hybrid', lexical: 'searchModal.mode.lexical', semantic: 'searchModal.mode.semantic' } as const satisfies Record<SearchMode, MessageKey>;

/**
 * Full-text search over the vault: results as you type (one per note, its best section), the
 * matched words highlighted in the snippet, arrows to move, Enter to open at the heading,
 * Mod+Enter to open in a new tab. A thin view: the query syntax and ranking live in VaultIndex.
 */
export class SearchModal extends SuggestModal<SectionHit> {
  private readonly options: SearchModalOptions;
  /** How the query is matched when the vault has vectors (Tab switches); words only otherwise. */
  mode: SearchMode = 'hybrid';

  constructor(app: App, options: SearchModalOptions) {
    super(app);
    this.options = options;
    this.setPlaceholder(t('searchModal.placeholder'));
    this.showInstructions();
    this.limit = 30;
    this.modalEl.addClass('scriptorium-search-modal');
    // The modal's own Enter takes no modifiers: Mod+Enter (open in a new tab) needs its own binding.
    this.scope.register(['Mod'], 'Enter', (evt) => {
      this.selectActiveSuggestion(evt);
      return false;
    });
    this.scope.register([], 'Tab', () => {
      if (!this.meaningReady()) return true;
      this.mode = MODE_ORDER[(MODE_ORDER.indexOf(this.mode) + 1) % MODE_ORDER.length];
      this.showInstructions();
      // Searches again with the new mode, as typing would.
      this.inputEl.dispatchEvent(new Event('input'));
      return false;
    });
  }

  private meaningReady(): boolean {
    return this.options.meaning?.()?.meaningReady() === true;
  }

  private showInstructions(): void {
    this.setInstructions([
      { command: '↑↓', purpose: t('searchModal.navigate') },
      { command: '↵', purpose: t('searchModal.open') },
      { command: 'mod ↵', purpose: t('searchModal.openNewTab') },
      ...(this.meaningReady() ? [{ command: 'tab', purpose: t('searchModal.switch', { mode: t(MODE_LABEL[this.mode]) }) }] : []),
      { command: 'esc', purpose: t('searchModal.dismiss') },
    ]);
  }

  override async getSuggestions(query: string): Promise<SectionHit[]> {
    const index = this.options.index();
    if (!index) {
      this.emptyStateText = t('searchModal.loading');
      return [];
    }
    this.emptyStateText = query.trim() === '' ? t('searchModal.typeToSearch') : t('searchModal.noResults');
    if (query.trim() === '') return [];
    // Search as you type: the last word is completed while it is being typed.
    const meaning = this.options.meaning?.() ?? null;
    if (meaning && meaning.meaningReady() && this.mode !== 'lexical') return meaning.search(query, { limit: 30, notes: true, prefix: true, mode: this.mode });
    return index.search(query, { limit: 30, notes: true, prefix: true });
  }

  override renderSuggestion(hit: SectionHit, el: HTMLElement): void {
    el.addClass('scriptorium-search-result');
    const head = el.createDiv({ cls: 'scriptorium-search-title' });
    head.createSpan({ text: hit.title });
    if (hit.heading) head.createSpan({ cls: 'scriptorium-search-heading', text: ` › ${hit.heading}` });
    el.createDiv({ cls: 'scriptorium-search-path', text: hit.path });
    renderMarked(el.createDiv({ cls: 'scriptorium-search-snippet' }), hit.snippet);
  }

  override onChooseSuggestion(hit: SectionHit, evt: MouseEvent | KeyboardEvent): void {
    void this.options.open(hit, Keymap.isModEvent(evt) !== false);
  }
}

/** Renders `**word**` marks from the index's snippets as highlighted spans, without HTML parsing. */
export function renderMarked(el: HTMLElement, snippet: string): void {
  const parts = snippet.split('**');
  parts.forEach((part, i) => {
    if (part === '') return;
    if (i % 2 === 1 && i < parts.length - 1) el.createSpan({ cls: 'scriptorium-search-match', text: part });
    else el.appendText(part);
  });
}
