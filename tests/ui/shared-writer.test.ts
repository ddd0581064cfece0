/** @jest-environment jsdom */
/**
 * The plugin has one wiki writer, made in main.ts and shared by every feature: a compile and a
 * render applied in the plugin land in the one journal, written by the plugin's one owner, and
 * undo takes back the render first. Driven through the plugin's commands, the Obsidian fake and
 * the loopback model server behind the real SDK.
 */
import { nodeFetch } from './chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Notice, TFile } from 'obsidian-test-mocks/obsidian';
import type { Command, PluginManifest } from 'obsidian';
import type { JournalEntry } from '../../src/core/plan';
import ScriptoriumPlugin from '../../src/main';
import { wikiModelReply } from '../core/compile/wiki-model';
import { OpenAiTestServer } from '../support/openai-server';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };
const JOURNAL = '.obsidian/plugins/scriptorium/plan-journal.json';

let server: OpenAiTestServer;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.handler = (r) => wikiModelReply(r);
  (window as unknown as { fetch: typeof nodeFetch }).fetch = nodeFetch;
});

afterEach(() => server.stop());

async function waitFor<T>(probe: () => Promise<T | null | undefined> | T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function loaded(before?: (app: App) => Promise<void>) {
  const app = App.createConfigured__();
  await before?.(app);
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  await plugin.saveData({ baseURL: server.baseURL, model: 'test-model', autoApplyPlans: true });
  await plugin.onload();
  const internals = plugin as unknown as { commands__: Map<string, Command>; statusBarItems__: HTMLElement[] };
  const command = (id: string) => {
    const found = internals.commands__.get(id) ?? internals.commands__.get(`scriptorium:${id}`);
    if (!found) throw new Error(`no command ${id}`);
    return found;
  };
  const bar = () => internals.statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'));
  const idle = () => waitFor(() => bar()?.hasClass('scriptorium-is-hidden'), 'the task to finish');
  const open = async (path: string) => {
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(app.vault.getAbstractFileByPath(path) as TFile);
    app.workspace.setActiveLeaf(leaf);
  };
  const journal = async (): Promise<JournalEntry[]> => {
    const text = (await app.vault.adapter.exists(JOURNAL)) ? await app.vault.adapter.read(JOURNAL) : null;
    if (!text) return [];
    const parsed = JSON.parse(text) as { entries?: JournalEntry[] } | JournalEntry[];
    return Array.isArray(parsed) ? parsed : (parsed.entries ?? []);
  };
  const exists = (path: string) => app.vault.getAbstractFileByPath(path) instanceof TFile;
  return { app, plugin, command, idle, open, journal, exists };
}

describe('one wiki writer for every feature', () => {
  it('a compile and a render land in one journal, by the plugin\u2019s one owner, and undo takes back the render first', async () => {
    const { app, command, idle, open, journal, exists } = await loaded();
    await app.vault.create('raw/Levain.md', 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    await open('raw/Levain.md');

    command('compile-current-note').checkCallback?.(false);
    await waitFor(() => exists('wiki/concepts/Levain.md'), 'the compiled article');
    await idle();
    expect(exists('wiki/sources/Levain.md')).toBe(true);

    await open('wiki/concepts/Levain.md');
    // At start-up the canvas waits for Obsidian to resolve the vault's links.
    app.metadataCache.trigger('resolved');
    command('make-canvas-of-current-note-links').checkCallback?.(false);
    const canvas = await waitFor(() => app.vault.getFiles().find((f) => f.path.startsWith('wiki/outputs/') && f.path.endsWith('.canvas'))?.path, 'the canvas');
    await idle();

    const entries = await journal();
    const ours = entries.filter((e) => e.status === 'applied');
    expect(ours.map((e) => e.operation)).toEqual(['compile', 'render']);
    // Both written by the one writer main.ts made: the same owner, labelled as the plugin.
    expect(new Set(ours.map((e) => e.owner?.id)).size).toBe(1);
    expect(ours.every((e) => e.owner?.label === 'Obsidian')).toBe(true);

    command('undo-last-change-plan').callback?.();
    await waitFor(() => !exists(canvas), 'the render to be undone');
    await idle();
    expect(exists('wiki/concepts/Levain.md')).toBe(true);

    command('undo-last-change-plan').callback?.();
    await waitFor(() => !exists('wiki/concepts/Levain.md'), 'the compile to be undone');
    await idle();
    expect(exists('wiki/sources/Levain.md')).toBe(false);
    expect(exists('raw/Levain.md')).toBe(true);
  });
});

describe('the plugin\u2019s writer at start-up and while another process writes', () => {
  let notices: string[];
  beforeEach(() => {
    notices = [];
    jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
      notices.push(String(message));
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('at layout-ready, rolls back an apply a crash interrupted, keeps what a person typed since, and says so', async () => {
    const crashed: JournalEntry = {
      planId: 'p-crashed',
      title: 'Compile 1 source',
      operation: 'compile',
      appliedAt: Date.UTC(2026, 0, 2),
      status: 'pending',
      owner: { id: 'cli-gone', label: 'the command line' },
      files: [
        { path: 'wiki/concepts/Levain.md', before: '# Levain\n\nOld text.\n', after: '# Levain\n\nHalf-applied text.\n' },
        { path: 'wiki/concepts/Crumb.md', before: null, after: '# Crumb\n\nNew article.\n' },
        { path: 'wiki/concepts/Hydration.md', before: '# Hydration\n', after: '# Hydration\n\nMerged.\n' },
      ],
    };
    const { app } = await loaded(async (app) => {
      await app.vault.create('wiki/concepts/Levain.md', '# Levain\n\nHalf-applied text.\n');
      await app.vault.create('wiki/concepts/Crumb.md', '# Crumb\n\nNew article.\n');
      // Typed by the person after the crash: recovery must leave it.
      await app.vault.create('wiki/concepts/Hydration.md', '# Hydration\n\nMerged.\n\nMy own note on 80 percent.\n');
      await app.vault.adapter.write(JOURNAL, JSON.stringify({ version: 1, entries: [crashed] }));
    });
    // Nothing is touched while Obsidian is still loading the workspace.
    expect(notices.join('\n')).not.toContain('Compile 1 source');
    app.workspace.setLayoutReady__();
    const told = await waitFor(() => notices.find((n) => n.includes('Compile 1 source')), 'the recovery notice');
    expect(told).toContain('rolled back "Compile 1 source"');
    expect(told).toContain('2 files restored');
    expect(told).toContain('wiki/concepts/Hydration.md');
    const read = (path: string) => app.vault.read(app.vault.getAbstractFileByPath(path) as TFile);
    expect(await read('wiki/concepts/Levain.md')).toBe('# Levain\n\nOld text.\n');
    expect(app.vault.getAbstractFileByPath('wiki/concepts/Crumb.md')).toBeNull();
    expect(await read('wiki/concepts/Hydration.md')).toBe('# Hydration\n\nMerged.\n\nMy own note on 80 percent.\n');
  });

  it('waits with a notice while the command line holds the writer lock, then goes on', async () => {
    const LOCK = '.obsidian/plugins/scriptorium/writer.lock';
    const holder = { id: 'cli-busy', label: 'the command line', pid: 4242, host: 'elsewhere' };
    const { app, command, idle, open, exists } = await loaded(async (app) => {
      await app.vault.adapter.write(LOCK, JSON.stringify({ owner: holder, heartbeat: Date.now(), acquiredAt: Date.now() }));
    });
    await app.vault.create('raw/Levain.md', 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    await open('raw/Levain.md');
    command('compile-current-note').checkCallback?.(false);
    const waiting = await waitFor(() => notices.find((n) => n.includes('waiting for another Scriptorium process')), 'the waiting notice');
    expect(waiting).toContain('the command line (process 4242)');
    expect(exists('wiki/concepts/Levain.md')).toBe(false);
    // The command line finishes and lets go: the compile goes on by itself.
    await app.vault.adapter.remove(LOCK);
    await waitFor(() => exists('wiki/concepts/Levain.md'), 'the compile after the wait');
    await idle();
  });
});
