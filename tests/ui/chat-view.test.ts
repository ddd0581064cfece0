/** @jest-environment jsdom */
import { nodeFetch } from './chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { App, WorkspaceLeaf } from 'obsidian-test-mocks/obsidian';
import type { Component } from 'obsidian';
import { ConversationStore, ResearchAgent, SavedAnswer, type AskResult } from '../../src/core/ask';
import { LlmClient } from '../../src/core/llm';
import { WikiWriter } from '../../src/core/plan';
import type { VaultIndex } from '../../src/core/search';
import { ChatView, type ChatViewDeps } from '../../src/ui/chat/chat-view';
import { OpenAiTestServer } from '../support/openai-server';
import { MemoryStateStore, type MemoryVault } from '../support/memory-vault';
import { indexOf, researchVault } from '../core/ask/fixtures';

beforeAll(() => setup());

let server: OpenAiTestServer;
let vault: MemoryVault;
let index: VaultIndex;
let state: MemoryStateStore;

beforeEach(async () => {
  server = await new OpenAiTestServer().start();
  vault = researchVault();
  index = await indexOf(vault);
  state = new MemoryStateStore();
});

afterEach(async () => {
  await server.stop();
});

interface Harness {
  view: ChatView;
  renders: { markdown: string; component: Component }[];
  opened: string[];
  deps: ChatViewDeps;
}

async function openView(overrides: Partial<ChatViewDeps> = {}): Promise<Harness> {
  const app = App.createConfigured__();
  const leaf = WorkspaceLeaf.create2__(app);
  const renders: Harness['renders'] = [];
  const opened: string[] = [];
  const clock = { now: () => Date.UTC(2026, 2, 14) };
  const writer = new WikiWriter({ vault, state, clock });
  const deps: ChatViewDeps = {
    store: new ConversationStore({ state }),
    createAgent: () =>
      new ResearchAgent({ client: new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'k', maxRetries: 0, fetch: nodeFetch }), search: index, vault }),
    // The seam for MarkdownRenderer.render: the fake's is a no-op, so render as text and record.
    renderMarkdown: (markdown, el, _source, component) => {
      renders.push({ markdown, component });
      el.setText(markdown);
      const match = /\[\[([^\]|]+)\]\]/.exec(markdown);
      if (match) el.createEl('a', { cls: 'internal-link', text: match[1], attr: { 'data-href': match[1] } });
      return Promise.resolve();
    },
    openLink: (link) => opened.push(link),
    notePaths: () => ['wiki/concepts/Dropck.md', 'wiki/concepts/Ownership.md', 'raw/Nomicon.md'],
    saveAnswer: async (result: AskResult) => {
      const plan = await new SavedAnswer({ writer, vault, clock }).plan(result);
      const applied = await writer.apply(plan);
      return applied.paths.find((p) => p.startsWith('wiki/outputs/')) ?? null;
    },
    renderDelayMs: 1,
    copy: () => Promise.resolve(),
    ...overrides,
  };
  const view = new ChatView(leaf.asOriginalType3__(), deps);
  view.load();
  await view.onOpen();
  return { view, renders, opened, deps };
}

const q = (view: ChatView, selector: string) => view.contentEl.querySelector(selector) as HTMLElement;
const all = (view: ChatView, selector: string) => [...view.contentEl.querySelectorAll(selector)] as HTMLElement[];

function type(view: ChatView, text: string): HTMLTextAreaElement {
  const input = q(view, 'textarea') as HTMLTextAreaElement;
  input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new Event('input'));
  return input;
}

