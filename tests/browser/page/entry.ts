/**
 * The browser suite's page: the plugin's real chat view, search modal and search view, change-plan
 * preview and settings tab, laid out like Obsidian (a note in the middle, the chat in a right sidebar, or the
 * whole screen on a phone), over the `obsidian` fake of ./obsidian-fake.ts. The Node side drives
 * it through `window.suite`.
 */
import { setup } from 'obsidian-test-mocks/setup';
import { App, Plugin, WorkspaceLeaf, type PluginManifest } from 'obsidian';
import { ConversationStore, ResearchAgent } from '../../../src/core/ask';
import { VaultIndex } from '../../../src/core/search';
import { DEFAULT_SETTINGS, type ScriptoriumSettings } from '../../../src/core/settings';
import { createLlmClient } from '../../../src/obsidian/llm-factory';
import { ChatView } from '../../../src/ui/chat/chat-view';
import { PlanPreviewModal } from '../../../src/ui/plan-preview-modal';
import { SearchModal } from '../../../src/ui/search/search-modal';
import { SearchView } from '../../../src/ui/search/search-view';
import { ScriptoriumSettingTab } from '../../../src/ui/settings-tab';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { NOTES, PLAN } from './fixtures';

setup();

interface FakeApp {
  asOriginalType__(): App;
}
interface FakeLeaf {
  asOriginalType3__(): WorkspaceLeaf;
}
const fakeApp = (App as unknown as { createConfigured__(): FakeApp }).createConfigured__();
const app = fakeApp.asOriginalType__();

