/** @jest-environment jsdom */
import { nodeFetch } from './chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, Notice, WorkspaceLeaf } from 'obsidian-test-mocks/obsidian';
import { ConversationStore, ResearchAgent, SavedAnswer, type AskResult } from '../../src/core/ask';
import { LlmClient } from '../../src/core/llm';
import { WikiWriter } from '../../src/core/plan';
import type { VaultIndex } from '../../src/core/search';
import { ChatView } from '../../src/ui/chat/chat-view';
import { OpenAiTestServer } from '../support/openai-server';
import { MemoryStateStore, type MemoryVault } from '../support/memory-vault';
import { indexOf, researchVault } from '../core/ask/fixtures';

beforeAll(() => setup());

let server: OpenAiTestServer;
let vault: MemoryVault;
let index: VaultIndex;
let notices: string[];

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  vault = researchVault();
  index = await indexOf(vault);
  notices = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: unknown, message: unknown) {
    notices.push(String(message));
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  await server.stop();
});

/** The chat view over the loopback server, saving through the real SavedAnswer and writer, as the plugin does. */
async function openView(maxSteps = 8): Promise<{ view: ChatView; saves: AskResult[]; state: MemoryStateStore }> {
  const app = App.createConfigured__();
  const leaf = WorkspaceLeaf.create2__(app);
  const clock = { now: () => Date.UTC(2026, 2, 14) };
  const state = new MemoryStateStore();
  const writer = new WikiWriter({ vault, state, clock });
  const saves: AskResult[] = [];
  const view = new ChatView(leaf.asOriginalType3__(), {
    store: new ConversationStore({ state }),
    createAgent: () =>
      new ResearchAgent({ client: new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'k', maxRetries: 0, fetch: nodeFetch }), search: index, vault, maxSteps }),
    renderMarkdown: (markdown, el) => {
      el.setText(markdown);
      return Promise.resolve();
    },
    openLink: () => undefined,
    notePaths: () => [],
    saveAnswer: async (result) => {
      saves.push(result);
      return (await new SavedAnswer({ writer, vault, clock }).save(result)).path;
    },
    renderDelayMs: 1,
    copy: () => Promise.resolve(),
  });
  view.load();
  await view.onOpen();
  return { view, saves, state };
}

async function ask(view: ChatView, question: string): Promise<void> {
  const input = view.contentEl.querySelector('textarea') as HTMLTextAreaElement;
  input.value = question;
  input.dispatchEvent(new Event('input'));
  await view.send();
}

function saveButtons(view: ChatView): HTMLButtonElement[] {
  return [...view.contentEl.querySelectorAll('button')].filter((b) => /^(Save to wiki|Saved to )/.test(b.getAttribute('aria-label') ?? ''));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Save to wiki in the chat', () => {
  it('refuses an answer cut off mid-stream with a notice that says why, and writes nothing', async () => {
    const { view, saves } = await openView();
    server.script({ kind: 'cut', content: 'Dropck is the drop checker and more', afterChunks: 3 });
    const before = vault.snapshot();
    await ask(view, 'What is dropck?');
    expect(view.session.conversation.turns.at(-1)?.incomplete).toBe('connection');

    const button = saveButtons(view).at(-1) as HTMLButtonElement;
    expect(button.getAttribute('aria-disabled')).toBe('true');
    button.click();
    await until(() => notices.length > 0, 'the notice');
    expect(notices[0]).toMatch(/^Not saved to the wiki: The connection to the model dropped before the answer was complete\. Ask the question again/);
    expect(saves).toEqual([]);
    expect(vault.snapshot()).toEqual(before);
    expect(view.session.conversation.turns.at(-1)?.savedTo).toBeUndefined();
  });

  it('refuses an answer the step limit ended, even after a restart of the view', async () => {
    server.script(
      { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'dropck' } }] },
      { kind: 'text', content: 'Dropck checks destructors [[wiki/concepts/Dropck]].' },
    );
    const { view, saves, state } = await openView(1);
    await ask(view, 'What is dropck?');
    expect(view.session.conversation.turns[0].limited).toBe('steps');
    expect(view.contentEl.querySelector('.scriptorium-chat-warning')?.textContent).toMatch(/^The research reached its step limit before the model was done/);
    // The limit is kept with the conversation, so a reopened chat still knows.
    const stored = await new ConversationStore({ state }).get(view.session.conversation.id);
    expect(stored?.turns[0].limited).toBe('steps');
    saveButtons(view)[0].click();
    await until(() => notices.length > 0, 'the notice');
    expect(notices[0]).toMatch(/step limit/);
    expect(saves).toEqual([]);
    expect(await vault.stat('wiki/outputs/What is dropck.md')).toBeNull();
  });

  it('saves a complete answer, and a different answer to the same question under a new name', async () => {
    server.script({ kind: 'text', content: 'Dropck checks destructors [[wiki/concepts/Dropck]].' }, { kind: 'text', content: 'It is the drop checker [[wiki/concepts/Dropck]].' });
    const { view } = await openView();
    await ask(view, 'What is dropck?');
    saveButtons(view)[0].click();
    await until(() => view.session.conversation.turns[0].savedTo !== undefined, 'the first save');
    const first = await vault.read('wiki/outputs/What is dropck.md');

    await ask(view, 'What is dropck?');
    saveButtons(view)[1].click();
    await until(() => view.session.conversation.turns[1].savedTo !== undefined, 'the second save');
    expect(view.session.conversation.turns[1].savedTo).toBe('wiki/outputs/What is dropck (2).md');
    expect(await vault.read('wiki/outputs/What is dropck.md')).toBe(first);
    expect(notices).toContain('Saved to wiki/outputs/What is dropck (2).md');
  });
});
