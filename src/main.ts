import { Plugin } from 'obsidian';
import { DEFAULT_SETTINGS, migrateSettings, type ScriptoriumSettings } from './core/settings';

/** Composition root: builds adapters and services, registers views, commands, menus, settings. */
export default class ScriptoriumPlugin extends Plugin {
  override settings: ScriptoriumSettings = { ...DEFAULT_SETTINGS };

  override async onload(): Promise<void> {
    const { settings } = migrateSettings(await this.loadData());
    this.settings = settings;
  }
}
