/** @jest-environment jsdom */
import '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Plugin as MockPlugin, WorkspaceLeaf } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Command, OpenViewState, Plugin, PluginManifest, TFile, ViewCreator } from 'obsidian';
import { WikiWriter } from '../../../src/core/plan';
import { systemClock } from '../../../src/core/ports/clock';
import { VaultIndex, type SectionHit } from '../../../src/core/search';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import type { PluginContext } from '../../../src/obsidian/plugin-context';
import { registerSearch } from '../../../src/ui/search/register-search';
import { groupByNote, SEARCH_VIEW_TYPE, SearchView, type SearchViewDeps } from '../../../src/ui/search/search-view';
import { TaskRunner } from '../../../src/ui/task-runner';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

beforeAll(() => setup());

const NOTES: Record<string, string> = {
  'wiki/Fermentation.md': [
    '---',
    'tags: [baking/bread]',
    '---',
    '# Fermentation',
    'Bulk fermentation is the first rise, from mixing to shaping.',
    '## Temperature',
    'Every 2 °C warmer shortens fermentation by about a quarter.',
    '## Signs',
    'When fermentation is done the dough has grown by half.',
    '## Retarding',
    'Cold fermentation in the fridge slows the yeast and deepens the flavour.',
    '## Timing',
    'Plan fermentation around your day: a fridge retard gives you freedom.',
  ].join('\n'),
  'raw/Starter.md': ['# Starter', 'A starter is flour and water, fed daily. #starter', 'Its fermentation smells of yoghurt.'].join('\n'),
  'raw/deep/Rye.md': ['# Rye', 'Rye ferments fast; fermentation of rye needs an acid starter. #baking', 'A draft note.'].join('\n'),
  'journal/2024.md': ['# 2024', 'Nothing about bread here.'].join('\n'),
};

async function sharedIndex(notes = NOTES): Promise<VaultIndex> {
  const index = new VaultIndex({ vault: new MemoryVault(notes), state: new MemoryStateStore() });
  await index.sync();
  return index;
}

interface Opened {
  path: string;
  line: number;
  newTab: boolean;
}

async function openView(deps: Partial<SearchViewDeps> & Pick<SearchViewDeps, 'index'>) {
  const app = App.createConfigured__();
  const leaf = WorkspaceLeaf.create2__(app);
  const opened: Opened[] = [];
  const view = new SearchView(leaf.asOriginalType3__(), {
    open: (hit, newTab) => Promise.resolve(void opened.push({ path: hit.path, line: hit.line, newTab })),
    debounceMs: 20,
    retryMs: 20,
    ...deps,
  });
  view.load();
  await view.onOpen();
  return { view, opened };
}

const q = (view: SearchView, selector: string) => view.contentEl.querySelector<HTMLElement>(selector);
const all = (view: SearchView, selector: string) => [...view.contentEl.querySelectorAll<HTMLElement>(selector)];
const input = (view: SearchView) => q(view, 'input[type="search"]') as HTMLInputElement;
const texts = (view: SearchView, selector: string) => all(view, selector).map((el) => el.textContent ?? '');
const statusText = (view: SearchView) => q(view, '.scriptorium-search-view-status')?.textContent ?? '';

function type(view: SearchView, text: string): void {
  const el = input(view);
  el.value = text;
  el.dispatchEvent(new Event('input'));
}

function press(view: SearchView, key: string, init: KeyboardEventInit = {}): void {
  input(view).dispatchEvent(new KeyboardEvent('keydown', { key, cancelable: true, ...init }));
}

