/** @jest-environment jsdom */
/**
 * "Tidy this article" in the plugin: over the Obsidian fake, the model on the loopback server, the
 * change plan previewed and applied; a tidy that drops a paragraph is refused with a notice.
 */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Modal, Notice, TFile } from 'obsidian-test-mocks/obsidian';
import type { Command, PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../../src/main';
import { renderArticle } from '../../../src/core/plan';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { OpenAiTestServer } from '../../support/openai-server';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };
const PATH = 'wiki/concepts/Tea.md';
const P1 = 'Tea is brewed from the leaves of Camellia sinensis [[wiki/sources/Survey|Survey]].';
const P2 = 'Of 200 people asked, 120 prefer tea, see [the survey](https://example.org/survey).';
const P3 = 'Green tea is steamed or pan-fired soon after picking.';
const ARTICLE = renderArticle(
  { title: 'Tea', summary: 'A drink.', type: 'concept', sources: ['raw/Survey.md'], aliases: [], tags: [], updated: '2026-11-01' },
  `# Tea\n\n${P1}\n\n${P2}\n\n${P3}\n\n## Sources\n\n- [[wiki/sources/Survey|Survey]]\n`,
);
const TIDY = `## Origin\n\n${P1}\n\n${P3}\n\n## Popularity\n\n${P2}`;

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
  await plugin.saveData({ baseURL: server.baseURL, model: 'test-model' });
  await plugin.onload();
  const internals = plugin as unknown as { commands__: Map<string, Command> };
  const tidy = () => {
    const found = internals.commands__.get('tidy-article') ?? internals.commands__.get('scriptorium:tidy-article');
    if (!found?.checkCallback) throw new Error('no tidy command');
    return found.checkCallback;
  };
  const open = async (path: string) => {
    const leaf = app.workspace.getLeaf(false);
    await leaf.openFile(app.vault.getAbstractFileByPath(path) as TFile);
    app.workspace.setActiveLeaf(leaf);
  };
  const text = () => app.vault.read(app.vault.getAbstractFileByPath(PATH) as TFile);
  await app.vault.create('raw/Survey.md', 'A survey.\n');
  await app.vault.create(PATH, ARTICLE);
  return { tidy, open, text };
}

describe('Tidy this article', () => {
  it('is offered only for a concept article, previews the tidy and applies it', async () => {
    const { tidy, open, text } = await loaded();
    await open('raw/Survey.md');
    expect(tidy()(true)).toBe(false);
    await open(PATH);
    expect(tidy()(true)).toBe(true);

    const shown: string[] = [];
    const fakeOpen = Object.getOwnPropertyDescriptor(Modal.prototype, 'open')?.value as (this: Modal) => void;
    jest.spyOn(Modal.prototype, 'open').mockImplementation(function (this: Modal) {
      fakeOpen.call(this);
      if (!(this instanceof PlanPreviewModal)) return;
      shown.push(this.contentEl.textContent ?? '');
      const apply = Array.from(this.contentEl.querySelectorAll('button')).find((b) => /^Apply \d+ files?$/.test(b.textContent ?? ''));
      if (!apply) throw new Error('no Apply button');
      apply.click();
    });
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY }) });
    tidy()(false);
    await waitFor(() => notices.find((n) => n.startsWith('Scriptorium: tidied')), 'the tidy notice');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain(PATH);
    expect(await text()).toContain(`## Popularity\n\n${P2}`);
  });

  it('refuses a tidy that drops a paragraph and leaves the article as it was', async () => {
    const { tidy, open, text } = await loaded();
    await open(PATH);
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY.replace(`${P3}\n\n`, '') }) });
    tidy()(false);
    const notice = await waitFor(() => notices.find((n) => n.includes("The model's tidy of")), 'the refusal notice');
    expect(notice).toMatch(/dropped 1 paragraph .*Green tea.*the article was left as it was/);
    expect(await text()).toBe(ARTICLE);
  });
});