function press(view: ChatView, key: string, init: KeyboardEventInit = {}): void {
  q(view, 'textarea').dispatchEvent(new KeyboardEvent('keydown', { key, cancelable: true, ...init }));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function buttonNamed(view: ChatView, label: string): HTMLButtonElement {
  const found = all(view, 'button').find((b) => b.getAttribute('aria-label') === label || b.textContent === label);
  if (!found) throw new Error(`no button "${label}"`);
  return found as HTMLButtonElement;
}

describe('ChatView', () => {
  it('sends on Enter, streams the answer through the markdown seam, and lists clickable sources', async () => {
    const answer = 'Dropck rejects unsound destructors, as the notes explain in detail here [[wiki/concepts/Dropck#Soundness]] and not [[wiki/Nowhere]].';
    server.script(
      { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'dropck' } }] },
      { kind: 'text', content: answer, chunkDelayMs: 15 },
    );
    const { view, renders, opened } = await openView();
    expect(q(view, '.scriptorium-chat-empty')).not.toBeNull();

    type(view, 'Why dropck?');
    press(view, 'Enter', { shiftKey: true });
    expect(server.chatRequests()).toHaveLength(0);
    press(view, 'Enter');
    expect((q(view, 'textarea') as HTMLTextAreaElement).value).toBe('');
    await until(() => q(view, '.scriptorium-chat-send').textContent === 'Stop', 'the stop button');
    // The trace grows while the answer is being researched.
    await until(() => q(view, '.is-pending .scriptorium-chat-status')?.textContent === 'Researching… 1 step', 'the live trace');
    expect(q(view, '.is-pending details.scriptorium-chat-trace li').textContent).toMatch(/^search “dropck”/);
    await until(() => view.session.conversation.turns.length === 1, 'the answer');
    expect(q(view, '.is-pending')).toBeNull();

    // Streamed: partial renders before the full one, each in a fresh child component, old ones unloaded.
    const partials = renders.filter((r) => r.markdown !== '' && r.markdown !== answer);
    expect(partials.length).toBeGreaterThan(0);
    for (const r of partials) expect(answer.startsWith(r.markdown)).toBe(true);
    const finalRender = renders[renders.length - 1];
    expect(finalRender.markdown).toBe(answer);
    const components = new Set(renders.map((r) => r.component));
    expect(components.size).toBe(renders.length);
    const live = (view as unknown as { children__: Component[] }).children__;
    expect(live).toContain(finalRender.component);
    expect(live.filter((c) => components.has(c))).toHaveLength(1);

    expect(q(view, '.scriptorium-chat-answer').textContent).toContain('Dropck rejects unsound destructors');
    expect(q(view, '.scriptorium-chat-send').textContent).toBe('Send');
    // Sources: the verified one is a link that opens the note; the invented one is marked.
    const source = q(view, 'a.scriptorium-chat-source');
    expect(source.textContent).toBe('Dropck › Soundness');
    source.click();
    expect(opened).toEqual(['wiki/concepts/Dropck#Soundness']);
    expect(q(view, 'li.scriptorium-chat-unverified').textContent).toContain('[[wiki/Nowhere]]');
    // The trace can be expanded and says what was searched.
    expect(q(view, 'details.scriptorium-chat-trace summary').textContent).toMatch(/^1 research step/);
    expect(q(view, 'details.scriptorium-chat-trace li').textContent).toMatch(/^search “dropck” → \d+ results?/);
  });

  it('stops on the stop button and keeps the partial answer, marked, with a retry', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    server.script({ kind: 'text', content: long, chunkDelayMs: 30 });
    const { view } = await openView();
    type(view, 'Tell me everything');
    press(view, 'Enter');
    await until(() => (view.session.pending?.answer.length ?? 0) > 0, 'the first words');
    q(view, '.scriptorium-chat-send').click();
    await until(() => view.session.conversation.turns.length === 1, 'the stopped turn');
    const turn = view.session.conversation.turns[0];
    expect(turn.incomplete).toBe('stopped');
    expect(turn.answer.length).toBeGreaterThan(0);
    expect(long.startsWith(turn.answer)).toBe(true);
    expect(turn.answer.length).toBeLessThan(long.length);
    expect(q(view, '.scriptorium-chat-warning').textContent).toContain('Stopped');

    server.script({ kind: 'text', content: 'Complete answer.' });
    buttonNamed(view, 'Retry').click();
    await until(() => view.session.conversation.turns[0].answer === 'Complete answer.', 'the retried answer');
    expect(view.session.conversation.turns).toHaveLength(1);
    expect(q(view, '.scriptorium-chat-warning')).toBeNull();
  });

  it('keeps a dropped answer marked incomplete with a retry', async () => {
    server.script({ kind: 'cut', content: 'Dropck is the drop checker and more', afterChunks: 3 });
    const { view } = await openView();
    type(view, 'What is dropck?');
    await view.send();
    expect(view.session.conversation.turns[0].incomplete).toBe('connection');
    expect(q(view, '.scriptorium-chat-warning').textContent).toMatch(/incomplete/);
    expect(q(view, '.scriptorium-chat-answer').textContent).toBe('Dropck is the ');
  });

  it('restores the conversation after a restart and continues it with its history', async () => {
    server.script({ kind: 'text', content: 'First answer [[raw/Nomicon]].' });
    const first = await openView();
    type(first.view, 'First question');
    await first.view.send();
    await first.view.onClose();

    const again = await openView({ store: new ConversationStore({ state }) });
    await until(() => all(again.view, '.scriptorium-chat-turn').length === 1, 'the restored turn');
    expect(q(again.view, '.scriptorium-chat-question').textContent).toBe('First question');
    expect(q(again.view, '.scriptorium-chat-answer').textContent).toContain('First answer');
    expect(q(again.view, 'a.scriptorium-chat-source').textContent).toBe('Nomicon');

    server.script({ kind: 'text', content: 'Second answer.' });
    type(again.view, 'And then?');
    await again.view.send();
    const messages = server.chatRequests()[1].body.messages ?? [];
    expect(messages.map((m) => m.content)).toContain('First question');
    expect(messages.map((m) => m.content)).toContain('First answer [[raw/Nomicon]].');
    expect(all(again.view, '.scriptorium-chat-turn')).toHaveLength(2);

    again.view.session.newChat();
    expect(all(again.view, '.scriptorium-chat-turn')).toHaveLength(0);
    expect(await again.view.session.history()).toHaveLength(1);
  });

  it('saves an answer to the wiki from its button', async () => {
    server.script({ kind: 'text', content: 'Owners drop values [[raw/Rust book#Ownership]].' });
    const { view } = await openView();
    type(view, 'Who drops values?');
    await view.send();
    buttonNamed(view, 'Save to wiki').click();
    await until(() => view.session.conversation.turns[0].savedTo !== undefined, 'the save');
    expect(view.session.conversation.turns[0].savedTo).toBe('wiki/outputs/Who drops values.md');
    expect(await vault.read('wiki/outputs/Who drops values.md')).toContain('Owners drop values');
    expect(await vault.read('wiki/index.md')).toContain('[[wiki/outputs/Who drops values|Who drops values?]]');
    expect(buttonNamed(view, 'Saved to Who drops values.md')).toBeTruthy();
  });

  it('completes [[ mentions from the vault and sends the note and the current note as context', async () => {
    server.script({ kind: 'text', content: 'Ok.' });
    const { view } = await openView();
    view.addContext({ kind: 'note', path: 'wiki/concepts/Ownership.md' });
    expect(q(view, '.scriptorium-chat-chip').textContent).toBe('Ownership');
    type(view, 'How does [[Dro');
    const suggestions = all(view, '.scriptorium-chat-suggestion');
    expect(suggestions.map((s) => s.firstElementChild?.textContent)).toEqual(['Dropck']);
    press(view, 'Enter');
    expect((q(view, 'textarea') as HTMLTextAreaElement).value).toBe('How does [[wiki/concepts/Dropck]]');
    expect(server.chatRequests()).toHaveLength(0);
    expect(all(view, '.scriptorium-chat-suggestion')).toHaveLength(0);
    press(view, 'Enter');
    await until(() => view.session.conversation.turns.length === 1, 'the answer');
    const prompt = server.chatRequests()[0].body.messages?.at(-1)?.content ?? '';
    expect(prompt).toContain('Each value has exactly one owner');
    expect(prompt).toContain('Dropck rejects a destructor');
    expect(all(view, '.scriptorium-chat-chip')).toHaveLength(0);
  });

  it('shows a clear error when the agent cannot start, and offers extra answer actions', async () => {
    const ran: string[] = [];
    const { view } = await openView({
      createAgent: () => {
        throw new Error('The search index is still loading; try again in a moment.');
      },
      answerActions: () => [{ id: 'slides', label: 'Make slides', icon: 'presentation', run: (r) => void ran.push(r.question) }],
    });
    type(view, 'Anything?');
    await view.send();
    expect(q(view, '.scriptorium-chat-warning').textContent).toContain('The search index is still loading');
    expect(() => buttonNamed(view, 'Make slides')).toThrow();

    const ok = await openView({
      answerActions: () => [{ id: 'slides', label: 'Make slides', icon: 'presentation', run: (r) => void ran.push(r.question) }],
    });
    server.script({ kind: 'text', content: 'Answer.' });
    type(ok.view, 'Slides please');
    await ok.view.send();
    buttonNamed(ok.view, 'Make slides').click();
    await until(() => ran.length === 1, 'the action');
    expect(ran).toEqual(['Slides please']);
  });
});

