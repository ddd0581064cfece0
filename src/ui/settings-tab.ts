import { Notice, PluginSettingTab, requireApiVersion, SecretComponent, Setting, type App, type Plugin, type SettingDefinitionItem } from 'obsidian';
import type { LlmClient } from '../core/llm';
import { checkConnection } from '../core/llm';
import { cleanFolder, PROVIDERS, providerPreset, validateAttachmentsFolder, validateFolders, type NetworkMode, type ProviderId, type ScriptoriumSettings } from '../core/settings';
import { webSettingsGroup } from './web/web-settings-group';
import { meaningSettingsGroup } from './related/meaning-settings-group';

/** What the settings tab needs from the plugin. */
export interface SettingsHost {
  plugin: Plugin;
  settings: () => ScriptoriumSettings;
  save: (change: Partial<ScriptoriumSettings>) => Promise<void>;
  /** A model client for the settings as they are now. */
  client: () => LlmClient;
}

/** Obsidian's callbacks return nothing; run async work and show its failure instead of dropping it. */
function act<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => void {
  return (...args) => {
    Promise.resolve(fn(...args)).catch((error: unknown) => new Notice(`Settings not saved: ${error instanceof Error ? error.message : String(error)}`));
  };
}

interface Item {
  name: string;
  desc: string;
  render(setting: Setting): void;
}

interface Group {
  heading?: string;
  items: Item[];
}

/**
 * The settings tab. Each setting is one render function, used both by `display()` (Obsidian
 * before 1.13) and by the declarative `getSettingDefinitions()` (1.13+, searchable). A render
 * function reads the settings when it draws its row, and every handler reads them again when it
 * saves: the definitions outlive a render (1.13 keeps them until `update()`), so a copy taken
 * earlier would save stale values over what the person has typed since.
 */
export class ScriptoriumSettingTab extends PluginSettingTab {
  private readonly host: SettingsHost;
  private models: string[] = [];
  /** Drawn by display() (Obsidian before 1.13) rather than from the definitions. */
  private imperative = false;

  constructor(app: App, host: SettingsHost) {
    super(app, host.plugin);
    this.host = host;
  }

