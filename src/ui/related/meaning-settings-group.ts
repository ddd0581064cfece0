import { Notice, SecretComponent, type App, type Setting } from 'obsidian';
import { LlmError } from '../../core/llm/errors';
import type { EmbeddingSettings } from '../../core/search/vectors';
import type { ScriptoriumSettings } from '../../core/settings';
import { createEmbeddingsClient } from '../../obsidian/embeddings-factory';

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
  if (!client) return 'Choose an embedding model first (and an address, unless the chat model’s serves embeddings too).';
  try {
    const size = await client.dimensions();
    return `Connected to ${client.baseURL}; "${client.model}" returns vectors of ${size} dimensions.`;
  } catch (error) {
    return error instanceof LlmError ? `${error.message} (${error.hint})` : String(error);
  }
}

/** The "Search by meaning" group of the settings tab: on/off, address, model, key, test. */
export function meaningSettingsGroup(host: MeaningSettingsHost): { heading: string; items: MeaningSettingItem[] } {
  const live = () => host.settings().embeddings;
  const saveEmbeddings = (change: Partial<EmbeddingSettings>) => host.save({ embeddings: { ...live(), ...change } });
  return {
    heading: 'Search by meaning',
    items: [
      {
        name: 'Use search by meaning',
        desc: 'Embeds your notes’ passages with the model below, so search finds notes that say it in other words and the "Related notes" view works. Off: search by words only, nothing is sent. The first build asks before sending anything; later only changed passages are sent.',
        render: (setting) => {
          setting.addToggle((toggle) => toggle.setValue(live().enabled).onChange(host.act((value: boolean) => saveEmbeddings({ enabled: value }))));
        },
      },
      {
        name: 'Embedding address',
        desc: 'An OpenAI-compatible /v1/embeddings endpoint (OpenAI, Ollama, LM Studio, llama.cpp, vLLM). Empty: the chat model’s address.',
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
        name: 'Embedding model',
        desc: 'For example nomic-embed-text (Ollama) or text-embedding-3-small (OpenAI). Changing it builds the vectors again.',
        render: (setting) => {
          setting.addText((text) => text.setPlaceholder('Model name').setValue(live().model).onChange(host.act((value: string) => saveEmbeddings({ model: value.trim() }))));
        },
      },
      {
        name: 'Embedding API key',
        desc: 'Only when the embedding endpoint needs another key than the chat model’s. Kept in Obsidian’s secret storage, never in the settings file.',
        render: (setting) => {
          setting.addComponent((el) => new SecretComponent(host.app, el).setValue(live().apiKeySecret).onChange(host.act((value: string) => saveEmbeddings({ apiKeySecret: value }))));
        },
      },
      {
        name: 'Test embeddings',
        desc: 'Embeds one short text and says the vector size, or what failed.',
        render: (setting) => {
          setting.addButton((button) =>
            button.setButtonText('Test').onClick(host.act(async () => {
              button.setDisabled(true).setButtonText('Testing…');
              try {
                const summary = await testEmbeddings(host);
                setting.setDesc(summary);
                new Notice(summary);
              } finally {
                button.setDisabled(false).setButtonText('Test');
              }
            })),
          );
        },
      },
    ],
  };
}
