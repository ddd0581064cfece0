/** @jest-environment jsdom */
/**
 * The end every writing command shares (applyPlan): the whole plugin over the Obsidian fake, the
 * model on the loopback server, a compile run from the file menu and the preview driven as a person
 * would. What reaches the vault, the notices and the progress lines, in their order, for a cancelled
 * preview, unticked files, auto-apply, and a stop while the preview is open; a render, whose
 * cancelled preview says nothing; and training data, which a stop does not keep from being written.
 */
import { nodeFetch } from './chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Menu, Modal, Notice, Plugin as MockPlugin, TFile } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Command, Plugin, PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../src/main';
import { LlmClient } from '../../src/core/llm';
import { WikiWriter } from '../../src/core/plan';
import { systemClock } from '../../src/core/ports/clock';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import type { PluginContext } from '../../src/obsidian/plugin-context';
import { ConfirmModal } from '../../src/ui/confirm-modal';
import { PlanPreviewModal } from '../../src/ui/plan-preview-modal';
import { registerSynth } from '../../src/ui/synth/register-synth';
import { TaskRunner } from '../../src/ui/task-runner';
import { wikiModelReply } from '../core/compile/wiki-model';
import { WIKI, wikiModel } from '../core/synth/synth-support';
import { noteText } from '../support/builders';
import { MemoryStateStore, MemoryVault } from '../support/memory-vault';
import { OpenAiTestServer } from '../support/openai-server';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };
const LEVAIN = noteText({ intro: 'A **Levain** is built from the **Sourdough starter** the night before. It ripens for twelve hours.' });
const WRITING = 'Scriptorium: writing the wiki…';

let server: OpenAiTestServer;
/** Notices, progress lines and previews, in the order the person would see them. */
let seen: string[];
let notices: string[];

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.handler = (r) => wikiModelReply(r);
  (window as unknown as { fetch: typeof nodeFetch }).fetch = nodeFetch;
  seen = [];
  notices = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
    notices.push(String(message));
    seen.push(`notice: ${String(message)}`);
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  await server.stop();
});

