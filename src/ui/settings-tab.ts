import { Notice, PluginSettingTab, requireApiVersion, SecretComponent, Setting, type App, type Plugin, type SettingDefinitionItem } from 'obsidian';
import type { LlmClient } from '../core/llm';
import { checkConnection } from '../core/llm';
import { cleanFolder, PROVIDERS, providerPreset, validateAttachmentsFolder, validateFolders, type NetworkMode, type ProviderId, type ScriptoriumSettings } from '../core/settings';
import { webSettingsGroup } from './web/web-settings-group';
import { meaningSettingsGroup } from './related/meaning-settings-group';
import { t } from '../i18n/plugin';

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
    Promise.resolve(fn(...args)).catch((error: unknown) => new Notice(t('settings.notSaved', { error: error instanceof Error ? error.message : String(error) })));
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
            name: t('settings.provider.name'),
            desc: t('settings.provider.desc'),
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
            name: t('settings.baseUrl.name'),
            desc: t('settings.baseUrl.desc'),
            render: (setting) => {
              const s = live();
              setting.addText((text) =>
                text
                  .setPlaceholder(providerPreset(s.provider).baseURL || t('settings.baseUrl.name'))
                  .setValue(s.baseURL)
                  .onChange(act((value) => save({ baseURL: value.trim() }))),
              );
            },
          },
          {
            name: t('settings.model.name'),
            desc: t('settings.model.desc'),
            render: (setting) => {
              const s = live();
              if (this.models.length > 0) {
                setting.addDropdown((dropdown) => {
                  dropdown.addOption('', t('settings.model.choose'));
                  for (const m of this.models) dropdown.addOption(m, m);
                  dropdown.setValue(this.models.includes(s.model) ? s.model : '').onChange(act(async (value) => {
                    if (!value) return;
                    await save({ model: value });
                    this.refresh();
                  }));
                });
              }
              setting.addText((text) => text.setPlaceholder(t('settings.model.placeholder')).setValue(s.model).onChange(act((value) => save({ model: value.trim() }))));
              setting.addExtraButton((button) =>
                button
                  .setIcon('refresh-cw')
                  .setTooltip(t('settings.model.fetch'))
                  .onClick(act(async () => {
                    try {
                      this.models = await this.host.client().listModels();
                      const count = this.models.length;
                      new Notice(count === 0 ? t('settings.model.none') : count === 1 ? t('settings.model.foundOne') : t('settings.model.found', { count }));
                    } catch (error) {
                      new Notice(t('settings.model.fetchFailed', { error: error instanceof Error ? error.message : String(error) }));
                    }
                    this.refresh();
                  })),
              );
            },
          },
          {
            name: t('settings.apiKey.name'),
            desc: t('settings.apiKey.desc'),
            render: (setting) => {
              setting.addComponent((el) =>
                new SecretComponent(this.app, el).setValue(live().apiKeySecret).onChange(act(async (value) => {
                  await save({ apiKeySecret: value });
                })),
              );
            },
          },
          {
            name: t('settings.network.name'),
            desc: t('settings.network.desc'),
            render: (setting) => {
              setting.addDropdown((dropdown) =>
                dropdown
                  .addOption('fetch', t('settings.network.fetch'))
                  .addOption('obsidian', t('settings.network.obsidian'))
                  .setValue(live().networkMode)
                  .onChange(act((value) => save({ networkMode: value as NetworkMode }))),
              );
            },
          },
          {
            name: t('settings.timeout.name'),
            desc: t('settings.timeout.desc'),
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
            name: t('settings.test.name'),
            desc: t('settings.test.desc'),
            render: (setting) => {
              setting.addButton((button) =>
                button.setButtonText(t('settings.test.button')).onClick(act(async () => {
                  button.setDisabled(true).setButtonText(t('settings.test.testing'));
                  try {
                    const report = await checkConnection(this.host.client());
                    if (report.models.length) this.models = report.models;
                    setting.setDesc(report.summary);
                    new Notice(report.summary);
                  } finally {
                    button.setDisabled(false).setButtonText(t('settings.test.button'));
                  }
                })),
              );
            },
          },
        ],
      },
      {
        heading: t('settings.folders.heading'),
        items: [
          {
            name: t('settings.rawFolder.name'),
            desc: t('settings.rawFolder.desc'),
            render: (setting) => this.folderRow(setting, 'rawFolder'),
          },
          {
            name: t('settings.wikiFolder.name'),
            desc: t('settings.wikiFolder.desc'),
            render: (setting) => this.folderRow(setting, 'wikiFolder'),
          },
          {
            name: t('settings.attachmentsFolder.name'),
            desc: t('settings.attachmentsFolder.desc'),
            render: (setting) => this.attachmentsRow(setting),
          },
        ],
      },
      {
        heading: t('settings.work.heading'),
        items: [
          {
            name: t('settings.concurrency.name'),
            desc: t('settings.concurrency.desc'),
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
            name: t('settings.budget.name'),
            desc: t('settings.budget.desc'),
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
            name: t('settings.maxSource.name'),
            desc: t('settings.maxSource.desc'),
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
            name: t('settings.split.name'),
            desc: t('settings.split.desc'),
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
            name: t('settings.retryWait.name'),
            desc: t('settings.retryWait.desc'),
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
            name: t('settings.vision.name'),
            desc: t('settings.vision.desc'),
            render: (setting) => {
              setting.addDropdown((dropdown) =>
                dropdown
                  .addOption('auto', t('settings.vision.auto'))
                  .addOption('on', t('settings.vision.on'))
                  .addOption('off', t('settings.vision.off'))
                  .setValue(live().vision)
                  .onChange(act((value) => save({ vision: value === 'on' || value === 'off' ? value : 'auto' }))),
              );
            },
          },
          {
            name: t('settings.tools.name'),
            desc: t('settings.tools.desc'),
            render: (setting) => {
              setting.addToggle((toggle) => toggle.setValue(live().useTools).onChange(act((value: boolean) => save({ useTools: value }))));
            },
          },
          {
            name: t('settings.autoApply.name'),
            desc: t('settings.autoApply.desc'),
            render: (setting) => {
              setting.addToggle((toggle) => toggle.setValue(live().autoApplyPlans).onChange(act((value) => save({ autoApplyPlans: value }))));
            },
          },
        ],
      },
      {
        heading: t('settings.index.heading'),
        items: [
          {
            name: t('settings.exclusions.name'),
            desc: t('settings.exclusions.desc'),
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
        error.setText(problem ? t('settings.folder.stillUsing', { problem: problem.message, folder: current[field] }) : '');
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
        error.setText(problem ? t('settings.folder.stillUsing', { problem, folder: current.attachmentsFolder }) : '');
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
