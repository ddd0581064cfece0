import { Notice, Platform, Plugin } from 'obsidian';
import { DEFAULT_SETTINGS, describeFolderProblem, migrateSettings, type ScriptoriumSettings } from './core/settings';
import { EndpointCapabilities } from './core/llm';
import { NetworkSession } from './obsidian/http';
import { createLlmClient } from './obsidian/llm-factory';
import { readSecret } from './obsidian/secrets';
import { MetadataCacheLinks } from './obsidian/metadata-links';
import { ObsidianStateStore, ObsidianVault } from './obsidian/obsidian-vault';
import type { PluginContext } from './obsidian/plugin-context';
import { describeOwner, describeRecovery, WikiWriter } from './core/plan';
import { unlinkedRelatedCheck } from './core/lint';
import { systemClock } from './core/ports/clock';
import { registerCompile } from './ui/compile/register-compile';
import { registerImages } from './ui/images/register-images';
import { registerWeb } from './ui/web/register-web';
import { registerLint } from './ui/lint/register-lint';
import { registerChat } from './ui/chat/register-chat';
import { registerRender } from './ui/render/register-render';
import { registerSearch } from './ui/search/register-search';
import { registerRelated } from './ui/related/register-related';
import { registerSynth } from './ui/synth/register-synth';
import { PlanPreviewModal } from './ui/plan-preview-modal';
import { ScriptoriumSettingTab } from './ui/settings-tab';
import { TaskRunner } from './ui/task-runner';
import { t } from './i18n/plugin';

/**
 * Composition root: builds adapters and services, registers views, commands, menus and the
 * settings tab. No business logic, and nothing slow: indexing and vault scans start after the
 * layout is ready, inside the features that need them.
 */
export default class ScriptoriumPlugin extends Plugin {
  override settings: ScriptoriumSettings = { ...DEFAULT_SETTINGS };
  /** A key from data.json that could not be moved into secret storage yet: kept there and used until it can. */
  private pendingKey: string | undefined;
  private settingTab: ScriptoriumSettingTab | undefined;

