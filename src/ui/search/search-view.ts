import { ItemView, Keymap, type WorkspaceLeaf } from 'obsidian';
import type { MeaningSearch, SearchMode, SectionHit, VaultIndex } from '../../core/search';
import { isEmptyQuery, parseQuery } from '../../core/search/query-parser';
import { renderMarked } from './search-modal';
import { t } from '../../i18n/plugin';
import { joinSentences, type MessageKey } from '../../i18n';

export const SEARCH_VIEW_TYPE = 'scriptorium-search';

/** What the view needs from the shared index (a `VaultIndex`; never one of its own). */
export type SearchViewIndex = Pick<VaultIndex, 'search' | 'stats' | 'paths' | 'note'>;

export interface SearchViewDeps {
  /** The plugin's shared index, or null while its cache is loading. */
  index: () => SearchViewIndex | null;
  /** Opens a result's note at its first line; `newTab` when Mod was held or the middle button used. */
  open: (hit: SectionHit, newTab: boolean) => Promise<void>;
  /** Quiet time after a keystroke before searching. Default 150 ms. */
  debounceMs?: number;
  /** How often the view looks again while the index loads or catches up with the vault. Default 1000 ms. */
  retryMs?: number;
  /** Search by words and meaning, when the vault has passage vectors; absent or null: words only (no mode list shown). */
  meaning?: () => MeaningSearch | null;
}

/** The mode list's choices: hybrid first (the default once vectors exist). */
const MODES: [SearchMode, MessageKey][] = [
  ['hybrid', 'searchView.mode.hybrid'],
  ['lexical', 'searchView.mode.lexical'],
  ['semantic', 'searchView.mode.semantic'],
];

/** Sections asked of the index per search; grouped by note on screen. */
const SECTION_LIMIT = 80;
/** A query with only filters lists notes, one row each. */
const NOTE_LIMIT = 100;
/** Passages shown per note before "N more". */
const PASSAGES_SHOWN = 3;
/** The folder and tag lists are refreshed when opened if older than this. */
const FILTERS_FRESH_MS = 5000;
/** Longest stretch the filter lists' walk over the notes runs before yielding. */
const SLICE_MS = 8;

/** The query syntax, as `query-parser.ts` reads it: shown under "?". */
const SYNTAX: [string, MessageKey][] = [
  ['sourdough starter', 'searchView.syntax.words'],
  ['"wild yeast"', 'searchView.syntax.phrase'],
  ['-rye  -"whole wheat"', 'searchView.syntax.exclude'],
  ['tag:recipe', 'searchView.syntax.tag'],
  ['folder:wiki', 'searchView.syntax.folder'],
  ['path:2024', 'searchView.syntax.path'],
  ['ferm', 'searchView.syntax.prefix'],
];

interface NoteGroup {
  path: string;
  title: string;
  hits: SectionHit[];
}

type Status = { kind: 'loading' | 'indexing' | 'empty-index' | 'idle' | 'bad-query' | 'no-results' | 'error' | 'results'; text: string };

/**
 * Search in a sidebar, like Obsidian's own search pane: a query box searched as you type (the
 * last word completes as a prefix), folder and tag filters, the query syntax under "?", and
 * results grouped by note — the note's title and path, then its best passages with their heading
 * and a snippet. A click (or ↑/↓ and Enter from the query box) opens the note at the passage's
 * line; Mod-click, Mod+Enter or the middle button open it in a new tab. Uses the plugin's shared
 * index and says so while it is loading, empty, catching up, or when a query has nothing to find.
 */
export class SearchView extends ItemView {
  private readonly deps: SearchViewDeps;
  private inputEl!: HTMLInputElement;
  private folderEl!: HTMLSelectElement;
  private tagEl!: HTMLSelectElement;
  private modeEl!: HTMLSelectElement;
  private helpEl!: HTMLElement;
  private helpButton!: HTMLElement;
  private statusEl!: HTMLElement;
  private resultsEl!: HTMLElement;
  /** Passage rows in display order, for the arrow keys. */
  private rows: { el: HTMLElement; hit: SectionHit }[] = [];
  private selected = -1;
  /** Notes whose passages beyond the first few are shown. */
  private readonly expanded = new Set<string>();
  private groups: NoteGroup[] = [];
  private shownKey = '';
  /** When the folder and tag lists were last filled from the index (0: not yet), and whether a fill runs. */
  private filtersAt = 0;
  private filling = false;
  private closed = false;
  private timer: number | null = null;
  private retry: number | null = null;
  /** Bumped per search, so a slow search never replaces a newer one's results. */
  private generation = 0;
  /** The last search's outcome, for tests and for the view's own status line. */
  status: Status = { kind: 'idle', text: '' };

