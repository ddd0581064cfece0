/** @jest-environment jsdom */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, WorkspaceLeaf } from 'obsidian-test-mocks/obsidian';
import type { TFile } from 'obsidian';
import { VaultIndex } from '../../../src/core/search';
import type { VectorPlan } from '../../../src/core/search/vectors';
import { DEFAULT_SETTINGS, type ScriptoriumSettings } from '../../../src/core/settings';
import { createEmbeddingsClient } from '../../../src/obsidian/embeddings-factory';
import { testEmbeddings } from '../../../src/ui/related/meaning-settings-group';
import { RelatedView } from '../../../src/ui/related/related-view';
import { SemanticIndex } from '../../../src/ui/related/semantic-index';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';

beforeAll(() => setup());

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.models = ['embed-model'];
  server.embeddings.dimension = 256;
  server.embeddings.synonyms = [['car', 'automobile']];
});

afterEach(async () => {
  await server.stop();
});

const NOTES = {
  'garage/Engines.md': '# Engines\nHow to fix a car engine that will not start.\n',
  'garage/Mechanics.md': '# Mechanics\nA mechanic can fix an automobile when the engine fails.\n',
  'kitchen/Bread.md': '# Bread\nKnead the dough and bake it.\n',
};

async function setupSemantic(options: { enabled?: boolean; confirm?: (plan: VectorPlan) => boolean; busy?: () => boolean } = {}) {
  const app = App.createConfigured__().asOriginalType__();
  const vault = new MemoryVault(NOTES);
  const state = new MemoryStateStore();
  const index = new VaultIndex({ vault, state });
  await index.sync();
  let settings: ScriptoriumSettings = {
    ...DEFAULT_SETTINGS,
    networkMode: 'fetch',
    embeddings: { enabled: options.enabled ?? true, baseURL: server.baseURL, model: 'embed-model', apiKeySecret: '' },
  };
  const plans: VectorPlan[] = [];
  const runs: boolean[] = [];
  const changes: number[] = [];
  const fallbacks: string[] = [];
  const semantic = new SemanticIndex({
    vault,
    state,
    settings: () => settings,
    index: () => index,
    client: () => createEmbeddingsClient({ app, settings: () => settings, fetch: nodeFetch }),
    confirm: (plan) => {
      plans.push(plan);
      return Promise.resolve(options.confirm ? options.confirm(plan) : true);
    },
    run: async (_label, work, visible) => {
      if (options.busy?.()) return false;
      runs.push(visible);
      await work(new AbortController().signal, () => undefined);
      return true;
    },
    onChange: () => changes.push(1),
    onFallback: (error) => fallbacks.push(error.message),
  });
  return { app, vault, state, index, semantic, plans, runs, changes, fallbacks, set: (change: Partial<ScriptoriumSettings>) => (settings = { ...settings, ...change }) };
}

