/** @jest-environment jsdom */
/**
 * The file menu's "Compile this note", end to end: the plugin over the Obsidian fake, the model
 * on the loopback server behind the real SDK, the change-plan preview shown, a file unticked, and
 * Apply (or a dismissed preview) deciding what reaches the vault.
 */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Menu, Modal, Notice, TFile } from 'obsidian-test-mocks/obsidian';
import type { PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../../src/main';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { wikiModelReply } from '../../core/compile/wiki-model';
import { articleText, noteText } from '../../support/builders';
import { OpenAiTestServer } from '../../support/openai-server';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

let server: OpenAiTestServer;
let notices: string[];

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  server.handler = (r) => wikiModelReply(r);
  (window as unknown as { fetch: typeof nodeFetch }).fetch = nodeFetch;
  notices = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
    notices.push(String(message));
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
  throw new Error(`timed out waiting for ${what}; notices: ${notices.join(' | ') || 'none'}`);
}

/** What a test does with the preview while it is open: it gets the modal's content element. */
type PreviewAction = (content: HTMLElement) => void;

/**
 * Every preview the plugin opens is handed to `act` right after it is drawn; the fake then closes
 * it on the next tick, which, if `act` did not press Apply, is a dismissed preview.
 */
function drivePreviews(act: PreviewAction): string[] {
  const shown: string[] = [];
  const fakeOpen = Object.getOwnPropertyDescriptor(Modal.prototype, 'open')?.value as (this: Modal) => void;
  jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
    fakeOpen.call(this);
    if (!(this instanceof PlanPreviewModal)) return;
    shown.push(this.contentEl.textContent ?? '');
    act(this.contentEl);
  });
  return shown;
}

async function loaded() {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  // Previews on (the default): the flow under test.
  await plugin.saveData({ baseURL: server.baseURL, model: 'test-model' });
  await plugin.onload();
  const bar = () => (plugin as unknown as { statusBarItems__: HTMLElement[] }).statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'));
  const idle = () => waitFor(() => bar()?.hasClass('scriptorium-is-hidden'), 'the task to finish');
  /** The titles of the file menu Obsidian would show for `path`, and a way to click one. */
  const fileMenu = (path: string) => {
    const file = app.vault.getAbstractFileByPath(path);
    if (!(file instanceof TFile)) throw new Error(`no file ${path}`);
    const menu = Menu.create2__();
    app.workspace.trigger('file-menu', menu, file, 'file-explorer');
    return {
      titles: menu.menuItems__.map((item) => item.title__),
      click: (title: string) => {
        const item = menu.menuItems__.find((i) => i.title__ === title);
        if (!item?.onClick__) throw new Error(`no menu item "${title}" for ${path}`);
        item.onClick__(new MouseEvent('click'));
      },
    };
  };
  const text = async (path: string) => {
    const file = app.vault.getAbstractFileByPath(path);
    return file instanceof TFile ? app.vault.read(file) : null;
  };
  return { app, fileMenu, idle, text };
}

const levain = noteText({ intro: 'A **Levain** is built from the **Sourdough starter** the night before. It ripens for twelve hours.' });

describe('file menu: Compile this note', () => {
  it('is offered for a raw note and not for a wiki article', async () => {
    const { app, fileMenu } = await loaded();
    await app.vault.create('raw/Levain.md', levain);
    await app.vault.create('wiki/concepts/Crumb.md', articleText({ title: 'Crumb' }));
    expect(fileMenu('raw/Levain.md').titles).toContain('Compile this note');
    expect(fileMenu('wiki/concepts/Crumb.md').titles).not.toContain('Compile this note');
  });

  it('previews the plan with its diffs and applies only the ticked files', async () => {
    const { app, fileMenu, idle, text } = await loaded();
    await app.vault.create('raw/Levain.md', levain);
    let diff = '';
    const shown = drivePreviews((content) => {
      // Open one file's changes, untick another, then press Apply.
      const row = (path: string) => Array.from(content.querySelectorAll('.scriptorium-plan-file')).find((r) => r.querySelector('.scriptorium-plan-path')?.textContent === path);
      const details = row('wiki/concepts/Levain.md')?.querySelector('details');
      if (!details) throw new Error('no diff for the Levain article');
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
      diff = details.querySelector('.scriptorium-diff')?.textContent ?? '';
      const starter = row('wiki/concepts/Sourdough starter.md')?.querySelector<HTMLInputElement>('input[type="checkbox"]');
      if (!starter) throw new Error('no tick for the starter article');
      starter.checked = false;
      starter.dispatchEvent(new Event('change'));
      const apply = Array.from(content.querySelectorAll('button')).find((b) => /^Apply \d+ files?$/.test(b.textContent ?? ''));
      if (!apply) throw new Error('no Apply button');
      apply.click();
    });

    fileMenu('raw/Levain.md').click('Compile this note');
    await waitFor(() => notices.find((n) => n.startsWith('Scriptorium: compiled 1 note')), 'the compile notice');
    await idle();

    expect(shown).toHaveLength(1);
    for (const path of ['wiki/sources/Levain.md', 'wiki/concepts/Levain.md', 'wiki/concepts/Sourdough starter.md']) expect(shown[0]).toContain(path);
    expect(diff).toContain('+ # Levain');
    expect(await text('wiki/concepts/Levain.md')).toContain('Levain');
    expect(await text('wiki/sources/Levain.md')).not.toBeNull();
    // Unticked in the preview: not written, and the index links only what was.
    expect(await text('wiki/concepts/Sourdough starter.md')).toBeNull();
    const index = await text('wiki/index.md');
    expect(index).toContain('[[wiki/concepts/Levain|Levain]]');
    expect(index).not.toContain('[[wiki/concepts/Sourdough starter');
    expect(await text('wiki/log.md')).toContain('compile');
  });

  it('writes nothing, and says so, when the preview is dismissed', async () => {
    const { app, fileMenu, idle } = await loaded();
    await app.vault.create('raw/Levain.md', levain);
    const shown = drivePreviews(() => undefined);

    fileMenu('raw/Levain.md').click('Compile this note');
    await waitFor(() => notices.includes('Scriptorium: nothing was written.'), 'the dismissal notice');
    await idle();

    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('wiki/concepts/Levain.md');
    expect(app.vault.getFiles().map((f) => f.path).filter((p) => p.startsWith('wiki/'))).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(0);
  });
});