async function waitFor<T>(probe: () => T | null | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; seen: ${seen.join(' | ') || 'nothing'}`);
}

/** The preview's rows, ticks and buttons, as a test drives them while it is open. */
interface OpenPreview {
  content: HTMLElement;
  untick(path: string): void;
  apply(): void;
}

/**
 * Hands every change-plan preview the plugin opens to `act` once it is drawn. A preview `act` does
 * not apply is dismissed: the fake closes it on the next tick.
 */
function drivePreviews(act: (preview: OpenPreview) => void): string[] {
  const shown: string[] = [];
  const fakeOpen = Object.getOwnPropertyDescriptor(Modal.prototype, 'open')?.value as (this: Modal) => void;
  jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
    fakeOpen.call(this);
    if (!(this instanceof PlanPreviewModal)) return;
    const content = this.contentEl;
    shown.push(content.textContent ?? '');
    seen.push('preview');
    act({
      content,
      untick: (path) => {
        const row = Array.from(content.querySelectorAll('.scriptorium-plan-file')).find((r) => r.querySelector('.scriptorium-plan-path')?.textContent === path);
        const box = row?.querySelector<HTMLInputElement>('input[type="checkbox"]');
        if (!box) throw new Error(`no tick for ${path}`);
        box.checked = false;
        box.dispatchEvent(new Event('change'));
      },
      apply: () => {
        const button = Array.from(content.querySelectorAll('button')).find((b) => /^Apply \d+ files?$/.test(b.textContent ?? ''));
        if (!button) throw new Error('no Apply button');
        button.click();
      },
    });
  });
  return shown;
}

async function loaded(saved: Record<string, unknown> = {}) {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  await plugin.saveData({ baseURL: server.baseURL, model: 'test-model', ...saved });
  await plugin.onload();
  const commands = (plugin as unknown as { commands__: Map<string, Command> }).commands__;
  const command = (id: string) => {
    const found = [...commands.values()].find((c) => c.id === id || c.id.endsWith(`:${id}`));
    if (!found) throw new Error(`no command ${id}`);
    return found;
  };
  // Every progress line the status bar shows ('' when it is hidden).
  const bar = (plugin as unknown as { statusBarItems__: HTMLElement[] }).statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'));
  if (!bar) throw new Error('no progress in the status bar');
  const setText = bar.setText.bind(bar);
  jest.spyOn(bar, 'setText').mockImplementation((text: string | DocumentFragment) => {
    seen.push(`progress: ${typeof text === 'string' ? text : (text.textContent ?? '')}`);
    setText(text);
  });
  const running = () => command('stop-running-task').checkCallback?.(true) === true;
  /** Resolves once the task that `start` begins has ended. */
  const run = async (start: () => void) => {
    start();
    await waitFor(running, 'the task to start');
    await waitFor(() => !running(), 'the task to end');
  };
  const stop = () => command('stop-running-task').checkCallback?.(false);
  const compile = (path: string) => {
    const menu = Menu.create2__();
    app.workspace.trigger('file-menu', menu, app.vault.getAbstractFileByPath(path), 'file-explorer');
    const item = menu.menuItems__.find((i) => i.title__ === 'Compile this note');
    if (!item?.onClick__) throw new Error(`no "Compile this note" for ${path}`);
    item.onClick__(new MouseEvent('click'));
  };
  const written = () =>
    app.vault
      .getFiles()
      .map((f) => f.path)
      .filter((p) => p.startsWith('wiki/'))
      .sort();
  await app.vault.create('raw/Levain.md', LEVAIN);
  return { app, command, run, stop, compile, written };
}

/** What the person saw from the first preview (or from the end of the model's work) on. */
function afterTheModel(): string[] {
  const compiled = seen.map((s) => s.startsWith('progress: Scriptorium: compiling')).lastIndexOf(true);
  return seen.slice(compiled + 1);
}

describe('applyPlan: preview, then apply, then the command’s own notice', () => {
  it('writes nothing when the preview is cancelled, and says so once; no writing line shows', async () => {
    const { run, compile, written } = await loaded();
    const shown = drivePreviews(() => undefined);
    await run(() => compile('raw/Levain.md'));

    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('wiki/concepts/Levain.md');
    expect(written()).toEqual([]);
    expect(notices).toEqual(['Scriptorium: nothing was written.']);
    expect(afterTheModel()).toEqual(['progress: ', 'preview', 'notice: Scriptorium: nothing was written.', 'progress: ']);
  });

  it('writes only the files left ticked, showing the writing line after the preview and before the notice', async () => {
    const { app, run, compile, written } = await loaded();
    const shown = drivePreviews((preview) => {
      preview.untick('wiki/concepts/Sourdough starter.md');
      preview.apply();
    });
    await run(() => compile('raw/Levain.md'));

    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('wiki/concepts/Sourdough starter.md');
    expect(written()).toEqual(['wiki/concepts/Levain.md', 'wiki/index.md', 'wiki/log.md', 'wiki/sources/Levain.md']);
    const index = await app.vault.read(app.vault.getAbstractFileByPath('wiki/index.md') as TFile);
    expect(index).toContain('[[wiki/concepts/Levain|Levain]]');
    expect(index).not.toContain('[[wiki/concepts/Sourdough starter');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Scriptorium: compiled 1 note, 4 files written/);
    expect(afterTheModel()).toEqual(['progress: ', 'preview', `progress: ${WRITING}`, `notice: ${notices[0]}`, 'progress: ']);
  });

  it('shows no preview with auto-apply on, and writes every file of the plan', async () => {
    const { run, compile, written } = await loaded({ autoApplyPlans: true });
    const shown = drivePreviews(() => {
      throw new Error('no preview with auto-apply on');
    });
    await run(() => compile('raw/Levain.md'));

    expect(shown).toEqual([]);
    expect(written()).toEqual(['wiki/concepts/Levain.md', 'wiki/concepts/Sourdough starter.md', 'wiki/index.md', 'wiki/log.md', 'wiki/sources/Levain.md']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Scriptorium: compiled 1 note, 5 files written/);
    expect(afterTheModel()).toEqual(['progress: ', `progress: ${WRITING}`, `notice: ${notices[0]}`, 'progress: ']);
  });

  it('writes nothing when the task is stopped while the preview is open, even if Apply is then pressed', async () => {
    const { run, stop, compile, written } = await loaded();
    const shown = drivePreviews((preview) => {
      stop();
      preview.apply();
    });
    await run(() => compile('raw/Levain.md'));

    expect(shown).toHaveLength(1);
    expect(written()).toEqual([]);
    expect(notices).toEqual(['Scriptorium: compile stopped; nothing was written.']);
    expect(afterTheModel()).toEqual(['progress: ', 'preview', 'progress: Scriptorium: stopping the compile…', 'notice: Scriptorium: compile stopped; nothing was written.', 'progress: ']);
  });

  it('says nothing when a render’s preview is cancelled, and writes nothing', async () => {
    const { app, command, run, written } = await loaded();
    await app.vault.create('wiki/concepts/Alpha.md', '# Alpha\n\nSee [[Beta]].\n');
    await app.vault.create('wiki/concepts/Beta.md', '# Beta\n\nBack to [[Alpha]].\n');
    app.metadataCache.trigger('resolved');
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(app.vault.getAbstractFileByPath('wiki/concepts/Beta.md') as TFile);
    app.workspace.setActiveLeaf(leaf);
    const shown = drivePreviews(() => undefined);
    await run(() => command('make-canvas-of-current-note-links').checkCallback?.(false));

    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('wiki/outputs/Beta links.canvas');
    expect(written()).toEqual(['wiki/concepts/Alpha.md', 'wiki/concepts/Beta.md']);
    expect(notices).toEqual([]);
  });
});

describe('applyPlan for training data', () => {
  it('still writes the pairs a run made when it is stopped while the preview is open', async () => {
    server.handler = wikiModel;
    const app = App.createConfigured__({ files: WIKI });
    const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
    const plugin = new PluginClass(app.asOriginalType__(), manifest);
    const vault = new MemoryVault(WIKI);
    const state = new MemoryStateStore();
    const tasks = new TaskRunner({ plugin, surface: 'status-bar' });
    const ctx: PluginContext = {
      plugin,
      app: app.asOriginalType__(),
      vault,
      state,
      writer: new WikiWriter({ vault, state, clock: systemClock }),
      preview: (plan) => new PlanPreviewModal(app.asOriginalType__(), plan).ask(),
      tasks,
      settings: () => DEFAULT_SETTINGS,
      saveSettings: () => Promise.resolve(),
      client: () => new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: nodeFetch, maxRetries: 0, timeoutMs: 10_000 }),
    };
    registerSynth(ctx);
    const fakeOpen = Object.getOwnPropertyDescriptor(Modal.prototype, 'open')?.value as (this: Modal) => void;
    jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
      fakeOpen.call(this);
      const press = (text: RegExp) =>
        Array.from(this.contentEl.querySelectorAll('button'))
          .find((b) => text.test(b.textContent ?? ''))
          ?.click();
      if (this instanceof ConfirmModal) press(/^Generate$/);
      if (this instanceof PlanPreviewModal) {
        seen.push('preview');
        tasks.stop();
        press(/^Apply \d+ files?$/);
      }
    });
    const command = [...(plugin as unknown as { commands__: Map<string, Command> }).commands__.values()].find((c) => c.name === 'Generate training data');
    command?.callback?.();
    await waitFor(() => tasks.current === null, 'the generation to end');

    expect(seen.filter((s) => s === 'preview')).toHaveLength(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('16 pairs generated, 4 not grounded, 1 duplicates; the dataset holds 11');
    const written = JSON.parse(await vault.read('wiki/outputs/datasets/wiki-qa/manifest.json')) as { counts: { kept: number } };
    expect(written.counts.kept).toBe(11);
  });
});
