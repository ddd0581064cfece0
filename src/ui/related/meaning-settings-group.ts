import { Notice, SecretComponent, type App, type Setting } from 'obsidian';
import { LlmError } from '../../core/llm/errors';
import type { EmbeddingSettings } from '../../core/search/vectors';
import type { ScriptoriumSettings } from '../../core/settings';
import { createEmbeddingsClient } from '../../obsidian/embeddings-factory';
import { t } from '../../i18n/plugin';

/** One row of the settings tab, in the shape `settings-tab.ts` draws. */
export interface MeaningSettingItem {
  name: string;
  desc: string;
  render: (setting: Setting) => void;
}

export interface MeaningSettingsHost {
  app: App;
  settings: () => ScriptoriumSettings;
  save: (change: Partial<ScriptoriumSettings>) => Promise<void>;
  /** Wraps an async handler so its failure is shown, as the other rows do. */
  act: <A extends unknown[]>(handler: (...args: A) => unknown) => (...args: A) => void;
  /** The embeddings client's network (tests give a loopback fetch); the platform's unless given. */
  fetch?: Parameters<typeof createEmbeddingsClient>[0]['fetch'];
}

/** What "Test connection" says: the vector size on success, else the failure and what to do. */
export async function testEmbeddings(host: Pick<MeaningSettingsHost, 'app' | 'settings' | 'fetch'>): Promise<string> {
  const client = createEmbeddingsClient({ app: host.app, settings: host.settings, fetch: host.fetch }, { ignoreOff: true });
  if (!client) return t('settings.meaning.test.noModel');
  try {
    const size = await client.dimensions();
    return t('settings.meaning.test.ok', { url: client.baseURL, model: client.model, size });
  } catch (error) {
    return error instanceof LlmError ? error.withHint : String(error);
  }
}

/** The "Search by meaning" group of the settings tab: on/off, address, model, key, test. */
export function meaningSettingsGroup(host: MeaningSettingsHost): { heading: string; items: MeaningSettingItem[] } {
  const live = () => host.settings().embeddings;
  const saveEmbeddings = (change: Partial<EmbeddingSettings>) => host.save({ embeddings: { ...live(), ...change } });
  return {
    heading: t('settings.meaning.heading'),
    items: [
      {
        name: t('settings.meaning.enabled.name'),
        desc: t('settings.meaning.enabled.desc'),
        render: (setting) => {
          setting.addToggle((toggle) => toggle.setValue(live().enabled).onChange(host.act((value: boolean) => saveEmbeddings({ enabled: value }))));
        },
      },
      {
        name: t('settings.meaning.url.name'),
        desc: t('settings.meaning.url.desc'),
        render: (setting) => {
          setting.addText((text) =>
            text
              .setPlaceholder(host.settings().baseURL || 'http://localhost:11434/v1')
              .setValue(live().baseURL)
              .onChange(host.act((value: string) => saveEmbeddings({ baseURL: value.trim() }))),
          );
        },
      },
      {
        name: t('settings.meaning.model.name'),
        desc: t('settings.meaning.model.desc'),
        render: (setting) => {
          setting.addText((text) => text.setPlaceholder(t('settings.model.placeholder')).setValue(live().model).onChange(host.act((value: string) => saveEmbeddings({ model: value.trim() }))));
        },
      },
      {
        name: t('settings.meaning.key.name'),
        desc: t('settings.meaning.key.desc'),
        render: (setting) => {
          setting.addComponent((el) => new SecretComponent(host.app, el).setValue(live().apiKeySecret).onChange(host.act((value: string) => saveEmbeddings({ apiKeySecret: value }))));
        },
      },
      {
        name: t('settings.meaning.test.name'),
        desc: t('settings.meaning.test.desc'),
        render: (setting) => {
          setting.addButton((button) =>
            button.setButtonText(t('settings.test.button')).onClick(host.act(async () => {
              button.setDisabled(true).setButtonText(t('settings.test.testing'));
              try {
                const summary = await testEmbeddings(host);
                setting.setDesc(summary);
                new Notice(summary);
              } finally {
                button.setDisabled(false).setButtonText(t('settings.test.button'));
              }
            })),
          );
        },
      },
    ],
  };
}
