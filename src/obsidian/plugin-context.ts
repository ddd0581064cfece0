import type { App, Plugin } from 'obsidian';
import type { LlmClient } from '../core/llm';
import type { StateStore } from '../core/ports/state-store';
import type { VaultPort } from '../core/ports/vault';
import type { ScriptoriumSettings } from '../core/settings';

/**
 * What a feature's `register…(ctx)` function gets from the composition root: the Obsidian
 * handles it must register with, the core's ports, and live settings. Features take this narrow
 * object rather than the plugin class, so they depend on what they use and nothing more.
 */
export interface PluginContext {
  /** For addCommand, registerView, registerEvent, addStatusBarItem, … */
  plugin: Plugin;
  app: App;
  vault: VaultPort;
  state: StateStore;
  /** The current settings (always read through this: they change while the plugin runs). */
  settings: () => ScriptoriumSettings;
  saveSettings: (change: Partial<ScriptoriumSettings>) => Promise<void>;
  /** A model client for the current settings; the API key is read per request. */
  client: () => LlmClient;
}