/**
 * jsdom has no layout: this gives the messages box one, as a browser would. Every character of
 * text is a pixel of height in a 200 px tall box; scrollTop is clamped to what can be scrolled,
 * and a change of it fires 'scroll' a moment later.
 */
function withLayout(view: ChatView) {
  const box = q(view, '.scriptorium-chat-messages');
  const clientHeight = 200;
  const scrollHeight = () => Math.max(clientHeight, (box.textContent ?? '').length);
  let top = 0;
  const clamp = (v: number) => Math.max(0, Math.min(v, scrollHeight() - clientHeight));
  Object.defineProperty(box, 'clientHeight', { get: () => clientHeight });
  Object.defineProperty(box, 'scrollHeight', { get: scrollHeight });
  Object.defineProperty(box, 'scrollTop', {
    get: () => clamp(top),
    set: (v: number) => {
      const before = clamp(top);
      top = clamp(v);
      if (top !== before) setTimeout(() => box.dispatchEvent(new Event('scroll')), 0);
    },
  });
  return {
    gap: () => scrollHeight() - clamp(top) - clientHeight,
    /** The person scrolls to `to` (a wheel, a drag). */
    scrollTo: async (to: number) => {
      box.scrollTop = to;
      box.dispatchEvent(new Event('scroll'));
      await new Promise((r) => setTimeout(r, 5));
    },
    bottom: () => scrollHeight() - clientHeight,
  };
}