describe('SemanticIndex (the plugin’s vectors)', () => {
  it('does nothing while search by meaning is off', async () => {
    const { semantic, plans } = await setupSemantic({ enabled: false });
    await semantic.refresh();
    expect(semantic.state).toEqual({ kind: 'off' });
    expect(plans).toEqual([]);
    expect(server.embeddings.requests).toBe(0);
  });

  it('asks before the first full run with passages and tokens, and sends nothing when declined (not asking again in the background)', async () => {
    const { semantic, plans } = await setupSemantic({ confirm: () => false });
    await semantic.refresh();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ notes: 3, passages: 3, firstRun: true });
    expect(plans[0].tokens).toBeGreaterThan(10);
    expect(semantic.state).toEqual({ kind: 'declined' });
    await semantic.refresh();
    expect(plans).toHaveLength(1);
    expect(server.embeddings.requests).toBe(0);
  });

  it('builds once confirmed, then sends only changed passages without asking, and drops the vectors when turned off', async () => {
    const { semantic, plans, runs, vault, set } = await setupSemantic();
    await semantic.refresh();
    expect(plans).toHaveLength(1);
    expect(runs).toEqual([true]);
    expect(semantic.state).toEqual({ kind: 'ready', notes: 3, embedded: 3, passages: 3 });
    expect(semantic.related('garage/Engines.md').map((r) => r.path)[0]).toBe('garage/Mechanics.md');

    server.embeddings.inputs.length = 0;
    await vault.write('kitchen/Bread.md', '# Bread\nKnead the dough, then bake it hot.\n');
    await semantic.refresh();
    expect(server.embeddings.inputs).toEqual(['# Bread\nKnead the dough, then bake it hot.']);
    expect(plans).toHaveLength(1);
    expect(runs).toEqual([true, false]);

    const hybrid = semantic.search()!;
    expect(hybrid.defaultMode()).toBe('hybrid');
    expect((await hybrid.search('automobile', { mode: 'semantic', limit: 1 }))[0].path).toMatch(/^garage\//);

    set({ embeddings: { enabled: false, baseURL: server.baseURL, model: 'embed-model', apiKeySecret: '' } });
    await semantic.refresh();
    expect(semantic.state).toEqual({ kind: 'off' });
    expect(semantic.current()).toBeNull();
    expect(semantic.search()!.defaultMode()).toBe('lexical');
  });

  it('tells once when the endpoint fails while searching, and the results are by words only', async () => {
    const { semantic, index, fallbacks } = await setupSemantic();
    await semantic.refresh();
    server.embeddings.fail(...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 503 })));
    const hybrid = semantic.search()!;
    expect(await hybrid.search('dough')).toEqual(await index.search('dough'));
    expect(await hybrid.search('bake')).toEqual(await index.search('bake'));
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toContain('HTTP 503');
  });

  it('reports a failing endpoint in the state, and search stays lexical', async () => {
    const { semantic, index } = await setupSemantic();
    server.embeddings.fail(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 401, body: { error: { message: 'wrong key' } } })));
    await semantic.refresh();
    expect(semantic.state.kind).toBe('failed');
    expect((semantic.state as { message: string }).message).toContain('The endpoint refused the API key (HTTP 401): wrong key');
    expect(await semantic.search()!.search('dough')).toEqual(await index.search('dough'));
  });
});

describe('SemanticIndex in the background', () => {
  it('reads and sends nothing once declined until a person asks, and asks only once for a run that waits for another task', async () => {
    let answer = false;
    let busy = false;
    const { semantic, plans, vault } = await setupSemantic({ confirm: () => answer, busy: () => busy });
    await semantic.refresh();
    const reads = jest.spyOn(vault, 'read');
    await semantic.refresh();
    await semantic.refresh();
    expect(reads).not.toHaveBeenCalled();
    expect(plans).toHaveLength(1);
    answer = true;
    busy = true;
    await semantic.refresh({ ask: true });
    expect(plans).toHaveLength(2);
    expect(server.embeddings.requests).toBe(0);
    busy = false;
    // The runner was busy: the background waits a minute, then goes on without asking again.
    await semantic.refresh();
    expect(server.embeddings.requests).toBe(0);
    await semantic.refresh({ ask: true });
    expect(plans).toHaveLength(2);
    expect(semantic.state).toEqual({ kind: 'ready', notes: 3, embedded: 3, passages: 3 });
  });

  it('saves the vector file at the end of a visible run, background updates at most every few minutes, and on close', async () => {
    const { semantic, vault, state } = await setupSemantic();
    await semantic.refresh();
    const saved = state.binaries.get('search-vectors.bin');
    expect(saved).toBeDefined();
    await vault.write('kitchen/Soup.md', '# Soup\nOnions and stock.\n');
    await semantic.refresh();
    expect(state.binaries.get('search-vectors.bin')).toEqual(saved);
    await semantic.close();
    expect(state.binaries.get('search-vectors.bin')).not.toEqual(saved);
  });

  it('waits after a failure instead of retrying every check, and retries at once when a person asks', async () => {
    const { semantic } = await setupSemantic();
    server.embeddings.fail({ kind: 'status', status: 401 });
    await semantic.refresh();
    expect(semantic.state.kind).toBe('failed');
    const after = server.embeddings.requests;
    await semantic.refresh();
    expect(server.embeddings.requests).toBe(after);
    await semantic.refresh({ ask: true });
    expect(semantic.state.kind).toBe('ready');
  });
});

