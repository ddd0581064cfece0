/** @jest-environment jsdom */
import '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Notice, Platform, Plugin as MockPlugin } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Command, Plugin, PluginManifest } from 'obsidian';
import { WikiWriter } from '../../../src/core/plan';
import { systemClock } from '../../../src/core/ports/clock';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import type { PluginContext } from '../../../src/obsidian/plugin-context';
import { registerSearch } from '../../../src/ui/search/register-search';
import { TaskRunner } from '../../../src/ui/task-runner';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };

/** A vault whose reads wait until the test opens the gate: indexing stays in progress meanwhile. */
class GatedVault extends MemoryVault {
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  readonly reads: string[] = [];

  override async read(path: string): Promise<string> {
    this.reads.push(path);
    await this.gate;
    return super.read(path);
  }

  release(): void {
    this.open();
  }
}

let notices: { message: string; notice: Notice }[];
let hidden: Notice[];

beforeEach(() => {
  notices = [];
  hidden = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: Notice, message: unknown) {
    notices.push({ message: String(message), notice: this });
  });
  jest.spyOn(Notice.prototype, 'hide').mockImplementation(function (this: Notice) {
    hidden.push(this);
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  Platform.isMobile = false;
});

function started(mobile: boolean) {
  Platform.isMobile = mobile;
  const app = App.createConfigured__();
  // The fake's Plugin type does not resolve under the linter; it is the real API's shape.
  const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
  const plugin = new PluginClass(app.asOriginalType__(), manifest);
  const notes: Record<string, string> = {};
  for (let i = 0; i < 60; i++) notes[`notes/Note ${i}.md`] = `# Note ${i}\nAbout sourdough ${i}.`;
  const vault = new GatedVault(notes);
  const state = new MemoryStateStore();
  const ctx: PluginContext = {
    plugin,
    app: app.asOriginalType__(),
    vault,
    state,
    writer: new WikiWriter({ vault, state, clock: systemClock }),
    preview: () => Promise.resolve(null),
    tasks: new TaskRunner({ plugin, surface: mobile ? 'notice' : 'status-bar' }),
    settings: () => DEFAULT_SETTINGS,
    saveSettings: () => Promise.resolve(),
    client: () => {
      throw new Error('not used');
    },
  };
  const search = registerSearch(ctx);
  const internals = plugin as unknown as { commands__: Map<string, Command>; statusBarItems__: HTMLElement[] };
  app.workspace.setLayoutReady__();
  return { vault, search, internals, stopCommand: () => internals.commands__.get('stop-indexing') };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const said = () => notices.map((n) => n.message).join('\n');

describe('registerSearch: indexing progress and stop', () => {
  it('on mobile, with no status bar, shows indexing progress in a notice whose Stop button stops it', async () => {
    const { vault, internals } = started(true);
    expect(internals.statusBarItems__).toHaveLength(0);
    const progress = () => notices.find((n) => n.notice.messageEl.querySelector('.scriptorium-task-stop'));
    await until(() => progress() !== undefined, 'the progress notice');
    const shown = progress();
    expect(shown?.notice.messageEl.querySelector('.scriptorium-task-text')?.textContent).toBe('Scriptorium: indexing the vault for search, 0/60');
    const stop = shown?.notice.messageEl.querySelector('button');
    expect(stop?.textContent).toBe('Stop');
    stop?.click();
    vault.release();
    expect(hidden).toContain(shown?.notice);
    expect(said()).toContain('Scriptorium: indexing stopped; search covers the notes indexed so far. Rebuild the search index from the command palette to finish it.');
    await new Promise((r) => setTimeout(r, 50));
    // Stopped: it read the first window of notes it reads ahead (16 of the 60), and no more.
    expect(vault.reads).toHaveLength(16);
    expect(said()).not.toMatch(/status bar/i);
  });

  it('offers "Stop indexing" while the index is being built, on mobile and desktop', async () => {
    for (const mobile of [true, false]) {
      const { vault, stopCommand } = started(mobile);
      await until(() => vault.reads.length > 0, 'indexing to start');
      expect(stopCommand()?.name).toBe('Stop indexing');
      expect(stopCommand()?.checkCallback?.(true)).toBe(true);
      stopCommand()?.checkCallback?.(false);
      vault.release();
      await new Promise((r) => setTimeout(r, 50));
      expect(vault.reads).toHaveLength(16);
      expect(stopCommand()?.checkCallback?.(true)).toBe(false);
    }
  });

  it('on desktop, shows progress in the status bar, and a click on it stops indexing', async () => {
    const { vault, internals } = started(false);
    const bar = internals.statusBarItems__.find((el) => el.hasClass('scriptorium-search-status'));
    await until(() => bar?.getText() === 'Indexing 0/60', 'the status bar progress');
    bar?.click();
    vault.release();
    await new Promise((r) => setTimeout(r, 50));
    expect(vault.reads).toHaveLength(16);
    expect(said()).toContain('indexing stopped');
  });
});
