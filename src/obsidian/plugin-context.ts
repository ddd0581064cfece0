import type { App, Plugin } from 'obsidian';
import type { LlmClient } from '../core/llm';
import type { ChangePlan, WikiWriter } from '../core/plan';
import type { StateStore } from '../core/ports/state-store';
import type { VaultPort } from '../core/ports/vault';
import type { ScriptoriumSettings } from '../core/settings';
import type { TaskRunner } from '../ui/task-runner';

/**
 * What a feature's `register…(ctx)` function gets from the composition root: the Obsidian
 * handles it must register with, the core's ports, live settings, and the pieces every feature
 * shares. Features take this narrow object rather than the plugin class, so they depend on what
 * they use and nothing more.
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
  /**
   * The vault's one wiki writer: every change (compile, undo, renders, saved answers, health
   * check reports and fixes) goes through it, so they share one lock, one journal and one undo
   * history. Its folders follow the live settings.
   */
  writer: WikiWriter;
  /** Shows a change plan; resolves with the ticked paths, or null when the person cancels. */
  preview: (plan: ChangePlan) => Promise<string[] | null>;
  /** One task at a time, with progress and stop (status bar on desktop, a notice on mobile). */
  tasks: TaskRunner;
}
