/** @jest-environment jsdom */
import './chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Plugin as MockPlugin, WorkspaceLeaf } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Command, Plugin, PluginManifest, ViewCreator } from 'obsidian';
import { WikiWriter } from '../../src/core/plan';
import { systemClock } from '../../src/core/ports/clock';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import type { PluginContext } from '../../src/obsidian/plugin-context';
import { CHAT_VIEW_TYPE, ChatView } from '../../src/ui/chat/chat-view';
import { registerChat } from '../../src/ui/chat/register-chat';
import { TaskRunner } from '../../src/ui/task-runner';
import { MemoryStateStore, MemoryVault } from '../support/memory-vault';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };

function registered() {
  const app = App.createConfigured__({ files: { 'notes/a.md': '# A' } });
  // The fake's Plugin type does not resolve under the linter; it is the real API's shape.
  const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
  const plugin = new PluginClass(app.asOriginalType__(), manifest);
  const vault = new MemoryVault();
  const state = new MemoryStateStore();
  const ctx: PluginContext = {
    plugin,
    app: app.asOriginalType__(),
    vault,
    state,
    writer: new WikiWriter({ vault, state, clock: systemClock }),
    preview: () => Promise.resolve(null),
    tasks: new TaskRunner({ plugin, surface: 'status-bar' }),
    settings: () => DEFAULT_SETTINGS,
    saveSettings: () => Promise.resolve(),
    client: () => {
      throw new Error('not used');
    },
  };
  registerChat(ctx, {});
  const internals = plugin as unknown as { commands__: Map<string, Command>; views__: Map<string, ViewCreator>; ribbonActions__: unknown[]; hoverLinkSources__: Map<string, unknown> };
  return { app, internals };
}

describe('registerChat', () => {
  it('registers the view, a ribbon icon and the three commands, without default hotkeys', () => {
    const { app, internals } = registered();
    expect([...internals.commands__.keys()]).toEqual(['stop-running-task', 'open-chat', 'ask-about-current-note', 'ask-about-selection']);
    expect([...internals.commands__.values()].map((c) => c.name)).toEqual(['Stop the running task', 'Open chat', 'Ask about current note', 'Ask about selection']);
    expect([...internals.commands__.values()].every((c) => c.hotkeys === undefined)).toBe(true);
    expect(internals.ribbonActions__).toHaveLength(1);
    const creator = internals.views__.get(CHAT_VIEW_TYPE);
    expect(creator?.(WorkspaceLeaf.create2__(app).asOriginalType3__())).toBeInstanceOf(ChatView);
  });

  it('registers the chat as a hover link source, so hovering its links shows page previews', () => {
    const { internals } = registered();
    expect(internals.hoverLinkSources__.get(CHAT_VIEW_TYPE)).toEqual({ display: 'Scriptorium', defaultMod: false });
  });

  it('offers "Ask about current note" only when a note is open', () => {
    const { internals } = registered();
    const command = internals.commands__.get('ask-about-current-note');
    expect(command?.checkCallback?.(true)).toBe(false);
  });
});