/** A small markdown renderer standing in for MarkdownRenderer.render: paragraphs, lists, bold, code, [[links]]. */
function renderMarkdown(markdown: string, el: HTMLElement): Promise<void> {
  const inline = (parent: HTMLElement, text: string): void => {
    const re = /\[\[([^\]|#]+)(#[^\]|]+)?(?:\|([^\]]+))?\]\]|\*\*([^*]+)\*\*|`([^`]+)`/g;
    let last = 0;
    for (const m of text.matchAll(re)) {
      parent.appendText(text.slice(last, m.index));
      if (m[1] !== undefined) {
        const href = m[1] + (m[2] ?? '');
        parent.createEl('a', { cls: 'internal-link', text: m[3] ?? href.replace('#', ' > '), attr: { 'data-href': href, href } });
      } else if (m[4] !== undefined) parent.createEl('strong', { text: m[4] });
      else parent.createEl('code', { text: m[5] });
      last = m.index + m[0].length;
    }
    parent.appendText(text.slice(last));
  };
  let list: HTMLElement | null = null;
  for (const block of markdown.split('\n')) {
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(block);
    if (item) {
      list ??= el.createEl('ul');
      inline(list.createEl('li'), item[1]);
      continue;
    }
    list = null;
    const heading = /^(#{1,4})\s+(.*)$/.exec(block);
    if (heading) inline(el.createEl(`h${heading[1].length + 1}` as 'h2'), heading[2]);
    else if (block.trim() !== '') inline(el.createEl('p'), block);
  }
  return Promise.resolve();
}

function settingsWith(baseURL: string): ScriptoriumSettings {
  return { ...DEFAULT_SETTINGS, provider: 'custom', baseURL, model: 'test-model', apiKeySecret: '' };
}

/** Obsidian's workspace, reduced: a note in the middle, the sidebar on the right (the whole screen on a phone). */
function workspace(phone: boolean): { sidebar: HTMLElement } {
  document.body.empty();
  document.body.className = `theme-light ${phone ? 'is-mobile is-phone' : 'is-desktop'}`;
  const root = document.body.createDiv({ cls: 'app-container' }).createDiv({ cls: 'workspace' });
  if (!phone) {
    const main = root.createDiv({ cls: 'workspace-split mod-root' });
    const note = main.createDiv({ cls: 'markdown-reading-view' });
    note.createEl('h1', { text: 'Sourdough starter' });
    for (const line of NOTES['raw/Starter.md'].split('\n').filter((l) => l && !l.startsWith('#'))) note.createEl('p', { text: line });
  }
  const sidebar = root.createDiv({ cls: 'workspace-split mod-right-split' });
  return { sidebar };
}

const state = new MemoryStateStore();
const vault = new MemoryVault(NOTES);
const index = new VaultIndex({ vault, state });
const indexed = index.sync();

export interface OpenChatOptions {
  baseURL: string;
  phone: boolean;
}

const suite = {
  fallbacks: [] as string[],
  opened: [] as { path: string; heading: string | null; newTab: boolean }[],
  chat: null as ChatView | null,
  plan: null as Promise<string[] | null> | null,
  settings: null as (() => ScriptoriumSettings) | null,

  async openChat(options: OpenChatOptions): Promise<void> {
    await indexed;
    const { sidebar } = workspace(options.phone);
    const leafEl = sidebar.createDiv({ cls: 'workspace-leaf mod-active' });
    const leaf = (WorkspaceLeaf as unknown as { create2__(app: unknown): FakeLeaf }).create2__(fakeApp).asOriginalType3__();
    const settings = settingsWith(options.baseURL);
    const view = new ChatView(leaf, {
      store: new ConversationStore({ state: new MemoryStateStore() }),
      createAgent: () =>
        new ResearchAgent({
          client: createLlmClient({ app, settings: () => settings, onFallback: (reason) => suite.fallbacks.push(reason) }),
          search: index,
          vault,
        }),
      renderMarkdown: (markdown, el) => renderMarkdown(markdown, el),
      openLink: (link) => suite.opened.push({ path: link, heading: null, newTab: false }),
      notePaths: () => Object.keys(NOTES),
      saveAnswer: () => Promise.resolve(null),
      copy: () => Promise.resolve(),
    });
    const container = view.containerEl;
    container.addClass('workspace-leaf-content');
    container.setAttr('data-type', view.getViewType());
    const header = createDiv({ cls: 'view-header' });
    header.createDiv({ cls: 'view-header-title', text: view.getDisplayText() });
    container.prepend(header);
    view.contentEl.addClass('view-content');
    leafEl.appendChild(container);
    view.load();
    await view.onOpen();
    suite.chat = view;
  },

  async openSearch(phone: boolean): Promise<void> {
    await indexed;
    workspace(phone);
    suite.opened = [];
    new SearchModal(app, {
      index: () => index,
      open: (hit, newTab) => {
        suite.opened.push({ path: hit.path, heading: hit.heading ?? null, newTab });
        return Promise.resolve();
      },
    }).open();
  },

  /** The search view in the sidebar (the whole screen on a phone), over the page's shared index. */
  async openSearchView(phone: boolean): Promise<void> {
    await indexed;
    const { sidebar } = workspace(phone);
    suite.opened = [];
    const leafEl = sidebar.createDiv({ cls: 'workspace-leaf mod-active' });
    const leaf = (WorkspaceLeaf as unknown as { create2__(app: unknown): FakeLeaf }).create2__(fakeApp).asOriginalType3__();
    const view = new SearchView(leaf, {
      index: () => index,
      open: (hit, newTab) => {
        suite.opened.push({ path: hit.path, heading: hit.heading ?? null, newTab });
        return Promise.resolve();
      },
    });
    const container = view.containerEl;
    container.addClass('workspace-leaf-content');
    container.setAttr('data-type', view.getViewType());
    const header = createDiv({ cls: 'view-header' });
    header.createDiv({ cls: 'view-header-title', text: view.getDisplayText() });
    container.prepend(header);
    view.contentEl.addClass('view-content');
    leafEl.appendChild(container);
    view.load();
    await view.onOpen();
    view.focusInput();
  },

  openPreview(phone: boolean): void {
    workspace(phone);
    suite.plan = new PlanPreviewModal(app, PLAN).ask();
  },

  async planResult(): Promise<string[] | null | 'open'> {
    const pending = suite.plan;
    if (!pending) return 'open';
    return Promise.race([pending, new Promise<'open'>((r) => window.setTimeout(() => r('open'), 200))]);
  },

  openSettings(phone: boolean): void {
    workspace(phone);
    const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };
    const plugin = new (class extends Plugin {})(app, manifest);
    let settings = settingsWith('http://localhost:11434/v1');
    const tab = new ScriptoriumSettingTab(app, {
      plugin,
      settings: () => settings,
      save: (change) => {
        settings = { ...settings, ...change };
        return Promise.resolve();
      },
      client: () => createLlmClient({ app, settings: () => settings }),
    });
    // Obsidian's settings window: a modal whose right pane holds the tab.
    const container = document.body.createDiv({ cls: 'modal-container mod-dim' });
    container.createDiv({ cls: 'modal-bg' });
    const modal = container.createDiv({ cls: 'modal mod-settings' });
    const content = modal.createDiv({ cls: 'vertical-tab-content-container' }).createDiv({ cls: 'vertical-tab-content' });
    content.appendChild(tab.containerEl);
    tab.containerEl.addClass('scriptorium-settings');
    tab.display();
    suite.settings = () => settings;
  },
};

declare global {
  interface Window {
    suite: typeof suite;
  }
}
window.suite = suite;