function choose(select: HTMLSelectElement, value: string): void {
  select.dispatchEvent(new Event('focus'));
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SearchView: results', () => {
  it('groups passages by note: title and path, then each passage with its heading, lines and highlighted snippet', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    await view.setQuery('fermentation');
    expect(view.status.kind).toBe('results');
    const notes = all(view, '.scriptorium-search-view-note');
    expect(texts(view, '.scriptorium-search-view-note-path').sort()).toEqual(['raw/Starter.md', 'raw/deep/Rye.md', 'wiki/Fermentation.md']);
    // The note with the most to say comes first, its passages under it.
    const first = notes[0];
    expect(first.querySelector('.scriptorium-search-view-note-title')?.textContent).toBe('Fermentation');
    expect(first.querySelector('.scriptorium-search-view-note-path')?.textContent).toBe('wiki/Fermentation.md');
    const headings = [...first.querySelectorAll('.scriptorium-search-view-passage-heading')].map((el) => el.textContent);
    expect(headings).toHaveLength(3);
    for (const h of headings) expect(['Fermentation', 'Temperature', 'Signs', 'Retarding', 'Timing']).toContain(h);
    const lines = [...first.querySelectorAll('.scriptorium-search-view-passage-line')].map((el) => el.textContent);
    for (const l of lines) expect(l).toMatch(/^lines? \d+(–\d+)?$/);
    const marks = [...first.querySelectorAll('.scriptorium-search-match')].map((el) => el.textContent?.toLowerCase());
    expect(marks.length).toBeGreaterThanOrEqual(3);
    expect(marks.every((m) => m === 'fermentation')).toBe(true);
    // Five passages in that note: three shown, the rest behind a button.
    const more = first.querySelector('.scriptorium-search-view-more') as HTMLElement;
    expect(more.textContent).toBe('2 more passages in this note');
    expect(statusText(view)).toMatch(/^7 passages in 3 notes\.$/);
    more.click();
    expect(view.contentEl.querySelectorAll('.scriptorium-search-view-note')[0].querySelectorAll('.scriptorium-search-view-passage')).toHaveLength(5);
    expect(q(view, '.scriptorium-search-view-more')?.textContent).toBe('Fewer passages');
  });

  it('groupByNote keeps notes in the order of their best passage and passages in rank order', () => {
    const hit = (path: string, line: number): SectionHit => ({ path, title: path, heading: null, line, endLine: line, score: 1, snippet: '' });
    const groups = groupByNote([hit('b.md', 5), hit('a.md', 1), hit('b.md', 2), hit('c.md', 9), hit('a.md', 7)]);
    expect(groups.map((g) => [g.path, g.hits.map((h) => h.line)])).toEqual([
      ['b.md', [5, 2]],
      ['a.md', [1, 7]],
      ['c.md', [9]],
    ]);
  });

  it('searches as you type, once typing pauses, completing the last word', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    type(view, 'ferm');
    // Not before the pause.
    expect(view.status.kind).toBe('idle');
    await until(() => view.status.kind === 'results', 'the results after the pause');
    expect(texts(view, '.scriptorium-search-view-note-path')).toContain('wiki/Fermentation.md');
    // A word followed by a space is whole: "ferm " is no prefix, and nothing has that word.
    type(view, 'ferm ');
    await until(() => view.status.kind === 'no-results', 'no results for a whole word');
    expect(statusText(view)).toBe('No results.');
  });
});

describe('SearchView: filters and help', () => {
  it('lists the folders and tags of the indexed notes, nested ones with their parents', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    const folder = q(view, 'select.scriptorium-search-view-folder') as HTMLSelectElement;
    const tag = q(view, 'select.scriptorium-search-view-tag') as HTMLSelectElement;
    expect([...folder.options].map((o) => [o.value, o.text])).toEqual([
      ['', 'All folders'],
      ['journal', 'journal/'],
      ['raw', 'raw/'],
      ['raw/deep', 'raw/deep/'],
      ['wiki', 'wiki/'],
    ]);
    expect([...tag.options].map((o) => o.value)).toEqual(['', 'baking', 'baking/bread', 'starter']);
  });

  it('narrows results to the chosen folder and tag, and says so when nothing is left', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    const folder = q(view, 'select.scriptorium-search-view-folder') as HTMLSelectElement;
    const tag = q(view, 'select.scriptorium-search-view-tag') as HTMLSelectElement;
    input(view).value = 'fermentation';
    choose(folder, 'raw');
    await until(() => view.status.kind === 'results' && texts(view, '.scriptorium-search-view-note-path').length === 2, 'the folder filter');
    expect(texts(view, '.scriptorium-search-view-note-path').sort()).toEqual(['raw/Starter.md', 'raw/deep/Rye.md']);
    // #baking also covers #baking/bread, which is outside raw/: only Rye is both.
    choose(tag, 'baking');
    await until(() => texts(view, '.scriptorium-search-view-note-path').length === 1, 'the tag filter');
    expect(texts(view, '.scriptorium-search-view-note-path')).toEqual(['raw/deep/Rye.md']);
    choose(tag, 'starter');
    choose(folder, 'wiki');
    await until(() => view.status.kind === 'no-results', 'no results');
    expect(statusText(view)).toBe('No results in wiki/, tagged #starter.');
  });

  it('lists every note of a folder or tag when there are no words, one row each', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    choose(q(view, 'select.scriptorium-search-view-tag') as HTMLSelectElement, 'baking');
    await until(() => view.status.kind === 'results', 'the tagged notes');
    expect(texts(view, '.scriptorium-search-view-note-path').sort()).toEqual(['raw/deep/Rye.md', 'wiki/Fermentation.md']);
    expect(all(view, '.scriptorium-search-view-passage')).toHaveLength(2);
    expect(statusText(view)).toBe('2 notes.');
  });

  it('takes typed folder: and tag: as the query syntax says', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    await view.setQuery('folder:raw tag:starter fermentation');
    expect(texts(view, '.scriptorium-search-view-note-path')).toEqual(['raw/Starter.md']);
    await view.setQuery('fermentation -draft');
    expect(texts(view, '.scriptorium-search-view-note-path')).not.toContain('raw/deep/Rye.md');
  });

  it('shows and hides the query syntax under "?"', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    const help = q(view, '.scriptorium-search-view-help') as HTMLElement;
    const button = q(view, '.scriptorium-search-view-help-toggle') as HTMLElement;
    expect(button.textContent).toBe('?');
    expect(help.hasClass('scriptorium-is-hidden')).toBe(true);
    button.click();
    expect(help.hasClass('scriptorium-is-hidden')).toBe(false);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const examples = [...help.querySelectorAll('dt code')].map((el) => el.textContent ?? '');
    for (const op of ['"', '-', 'tag:', 'folder:', 'path:']) expect(examples.some((e) => e.includes(op))).toBe(true);
    button.click();
    expect(help.hasClass('scriptorium-is-hidden')).toBe(true);
  });
});

