/** @jest-environment jsdom */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Menu, Notice, Plugin as MockPlugin, TFile, TFolder } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Plugin, PluginManifest } from 'obsidian';
import { hashBytes } from '../../../src/core/markdown';
import { WikiWriter, type ChangePlan } from '../../../src/core/plan';
import { systemClock } from '../../../src/core/ports/clock';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import type { PluginContext } from '../../../src/obsidian/plugin-context';
import { registerImages } from '../../../src/ui/images/register-images';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { TaskRunner } from '../../../src/ui/task-runner';
import { ImageServer, makePng } from '../../support/image-server';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };
const PNG = makePng(8, 8, [1, 2, 3]);

let server: ImageServer;
let notices: string[];
beforeAll(async () => {
  server = await new ImageServer().start();
  server.routes.set('/fig.png', { body: PNG });
});
afterAll(() => server.stop());
beforeEach(() => {
  notices = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
    notices.push(String(message));
  });
});
afterEach(() => jest.restoreAllMocks());

async function waitFor<T>(probe: () => T | null | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${notices.join(' | ') || 'none'}`);
}

function registered() {
  const note = `# Clip\n\n![Figure 1](${server.base}/fig.png)\n`;
  const files = { 'raw/Clip.md': note, 'wiki/concepts/A.md': '# A\n', 'notes/Mine.md': `![x](${server.base}/fig.png)\n` };
  const app = App.createConfigured__({ files });
  const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
  const plugin = new PluginClass(app.asOriginalType__(), manifest);
  const vault = new MemoryVault(files);
  const state = new MemoryStateStore();
  const previews: { plan: ChangePlan; text: string }[] = [];
  const ctx: PluginContext = {
    plugin,
    app: app.asOriginalType__(),
    vault,
    state,
    writer: new WikiWriter({ vault, state, clock: systemClock, attachmentsFolder: 'raw/assets' }),
    // The real preview, drawn, then Apply pressed with the default ticks.
    preview: (plan) => {
      const modal = new PlanPreviewModal(app.asOriginalType__(), plan);
      const answer = modal.ask();
      previews.push({ plan, text: modal.contentEl.textContent ?? '' });
      Array.from(modal.contentEl.querySelectorAll('button'))
        .find((b) => /^Apply/.test(b.textContent ?? ''))
        ?.click();
      return answer;
    },
    tasks: new TaskRunner({ plugin, surface: 'status-bar' }),
    settings: () => DEFAULT_SETTINGS,
    saveSettings: () => Promise.resolve(),
    client: () => {
      throw new Error('not used');
    },
  };
  registerImages(ctx, { fetch: nodeFetch });
  const menuFor = (path: string) => {
    const file = app.vault.getAbstractFileByPath(path);
    if (!(file instanceof TFile) && !(file instanceof TFolder)) throw new Error(`no ${path}`);
    const menu = Menu.create2__();
    app.workspace.trigger('file-menu', menu, file, 'file-explorer');
    return {
      titles: menu.menuItems__.map((item) => item.title__),
      click: (title: string) => menu.menuItems__.find((i) => i.title__ === title)?.onClick__?.(new MouseEvent('click')),
    };
  };
  const commands = [...(plugin as unknown as { commands__: Map<string, { name: string }> }).commands__.values()].map((c) => c.name);
  return { vault, ctx, note, previews, menuFor, commands };
}

describe('Download images in the plugin', () => {
  it('registers two commands and offers the menu item on raw notes and folders only', () => {
    const { menuFor, commands } = registered();
    expect(commands).toEqual(expect.arrayContaining(['Download images in current note', 'Download images in the raw folder']));
    expect(menuFor('raw/Clip.md').titles).toContain('Download images');
    expect(menuFor('raw').titles).toContain('Download images');
    expect(menuFor('wiki/concepts/A.md').titles).not.toContain('Download images');
    expect(menuFor('notes/Mine.md').titles).not.toContain('Download images');
  });

  it('downloads, previews the note\'s diff and the image as one line, applies, and undo takes it back', async () => {
    const { vault, ctx, note, previews, menuFor } = registered();
    const before = vault.snapshot();
    menuFor('raw/Clip.md').click('Download images');
    await waitFor(() => notices.find((n) => n.includes('downloaded')), 'the notice');
    const image = `raw/assets/fig-${hashBytes(PNG).slice(1, 9)}.png`;
    expect(previews).toHaveLength(1);
    expect(previews[0].text).toContain('1 new image, written with the notes that link to them');
    expect(previews[0].text).toMatch(/New image, \d+ bytes/);
    expect(notices).toContain('Scriptorium: 1 image downloaded, 1 note linked to local files. "Undo last change plan" takes it back.');
    expect(vault.bytesOf(image)).toEqual(PNG);
    expect(await vault.read('raw/Clip.md')).toBe(note.replace(`${server.base}/fig.png`, image.slice(4)));
    expect(await vault.read('notes/Mine.md')).toBe(before['notes/Mine.md']);
    await ctx.writer.undo();
    const after = vault.snapshot();
    delete after['wiki/log.md'];
    expect(after).toEqual(before);
  });
});