  private groups(): Group[] {
    // The settings as they are now: read at each use, never kept.
    const live = (): ScriptoriumSettings => this.host.settings();
    const save = (change: Partial<ScriptoriumSettings>): Promise<void> => this.host.save(change);
    return [
      {
        items: [
          {
            name: 'Provider',
            desc: 'Fills in the base address; any OpenAI-compatible server works with "custom".',
            render: (setting) => {
              setting.addDropdown((dropdown) => {
                for (const p of PROVIDERS) dropdown.addOption(p.id, p.label);
                dropdown.setValue(live().provider).onChange(act(async (value) => {
                  // A preset sets the base address (custom keeps the one typed) and the source
                  // budget; a model the person chose stays, an empty one gets the preset's suggestion.
                  const preset = providerPreset(value as ProviderId);
                  const now = live();
                  await save({ provider: preset.id, baseURL: preset.baseURL || now.baseURL, contextTokens: preset.contextTokens, model: now.model || preset.suggestedModel });
                  this.models = [];
                  this.refresh();
                }));
              });
            },
          },
          {
            name: 'Base URL',
            desc: 'The endpoint, ending in /v1 for most servers.',
            render: (setting) => {
              const s = live();
              setting.addText((text) =>
                text
                  .setPlaceholder(providerPreset(s.provider).baseURL || 'Base URL')
                  .setValue(s.baseURL)
                  .onChange(act((value) => save({ baseURL: value.trim() }))),
              );
            },
          },
          {
            name: 'Model',
            desc: 'Type a name, or fetch the list the endpoint offers and pick one.',
            render: (setting) => {
              const s = live();
              if (this.models.length > 0) {
                setting.addDropdown((dropdown) => {
                  dropdown.addOption('', 'Choose…');
                  for (const m of this.models) dropdown.addOption(m, m);
                  dropdown.setValue(this.models.includes(s.model) ? s.model : '').onChange(act(async (value) => {
                    if (!value) return;
                    await save({ model: value });
                    this.refresh();
                  }));
                });
              }
              setting.addText((text) => text.setPlaceholder('Model name').setValue(s.model).onChange(act((value) => save({ model: value.trim() }))));
              setting.addExtraButton((button) =>
                button
                  .setIcon('refresh-cw')
                  .setTooltip('Fetch the model list')
                  .onClick(act(async () => {
                    try {
                      this.models = await this.host.client().listModels();
                      new Notice(this.models.length ? `${this.models.length} models found.` : 'The endpoint lists no models; type the name.');
                    } catch (error) {
                      new Notice(`Could not fetch models: ${error instanceof Error ? error.message : String(error)}`);
                    }
                    this.refresh();
                  })),
              );
            },
          },
          {
            name: 'API key',
            desc: 'Kept in Obsidian’s secret storage, never in the plugin’s settings file. Local servers need none.',
            render: (setting) => {
              setting.addComponent((el) =>
                new SecretComponent(this.app, el).setValue(live().apiKeySecret).onChange(act(async (value) => {
                  await save({ apiKeySecret: value });
                })),
              );
            },
          },
          {
            name: 'Network',
            desc: 'Streaming needs the server to allow Obsidian’s origin (CORS). Obsidian’s network layer works with any server but answers arrive all at once.',
            render: (setting) => {
              setting.addDropdown((dropdown) =>
                dropdown
                  .addOption('fetch', 'Stream (fall back automatically)')
                  .addOption('obsidian', 'Obsidian network layer (no streaming)')
                  .setValue(live().networkMode)
                  .onChange(act((value) => save({ networkMode: value as NetworkMode }))),
              );
            },
          },
          {
            name: 'Request timeout (seconds)',
            desc: 'How long to wait for a whole answer when it cannot stream (Obsidian’s network layer delivers it all at once). Slow local models and phones may need more. Streaming answers fail only when the stream goes silent for a minute.',
            render: (setting) => {
              setting.addText((text) =>
                text.setValue(String(live().requestTimeoutSeconds)).onChange(act((value) => {
                  const n = Number(value);
                  if (value.trim() !== '' && Number.isFinite(n) && n >= 10 && n <= 7200) return save({ requestTimeoutSeconds: Math.round(n) });
                })),
              );
            },
          },
          {
            name: 'Test connection',
            desc: 'Makes one tiny request and says what worked or failed.',
            render: (setting) => {
              setting.addButton((button) =>
                button.setButtonText('Test').onClick(act(async () => {
                  button.setDisabled(true).setButtonText('Testing…');
                  try {
                    const report = await checkConnection(this.host.client());
                    if (report.models.length) this.models = report.models;
                    setting.setDesc(report.summary);
                    new Notice(report.summary);
                  } finally {
                    button.setDisabled(false).setButtonText('Test');
                  }
                })),
              );
            },
          },
        ],
      },
      {
        heading: 'Folders',
        items: [
          {
            name: 'Raw sources folder',
            desc: 'Your sources. Scriptorium never writes here, except "Download images" when you run it.',
            render: (setting) => this.folderRow(setting, 'rawFolder'),
          },
          {
            name: 'Wiki folder',
            desc: 'Where Scriptorium writes. Every write is confined to this folder.',
            render: (setting) => this.folderRow(setting, 'wikiFolder'),
          },
          {
            name: 'Attachments folder',
            desc: '"Download images" saves the remote images of your raw notes here and links the notes to them.',
            render: (setting) => this.attachmentsRow(setting),
          },
        ],
      },
      {
        heading: 'Work',
        items: [
          {
            name: 'Concurrent requests',
            desc: 'How many model requests run at once during a bulk compile.',
            render: (setting) => {
              setting.addSlider((slider) =>
                slider
                  .setLimits(1, 8, 1)
                  .setValue(live().maxConcurrentRequests)
                  .onChange(act((value) => save({ maxConcurrentRequests: value }))),
              );
            },
          },
          {
            name: 'Source budget (tokens)',
            desc: 'Longer sources are read in parts. Small local models want a few thousand; hosted models far more.',
            render: (setting) => {
              setting.addText((text) =>
                text.setValue(String(live().contextTokens)).onChange(act((value) => {
                  const n = Number(value);
                  if (Number.isFinite(n) && n >= 1000) return save({ contextTokens: Math.round(n) });
                })),
              );
            },
          },
          {
            name: 'Largest source to compile (KB)',
            desc: 'A raw note bigger than this is skipped (and reported) instead of being sent to the model in hundreds of parts. 2048 is 2 MB; 0 means no limit.',
            render: (setting) => {
              setting.addText((text) =>
                text.setValue(String(live().maxSourceKB)).onChange(act((value) => {
                  const n = Number(value);
                  if (value.trim() !== '' && Number.isInteger(n) && n >= 0) return save({ maxSourceKB: n });
                })),
              );
            },
          },
          {
            name: 'Split articles longer than (words)',
            desc: 'The health checks point out concept articles longer than this and offer to split them along their sections into linked sub-articles (previewed, undoable). 0 never suggests it.',
            render: (setting) => {
              setting.addText((text) =>
                text.setValue(String(live().splitArticleWords)).onChange(act((value) => {
                  const n = Number(value);
                  if (value.trim() !== '' && Number.isInteger(n) && n >= 0) return save({ splitArticleWords: n });
                })),
              );
            },
          },
          {
            name: 'Longest retry wait (seconds)',
            desc: 'A busy or rate-limited endpoint may ask Scriptorium to wait before trying again. Waits up to this long are honoured; a longer one stops the task at once with a message instead of hanging. 0 never waits for the endpoint.',
            render: (setting) => {
              setting.addText((text) =>
                text.setValue(String(live().maxRetryWaitSeconds)).onChange(act((value) => {
                  const n = Number(value);
                  if (value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 3600) return save({ maxRetryWaitSeconds: Math.round(n) });
                })),
              );
            },
          },
          {
            name: 'Send images to the model',
            desc: 'Figures in notes, image files and screenshots in the raw folder go to the model as pictures, so summaries describe them. Automatic sends them and remembers a model that refuses (then it gets their alt text); Off never sends them.',
            render: (setting) => {
              setting.addDropdown((dropdown) =>
                dropdown
                  .addOption('auto', 'Automatic')
                  .addOption('on', 'Always')
                  .addOption('off', 'Off')
                  .setValue(live().vision)
                  .onChange(act((value) => save({ vision: value === 'on' || value === 'off' ? value : 'auto' }))),
              );
            },
          },
          {
            name: 'Let the model use tools',
            desc: 'The chat’s model searches and reads notes itself. Turn off for models without tool calling: the chat then finds the passages first and hands them over.',
            render: (setting) => {
              setting.addToggle((toggle) => toggle.setValue(live().useTools).onChange(act((value: boolean) => save({ useTools: value }))));
            },
          },
          {
            name: 'Apply changes without preview',
            desc: 'Off: every change is shown before it is written. Either way, the last changes can be undone.',
            render: (setting) => {
              setting.addToggle((toggle) => toggle.setValue(live().autoApplyPlans).onChange(act((value) => save({ autoApplyPlans: value }))));
            },
          },
        ],
      },
      {
        heading: 'Search index',
        items: [
          {
            name: 'Excluded folders',
            desc: 'One folder per line; notes there are not indexed.',
            render: (setting) => {
              setting.addTextArea((area) =>
                area.setValue(live().indexExclusions.join('\n')).onChange(act((value) =>
                  save({ indexExclusions: value.split('\n').map((l) => l.trim()).filter(Boolean) }),
                )),
              );
            },
          },
        ],
      },
      webSettingsGroup({ app: this.app, settings: live, save, refresh: () => this.refresh(), act }),
      meaningSettingsGroup({ app: this.app, settings: live, save, act }),
    ];
  }

