/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import type { PluginManifest } from 'obsidian';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import ScriptoriumPlugin from '../../src/main';

// Obsidian set to Simplified Chinese (it reports "zh"); the rest of the obsidian module is the test fake.
jest.mock('obsidian', () => ({ ...jest.requireActual<object>('obsidian'), getLanguage: () => 'zh' }));

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

describe('the plugin in Obsidian set to Chinese', () => {
  it('names every command of the palette in Chinese, from the catalogue, using every command text it has', async () => {
    const app = App.createConfigured__();
    const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
    await plugin.onload();
    const commands = [...(plugin as unknown as { commands__: Map<string, { name: string }> }).commands__.values()];
    const names = commands.map((c) => c.name).sort();
    const catalogue: Record<string, string> = zhCN;
    const commandKeys = Object.keys(en).filter((k) => k.startsWith('command.'));
    expect(names).toEqual(commandKeys.map((k) => catalogue[k]).sort());
    // None is left in English.
    const english = new Set(commandKeys.map((k) => (en as Record<string, string>)[k]));
    expect(names.filter((n) => english.has(n))).toEqual([]);
  });
});
