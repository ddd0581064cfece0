/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { AbstractTextComponent, App, Notice } from 'obsidian-test-mocks/obsidian';
import type { PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../src/main';
import type { ScriptoriumSettings } from '../../src/core/settings';
import { ScriptoriumSettingTab } from '../../src/ui/settings-tab';

beforeAll(() => setup());

// The fake's text fields do not listen to DOM events; typing is their setValue (which, like a
// keystroke, calls onChange). The spy only watches which fields got an onChange, to type into them.
const onChange = jest.spyOn(AbstractTextComponent.prototype, 'onChange');
afterAll(() => onChange.mockRestore());

function fieldOf(input: Element): AbstractTextComponent<HTMLInputElement> | undefined {
  return (onChange.mock.contexts as AbstractTextComponent<HTMLInputElement>[]).find((c) => c.inputEl === input);
}

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

async function tab() {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  await plugin.onload();
  let settings: ScriptoriumSettings = { ...plugin.settings };
  const saved: Partial<ScriptoriumSettings>[] = [];
  const t = new ScriptoriumSettingTab(plugin.app, {
    plugin,
    settings: () => settings,
    save: (change) => {
      saved.push(change);
      settings = { ...settings, ...change };
      return Promise.resolve();
    },
    client: () => {
      throw new Error('not used');
    },
  });
  t.display();
  const row = (name: string) => {
    const el = [...t.containerEl.children].find((e) => e.children[1]?.children[0]?.textContent === name);
    if (!el) throw new Error(`no row ${name}`);
    const input = el.querySelector('input');
    if (!input) throw new Error(`no input in ${name}`);
    return {
      type: async (value: string) => {
        const field = fieldOf(input);
        if (!field) throw new Error(`no text field in ${name}`);
        field.setValue(value);
        await new Promise((r) => setTimeout(r, 0));
      },
      warning: () => el.querySelector('.mod-warning')?.textContent ?? '',
    };
  };
  return { row, saved, settings: () => settings };
}

describe('folder settings', () => {
  it('refuses a wiki folder that leaves the vault, says why, and keeps the old one', async () => {
    const { row, saved, settings } = await tab();
    const wiki = row('Wiki folder');
    await wiki.type('a/ .. / .. /x');
    expect(wiki.warning()).toMatch(/The wiki folder "a\/ \.\. \/ \.\. \/x" contains " \.\. ".*Still using "wiki"\./);
    expect(saved).toEqual([]);
    expect(settings().wikiFolder).toBe('wiki');
    await wiki.type('raw/wiki');
    expect(wiki.warning()).toMatch(/inside the raw sources folder/);
    expect(saved).toEqual([]);
    await wiki.type('Knowledge/');
    expect(wiki.warning()).toBe('');
    expect(saved).toEqual([{ wikiFolder: 'Knowledge' }]);
  });

  it('refuses a raw folder equal to the wiki folder', async () => {
    const { row, saved } = await tab();
    const raw = row('Raw sources folder');
    await raw.type('Wiki');
    expect(raw.warning()).toMatch(/both "wiki"/);
    expect(saved).toEqual([]);
  });

  it('sets the source size limit', async () => {
    const { row, saved } = await tab();
    await row('Largest source to compile (KB)').type('512');
    expect(saved).toEqual([{ maxSourceKB: 512 }]);
  });
});

describe('loading settings whose folder cannot be used', () => {
  it('says so at once and uses safe folders instead', async () => {
    const notices = jest.spyOn(Notice.prototype, 'constructor__');
    try {
      const app = App.createConfigured__();
      const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
      await plugin.saveData({ rawFolder: 'Sources', wikiFolder: 'a/ .. / .. /x' });
      await plugin.onload();
      expect(plugin.settings.wikiFolder).toBe('wiki');
      expect(plugin.settings.rawFolder).toBe('Sources');
      const said = notices.mock.calls.map((c) => (typeof c[0] === 'string' ? c[0] : ''));
      expect(said).toContainEqual(expect.stringMatching(/^Scriptorium: The wiki folder "a\/ \.\. \/ \.\. \/x" contains " \.\. ".*Change it in Settings → Scriptorium → Folders\. Until then it uses "Sources" for sources and "wiki" for the wiki\.$/));
    } finally {
      notices.mockRestore();
    }
  });
});
