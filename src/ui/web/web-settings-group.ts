import { SecretComponent, type App, type Setting } from 'obsidian';
import type { ScriptoriumSettings } from '../../core/settings';
import { WEB_PROVIDERS, webFolderOf, webProviderInfo, type WebProviderId, type WebSettings } from '../../core/web/web-settings';
import { t } from '../../i18n/plugin';

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
    heading: t('settings.web.heading'),
    items: [
      {
        name: t('settings.web.provider.name'),
        desc: t('settings.web.provider.desc'),
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
        name: t('settings.web.url.name'),
        desc: t('settings.web.url.desc'),
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
        name: t('settings.web.key.name'),
        desc: t('settings.web.key.desc'),
        render: (setting) => {
          setting.addComponent((el) => new SecretComponent(host.app, el).setValue(live().keySecret).onChange(host.act((value: string) => saveWeb({ keySecret: value }))));
        },
      },
      {
        name: t('settings.web.chat.name'),
        desc: t('settings.web.chat.desc'),
        render: (setting) => {
          setting.addToggle((toggle) => toggle.setValue(live().useInChat).onChange(host.act((value: boolean) => saveWeb({ useInChat: value }))));
        },
      },
      {
        name: t('settings.web.private.name'),
        desc: t('settings.web.private.desc'),
        render: (setting) => {
          setting.addToggle((toggle) => toggle.setValue(live().allowPrivateHosts).onChange(host.act((value: boolean) => saveWeb({ allowPrivateHosts: value }))));
        },
      },
      {
        name: t('settings.web.folder.name'),
        desc: t('settings.web.folder.desc'),
        render: (setting) => {
          const error = setting.descEl.createDiv({ cls: 'mod-warning' });
          setting.addText((text) =>
            text.setValue(live().folder).onChange(host.act(async (value: string) => {
              const folder = value.replace(/\\/g, '/').trim().replace(/^\/+|\/+$/g, '');
              const bad = folder === '' || folder.split('/').some((s) => s === '' || s === '..' || s.startsWith('.'));
              error.setText(bad ? t('settings.web.folder.invalid', { value, folder: webFolderOf(host.settings().rawFolder, live()) }) : '');
              if (!bad) await saveWeb({ folder });
            })),
          );
        },
      },
      {
        name: t('settings.web.calls.name'),
        desc: t('settings.web.calls.desc'),
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
