/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { AbstractTextComponent, App, DropdownComponent, Notice, SettingTab } from 'obsidian-test-mocks/obsidian';
import type { PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../src/main';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import type { ScriptoriumSettingTab } from '../../src/ui/settings-tab';

beforeAll(() => setup());

// The fake's fields do not listen to DOM events; typing (or picking) is their setValue, which,
// like a keystroke, calls onChange. The spies only tell which component owns which element.
const textChange = jest.spyOn(AbstractTextComponent.prototype, 'onChange');
const dropdownChange = jest.spyOn(DropdownComponent.prototype, 'onChange');
// The fake's update() only stores the definitions; Obsidian 1.13 also redraws an open tab from them.
const update = jest.spyOn(SettingTab.prototype, 'update').mockImplementation(function (this: SettingTab) {
  this.settingItems = this.getSettingDefinitions();
  this.renderTab__();
});
afterAll(() => {
  textChange.mockRestore();
  dropdownChange.mockRestore();
  update.mockRestore();
});

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

async function loaded(data?: unknown) {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  if (data !== undefined) await plugin.saveData(data);
  await plugin.onload();
  // The tab the plugin registered, wired to the plugin's own settings and saving.
  const tab = (plugin as unknown as { settingTabs__: ScriptoriumSettingTab[] }).settingTabs__[0];
  return { app, plugin, tab };
}

/** Opens the tab the way Obsidian 1.13+ does: from its setting definitions. */
function openDeclarative(tab: ScriptoriumSettingTab) {
  tab.update();
  return rows(tab);
}

function rows(tab: ScriptoriumSettingTab) {
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const rowEl = (name: string) => {
    // A row is [control, info[name, desc]], nested in a group.
    const el = [...tab.containerEl.querySelectorAll('div')].find((e) => e.children[1]?.children[0]?.textContent === name);
    if (!el) throw new Error(`no row ${name}`);
    return el;
  };
  const text = (name: string) => {
    const input = rowEl(name).querySelector('input');
    const field = (textChange.mock.contexts as AbstractTextComponent<HTMLInputElement>[]).find((c) => c.inputEl === input);
    if (!input || !field) throw new Error(`no text field in ${name}`);
    return { input, field };
  };
  const select = (name: string) => {
    const el = rowEl(name).querySelector('select');
    const dropdown = (dropdownChange.mock.contexts as DropdownComponent[]).find((c) => c.selectEl === el);
    if (!el || !dropdown) throw new Error(`no dropdown in ${name}`);
    return { el, dropdown };
  };
  return {
    type: async (name: string, value: string) => {
      text(name).field.setValue(value);
      await settle();
    },
    pick: async (name: string, value: string) => {
      select(name).dropdown.setValue(value);
      await settle();
    },
    shown: (name: string) => text(name).input.value,
    chosen: (name: string) => select(name).el.value,
  };
}

describe('provider presets keep what was typed', () => {
  it('typing a model and a base URL, then choosing "Custom", keeps both (declarative tab, 1.13+)', async () => {
    const { plugin, tab } = await loaded();
    const ui = openDeclarative(tab);
    await ui.type('Model', 'my-model:7b');
    await ui.type('Base URL', 'http://gpu-box:8000/v1');
    await ui.pick('Provider', 'custom');
    expect(plugin.settings).toMatchObject({ provider: 'custom', model: 'my-model:7b', baseURL: 'http://gpu-box:8000/v1' });
    // Redrawn from the live settings, not from what the tab showed when it opened.
    expect(ui.shown('Model')).toBe('my-model:7b');
    expect(ui.shown('Base URL')).toBe('http://gpu-box:8000/v1');
    expect(ui.chosen('Provider')).toBe('custom');
    expect(await plugin.loadData()).toMatchObject({ provider: 'custom', model: 'my-model:7b', baseURL: 'http://gpu-box:8000/v1' });
  });

  it('a preset sets its base URL but keeps the model the person typed, and the tab shows it (update(), not display())', async () => {
    const { plugin, tab } = await loaded();
    const ui = openDeclarative(tab);
    await ui.type('Model', 'llama3.1:8b');
    await ui.pick('Provider', 'lmstudio');
    expect(plugin.settings).toMatchObject({ provider: 'lmstudio', baseURL: 'http://localhost:1234/v1', model: 'llama3.1:8b' });
    expect(ui.shown('Base URL')).toBe('http://localhost:1234/v1');
    expect(ui.shown('Model')).toBe('llama3.1:8b');
  });

  it('an empty model gets the preset’s suggestion', async () => {
    const { plugin, tab } = await loaded();
    const ui = openDeclarative(tab);
    await ui.pick('Provider', 'openai');
    expect(plugin.settings).toMatchObject({ provider: 'openai', baseURL: 'https://api.openai.com/v1', model: 'gpt-4.1-mini' });
    expect(ui.shown('Model')).toBe('gpt-4.1-mini');
  });

  it('keeps typed values on the tab drawn by display() (before 1.13) too', async () => {
    const { plugin, tab } = await loaded();
    tab.display();
    const ui = rows(tab);
    await ui.type('Model', 'qwen3:14b');
    await ui.type('Base URL', 'http://10.0.0.5:11434/v1');
    await ui.pick('Provider', 'custom');
    expect(plugin.settings).toMatchObject({ provider: 'custom', model: 'qwen3:14b', baseURL: 'http://10.0.0.5:11434/v1' });
    expect(ui.shown('Base URL')).toBe('http://10.0.0.5:11434/v1');
  });

  it('saves whether images go to the model, and a hand-edited value falls back to automatic', async () => {
    const { plugin, tab } = await loaded();
    const ui = openDeclarative(tab);
    expect(ui.chosen('Send images to the model')).toBe('auto');
    await ui.pick('Send images to the model', 'off');
    expect(plugin.settings.vision).toBe('off');
    expect(await plugin.loadData()).toMatchObject({ vision: 'off' });
    const again = await loaded({ vision: 'sometimes' });
    expect(again.plugin.settings.vision).toBe('auto');
  });

  it('saves the request timeout', async () => {
    const { plugin, tab } = await loaded();
    const ui = openDeclarative(tab);
    expect(ui.shown('Request timeout (seconds)')).toBe(String(DEFAULT_SETTINGS.requestTimeoutSeconds));
    await ui.type('Request timeout (seconds)', '900');
    expect(plugin.settings.requestTimeoutSeconds).toBe(900);
    await ui.type('Request timeout (seconds)', '2');
    expect(plugin.settings.requestTimeoutSeconds).toBe(900);
  });
});

describe('settings changed on another device', () => {
  it('are reloaded and shown in the open tab', async () => {
    const { plugin, tab } = await loaded();
    const ui = openDeclarative(tab);
    expect(ui.shown('Model')).toBe('');
    // What a sync service does: data.json changes on disk, then Obsidian tells the plugin.
    await plugin.saveData({ ...plugin.settings, provider: 'openrouter', baseURL: 'https://openrouter.ai/api/v1', model: 'openai/gpt-4.1' });
    await plugin.onExternalSettingsChange?.();
    expect(plugin.settings).toMatchObject({ provider: 'openrouter', model: 'openai/gpt-4.1' });
    expect(ui.shown('Model')).toBe('openai/gpt-4.1');
    expect(ui.chosen('Provider')).toBe('openrouter');
    // A change made in the tab afterwards starts from the synced settings.
    await ui.type('Base URL', 'https://openrouter.ai/api/v1/');
    expect(plugin.settings).toMatchObject({ provider: 'openrouter', model: 'openai/gpt-4.1', baseURL: 'https://openrouter.ai/api/v1/' });
  });
});

describe('moving a key from data.json into secret storage', () => {
  it('loads the plugin, says what happened and keeps the key in data.json when secret storage throws', async () => {
    const notices = jest.spyOn(Notice.prototype, 'constructor__');
    try {
      const app = App.createConfigured__();
      jest.spyOn(app.secretStorage, 'setSecret').mockImplementation(() => {
        throw new Error('The keychain is locked');
      });
      const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
      await plugin.saveData({ baseURL: 'https://api.openai.com/v1', model: 'gpt-4.1-mini', apiKey: 'sk-old-123456' });
      await expect(plugin.onload()).resolves.toBeUndefined();
      const said = notices.mock.calls.map((c) => (typeof c[0] === 'string' ? c[0] : ''));
      expect(said).toContainEqual(expect.stringMatching(/^Scriptorium could not move your API key into Obsidian's secret storage \(The keychain is locked\)\. It stays in the plugin's settings file for now and is still used;/));
      expect(await plugin.loadData()).toMatchObject({ apiKey: 'sk-old-123456' });
      // Saving another setting later does not drop it either.
      const tab = (plugin as unknown as { settingTabs__: ScriptoriumSettingTab[] }).settingTabs__[0];
      await openDeclarative(tab).type('Model', 'gpt-4.1');
      expect(await plugin.loadData()).toMatchObject({ apiKey: 'sk-old-123456', model: 'gpt-4.1' });
    } finally {
      notices.mockRestore();
    }
  });

  it('lets a key entered since (already in secret storage) win over the one left in data.json', async () => {
    const app = App.createConfigured__();
    app.secretStorage.setSecret('scriptorium-api-key', 'sk-new-654321');
    const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
    await plugin.saveData({ baseURL: 'https://api.openai.com/v1', apiKey: 'sk-old-123456' });
    await plugin.onload();
    expect(app.secretStorage.getSecret('scriptorium-api-key')).toBe('sk-new-654321');
    expect(await plugin.loadData()).not.toHaveProperty('apiKey');
  });

  it('moves it and drops it from data.json when secret storage works', async () => {
    const { app, plugin } = await loaded({ baseURL: 'https://api.openai.com/v1', apiKey: 'sk-old-123456' });
    expect(app.secretStorage.getSecret(plugin.settings.apiKeySecret)).toBe('sk-old-123456');
    expect(await plugin.loadData()).not.toHaveProperty('apiKey');
  });
});