describe('SearchView: keys and clicks', () => {
  it('↓ and ↑ move through the passages from the query box; Enter opens the chosen one, Mod+Enter in a new tab', async () => {
    const index = await sharedIndex();
    const { view, opened } = await openView({ index: () => index });
    await view.setQuery('fermentation');
    const rows = () => all(view, '.scriptorium-search-view-passage');
    const selected = () => rows().findIndex((r) => r.hasClass('is-selected'));
    expect(selected()).toBe(-1);
    press(view, 'ArrowDown');
    expect(selected()).toBe(0);
    expect(rows()[0].getAttribute('aria-selected')).toBe('true');
    press(view, 'ArrowDown');
    press(view, 'ArrowDown');
    press(view, 'ArrowDown');
    expect(selected()).toBe(3);
    press(view, 'ArrowUp');
    expect(selected()).toBe(2);
    press(view, 'Enter');
    await tick();
    const third = rows()[2];
    const path = third.closest('.scriptorium-search-view-note')?.querySelector('.scriptorium-search-view-note-path')?.textContent;
    const line = Number(/\d+/.exec(third.querySelector('.scriptorium-search-view-passage-line')?.textContent ?? '')?.[0]);
    expect(opened).toEqual([{ path, line, newTab: false }]);
    press(view, 'Enter', { ctrlKey: true, metaKey: true });
    await tick();
    expect(opened[1]).toEqual({ path, line, newTab: true });
    // ↑ from the top goes round to the last passage.
    press(view, 'ArrowDown');
    for (let i = 0; i < rows().length; i++) press(view, 'ArrowUp');
    expect(selected()).toBe(3);
  });

  it('Enter typed before the pause searches at once and opens the best passage', async () => {
    const index = await sharedIndex();
    const { view, opened } = await openView({ index: () => index, debounceMs: 10_000 });
    type(view, 'yoghurt');
    press(view, 'Enter');
    await until(() => opened.length === 1, 'the note to open');
    expect(opened[0]).toEqual({ path: 'raw/Starter.md', line: 1, newTab: false });
  });

  it('a click opens the passage at its line, Mod-click and the middle button in a new tab, the title at the top', async () => {
    const index = await sharedIndex();
    const { view, opened } = await openView({ index: () => index });
    await view.setQuery('yoghurt');
    const passage = q(view, '.scriptorium-search-view-passage') as HTMLElement;
    (passage.querySelector('.scriptorium-search-snippet') as HTMLElement).click();
    passage.dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: true, metaKey: true }));
    passage.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, button: 1 }));
    (q(view, '.scriptorium-search-view-note-title') as HTMLElement).click();
    expect(opened).toEqual([
      { path: 'raw/Starter.md', line: 1, newTab: false },
      { path: 'raw/Starter.md', line: 1, newTab: true },
      { path: 'raw/Starter.md', line: 1, newTab: true },
      { path: 'raw/Starter.md', line: 1, newTab: false },
    ]);
    expect(passage.hasClass('is-selected')).toBe(true);
  });
});