  override async onload(): Promise<void> {
    await this.loadSettings();
    // Links are resolved by Obsidian's own index, so health checks and the chat agree with what Obsidian shows.
    const vault = Object.assign(new ObsidianVault(this.app), { links: new MetadataCacheLinks(this.app.metadataCache) });
    this.register(() => vault.unsubscribe());
    const pluginDir = this.manifest.dir ?? `${this.app.vault.configDir}/plugins/${this.manifest.id}`;
    // Which network layer reaches each server, learnt once for the whole session.
    const network = new NetworkSession((origin, reason) => {
      new Notice(t('main.cors', { origin, reason }));
    });
    // Which endpoints refused structured output, so later operations only prompt for JSON there.
    const capabilities = new EndpointCapabilities();
    const state = new ObsidianStateStore(this.app.vault.adapter, pluginDir);
    // The vault's one writer: one lock (honoured by the CLI too), one journal, one undo history.
    const writer = new WikiWriter({
      vault,
      state,
      clock: systemClock,
      wikiFolder: () => this.settings.wikiFolder,
      rawFolder: () => this.settings.rawFolder,
      attachmentsFolder: () => this.settings.attachmentsFolder,
      owner: { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`, label: 'Obsidian' },
      onWait: (holder) =>
        new Notice(
          t('main.waiting', { owner: describeOwner(holder), stop: t('command.stopRunningTask') }),
          10000,
        ),
      onRecovered: (report) => {
        const text = describeRecovery(report);
        // About the person's files: it stays until they dismiss it.
        if (text) new Notice(text, 0);
      },
    });
    const ctx: PluginContext = {
      plugin: this,
      app: this.app,
      vault,
      state,
      settings: () => this.settings,
      saveSettings: (change) => this.saveSettings(change),
      client: () => createLlmClient({ app: this.app, settings: () => this.settings, session: network, pendingKey: () => this.pendingKey, capabilities }),
      writer,
      preview: (plan) => new PlanPreviewModal(this.app, plan).ask(),
      // Mobile has no status bar: progress and Stop go in a notice there.
      tasks: new TaskRunner({ plugin: this, surface: Platform.isMobile ? 'notice' : 'status-bar' }),
    };
    // Finish (or roll back) what a crash or a killed command line left half-done, once, before
    // anyone changes the wiki; what it did is told by onRecovered above.
    this.app.workspace.onLayoutReady(() => {
      void writer.recover().catch((error: unknown) => {
        new Notice(
          t('main.recoveryFailed', { error: error instanceof Error ? error.message : String(error) }),
          0,
        );
      });
    });
    this.settingTab = new ScriptoriumSettingTab(this.app, { plugin: this, settings: ctx.settings, save: ctx.saveSettings, client: ctx.client });
    this.addSettingTab(this.settingTab);
    this.registerFeatures(ctx);
  }

  /** Each feature registers its own views, commands, menus and background work. */
  private registerFeatures(ctx: PluginContext): void {
    // Search: the shared vault index (loaded after layout-ready), its modal and rebuild command.
    const search = registerSearch(ctx);
    const related = registerRelated(ctx, { index: search.index });
    search.setMeaning(() => related.semantic.search());
    // Compile: commands, file menus, the editor badge, undo. Its compile state is shared with lint's fixes.
    const compile = registerCompile(ctx, { search: () => search.index() ?? undefined });
    // Slides, charts, diagrams, canvases: previewed like compiles unless auto-apply is on.
    const render = registerRender(ctx);
    // Ask: the chat view, its commands and editor menu; answers get the render buttons.
    // Its agent searches through hybrid search: by words only until the vault has vectors, then also by meaning (and gets the related tool).
    registerChat(ctx, { search: () => (search.index() ? related.semantic.search() : null), useTools: () => ctx.settings().useTools, answerActions: () => render.answerActions() });
    // Health checks: structural and deep commands, the report note with fix links, the fix picker.
    registerLint(ctx, {
      compileState: compile.compileState,
      search: () => search.index() ?? undefined,
      // Articles close in meaning that do not link each other, while search by meaning has vectors.
      extraChecks: () => {
        const vectors = related.semantic.current();
        return vectors?.ready ? [unlinkedRelatedCheck(vectors)] : [];
      },
    });
    // Download images: local copies of the remote images raw notes show, as an undoable plan.
    registerImages(ctx);
    // Training data and model evaluation: grounded pairs from the wiki as a dataset, scores of a model on them.
    registerSynth(ctx, { search: () => search.index() ?? undefined });
    registerWeb(ctx);
  }

  private async loadSettings(): Promise<void> {
    const { settings, legacyApiKey, folderProblem } = migrateSettings(await this.loadData(), this.app.vault.configDir);
    this.settings = settings;
    if (folderProblem) {
      // Said before anything runs; safe folders stand in (nothing is written where the bad one points).
      new Notice(t('main.folderProblem', { problem: describeFolderProblem(folderProblem), raw: settings.rawFolder, wiki: settings.wikiFolder }), 0);
    }
    this.pendingKey = undefined;
    if (legacyApiKey) {
      // An older version kept the key in data.json: move it into secret storage and drop it.
      // Secret storage can fail (a locked keychain, a platform without one); the plugin must
      // still load, and the key must not be lost: it stays in data.json and in use, and the
      // move is tried again at the next start.
      try {
        // A key already stored under that name was entered since (after a failed move): it wins.
        if (!readSecret(this.app, settings.apiKeySecret)) this.app.secretStorage.setSecret(settings.apiKeySecret, legacyApiKey);
      } catch (error) {
        this.pendingKey = legacyApiKey;
        new Notice(
          t('main.keyNotMoved', { error: error instanceof Error ? error.message : String(error) }),
          0,
        );
        return;
      }
      await this.saveData(this.settings);
    }
  }

  private async saveSettings(change: Partial<ScriptoriumSettings>): Promise<void> {
    this.settings = migrateSettings({ ...this.settings, ...change }, this.app.vault.configDir).settings;
    // A key not yet moved into secret storage is written back with the rest, never dropped.
    await this.saveData(this.pendingKey ? { ...this.settings, apiKey: this.pendingKey } : this.settings);
  }

  /** data.json changed on disk (synced from another device): use it, and show it if the tab is open. */
  override async onExternalSettingsChange(): Promise<void> {
    await this.loadSettings();
    this.settingTab?.refresh();
  }
}
