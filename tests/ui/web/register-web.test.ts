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
import { LlmClient } from '../../../src/core/llm';
import { fixtureFiles } from '../../core/lint/fixture';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';
import { searxngReply, WebTestServer } from '../../support/web-server';

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

function registered(settings: ScriptoriumSettings, files: Record<string, string> = { 'raw/Mine.md': '# Mine\n' }, client?: () => LlmClient) {
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
    client:
      client ??
      (() => {
        throw new Error('not used');
      }),
  };
  registerWeb(ctx, { fetch: nodeFetch });
  const commands = [...(plugin as unknown as { commands__: Map<string, { name: string; callback?: () => void }> }).commands__.values()];
  const command = commands.find((c) => c.name === 'Clip a web page');
  const findSources = commands.find((c) => c.name === 'Find sources on the web for the wiki’s gaps');
  return { vault, ctx, previews, modals, command, findSources };
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

describe('Find sources on the web in the plugin', () => {
  it('asks first (counting the web calls), then previews new raw/web notes for the gap and writes only them', async () => {
    const model = await new OpenAiTestServer().start();
    try {
      model.handler = (request) => {
        const system = request.body.messages?.[0]?.content ?? '';
        if (system.includes('find web sources that fill a gap')) return { kind: 'text', content: '{"queries": ["rye bread"]}' };
        return { kind: 'text', content: '{"findings": [{"kind": "gap", "notes": [1], "text": "Nothing explains rye bread."}]}' };
      };
      site.routes.set('/search', { json: () => searxngReply([{ url: `${site.base}/rye`, title: 'Rye', content: 'rye' }]) });
      const settings: ScriptoriumSettings = { ...DEFAULT_SETTINGS, web: { ...DEFAULT_SETTINGS.web, provider: 'searxng', url: site.base, allowPrivateHosts: true } };
      const client = () => new LlmClient({ baseURL: model.baseURL, model: 'test-model', maxRetries: 0, fetch: nodeFetch });
      const { vault, previews, modals, findSources } = registered(settings, fixtureFiles(), client);
      const before = vault.snapshot();
      findSources?.callback?.();
      const confirm = await waitFor(() => modals.find((m) => /web calls? search/.test(m.contentEl.textContent ?? '')), 'the confirmation');
      expect(confirm.contentEl.textContent).toMatch(/at most 20 web calls search SearXNG \(self-hosted\) and read pages/);
      expect(model.chatRequests()).toHaveLength(0);
      Array.from(confirm.contentEl.querySelectorAll('button'))
        .find((b) => b.textContent === 'Search')
        ?.click();
      await waitFor(() => notices.find((n) => n.includes('new source')), 'the notice');
      expect(previews).toHaveLength(1);
      expect(previews[0].text).toContain('raw/web/Rye bread.md');
      expect(previews[0].text).toMatch(/for: Gap in wiki\/.*Nothing explains rye bread/);
      const after = vault.snapshot();
      const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
      expect(changed.sort()).toEqual(['raw/web/Rye bread.md', 'wiki/log.md']);
    } finally {
      await model.stop();
    }
  });
});
