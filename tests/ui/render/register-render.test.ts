/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App, Modal, TFile } from 'obsidian-test-mocks/obsidian';
import type { Command, PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../../src/main';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { validateJsonCanvas } from '../../core/render/support/canvas-check';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

async function loaded(saved?: unknown): Promise<{ app: App; plugin: ScriptoriumPlugin; commands: Map<string, Command> }> {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  if (saved !== undefined) await plugin.saveData(saved);
  await plugin.onload();
  const commands = (plugin as unknown as { commands__: Map<string, Command> }).commands__;
  return { app, plugin, commands };
}

async function waitFor<T>(probe: () => T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('registerRender', () => {
  it('registers the render commands without default hotkeys', async () => {
    const { commands } = await loaded();
    const ids = [...commands.values()].map((c) => c.id.replace(/^scriptorium:/, ''));
    for (const id of [
      'make-slides-from-current-note',
      'make-chart-from-current-note',
      'make-diagram-from-current-note',
      'make-canvas-of-current-note-links',
      'make-slides-from-selection',
      'make-chart-from-selection',
      'make-diagram-from-selection',
    ]) {
      expect(ids).toContain(id);
    }
    const render = [...commands.values()].filter((c) => c.id.includes('make-'));
    expect(render.every((c) => !c.hotkeys || c.hotkeys.length === 0)).toBe(true);
    expect(render.map((c) => c.name)).toContain("Make canvas of current note's links");
  });

  it('is unavailable without a current note, and makes the canvas of the current note through a plan', async () => {
    // Previews off: the plan is applied as soon as it is made (the preview has its own tests).
    const { app, commands } = await loaded({ autoApplyPlans: true });
    const canvasCommand = [...commands.values()].find((c) => c.id.endsWith('make-canvas-of-current-note-links'));
    expect(canvasCommand?.checkCallback?.(true)).toBe(false);

    await app.vault.create('wiki/concepts/Alpha.md', '# Alpha\n\nSee [[Beta]].\n');
    await app.vault.create('wiki/concepts/Beta.md', '# Beta\n\nBack to [[Alpha]] and [[Gamma]].\n');
    await app.vault.create('wiki/concepts/Gamma.md', '# Gamma\n');
    const beta = app.vault.getAbstractFileByPath('wiki/concepts/Beta.md');
    expect(beta).toBeInstanceOf(TFile);
    // The fake resolves links when a file is written; touch both notes now that all three exist,
    // as Obsidian's metadata cache would have re-resolved them.
    await app.vault.modify(beta as TFile, '# Beta\n\nBack to [[Alpha]] and [[Gamma]].\n\n');
    await app.vault.modify(app.vault.getAbstractFileByPath('wiki/concepts/Alpha.md') as TFile, '# Alpha\n\nSee [[Beta]].\n\n');
    // Obsidian says its links are resolved once it has read the vault after start-up.
    app.metadataCache.trigger('resolved');
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(beta as TFile);
    app.workspace.setActiveLeaf(leaf);

    expect(canvasCommand?.checkCallback?.(true)).toBe(true);
    canvasCommand?.checkCallback?.(false);
    const file = await waitFor(() => app.vault.getAbstractFileByPath('wiki/outputs/Beta links.canvas'), 'the canvas');
    const canvas = JSON.parse(await app.vault.read(file as TFile)) as { nodes: { file?: string }[] };
    expect(validateJsonCanvas(canvas)).toEqual([]);
    expect(canvas.nodes.map((n) => n.file).sort()).toEqual(['wiki/concepts/Alpha.md', 'wiki/concepts/Beta.md', 'wiki/concepts/Gamma.md']);
    // Logged like every other change.
    const log = await waitFor(() => app.vault.getAbstractFileByPath('wiki/log.md'), 'the log');
    expect(await app.vault.read(log as TFile)).toContain('render | Canvas: links of Beta');
  });

  it('writes nothing when the preview is dismissed', async () => {
    const { app, plugin, commands } = await loaded();
    const canvasCommand = [...commands.values()].find((c) => c.id.endsWith('make-canvas-of-current-note-links'));
    if (!canvasCommand?.checkCallback) throw new Error('no canvas command');
    await app.vault.create('wiki/concepts/Solo.md', '# Solo\n');
    app.metadataCache.trigger('resolved');
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(app.vault.getAbstractFileByPath('wiki/concepts/Solo.md') as TFile);
    app.workspace.setActiveLeaf(leaf);
    // The fake's `open` shows the modal and closes it on the next tick, which is a dismissed
    // preview; what the preview showed is read in between.
    const fakeOpen = Object.getOwnPropertyDescriptor(Modal.prototype, 'open')?.value as (this: Modal) => void;
    const previews: string[] = [];
    const opened = jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
      fakeOpen.call(this);
      if (this instanceof PlanPreviewModal) previews.push(this.contentEl.textContent ?? '');
    });
    try {
      expect(canvasCommand.checkCallback(false)).toBe(true);
      const [shown] = await waitFor(() => (previews.length > 0 ? previews : null), 'the preview');
      expect(shown).toContain('wiki/outputs/Solo links.canvas');
      // The task ends once the dismissed preview has resolved; only then is "nothing written" a fact.
      const bar = () => (plugin as unknown as { statusBarItems__: HTMLElement[] }).statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'));
      await waitFor(() => bar()?.hasClass('scriptorium-is-hidden'), 'the task to finish');
    } finally {
      opened.mockRestore();
    }
    expect(app.vault.getAbstractFileByPath('wiki/outputs/Solo links.canvas')).toBeNull();
    expect(app.vault.getAbstractFileByPath('wiki/log.md')).toBeNull();
  });

  it('at start-up, waits for Obsidian to resolve the links before mapping them', async () => {
    const { app, commands } = await loaded({ autoApplyPlans: true });
    const canvasCommand = [...commands.values()].find((c) => c.id.endsWith('make-canvas-of-current-note-links'));
    await app.vault.create('wiki/concepts/Beta.md', '# Beta\n\nSee [[Alpha]].\n');
    await app.vault.create('wiki/concepts/Alpha.md', '# Alpha\n');
    // As at start-up: Beta was read before Alpha existed, so its link is not resolved yet.
    expect(app.metadataCache.resolvedLinks['wiki/concepts/Beta.md']).toEqual({});
    const beta = app.vault.getAbstractFileByPath('wiki/concepts/Beta.md') as TFile;
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(beta);
    app.workspace.setActiveLeaf(leaf);
    canvasCommand?.checkCallback?.(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(app.vault.getAbstractFileByPath('wiki/outputs/Beta links.canvas')).toBeNull();
    // Obsidian finishes: Beta's link now resolves, and the canvas is made with it.
    await app.vault.modify(beta, '# Beta\n\nSee [[Alpha]].\n\n');
    app.metadataCache.trigger('resolved');
    const file = await waitFor(() => app.vault.getAbstractFileByPath('wiki/outputs/Beta links.canvas'), 'the canvas');
    const canvas = JSON.parse(await app.vault.read(file as TFile)) as { nodes: { file?: string }[] };
    expect(canvas.nodes.map((n) => n.file).sort()).toEqual(['wiki/concepts/Alpha.md', 'wiki/concepts/Beta.md']);
  });

  it('maps links at once when the plugin is turned on after start-up', async () => {
    const app = App.createConfigured__();
    app.workspace.setLayoutReady__();
    await app.vault.create('wiki/concepts/Solo.md', '# Solo\n');
    const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
    await plugin.saveData({ autoApplyPlans: true });
    await plugin.onload();
    const commands = (plugin as unknown as { commands__: Map<string, Command> }).commands__;
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(app.vault.getAbstractFileByPath('wiki/concepts/Solo.md') as TFile);
    app.workspace.setActiveLeaf(leaf);
    [...commands.values()].find((c) => c.id.endsWith('make-canvas-of-current-note-links'))?.checkCallback?.(false);
    await waitFor(() => app.vault.getAbstractFileByPath('wiki/outputs/Solo links.canvas'), 'the canvas');
  });
});