describe('RelatedView', () => {
  it('lists the notes related to the active note with their passages, from stored vectors, and opens one at its passage', async () => {
    const { app, semantic, vault, index } = await setupSemantic();
    await semantic.refresh();
    const requests = server.embeddings.requests;
    let active: TFile | null = { path: 'garage/Engines.md', extension: 'md', stat: { mtime: 0, size: 0, ctime: 0 } } as unknown as TFile;
    const opened: [string, number, boolean][] = [];
    const leaf = WorkspaceLeaf.create2__(App.createConfigured__());
    const view = new RelatedView(leaf.asOriginalType3__(), {
      activeFile: () => active,
      related: (path) => semantic.related(path),
      state: () => semantic.state,
      current: () => true,
      title: (path) => index.note(path)?.title ?? path,
      read: (path) => vault.read(path),
      open: (path, line, newTab) => Promise.resolve(void opened.push([path, line, newTab])),
      build: () => undefined,
    });
    void app;
    view.load();
    await view.onOpen();
    expect(view.shown.status).toBe('Related to Engines');
    expect(view.shown.related.map((r) => r.path)).toEqual(['garage/Mechanics.md', 'kitchen/Bread.md']);
    const first = view.contentEl.querySelector('.scriptorium-related-item')!;
    expect(first.querySelector('.scriptorium-related-title')?.textContent).toMatch(/^Mechanics\d\.\d\d$/);
    expect(first.querySelector('.scriptorium-related-from')?.textContent).toBe('Close to: Engines');
    await new Promise((r) => setTimeout(r, 20));
    expect(first.querySelector('.scriptorium-related-snippet')?.textContent).toBe('A mechanic can fix an automobile when the engine fails.');
    (first.querySelector('.scriptorium-related-passage') as HTMLElement).dispatchEvent(new MouseEvent('click'));
    expect(opened).toEqual([['garage/Mechanics.md', 1, false]]);
    expect(server.embeddings.requests).toBe(requests);

    active = null;
    await view.refresh();
    expect(view.shown.status).toBe('Open a note to see the notes related to it.');
  });

  it('says why there is nothing, and offers to build vectors when they were declined', async () => {
    const { semantic, vault, index } = await setupSemantic({ confirm: () => false });
    await semantic.refresh();
    const builds: number[] = [];
    const leaf = WorkspaceLeaf.create2__(App.createConfigured__());
    const view = new RelatedView(leaf.asOriginalType3__(), {
      activeFile: () => ({ path: 'garage/Engines.md', extension: 'md' }) as unknown as TFile,
      related: (path) => semantic.related(path),
      state: () => semantic.state,
      current: () => false,
      title: (path) => index.note(path)?.title ?? path,
      read: (path) => vault.read(path),
      open: () => Promise.resolve(),
      build: () => void builds.push(1),
    });
    view.load();
    await view.onOpen();
    expect(view.shown.status).toBe('No vectors are built yet.');
    (view.contentEl.querySelector('.scriptorium-related-action') as HTMLElement).click();
    expect(builds).toEqual([1]);
  });
});

describe('Test embeddings (settings)', () => {
  it('reports the vector size, or the failure in a sentence', async () => {
    const app = App.createConfigured__().asOriginalType__();
    const settings: ScriptoriumSettings = { ...DEFAULT_SETTINGS, embeddings: { enabled: false, baseURL: server.baseURL, model: 'embed-model', apiKeySecret: '' } };
    expect(await testEmbeddings({ app, settings: () => settings, fetch: nodeFetch })).toBe(`Connected to ${server.baseURL}; "embed-model" returns vectors of 256 dimensions.`);
    const missing: ScriptoriumSettings = { ...settings, embeddings: { ...settings.embeddings, model: 'nope' } };
    expect(await testEmbeddings({ app, settings: () => missing, fetch: nodeFetch })).toMatch(/^Model "nope" not found at http:\/\/127\.0\.0\.1:\d+\/v1 \(HTTP 404\)/);
    const none: ScriptoriumSettings = { ...settings, embeddings: { ...settings.embeddings, model: '' } };
    expect(await testEmbeddings({ app, settings: () => none, fetch: nodeFetch })).toBe('Choose an embedding model first (and an address, unless the chat model’s serves embeddings too).');
  });
});