describe('SearchView: what it says', () => {
  it('says the index is loading, and shows results by itself once it is there', async () => {
    const index = await sharedIndex();
    let ready = false;
    const { view } = await openView({ index: () => (ready ? index : null) });
    type(view, 'yoghurt');
    await until(() => view.status.kind === 'loading', 'the loading message');
    expect(statusText(view)).toBe('The search index is loading…');
    const folders = () => [...(q(view, 'select.scriptorium-search-view-folder') as HTMLSelectElement).options].map((o) => o.value);
    expect(folders()).toEqual(['']);
    ready = true;
    await until(() => view.status.kind === 'results', 'the results once the index is loaded');
    expect(texts(view, '.scriptorium-search-view-note-path')).toEqual(['raw/Starter.md']);
    // The filter lists fill once the index is there.
    await until(() => folders().includes('raw/deep'), 'the folder list');
  });

  it('says the vault is being indexed while the first build runs, and that an empty vault has nothing to search', async () => {
    const building = new VaultIndex({ vault: new MemoryVault(NOTES), state: new MemoryStateStore() });
    const { view } = await openView({ index: () => building });
    await view.setQuery('yoghurt');
    expect(view.status).toEqual({ kind: 'indexing', text: 'Indexing the vault for search…' });
    await building.sync();
    await until(() => view.status.kind === 'results', 'the results after the build');

    const empty = await sharedIndex({});
    const { view: emptyView } = await openView({ index: () => empty });
    await emptyView.setQuery('yoghurt');
    expect(emptyView.status.kind).toBe('empty-index');
    expect(statusText(emptyView)).toMatch(/^No notes are indexed/);
  });

  it('says what a query with nothing to search for lacks, and invites typing when empty', async () => {
    const index = await sharedIndex();
    const { view } = await openView({ index: () => index });
    expect(view.status.kind).toBe('idle');
    expect(statusText(view)).toMatch(/^Type to search/);
    await view.setQuery('-draft');
    expect(view.status.kind).toBe('bad-query');
    expect(statusText(view)).toMatch(/only leave notes out/);
    expect(q(view, '.scriptorium-search-view-problem')).not.toBeNull();
    await view.setQuery('tag:');
    expect(view.status.kind).toBe('bad-query');
    expect(statusText(view)).toMatch(/need a value/);
    await view.setQuery('nonexistentword');
    expect(view.status).toEqual({ kind: 'no-results', text: 'No results.' });
    expect(all(view, '.scriptorium-search-view-passage')).toHaveLength(0);
  });
});

describe('registerSearch: the search view', () => {
  const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };

  function registered() {
    const app = App.createConfigured__({ files: NOTES });
    const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
    const plugin = new PluginClass(app.asOriginalType__(), manifest);
    const vault = new MemoryVault(NOTES);
    const state = new MemoryStateStore();
    const ctx: PluginContext = {
      plugin,
      app: app.asOriginalType__(),
      vault,
      state,
      writer: new WikiWriter({ vault, state, clock: systemClock }),
      preview: () => Promise.resolve(null),
      tasks: new TaskRunner({ plugin, surface: 'status-bar' }),
      settings: () => DEFAULT_SETTINGS,
      saveSettings: () => Promise.resolve(),
      client: () => {
        throw new Error('not used');
      },
    };
    const search = registerSearch(ctx);
    const internals = plugin as unknown as { commands__: Map<string, Command>; views__: Map<string, ViewCreator>; ribbonActions__: unknown[] };
    app.workspace.setLayoutReady__();
    return { app, search, internals };
  }

  afterEach(() => jest.restoreAllMocks());

  it('registers the view, an "Open search view" command and a ribbon icon', async () => {
    const { app, internals } = registered();
    expect(internals.commands__.get('open-search-view')?.name).toBe('Open search view');
    expect(internals.ribbonActions__).toHaveLength(1);
    internals.commands__.get('open-search-view')?.callback?.();
    await until(() => app.workspace.getLeavesOfType(SEARCH_VIEW_TYPE).length === 1, 'the view to open in a sidebar leaf');
    internals.commands__.get('open-search-view')?.callback?.();
    await tick();
    // A second call reveals the same view.
    expect(app.workspace.getLeavesOfType(SEARCH_VIEW_TYPE)).toHaveLength(1);
  });

  it('searches the shared index and opens a passage at its line in the note', async () => {
    const { app, search, internals } = registered();
    await until(() => search.index()?.stats().syncedAt != null, 'the shared index');
    const openFile = jest.spyOn(WorkspaceLeaf.prototype, 'openFile');
    const view = internals.views__.get(SEARCH_VIEW_TYPE)?.(WorkspaceLeaf.create2__(app).asOriginalType3__());
    expect(view).toBeInstanceOf(SearchView);
    const searchView = view as SearchView;
    searchView.load();
    await searchView.onOpen();
    await searchView.setQuery('fridge retard');
    const passage = q(searchView, '.scriptorium-search-view-passage') as HTMLElement;
    expect(passage.querySelector('.scriptorium-search-view-passage-heading')?.textContent).toMatch(/Timing|Retarding/);
    passage.click();
    await until(() => openFile.mock.calls.length === 1, 'the note to open');
    const [file, state] = openFile.mock.calls[0] as [TFile, OpenViewState?];
    expect(file.path).toBe('wiki/Fermentation.md');
    const line = Number(/\d+/.exec(passage.querySelector('.scriptorium-search-view-passage-line')?.textContent ?? '')?.[0]);
    // Obsidian's line is 0-based; the view shows 1-based lines.
    expect(state?.eState).toEqual({ line: line - 1 });
    expect(state?.active).toBe(true);
  });
});
