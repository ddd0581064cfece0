/** @jest-environment jsdom */
import { nodeFetch } from '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Notice, WorkspaceLeaf } from 'obsidian-test-mocks/obsidian';
import { htmlToMarkdown } from '../../../src/cli/html-to-markdown';
import { ConversationStore, ResearchAgent, SavedAnswer } from '../../../src/core/ask';
import { LlmClient } from '../../../src/core/llm';
import { WikiWriter } from '../../../src/core/plan';
import { WebPageReader } from '../../../src/core/web/page-reader';
import { createWebSearchProvider, type WebSearchProvider } from '../../../src/core/web/search-providers';
import { ChatView } from '../../../src/ui/chat/chat-view';
import { indexOf, researchVault } from '../../core/ask/fixtures';
import { MemoryStateStore } from '../../support/memory-vault';
import { OpenAiTestServer } from '../../support/openai-server';
import { searxngReply, WebTestServer } from '../../support/web-server';

beforeAll(() => setup());

let model: OpenAiTestServer;
let site: WebTestServer;

beforeEach(async () => {
  model = await new OpenAiTestServer().start();
  site = await new WebTestServer().start();
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await model.stop();
  await site.stop();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the chat with web use on', () => {
  it('shows web steps in the trace, lists the page read and flags an unread address, and Save to wiki keeps the URLs after a reload', async () => {
    const read = `${site.base}/rye`;
    site.page('/rye', '<html><head><meta property="og:title" content="Rye"></head><body><article><p>Rye has pentosans.</p></article></body></html>');
    site.routes.set('/search', { json: () => searxngReply([{ url: read, title: 'Rye', content: 'rye' }]) });
    model.script(
      { kind: 'tools', calls: [{ name: 'web_search', arguments: { query: 'rye' } }] },
      { kind: 'tools', calls: [{ name: 'web_read', arguments: { url: read } }] },
      { kind: 'text', content: `Rye has pentosans (${read}); see also https://made.up/x.` },
    );
    const vault = researchVault();
    const index = await indexOf(vault);
    const state = new MemoryStateStore();
    const clock = { now: () => Date.UTC(2026, 11, 5) };
    const writer = new WikiWriter({ vault, state, clock });
    const provider = createWebSearchProvider({ provider: 'searxng', url: site.base, fetch: nodeFetch }) as WebSearchProvider;
    const reader = new WebPageReader({ fetch: nodeFetch, htmlToMarkdown, allowPrivateHosts: true });
    const app = App.createConfigured__();
    const view = new ChatView(WorkspaceLeaf.create2__(app).asOriginalType3__(), {
      store: new ConversationStore({ state }),
      createAgent: () =>
        new ResearchAgent({
          client: new LlmClient({ baseURL: model.baseURL, model: 'test-model', maxRetries: 0, fetch: nodeFetch }),
          search: index,
          vault,
          web: { provider, reader, maxCalls: 10 },
        }),
      renderMarkdown: (markdown, el) => {
        el.setText(markdown);
        return Promise.resolve();
      },
      openLink: () => undefined,
      notePaths: () => [],
      saveAnswer: async (result) => (await new SavedAnswer({ writer, vault, clock }).save(result)).path,
      renderDelayMs: 1,
      copy: () => Promise.resolve(),
    });
    view.load();
    await view.onOpen();
    const input = view.contentEl.querySelector('textarea') as HTMLTextAreaElement;
    input.value = 'What is in rye?';
    input.dispatchEvent(new Event('input'));
    await view.send();

    const text = view.contentEl.textContent ?? '';
    expect(text).toContain('web_search');
    expect(text).toContain('web_read');
    const links = [...view.contentEl.querySelectorAll('.scriptorium-chat-sources a.external-link')].map((a) => a.getAttribute('href'));
    expect(links).toEqual([read, 'https://made.up/x']);
    expect(view.contentEl.querySelector('.scriptorium-chat-sources .scriptorium-chat-unverified')?.textContent).toContain('https://made.up/x (unverified: the research did not read this page)');

    // The conversation keeps the web citations, so a saved answer made after a reload still has them.
    const stored = await new ConversationStore({ state }).get(view.session.conversation.id);
    expect(stored?.turns[0].webCitations).toEqual([
      { url: read, valid: true },
      { url: 'https://made.up/x', valid: false },
    ]);
    [...view.contentEl.querySelectorAll('button')].find((b) => /^Save to wiki/.test(b.getAttribute('aria-label') ?? ''))?.click();
    await until(() => view.session.conversation.turns[0].savedTo !== undefined, 'the save');
    const saved = await vault.read(view.session.conversation.turns[0].savedTo as string);
    expect(saved).toContain(`## Web sources\n\n- <${read}>`);
    expect(saved).toContain('`https://made.up/x`');
  });
});
