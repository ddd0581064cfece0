/** @jest-environment jsdom */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Menu, Modal, Notice, Plugin as MockPlugin, TFolder } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Command, Plugin, PluginManifest } from 'obsidian';
import { LlmClient } from '../../../src/core/llm';
import { WikiWriter, type ChangePlan } from '../../../src/core/plan';
import { systemClock } from '../../../src/core/ports/clock';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import type { PluginContext } from '../../../src/obsidian/plugin-context';
import { ConfirmModal } from '../../../src/ui/confirm-modal';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { registerSynth } from '../../../src/ui/synth/register-synth';
import { TaskRunner } from '../../../src/ui/task-runner';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';
import { WIKI, wikiModel } from '../../core/synth/synth-support';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };
const FOLDER = 'wiki/outputs/datasets/wiki-qa';

let server: OpenAiTestServer;
let notices: string[];
let confirmAnswer: boolean;
beforeAll(async () => {
  server = await new OpenAiTestServer().start();
  server.handler = wikiModel;
});
afterAll(() => server.stop());
beforeEach(() => {
  notices = [];
  confirmAnswer = true;
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
    notices.push(String(message));
  });
  // The fake's `open` closes a modal on the next tick (a dismissal): the confirmation is answered first.
  const fakeOpen = Object.getOwnPropertyDescriptor(Modal.prototype, 'open')?.value as (this: Modal) => void;
  jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
    fakeOpen.call(this);
    if (this instanceof ConfirmModal) {
      const wanted = confirmAnswer ? 'Generate' : 'Cancel';
      Array.from(this.contentEl.querySelectorAll('button')).find((b) => b.textContent === wanted)?.click();
    }
  });
});
afterEach(() => jest.restoreAllMocks());

