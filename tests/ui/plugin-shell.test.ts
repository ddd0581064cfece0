/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App, Platform, PluginSettingTab } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../src/main';
import { ScriptoriumSettingTab } from '../../src/ui/settings-tab';

beforeAll(() => setup());

const manifest: PluginManifest = {
  id: 'scriptorium',
  name: 'Scriptorium',
  version: '0.1.0',
  minAppVersion: '1.11.4',
  description: 'Test.',
  author: 'Test',
  dir: '.obsidian/plugins/scriptorium',
};

async function loadedPlugin(saved?: unknown): Promise<{ app: App; plugin: ScriptoriumPlugin }> {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  if (saved !== undefined) await plugin.saveData(saved);
  await plugin.onload();
  return { app, plugin };
}

describe('ScriptoriumPlugin.onload', () => {
  it('loads default settings and registers the settings tab', async () => {
    const { plugin } = await loadedPlugin();
    expect(plugin.settings.wikiFolder).toBe('wiki');
    const tabs = (plugin as unknown as { settingTabs__: unknown[] }).settingTabs__;
    expect(tabs.filter((t) => t instanceof ScriptoriumSettingTab)).toHaveLength(1);
  });

  it('moves a key saved in plain text by an older version into secret storage', async () => {
    const { app, plugin } = await loadedPlugin({ apiKey: 'sk-legacy-123', baseURL: 'https://api.openai.com/v1' });
    expect(app.secretStorage.getSecret(plugin.settings.apiKeySecret)).toBe('sk-legacy-123');
    expect(JSON.stringify(await plugin.loadData())).not.toContain('sk-legacy-123');
  });
});

describe('the shared task runner in the composition root', () => {
  const statusBar = (plugin: ScriptoriumPlugin) => (plugin as unknown as { statusBarItems__: HTMLElement[] }).statusBarItems__.filter((el) => el.hasClass('scriptorium-task-progress'));
  const commandIds = (plugin: ScriptoriumPlugin) => [...(plugin as unknown as { commands__: Map<string, unknown> }).commands__.keys()];

  it('shows progress in one status bar item on desktop, with one stop command for every feature', async () => {
    const { plugin } = await loadedPlugin();
    expect(statusBar(plugin)).toHaveLength(1);
    // One stop for every task the runner runs; background indexing, which never blocks a task, has its own.
    expect(commandIds(plugin).filter((id) => /stop/.test(id)).sort()).toEqual(['stop-indexing', 'stop-running-task']);
  });

  it('on mobile, which has no status bar, adds no status bar item and keeps the stop command', async () => {
    const platform = Platform as { isMobile: boolean };
    platform.isMobile = true;
    try {
      const { plugin } = await loadedPlugin();
      expect(statusBar(plugin)).toHaveLength(0);
      expect(commandIds(plugin)).toContain('stop-running-task');
    } finally {
      platform.isMobile = false;
    }
  });
});

describe('ScriptoriumSettingTab', () => {
  it('renders every setting and exposes the same ones declaratively', async () => {
    const { plugin } = await loadedPlugin();
    const app: AppOriginal = plugin.app;
    const tab = new ScriptoriumSettingTab(app, {
      plugin,
      settings: () => plugin.settings,
      save: () => Promise.resolve(),
      client: () => {
        throw new Error('not used');
      },
    });
    expect(tab).toBeInstanceOf(PluginSettingTab);
    tab.display();
    // The fake lays a setting out as <div><control/><info><name/><desc/></info></div>.
    const names = [...tab.containerEl.children].map((el) => el.children[1]?.children[0]?.textContent ?? '');
    for (const name of ['Provider', 'Base URL', 'Model', 'API key', 'Network', 'Test connection', 'Raw sources folder', 'Wiki folder']) {
      expect(names).toContain(name);
    }
    const declared = tab.getSettingDefinitions().flatMap((g) => ('items' in g && g.items ? g.items.map((i) => ('name' in i ? i.name : '')) : []));
    expect(declared).toEqual(names.filter((n) => !['Folders', 'Work', 'Search index', 'Web', 'Search by meaning'].includes(n)));
  });
});