const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');

describe('ChatView while an answer streams', () => {
  it('follows the answer to the bottom on the third turn, and says it is answering, not researching', async () => {
    const { view } = await openView({ renderDelayMs: 5 });
    const layout = withLayout(view);
    for (const question of ['First?', 'Second?']) {
      server.script({ kind: 'text', content: words(80, 'earlier') });
      type(view, question);
      await view.send();
    }
    expect(layout.gap()).toBeLessThanOrEqual(4);
    server.script({ kind: 'tools', calls: [{ name: 'search', arguments: { query: 'dropck' } }] }, { kind: 'text', content: words(120, 'third'), chunkDelayMs: 4 });
    type(view, 'Third?');
    const done = view.send();
    const gaps: number[] = [];
    const statuses = new Set<string>();
    const sampler = setInterval(() => {
      const answer = q(view, '.is-pending .scriptorium-chat-answer')?.textContent ?? '';
      if (answer === '') return;
      gaps.push(layout.gap());
      statuses.add(q(view, '.is-pending .scriptorium-chat-status')?.textContent ?? '');
    }, 3);
    await done;
    clearInterval(sampler);
    expect(gaps.length).toBeGreaterThan(5);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(4);
    expect([...statuses]).toEqual(['Answering…']);
    expect(layout.gap()).toBeLessThanOrEqual(4);
  });

  it('stops following when the person scrolls up, and follows again when they return to the bottom', async () => {
    const { view } = await openView({ renderDelayMs: 5 });
    const layout = withLayout(view);
    server.script({ kind: 'text', content: words(80, 'earlier') });
    type(view, 'First?');
    await view.send();
    server.script({ kind: 'text', content: words(150, 'streamed'), chunkDelayMs: 6 });
    type(view, 'Second?');
    const done = view.send();
    const answerLength = () => (q(view, '.is-pending .scriptorium-chat-answer')?.textContent ?? '').length;
    await until(() => answerLength() > 100, 'the answer to start');

    await layout.scrollTo(40);
    const seen = answerLength();
    await until(() => answerLength() > seen + 100, 'more of the answer');
    expect(q(view, '.scriptorium-chat-messages').scrollTop).toBe(40);
    expect(layout.gap()).toBeGreaterThan(100);

    await layout.scrollTo(layout.bottom());
    const back = answerLength();
    await until(() => answerLength() > back + 100, 'more of the answer after returning');
    expect(layout.gap()).toBeLessThanOrEqual(4);
    await done;
  });
});