  /**
   * A folder setting: saved only when {@link validateFolders} accepts it with the other folder;
   * otherwise the row says what is wrong and the previous folder stays in use.
   */
  private folderRow(setting: Setting, field: 'rawFolder' | 'wikiFolder'): void {
    const error = setting.descEl.createDiv({ cls: 'mod-warning' });
    setting.addText((text) =>
      text.setValue(this.host.settings()[field]).onChange(act(async (value) => {
        const current = this.host.settings();
        const folder = cleanFolder(value);
        const problem = validateFolders({ rawFolder: current.rawFolder, wikiFolder: current.wikiFolder, [field]: folder }, this.app.vault.configDir);
        error.setText(problem ? `${problem.message} Still using "${current[field]}".` : '');
        if (!problem && folder !== current[field]) await this.host.save({ [field]: folder });
      })),
    );
  }

  /** The attachments folder: saved only when {@link validateAttachmentsFolder} accepts it. */
  private attachmentsRow(setting: Setting): void {
    const error = setting.descEl.createDiv({ cls: 'mod-warning' });
    setting.addText((text) =>
      text.setValue(this.host.settings().attachmentsFolder).onChange(act(async (value) => {
        const current = this.host.settings();
        const folder = cleanFolder(value);
        const problem = validateAttachmentsFolder(folder, current, this.app.vault.configDir);
        error.setText(problem ? `${problem} Still using "${current.attachmentsFolder}".` : '');
        if (!problem && folder !== current.attachmentsFolder) await this.host.save({ attachmentsFolder: folder });
      })),
    );
  }

  override display(): void {
    this.imperative = true;
    this.draw();
  }

  /**
   * Draws the tab again from the current settings: after a preset filled in other fields, a
   * model list arrived, or settings changed on disk. Obsidian 1.13+ draws the tab from
   * {@link getSettingDefinitions} and refreshes it with `update()`; calling `display()` there
   * would refresh nothing.
   */
  refresh(): void {
    if (this.imperative) this.draw();
    else if (requireApiVersion('1.13.0')) this.update();
  }

  private draw(): void {
    const { containerEl } = this;
    containerEl.empty();
    for (const group of this.groups()) {
      if (group.heading) new Setting(containerEl).setName(group.heading).setHeading();
      for (const item of group.items) item.render(new Setting(containerEl).setName(item.name).setDesc(item.desc));
    }
  }

  override getSettingDefinitions(): SettingDefinitionItem[] {
    return this.groups().map((group) => ({
      type: 'group' as const,
      heading: group.heading,
      items: group.items.map((item) => ({ name: item.name, desc: item.desc, render: (setting: Setting) => item.render(setting) })),
    }));
  }
}
