/** @jest-environment jsdom */
import '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal } from 'obsidian';
import { VaultIndex, type SectionHit } from '../../../src/core/search';
import { renderMarked, SearchModal } from '../../../src/ui/search/search-modal';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { recordScopeKeys } from '../scope-keys';

beforeAll(() => setup());
const newApp = () => App.createConfigured__() as unknown as AppOriginal;

describe('renderMarked', () => {
  it('turns ** marks into highlighted spans and keeps the rest as text', () => {
    const el = document.createElement('div');
    renderMarked(el, '…the **borrow** checker **enforces** rules');
    expect([...el.querySelectorAll('.scriptorium-search-match')].map((s) => s.textContent)).toEqual(['borrow', 'enforces']);
    expect(el.textContent).toBe('…the borrow checker enforces rules');
  });

  it('leaves an unpaired mark as text', () => {
    const el = document.createElement('div');
    renderMarked(el, 'a ** b');
    expect(el.querySelectorAll('.scriptorium-search-match')).toHaveLength(0);
    expect(el.textContent).toBe('a  b');
  });
});

describe('SearchModal', () => {
  it('searches the index per note and renders title, heading, path and snippet', async () => {
    const vault = new MemoryVault({ 'raw/A.md': '# Borrowing\nThe borrow checker.\n# More\nborrow again', 'raw/B.md': 'nothing' });
    const index = new VaultIndex({ vault, state: new MemoryStateStore() });
    await index.sync();
    const opened: SectionHit[] = [];
    const modal = new SearchModal(newApp(), { index: () => index, open: (hit) => Promise.resolve(void opened.push(hit)) });
    const hits = await modal.getSuggestions('borrow');
    expect(hits.map((h) => h.path)).toEqual(['raw/A.md']);
    const el = document.createElement('div');
    modal.renderSuggestion(hits[0], el);
    expect(el.querySelector('.scriptorium-search-heading')?.textContent).toBe(' › Borrowing');
    expect(el.querySelector('.scriptorium-search-path')?.textContent).toBe('raw/A.md');
    expect(el.querySelector('.scriptorium-search-match')?.textContent?.toLowerCase()).toBe('borrow');
    modal.onChooseSuggestion(hits[0], new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(opened).toEqual([hits[0]]);
  });

  it('says when the index is still loading', async () => {
    const modal = new SearchModal(newApp(), { index: () => null, open: () => Promise.resolve() });
    expect(await modal.getSuggestions('x')).toEqual([]);
    expect(modal.emptyStateText).toContain('still loading');
  });
});

describe('SearchModal keys', () => {
  let keys: ReturnType<typeof recordScopeKeys>;
  beforeEach(() => (keys = recordScopeKeys()));
  afterEach(() => keys.restore());

  it('opens the highlighted result in a new tab on Mod+Enter', async () => {
    const vault = new MemoryVault({ 'raw/A.md': '# Borrowing\nThe borrow checker.', 'raw/B.md': 'borrow once more' });
    const index = new VaultIndex({ vault, state: new MemoryStateStore() });
    await index.sync();
    const opened: { path: string; newTab: boolean }[] = [];
    const modal = new SearchModal(newApp(), { index: () => index, open: (hit, newTab) => Promise.resolve(void opened.push({ path: hit.path, newTab })) });
    const hits = await modal.getSuggestions('borrow');
    // The fake's suggest modal keeps no selection; Obsidian's chooses the highlighted result, here the first.
    modal.selectActiveSuggestion = (evt) => modal.selectSuggestion(hits[0], evt);
    expect(keys.press(modal.scope, ['Mod'], 'Enter')).toBe(true);
    expect(opened).toEqual([{ path: hits[0].path, newTab: true }]);
  });
});