  constructor(leaf: WorkspaceLeaf, deps: SearchViewDeps) {
    super(leaf);
    this.deps = deps;
    this.navigation = false;
  }

  getViewType(): string {
    return SEARCH_VIEW_TYPE;
  }

  getDisplayText(): string {
    return t('searchView.title');
  }

  override getIcon(): string {
    return 'text-search';
  }

  override async onOpen(): Promise<void> {
    const root = this.contentEl;
    root.empty();
    root.addClass('scriptorium-search-view');

    const top = root.createDiv({ cls: 'scriptorium-search-view-top' });
    const row = top.createDiv({ cls: 'scriptorium-search-view-query' });
    const box = row.createDiv({ cls: 'search-input-container scriptorium-search-view-input' });
    this.inputEl = box.createEl('input', {
      attr: { type: 'search', placeholder: t('searchView.placeholder'), 'aria-label': t('searchView.queryLabel'), spellcheck: 'false', enterkeyhint: 'search' },
    });
    this.helpButton = row.createEl('button', {
      cls: 'clickable-icon scriptorium-search-view-help-toggle',
      text: '?',
      attr: { 'aria-label': t('searchView.syntaxLabel'), 'aria-expanded': 'false' },
    });
    this.registerDomEvent(this.helpButton, 'click', () => this.toggleHelp());

    const filters = top.createDiv({ cls: 'scriptorium-search-view-filters' });
    this.folderEl = filters.createEl('select', { cls: 'dropdown scriptorium-search-view-folder', attr: { 'aria-label': t('searchView.folderLabel') } });
    this.tagEl = filters.createEl('select', { cls: 'dropdown scriptorium-search-view-tag', attr: { 'aria-label': t('searchView.tagLabel') } });
    fillSelect(this.folderEl, t('searchView.allFolders'), [], (f) => `${f}/`);
    fillSelect(this.tagEl, t('searchView.allTags'), [], (tag) => `#${tag}`);
    // Shown only once the vault has passage vectors (search by meaning on and built).
    this.modeEl = filters.createEl('select', { cls: 'dropdown scriptorium-search-view-mode scriptorium-is-hidden', attr: { 'aria-label': t('searchView.modeLabel') } });
    for (const [value, label] of MODES) this.modeEl.createEl('option', { value, text: t(label) });
    this.registerDomEvent(this.modeEl, 'change', () => this.searchNow());
    for (const select of [this.folderEl, this.tagEl]) {
      // The lists follow the index: a list older than a few seconds is refreshed in the background
      // when one is about to open (the next opening shows the refreshed list).
      this.registerDomEvent(select, 'focus', () => this.refreshFiltersIfOld());
      this.registerDomEvent(select, 'pointerdown', () => this.refreshFiltersIfOld());
      this.registerDomEvent(select, 'change', () => this.searchNow());
    }

    this.helpEl = top.createDiv({ cls: 'scriptorium-search-view-help scriptorium-is-hidden' });
    this.renderHelp();

    this.statusEl = root.createDiv({ cls: 'scriptorium-search-view-status', attr: { 'aria-live': 'polite' } });
    this.resultsEl = root.createDiv({ cls: 'scriptorium-search-view-results', attr: { role: 'listbox', 'aria-label': t('searchView.resultsLabel') } });

    this.registerDomEvent(this.inputEl, 'input', () => this.schedule());
    this.registerDomEvent(this.inputEl, 'keydown', (evt) => this.onKeyDown(evt));
    this.registerDomEvent(this.resultsEl, 'click', (evt) => this.onResultsClick(evt));
    this.registerDomEvent(this.resultsEl, 'auxclick', (evt) => {
      if (evt.button === 1) this.onResultsClick(evt);
    });
    await this.run();
    await this.refreshFilters();
  }

  override async onClose(): Promise<void> {
    this.closed = true;
    this.generation++;
    this.clearTimers();
    await Promise.resolve();
  }

  /** Puts the cursor in the query box (the "Open search view" command does it). */
  focusInput(): void {
    this.inputEl.focus();
  }

  /** Sets the query and searches at once (no debounce). */
  async setQuery(query: string): Promise<void> {
    this.inputEl.value = query;
    await this.run();
  }

  /** Runs the current query now; resolves once its results are on screen. */
  searchNow(): Promise<void> {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    return this.run();
  }