async function waitFor<T>(probe: () => T | null | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${notices.join(' | ') || 'none'}`);
}

function registered(model = 'test-model') {
  const app = App.createConfigured__({ files: WIKI });
  const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
  const plugin = new PluginClass(app.asOriginalType__(), manifest);
  const vault = new MemoryVault(WIKI);
  const state = new MemoryStateStore();
  const previews: { plan: ChangePlan; text: string }[] = [];
  let currentModel = model;
  const ctx: PluginContext = {
    plugin,
    app: app.asOriginalType__(),
    vault,
    state,
    writer: new WikiWriter({ vault, state, clock: systemClock }),
    // The real preview, drawn, then Apply pressed with the default ticks.
    preview: (plan) => {
      const modal = new PlanPreviewModal(app.asOriginalType__(), plan);
      const answer = modal.ask();
      previews.push({ plan, text: modal.contentEl.textContent ?? '' });
      Array.from(modal.contentEl.querySelectorAll('button'))
        .find((b) => /^Apply/.test(b.textContent ?? ''))
        ?.click();
      return answer;
    },
    tasks: new TaskRunner({ plugin, surface: 'status-bar' }),
    settings: () => DEFAULT_SETTINGS,
    saveSettings: () => Promise.resolve(),
    client: () => new LlmClient({ baseURL: server.baseURL, model: currentModel, fetch: nodeFetch, maxRetries: 0, timeoutMs: 10_000 }),
  };
  registerSynth(ctx);
  const commands = (plugin as unknown as { commands__: Map<string, Command> }).commands__;
  const run = (name: string): void => {
    const command = [...commands.values()].find((c) => c.name === name);
    if (!command?.callback) throw new Error(`no command "${name}"`);
    command.callback();
  };
  const menuFor = (path: string) => {
    const folder = app.vault.getAbstractFileByPath(path);
    if (!(folder instanceof TFolder)) throw new Error(`no folder ${path}`);
    const menu = Menu.create2__();
    app.workspace.trigger('file-menu', menu, folder, 'file-explorer');
    return {
      titles: menu.menuItems__.map((item) => item.title__),
      click: (title: string) => menu.menuItems__.find((i) => i.title__ === title)?.onClick__?.(new MouseEvent('click')),
    };
  };
  return { app, vault, ctx, previews, commands, run, menuFor, useModel: (m: string) => (currentModel = m) };
}

describe('training data and evaluation in the plugin', () => {
  it('registers the two commands without hotkeys', () => {
    const { commands } = registered();
    const names = [...commands.values()].filter((c) => !c.id.includes('stop')).map((c) => c.name);
    expect(names).toEqual(['Generate training data', 'Evaluate my model on the wiki']);
    expect([...commands.values()].every((c) => !c.hotkeys || c.hotkeys.length === 0)).toBe(true);
  });

  it('writes the dataset through a previewed plan that undo takes back, then evaluates two models side by side', async () => {
    const { vault, ctx, previews, run, useModel } = registered();
    const before = vault.snapshot();
    run('Generate training data');
    await waitFor(() => notices.find((n) => n.includes('pairs generated')), 'the dataset');
    expect(notices.at(-1)).toContain('16 pairs generated, 4 not grounded, 1 duplicates; the dataset holds 11');
    expect(previews).toHaveLength(1);
    for (const name of ['train.jsonl', 'valid.jsonl', 'pairs.jsonl', 'manifest.json', 'README.md']) expect(previews[0].text).toContain(`${FOLDER}/${name}`);
    const manifest = JSON.parse(await vault.read(`${FOLDER}/manifest.json`)) as { counts: { kept: number } };
    expect(manifest.counts.kept).toBe(11);

    run('Evaluate my model on the wiki');
    await waitFor(() => notices.find((n) => n.includes('answered')), 'the first evaluation');
    useModel('other-model');
    run('Evaluate my model on the wiki');
    await waitFor(() => notices.find((n) => n.includes('other-model answered')), 'the second evaluation');
    const reports = (await vault.list()).map((f) => f.path).filter((p) => p.startsWith('wiki/outputs/Model evaluation'));
    expect(reports).toHaveLength(2);
    const second = await vault.read(reports.find((p) => p.includes('other-model')) as string);
    expect(second).toMatch(/^\| \| `other-model` \| `test-model` \|$/m);
    expect(second).toContain('| Supported answers | 1.00 | 1.00 |');

    // Undo the two reports, then the dataset: the vault is as it was (the log aside).
    await ctx.writer.undo();
    await ctx.writer.undo();
    await ctx.writer.undo();
    const after = vault.snapshot();
    delete after['wiki/log.md'];
    delete after['wiki/index.md'];
    const expected = { ...before };
    delete expected['wiki/index.md'];
    delete expected['wiki/log.md'];
    expect(after).toEqual(expected);
  });

  it('writes nothing when the estimate is declined, and says so when there is nothing to evaluate', async () => {
    const { vault, ctx, run } = registered();
    confirmAnswer = false;
    const requests = server.chatRequests().length;
    run('Generate training data');
    expect(ctx.tasks.current).toBe('training data generation');
    await waitFor(() => ctx.tasks.current === null, 'the declined generation to end');
    run('Evaluate my model on the wiki');
    await waitFor(() => notices.find((n) => n.includes('no training data yet')), 'the notice');
    expect(server.chatRequests()).toHaveLength(requests);
    expect((await vault.list()).some((f) => f.path.startsWith(FOLDER))).toBe(false);
  });

  it('makes a dataset of one wiki folder from its menu, and evaluates a dataset from its folder menu', async () => {
    const { app, vault, menuFor } = registered();
    expect(menuFor('wiki').titles).toContain('Generate training data');
    expect(menuFor('wiki/outputs').titles).not.toContain('Generate training data');
    expect(menuFor('raw').titles).not.toContain('Generate training data');
    menuFor('wiki/concepts').click('Generate training data');
    await waitFor(() => notices.find((n) => n.includes('pairs generated')), 'the dataset');
    const manifest = JSON.parse(await vault.read('wiki/outputs/datasets/concepts-qa/manifest.json')) as { name: string; articles: Record<string, unknown> };
    expect(manifest.name).toBe('concepts-qa');
    expect(Object.keys(manifest.articles)).toHaveLength(4);

    // Obsidian would show the new folder; the fake's vault is told about it here.
    for (const folder of ['wiki/outputs/datasets', 'wiki/outputs/datasets/concepts-qa']) if (!app.vault.getAbstractFileByPath(folder)) await app.vault.createFolder(folder);
    await app.vault.create('wiki/outputs/datasets/concepts-qa/pairs.jsonl', await vault.read('wiki/outputs/datasets/concepts-qa/pairs.jsonl'));
    expect(menuFor('wiki/outputs/datasets/concepts-qa').titles).toEqual(['Evaluate my model on this dataset']);
    menuFor('wiki/outputs/datasets/concepts-qa').click('Evaluate my model on this dataset');
    await waitFor(() => notices.find((n) => n.includes('test-model answered')), 'the evaluation');
    expect((await vault.list()).some((f) => f.path.startsWith('wiki/outputs/Model evaluation'))).toBe(true);
  });
});
