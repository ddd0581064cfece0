import { Notice, Plugin } from 'obsidian';
import { DEFAULT_SETTINGS, migrateSettings, type ScriptoriumSettings } from './core/settings';
import { createLlmClient } from './obsidian/llm-factory';
import { ObsidianStateStore, ObsidianVault } from './obsidian/obsidian-vault';
import type { PluginContext } from './obsidian/plugin-context';
import type { ChangePlan } from './core/plan/types';
import { registerCompile } from './ui/compile/register-compile';
import { registerLint } from './ui/lint/register-lint';
import { registerChat } from './ui/chat/register-chat';
import { registerRender } from './ui/render/register-render';
import { registerSearch } from './ui/search/register-search';
import { ScriptoriumSettingTab } from './ui/settings-tab';

/**
 * Composition root: builds adapters and services, registers views, commands, menus and the
 * settings tab. No business logic, and nothing slow: indexing and vault scans start after the
 * layout is ready, inside the features that need them.
 */
export default class ScriptoriumPlugin extends Plugin {
  override settings: ScriptoriumSettings = { ...DEFAULT_SETTINGS };

  override async onload(): Promise<void> {
    await this.loadSettings();
    const vault = new ObsidianVault(this.app);
    this.register(() => vault.unsubscribe());
    const pluginDir = this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`;
    let fallbackTold = false;
    const ctx: PluginContext = {
      plugin: this,
      app: this.app,
      vault,
      state: new ObsidianStateStore(this.app.vault.adapter, pluginDir),
      settings: () => this.settings,
      saveSettings: (change) => this.saveSettings(change),
      client: () =>
        createLlmClient({
          app: this.app,
          settings: () => this.settings,
          onFallback: (reason) => {
            if (fallbackTold) return;
            fallbackTold = true;
            new Notice(`Scriptorium: streaming was blocked (${reason}); using Obsidian's network layer, answers arrive all at once.`);
          },
        }),
    };
    this.addSettingTab(new ScriptoriumSettingTab(this.app, { plugin: this, settings: ctx.settings, save: ctx.saveSettings, client: ctx.client }));
    this.registerFeatures(ctx);
  }

  /** Each feature registers its own views, commands, menus and background work. */
  private registerFeatures(ctx: PluginContext): void {
    // Search: the shared vault index (loaded after layout-ready), its modal and rebuild command.
    const search = registerSearch(ctx);
    // Compile: commands, file menus, progress, editor badge. `compile.writer` and `compile.preview`
    // are the shared wiki writer and plan preview for the other features.
    const compile = registerCompile(ctx, { search: () => search.index() ?? undefined });
    const writer = () => compile.writer();
    const preview = (plan: ChangePlan) => compile.preview(plan);
    // Slides, charts, diagrams, canvases: previewed like compiles unless auto-apply is on.
    const render = registerRender(ctx, { writer, preview });
    // Ask: the chat view, its commands and editor menu; answers get the render buttons.
    registerChat(ctx, { search: search.index, writer, useTools: () => ctx.settings().useTools, answerActions: () => render.answerActions() });
    // Health checks: structural and deep commands, the report note with fix links, the fix picker.
    registerLint(ctx, { writer, preview, compileState: compile.compileState, search: () => search.index() ?? undefined });
  }

  private async loadSettings(): Promise<void> {
    const { settings, legacyApiKey } = migrateSettings(await this.loadData());
    this.settings = settings;
    if (legacyApiKey) {
      // An older version kept the key in data.json: move it into secret storage and drop it.
      this.app.secretStorage.setSecret(settings.apiKeySecret, legacyApiKey);
      await this.saveData(this.settings);
    }
  }

  private async saveSettings(change: Partial<ScriptoriumSettings>): Promise<void> {
    this.settings = migrateSettings({ ...this.settings, ...change }).settings;
    await this.saveData(this.settings);
  }
}