  private schedule(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.deps.debounceMs ?? 150);
  }

  private clearTimers(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    if (this.retry !== null) window.clearTimeout(this.retry);
    this.timer = null;
    this.retry = null;
  }

  /** Looks again later: while the index loads, or while it is still catching up with the vault. */
  private retryLater(): void {
    if (this.retry !== null) return;
    this.retry = window.setTimeout(() => {
      this.retry = null;
      void this.run();
    }, this.deps.retryMs ?? 1000);
  }

  // ── searching ──────────────────────────────────────────────────────────────

  private async run(): Promise<void> {
    const generation = ++this.generation;
    const input = this.inputEl.value;
    const folder = this.folderEl.value;
    const tag = this.tagEl.value;
    const index = this.deps.index();
    if (!index) {
      this.show({ kind: 'loading', text: t('searchView.loading') }, []);
      this.retryLater();
      return;
    }
    // The filter lists are filled once the index is there (it may have been loading at open).
    if (this.filtersAt === 0) void this.refreshFilters();
    const stats = index.stats();
    const catchingUp = stats.syncedAt === null;
    if (catchingUp) this.retryLater();
    if (stats.notes === 0) {
      this.show(
        catchingUp
          ? { kind: 'indexing', text: t('searchView.indexing') }
          : { kind: 'empty-index', text: t('searchView.emptyIndex') },
        [],
      );
      return;
    }
    const parsed = parseQuery(input);
    const filtered = folder !== '' || tag !== '';
    if (input.trim() === '' && !filtered) {
      this.show({ kind: 'idle', text: t('searchView.idle') }, []);
      return;
    }
    if (isEmptyQuery(parsed) && !filtered) {
      const onlyExclusions = parsed.excludedWords.length + parsed.excludedPhrases.length + parsed.excludedPaths.length + parsed.excludedTags.length > 0;
      this.show(
        {
          kind: 'bad-query',
          text: onlyExclusions
            ? t('searchView.onlyExclusions')
            : t('searchView.needsValue'),
        },
        [],
      );
      return;
    }
    // The tag filter goes first so the last word typed is still the one that completes.
    const query = tag !== '' ? `tag:"${tag}" ${input}` : input;
    const filterOnly = parsed.words.length === 0 && parsed.phrases.length === 0;
    const meaning = this.deps.meaning?.() ?? null;
    const meaningReady = meaning !== null && meaning.meaningReady();
    this.modeEl.toggleClass('scriptorium-is-hidden', !meaningReady);
    const mode = meaningReady ? (this.modeEl.value as SearchMode) : 'lexical';
    let hits: SectionHit[];
    try {
      hits = await (mode === 'lexical' || !meaning ? index : meaning).search(query, {
        limit: filterOnly ? NOTE_LIMIT : SECTION_LIMIT,
        notes: filterOnly,
        folder: folder === '' ? undefined : folder,
        prefix: true,
        ...(mode === 'lexical' ? {} : { mode }),
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.show({ kind: 'error', text: t('searchView.failed', { error: error instanceof Error ? error.message : String(error) }) }, []);
      return;
    }
    if (generation !== this.generation) return;
    if (hits.length === 0) {
      const where = [folder !== '' ? t('searchView.where.folder', { folder }) : '', tag !== '' ? t('searchView.where.tag', { tag }) : ''].filter((s) => s !== '').join(t('plan.count.separator'));
      this.show({ kind: 'no-results', text: where ? t('searchView.noResultsWhere', { where }) : t('searchView.noResults') }, []);
      return;
    }
    const groups = groupByNote(hits);
    const best = hits.length >= (filterOnly ? NOTE_LIMIT : SECTION_LIMIT);
    const notes = groups.length === 1 ? t('count.notes.one') : t('count.notes.other', { count: groups.length.toLocaleString() });
    const passages = hits.length === 1 ? t('count.passages.one') : t('count.passages.other', { count: hits.length.toLocaleString() });
    const counts = filterOnly
      ? t(best ? 'searchView.results.notesBest' : 'searchView.results.notes', { notes })
      : t(best ? 'searchView.results.passagesBest' : 'searchView.results.passages', { passages, notes });
    this.show({ kind: 'results', text: joinSentences([counts, catchingUp ? t('searchView.partial') : '']) }, groups);
  }

  // ── rendering ──────────────────────────────────────────────────────────────

  private show(status: Status, groups: NoteGroup[]): void {
    // Looking again while the index catches up mostly finds the same: leave the list (and its scroll) alone.
    const key = JSON.stringify([status, groups.map((g) => g.hits.map((h) => [h.path, h.line, h.snippet]))]);
    if (key === this.shownKey) return;
    this.shownKey = key;
    const keep = this.rows[this.selected]?.hit;
    this.status = status;
    this.statusEl.setText(status.text);
    this.statusEl.toggleClass('scriptorium-search-view-problem', status.kind === 'bad-query' || status.kind === 'error');
    this.groups = groups;
    this.renderResults();
    // A refresh while the index catches up keeps the passage the arrows were on.
    const again = keep ? this.rows.findIndex((r) => r.hit.path === keep.path && r.hit.line === keep.line) : -1;
    this.select(again);
  }

  private renderResults(): void {
    this.resultsEl.empty();
    this.rows = [];
    for (const group of this.groups) {
      const noteEl = this.resultsEl.createDiv({ cls: 'scriptorium-search-view-note' });
      const head = noteEl.createDiv({ cls: 'scriptorium-search-view-note-head', attr: { 'data-path': group.path } });
      head.createDiv({ cls: 'scriptorium-search-view-note-title', text: group.title });
      head.createDiv({ cls: 'scriptorium-search-view-note-path', text: group.path });
      const open = this.expanded.has(group.path);
      const shown = open ? group.hits : group.hits.slice(0, PASSAGES_SHOWN);
      for (const hit of shown) {
        const i = this.rows.length;
        const el = noteEl.createDiv({ cls: 'scriptorium-search-view-passage', attr: { role: 'option', 'aria-selected': 'false', 'data-row': String(i) } });
        const meta = el.createDiv({ cls: 'scriptorium-search-view-passage-meta' });
        const trail = hit.trail && hit.trail.length > 0 ? hit.trail.join(' › ') : hit.heading;
        meta.createSpan({ cls: 'scriptorium-search-view-passage-heading', text: trail ?? t('searchView.beginning') });
        meta.createSpan({ cls: 'scriptorium-search-view-passage-line', text: hit.endLine > hit.line ? t('related.lines', { from: hit.line, to: hit.endLine }) : t('searchView.line', { line: hit.line }) });
        renderMarked(el.createDiv({ cls: 'scriptorium-search-snippet' }), hit.snippet);
        this.rows.push({ el, hit });
      }
      if (group.hits.length > PASSAGES_SHOWN) {
        const rest = group.hits.length - PASSAGES_SHOWN;
        noteEl.createEl('button', {
          cls: 'scriptorium-search-view-more',
          text: open ? t('searchView.fewer') : rest === 1 ? t('searchView.more.one') : t('searchView.more.other', { count: rest.toLocaleString() }),
          attr: { 'data-toggle': group.path },
        });
      }
    }
  }

  private renderHelp(): void {
    this.helpEl.createDiv({ cls: 'scriptorium-search-view-help-title', text: t('searchView.syntaxLabel') });
    const list = this.helpEl.createEl('dl', { cls: 'scriptorium-search-view-syntax' });
    for (const [example, meaning] of SYNTAX) {
      list.createEl('dt').createEl('code', { text: example });
      list.createEl('dd', { text: t(meaning) });
    }
    this.helpEl.createDiv({ cls: 'scriptorium-muted', text: t('searchView.keys') });
  }

  private toggleHelp(): void {
    const hidden = this.helpEl.hasClass('scriptorium-is-hidden');
    this.helpEl.toggleClass('scriptorium-is-hidden', !hidden);
    this.helpButton.setAttr('aria-expanded', hidden ? 'true' : 'false');
    this.helpButton.toggleClass('is-active', hidden);
  }

  private refreshFiltersIfOld(): void {
    if (Date.now() - this.filtersAt > FILTERS_FRESH_MS) void this.refreshFilters();
  }

  /**
   * Fills the folder and tag lists from the index, keeping the current choices. Walks every note,
   * so it yields every few milliseconds: at 10k notes the walk took 28–71 ms on a loaded machine,
   * over the 50 ms the plugin may block.
   */
  private async refreshFilters(): Promise<void> {
    const index = this.deps.index();
    if (!index || this.filling) return;
    this.filling = true;
    try {
      const folders = new Set<string>();
      const tags = new Set<string>();
      const paths = index.paths();
      let sliceStart = Date.now();
      for (let i = 0; i < paths.length; i++) {
        const path = paths[i];
        for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) folders.add(path.slice(0, slash));
        for (const t of index.note(path)?.tags ?? []) {
          // A nested tag also stands for its parents, as tag: matches them.
          for (let slash = t.indexOf('/'); slash !== -1; slash = t.indexOf('/', slash + 1)) tags.add(t.slice(0, slash));
          tags.add(t);
        }
        if ((i & 127) === 127 && Date.now() - sliceStart >= SLICE_MS) {
          await new Promise<void>((resolve) => window.setTimeout(resolve, 0));
          if (this.closed) return;
          sliceStart = Date.now();
        }
      }
      fillSelect(this.folderEl, t('searchView.allFolders'), [...folders].sort((a, b) => a.localeCompare(b)), (f) => `${f}/`);
      fillSelect(this.tagEl, t('searchView.allTags'), [...tags].sort((a, b) => a.localeCompare(b)), (tag) => `#${tag}`);
      this.filtersAt = Date.now();
    } finally {
      this.filling = false;
    }
  }

  // ── keys and clicks ────────────────────────────────────────────────────────

  private onKeyDown(evt: KeyboardEvent): void {
    if (evt.isComposing) return;
    if (evt.key === 'ArrowDown' || evt.key === 'ArrowUp') {
      if (this.rows.length === 0) return;
      evt.preventDefault();
      const step = evt.key === 'ArrowDown' ? 1 : -1;
      const next = this.selected === -1 ? (step === 1 ? 0 : this.rows.length - 1) : (this.selected + step + this.rows.length) % this.rows.length;
      this.select(next);
      return;
    }
    if (evt.key === 'Enter') {
      evt.preventDefault();
      // Enter before the debounce has run searches first, then opens the best passage.
      const pending = this.timer !== null ? this.searchNow() : Promise.resolve();
      void pending.then(() => {
        const row = this.rows[this.selected === -1 ? 0 : this.selected];
        if (row) void this.deps.open(row.hit, Keymap.isModEvent(evt) !== false);
      });
    }
  }

  private onResultsClick(evt: MouseEvent): void {
    const target = evt.target instanceof HTMLElement ? evt.target : null;
    if (!target) return;
    const newTab = evt.button === 1 || Keymap.isModEvent(evt) !== false;
    const toggle = target.closest<HTMLElement>('[data-toggle]');
    if (toggle) {
      const path = toggle.dataset.toggle ?? '';
      if (this.expanded.has(path)) this.expanded.delete(path);
      else this.expanded.add(path);
      const keep = this.rows[this.selected]?.hit;
      this.renderResults();
      this.select(keep ? this.rows.findIndex((r) => r.hit === keep) : -1);
      return;
    }
    const passage = target.closest<HTMLElement>('[data-row]');
    if (passage) {
      const i = Number(passage.dataset.row);
      const row = this.rows[i];
      if (!row) return;
      this.select(i);
      void this.deps.open(row.hit, newTab);
      return;
    }
    const head = target.closest<HTMLElement>('[data-path]');
    const group = head ? this.groups.find((g) => g.path === head.dataset.path) : undefined;
    // The note's title opens the note at its top.
    if (group) void this.deps.open({ ...group.hits[0], heading: null, line: 1, endLine: 1 }, newTab);
  }

  private select(i: number): void {
    this.selected = i >= 0 && i < this.rows.length ? i : -1;
    this.rows.forEach((r, j) => {
      const on = j === this.selected;
      r.el.toggleClass('is-selected', on);
      r.el.setAttr('aria-selected', on ? 'true' : 'false');
    });
    const el = this.rows[this.selected]?.el;
    if (el && typeof el.scrollIntoView === 'function') el.scrollIntoView({ block: 'nearest' });
  }
}

/** Sections in rank order → notes in the order of their best section, passages in rank order. */
export function groupByNote(hits: SectionHit[]): NoteGroup[] {
  const byPath = new Map<string, NoteGroup>();
  for (const hit of hits) {
    let group = byPath.get(hit.path);
    if (!group) {
      group = { path: hit.path, title: hit.title, hits: [] };
      byPath.set(hit.path, group);
    }
    group.hits.push(hit);
  }
  return [...byPath.values()];
}

function fillSelect(select: HTMLSelectElement, all: string, values: string[], label: (v: string) => string): void {
  const current = select.value;
  select.empty();
  select.createEl('option', { text: all, value: '' });
  for (const v of values) select.createEl('option', { text: label(v), value: v });
  // A choice that left the index (its last note deleted) stays chosen until changed.
  if (current !== '' && !values.includes(current)) select.createEl('option', { text: label(current), value: current });
  select.value = current;
}