describe('Search view and modal with search by meaning', () => {
  it('shows the mode list only once the vault has vectors, and finds by meaning with it', async () => {
    const { semantic, index } = await setupSemantic({ confirm: () => false });
    await semantic.refresh();
    const { SearchView } = await import('../../../src/ui/search/search-view');
    const leaf = WorkspaceLeaf.create2__(App.createConfigured__());
    const view = new SearchView(leaf.asOriginalType3__(), { index: () => index, open: () => Promise.resolve(), meaning: () => semantic.search(), debounceMs: 5, retryMs: 20 });
    view.load();
    await view.onOpen();
    const mode = view.contentEl.querySelector<HTMLSelectElement>('.scriptorium-search-view-mode')!;
    await view.setQuery('automobile');
    expect(mode.classList.contains('scriptorium-is-hidden')).toBe(true);
    expect(view.status.kind).toBe('results');
    const paths = () => [...view.contentEl.querySelectorAll('.scriptorium-search-view-note-path')].map((el) => el.textContent);
    expect(paths()).toEqual(['garage/Mechanics.md']);

    await semantic.refresh({ ask: true });
    expect(semantic.state.kind).toBe('declined');
  });

  it('offers words and meaning once vectors exist: hybrid by default, meaning only on choice', async () => {
    const { semantic, index } = await setupSemantic();
    await semantic.refresh();
    const { SearchView } = await import('../../../src/ui/search/search-view');
    const leaf = WorkspaceLeaf.create2__(App.createConfigured__());
    const view = new SearchView(leaf.asOriginalType3__(), { index: () => index, open: () => Promise.resolve(), meaning: () => semantic.search(), debounceMs: 5, retryMs: 20 });
    view.load();
    await view.onOpen();
    const mode = view.contentEl.querySelector<HTMLSelectElement>('.scriptorium-search-view-mode')!;
    const paths = () => [...view.contentEl.querySelectorAll('.scriptorium-search-view-note-path')].map((el) => el.textContent);
    await view.setQuery('car');
    expect(mode.classList.contains('scriptorium-is-hidden')).toBe(false);
    expect(mode.value).toBe('hybrid');
    // "car" is a word of Engines and, by meaning, of Mechanics ("automobile").
    expect(paths().sort()).toEqual(expect.arrayContaining(['garage/Engines.md', 'garage/Mechanics.md']));
    mode.value = 'lexical';
    mode.dispatchEvent(new Event('change'));
    await view.setQuery('car');
    expect(paths()).toEqual(['garage/Engines.md']);
  });
});

describe('SearchModal with search by meaning', () => {
  it('searches words and meaning once vectors exist, and words only in lexical mode', async () => {
    const { semantic, index } = await setupSemantic();
    await semantic.refresh();
    const { SearchModal } = await import('../../../src/ui/search/search-modal');
    const modal = new SearchModal(App.createConfigured__().asOriginalType__(), { index: () => index, open: () => Promise.resolve(), meaning: () => semantic.search() });
    expect(modal.mode).toBe('hybrid');
    expect((await modal.getSuggestions('automobile')).map((h) => h.path)).toContain('garage/Engines.md');
    modal.mode = 'lexical';
    expect((await modal.getSuggestions('automobile')).map((h) => h.path)).toEqual(['garage/Mechanics.md']);
    const without = new SearchModal(App.createConfigured__().asOriginalType__(), { index: () => index, open: () => Promise.resolve() });
    expect(await without.getSuggestions('automobile')).toEqual(await index.search('automobile', { limit: 30, notes: true, prefix: true }));
  });
});
