/** @jest-environment jsdom */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Modal, Notice, Plugin as MockPlugin } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Plugin, PluginManifest } from 'obsidian';
import { parseNote } from '../../../src/core/markdown';
import { WikiWriter, type ChangePlan } from '../../../src/core/plan';
import { systemClock } from '../../../src/core/ports/clock';
import { DEFAULT_SETTINGS, type ScriptoriumSettings } from '../../../src/core/settings';
import type { PluginContext } from '../../../src/obsidian/plugin-context';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { TaskRunner } from '../../../src/ui/task-runner';
import { registerWeb } from '../../../src/ui/web/register-web';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { WebTestServer } from '../../support/web-server';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };

let site: WebTestServer;
let notices: string[];
beforeAll(async () => {
  site = await new WebTestServer().start();
  site.page('/rye', '<html><head><meta property="og:title" content="Rye bread"></head><body><article><p>Rye has pentosans.</p></article></body></html>');
});
afterAll(() => site.stop());
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

function registered(settings: ScriptoriumSettings) {
  const files = { 'raw/Mine.md': '# Mine\n' };
  const app = App.createConfigured__({ files });
  const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
  const plugin = new PluginClass(app.asOriginalType__(), manifest);
  const vault = new MemoryVault(files);
  const state = new MemoryStateStore();
  const previews: { plan: ChangePlan; text: string }[] = [];
  const modals: Modal[] = [];
  jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
    modals.push(this);
    this.onOpen();
  });
  const ctx: PluginContext = {
    plugin,
    app: app.asOriginalType__(),
    vault,
    state,
    writer: new WikiWriter({ vault, state, clock: systemClock }),
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
    settings: () => settings,
    saveSettings: () => Promise.resolve(),
    client: () => {
      throw new Error('not used');
    },
  };
  registerWeb(ctx, { fetch: nodeFetch });
  const command = [...(plugin as unknown as { commands__: Map<string, { name: string; callback?: () => void }> }).commands__.values()].find((c) => c.name === 'Clip a web page');
  return { vault, ctx, previews, modals, command };
}

/** Types the addresses into the clip dialog and presses Clip. */
function clipIn(modals: Modal[], urls: string[]): void {
  const modal = modals.find((m) => m.contentEl.querySelector('textarea.scriptorium-clip-urls'));
  if (!modal) throw new Error('no clip dialog');
  (modal.contentEl.querySelector('textarea') as HTMLTextAreaElement).value = urls.join('\n');
  Array.from(modal.contentEl.querySelectorAll('button'))
    .find((b) => b.textContent === 'Clip')
    ?.click();
}

describe('Clip a web page in the plugin', () => {
  it('asks for addresses, previews the new raw note, writes it, and undo takes it back', async () => {
    const settings: ScriptoriumSettings = { ...DEFAULT_SETTINGS, web: { ...DEFAULT_SETTINGS.web, allowPrivateHosts: true } };
    const { vault, ctx, previews, modals, command } = registered(settings);
    const before = vault.snapshot();
    command?.callback?.();
    clipIn(modals, [`${site.base}/rye`]);
    await waitFor(() => notices.find((n) => n.includes('clipped')), 'the notice');
    expect(previews).toHaveLength(1);
    expect(previews[0].text).toContain('raw/web/Rye bread.md');
    expect(notices).toContain('Scriptorium: 1 page clipped into "raw/web". "Undo last change plan" takes it back.');
    const note = parseNote(await vault.read('raw/web/Rye bread.md'));
    expect(note.frontmatter).toMatchObject({ title: 'Rye bread', source: `${site.base}/rye`, tags: ['clippings'] });
    expect(note.body.trim()).toBe('Rye has pentosans.');
    await ctx.writer.undo();
    expect(vault.snapshot()).toEqual(before);
  });

  it('refuses a page on this machine with the default settings, and writes nothing', async () => {
    const { vault, previews, modals, command } = registered(DEFAULT_SETTINGS);
    const before = vault.snapshot();
    const hits = site.hits.length;
    command?.callback?.();
    clipIn(modals, [`${site.base}/rye`]);
    await waitFor(() => notices.find((n) => n.includes('nothing to clip')), 'the notice');
    expect(notices.join('\n')).toMatch(/is a loopback address; pages on this machine or a private network are not read unless "Allow private hosts" is on/);
    expect(previews).toHaveLength(0);
    expect(site.hits.length).toBe(hits);
    expect(vault.snapshot()).toEqual(before);
  });
});
