/** @jest-environment jsdom */
/**
 * "Make chart from dataset" in a CSV's file menu, and the chart command on an open dataset: the
 * plugin over the Obsidian fake, the model on the loopback server, the numbers from the file.
 */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Menu, Notice, TFile } from 'obsidian-test-mocks/obsidian';
import type { Command, PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../../src/main';
import { OpenAiTestServer } from '../../support/openai-server';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

const ROWS = Array.from({ length: 300 }, (_, i) => ({ team: ['Red', 'Blue', 'Green'][i % 3], points: (i * 13) % 29 }));
const CSV = `team,points\n${ROWS.map((r) => `${r.team},${r.points}`).join('\n')}\n`;

let server: OpenAiTestServer;
let notices: string[];

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  (window as unknown as { fetch: typeof nodeFetch }).fetch = nodeFetch;
  notices = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
    notices.push(String(message));
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  await server.stop();
});

async function waitFor<T>(probe: () => T | null | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; notices: ${notices.join(' | ') || 'none'}`);
}

async function loaded() {
  const app = App.createConfigured__();
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  await plugin.saveData({ baseURL: server.baseURL, model: 'test-model', autoApplyPlans: true });
  await plugin.onload();
  const commands = (plugin as unknown as { commands__: Map<string, Command> }).commands__;
  const fileMenu = (path: string) => {
    const file = app.vault.getAbstractFileByPath(path);
    if (!(file instanceof TFile)) throw new Error(`no file ${path}`);
    const menu = Menu.create2__();
    app.workspace.trigger('file-menu', menu, file, 'file-explorer');
    return menu.menuItems__;
  };
  return { app, commands, fileMenu };
}

/** The CSV as a binary file: the fake keeps text and binary files apart (Obsidian reads any file as bytes). */
async function addDataset(app: App): Promise<void> {
  const bytes = new TextEncoder().encode(CSV);
  await app.vault.createBinary('raw/league.csv', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Sum of points per team, computed here from the rows the CSV was made of. */
function expectedSums(): string[] {
  const sums = new Map<string, number>();
  for (const r of ROWS) sums.set(r.team, (sums.get(r.team) ?? 0) + r.points);
  return [...sums].sort((a, b) => b[1] - a[1]).map(([team, sum]) => `| ${team} | ${sum} |`);
}

describe('charts from a dataset in the plugin', () => {
  it('the file menu of a CSV offers "Make chart from dataset", and the chart note holds the sums of the file', async () => {
    const { app, fileMenu } = await loaded();
    await addDataset(app);
    await app.vault.create('raw/Notes.md', '# Notes\n');
    expect(fileMenu('raw/Notes.md').map((i) => i.title__)).not.toContain('Make chart from dataset');
    server.script({ kind: 'text', content: JSON.stringify({ type: 'bar', title: 'Points by team', x: 'team', y: ['points'], aggregate: 'sum' }) });
    const item = fileMenu('raw/league.csv').find((i) => i.title__ === 'Make chart from dataset');
    if (!item?.onClick__) throw new Error('no "Make chart from dataset" item');
    item.onClick__(new MouseEvent('click'));
    const note = await waitFor(() => app.vault.getAbstractFileByPath('wiki/outputs/league chart.md'), 'the chart note');
    const text = await app.vault.read(note as TFile);
    for (const row of expectedSums()) expect(text).toContain(row);
    expect(app.vault.getAbstractFileByPath('wiki/outputs/league chart.svg')).toBeInstanceOf(TFile);
    // The model saw the profile, not the rows.
    const prompt = JSON.stringify(server.chatRequests()[0].body.messages);
    expect(prompt).toContain('300 rows × 2 columns');
  });

  it('the chart command takes the open dataset; slides and diagrams do not', async () => {
    const { app, commands } = await loaded();
    await addDataset(app);
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(app.vault.getAbstractFileByPath('raw/league.csv') as TFile);
    app.workspace.setActiveLeaf(leaf);
    const command = (id: string) => [...commands.values()].find((c) => c.id.endsWith(id));
    expect(command('make-slides-from-current-note')?.checkCallback?.(true)).toBe(false);
    expect(command('make-diagram-from-current-note')?.checkCallback?.(true)).toBe(false);
    expect(command('make-chart-from-current-note')?.checkCallback?.(true)).toBe(true);
    server.script({ kind: 'text', content: JSON.stringify({ type: 'pie', title: 'Share of points', x: 'team', y: 'points', aggregate: 'sum' }) });
    command('make-chart-from-current-note')?.checkCallback?.(false);
    const note = await waitFor(() => app.vault.getAbstractFileByPath('wiki/outputs/league chart.md'), 'the chart note');
    const text = await app.vault.read(note as TFile);
    for (const row of expectedSums()) expect(text).toContain(row);
  });
});