describe('ChatView scrolling between conversations', () => {
  it('opens another conversation at its end, even when the last one was scrolled up', async () => {
    const { view } = await openView();
    const layout = withLayout(view);
    server.script({ kind: 'text', content: words(400, 'first') });
    type(view, 'First?');
    await view.send();
    const first = view.session.conversation.id;
    view.session.newChat();
    server.script({ kind: 'text', content: words(400, 'second') });
    type(view, 'Second?');
    await view.send();
    await layout.scrollTo(0);
    await view.session.open(first);
    expect(layout.gap()).toBeLessThanOrEqual(4);
  });
});

describe('ChatView links', () => {
  async function answered() {
    const opened: { link: string; newLeaf: unknown }[] = [];
    const harness = await openView({ openLink: (link, newLeaf) => opened.push({ link, newLeaf }) });
    server.script({ kind: 'text', content: 'Owners drop values [[raw/Rust book#Ownership]].' });
    type(harness.view, 'Who drops values?');
    await harness.view.send();
    return { ...harness, opened };
  }

  it('opens a link in a popout window, where elements are not the main window’s HTMLElement', async () => {
    const { view, opened } = await answered();
    const frame = document.body.createEl('iframe');
    const popoutDoc = frame.contentDocument as Document;
    const link = popoutDoc.createElement('a');
    link.className = 'internal-link';
    link.setAttribute('data-href', 'raw/Rust book#Ownership');
    const inner = popoutDoc.createElement('span');
    inner.textContent = 'Ownership';
    link.appendChild(inner);
    expect(inner instanceof HTMLElement).toBe(false);
    q(view, '.scriptorium-chat-answer').appendChild(link);
    inner.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(opened).toEqual([{ link: 'raw/Rust book#Ownership', newLeaf: false }]);
    frame.remove();
  });

  it('opens in a new tab on Mod-click and on a middle click', async () => {
    const { view, opened } = await answered();
    const source = q(view, 'a.scriptorium-chat-source');
    source.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    source.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, cancelable: true, button: 1 }));
    source.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(opened).toEqual([
      { link: 'raw/Rust book#Ownership', newLeaf: 'tab' },
      { link: 'raw/Rust book#Ownership', newLeaf: 'tab' },
      { link: 'raw/Rust book#Ownership', newLeaf: false },
    ]);
  });

  it('asks Obsidian for a page preview when a link is hovered', async () => {
    const { view } = await answered();
    const hovers: { source: string; linktext: string; targetEl: HTMLElement; hoverParent: unknown }[] = [];
    // 'hover-link' is Obsidian's page-preview event; its typings do not list it among the workspace's events.
    (view.app.workspace as unknown as { on(name: string, cb: (info: (typeof hovers)[number]) => void): void }).on('hover-link', (info) => hovers.push(info));
    const source = q(view, 'a.scriptorium-chat-source');
    source.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    q(view, '.scriptorium-chat-question').dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    expect(hovers).toHaveLength(1);
    expect({ source: hovers[0].source, linktext: hovers[0].linktext }).toEqual({ source: 'scriptorium-chat', linktext: 'raw/Rust book#Ownership' });
    expect(hovers[0].targetEl === source).toBe(true);
    expect(hovers[0].hoverParent === view).toBe(true);
  });
});
