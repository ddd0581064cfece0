import { SecretComponent, type App, type Setting } from 'obsidian';
import type { ScriptoriumSettings } from '../../core/settings';
import { WEB_PROVIDERS, webFolderOf, webProviderInfo, type WebProviderId, type WebSettings } from '../../core/web/web-settings';

/** One row of the settings tab, in the shape `settings-tab.ts` draws. */
export interface WebSettingItem {
  name: string;
  desc: string;
  render: (setting: Setting) => void;
}

export interface WebSettingsHost {
  app: App;
  settings: () => ScriptoriumSettings;
  save: (change: Partial<ScriptoriumSettings>) => Promise<void>;
  /** Draws the tab again (the provider changes which rows make sense). */
  refresh: () => void;
  /** Wraps an async handler so its failure is shown, as the other rows do. */
  act: <A extends unknown[]>(handler: (...args: A) => unknown) => (...args: A) => void;
}

/** The "Web" group of the settings tab: provider, address, key, chat use, private hosts, folder, cap. */
export function webSettingsGroup(host: WebSettingsHost): { heading: string; items: WebSettingItem[] } {
  const live = () => host.settings().web;
  const saveWeb = (change: Partial<WebSettings>) => host.save({ web: { ...live(), ...change } });
  return {
    heading: 'Web',
    items: [
      {
        name: 'Web search provider',
        desc: 'None: nothing is searched or read on the web. Queries go to the provider you choose; pages are fetched from their sites.',
        render: (setting) => {
          setting.addDropdown((dropdown) => {
            for (const p of WEB_PROVIDERS) dropdown.addOption(p.id, p.label);
            dropdown.setValue(live().provider).onChange(host.act(async (value: string) => {
              await saveWeb({ provider: value as WebProviderId });
              host.refresh();
            }));
          });
        },
      },
      {
        name: 'Search address',
        desc: 'SearXNG: the instance’s address, with its JSON format enabled. Custom: an endpoint answering GET ?q=…&limit=… with {"results": [{"url", "title", "snippet"}]}. Brave and Tavily need none.',
        render: (setting) => {
          const info = webProviderInfo(live().provider);
          setting.addText((text) =>
            text
              .setPlaceholder(info.defaultUrl || 'https://search.example.org')
              .setValue(live().url)
              .onChange(host.act((value: string) => saveWeb({ url: value.trim() }))),
          );
        },
      },
      {
        name: 'Search API key',
        desc: 'For Brave and Tavily (optional for the others). Kept in Obsidian’s secret storage, never in the settings file.',
        render: (setting) => {
          setting.addComponent((el) => new SecretComponent(host.app, el).setValue(live().keySecret).onChange(host.act((value: string) => saveWeb({ keySecret: value }))));
        },
      },
      {
        name: 'Use the web in the chat',
        desc: 'The chat’s research may search the web and read pages when the vault does not answer. Every web step shows in the trace.',
        render: (setting) => {
          setting.addToggle((toggle) => toggle.setValue(live().useInChat).onChange(host.act((value: boolean) => saveWeb({ useInChat: value }))));
        },
      },
      {
        name: 'Allow private hosts',
        desc: 'Read pages on this device or your local network (localhost, 192.168.…). Off keeps a web page from steering Scriptorium into a local service.',
        render: (setting) => {
          setting.addToggle((toggle) => toggle.setValue(live().allowPrivateHosts).onChange(host.act((value: boolean) => saveWeb({ allowPrivateHosts: value }))));
        },
      },
      {
        name: 'Clipped pages folder',
        desc: 'Inside the raw folder: clipped pages and sources found for gaps become new notes here.',
        render: (setting) => {
          const error = setting.descEl.createDiv({ cls: 'mod-warning' });
          setting.addText((text) =>
            text.setValue(live().folder).onChange(host.act(async (value: string) => {
              const folder = value.replace(/\\/g, '/').trim().replace(/^\/+|\/+$/g, '');
              const bad = folder === '' || folder.split('/').some((s) => s === '' || s === '..' || s.startsWith('.'));
              error.setText(bad ? `"${value}" is not a folder name inside the raw folder. Still using "${webFolderOf(host.settings().rawFolder, live())}".` : '');
              if (!bad) await saveWeb({ folder });
            })),
          );
        },
      },
      {
        name: 'Web calls per run',
        desc: 'Most searches and page reads one question, clip or gap search may make.',
        render: (setting) => {
          setting.addText((text) =>
            text.setValue(String(live().maxCallsPerRun)).onChange(host.act(async (value: string) => {
              const n = Number(value);
              if (Number.isInteger(n) && n >= 1 && n <= 200) await saveWeb({ maxCallsPerRun: n });
            })),
          );
        },
      },
    ],
  };
}
