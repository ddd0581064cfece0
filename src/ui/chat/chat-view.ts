import { Component, ItemView, Keymap, Menu, Notice, setIcon, type HoverParent, type HoverPopover, type PaneType, type WorkspaceLeaf } from 'obsidian';
import { mentionAtCaret, rankMentionCandidates, saveRefusal, type AskContext, type AskResult, type ChatTurn, type AskStep } from '../../core/ask';
import { basename, basenameNoExt } from '../../core/markdown/paths';
import { ChatSession, type ChatSessionOptions } from './chat-session';
import { t } from '../../i18n/plugin';

export const CHAT_VIEW_TYPE = 'scriptorium-chat';

/** Renders markdown into an element; in the plugin, `MarkdownRenderer.render` with the given component. */
export type MarkdownRenderFn = (markdown: string, el: HTMLElement, sourcePath: string, component: Component) => Promise<void>;

/**
 * An extra button under every answer (the render feature adds "Make slides" and "Make chart"
 * here). `run` gets the answer as the agent returned it.
 */
export interface AnswerAction {
  id: string;
  /** Button text, sentence case. */
  label: string;
  icon: string;
  run(result: AskResult): Promise<void> | void;
}

export interface ChatViewDeps extends ChatSessionOptions {
  renderMarkdown: MarkdownRenderFn;
  /**
   * Opens `[[linktext]]` as Obsidian would (a note, a heading in it); `newLeaf` is where, as
   * `Keymap.isModEvent` says for the click (false: the current tab).
   */
  openLink: (linktext: string, newLeaf: PaneType | boolean) => void;
  /** Every note path, for `[[` completion. */
  notePaths: () => string[];
  /** Files the answer into the wiki; returns the note's path, or null when nothing was written. */
  saveAnswer: (result: AskResult) => Promise<string | null>;
  /** Extra buttons under each answer. Read on every render, so features can add them later. */
  answerActions?: () => readonly AnswerAction[];
  /** Default: the system clipboard. */
  copy?: (text: string) => Promise<void>;
  /** Milliseconds between re-renders of a streaming answer. Default 120. */
  renderDelayMs?: number;
}

const MAX_SUGGESTIONS = 8;

/** The chat follows a streaming answer while its end is within this many pixels of the bottom. */
const PINNED_PX = 12;

/**
 * The link element an event happened on, if any. Duck-typed, not `instanceof HTMLElement`: in a
 * popout window the elements belong to that window, whose HTMLElement is another class.
 */
function internalLinkAt(target: EventTarget | null): HTMLElement | null {
  const el = target as { closest?: (selector: string) => Element | null } | null;
  if (!el || typeof el.closest !== 'function') return null;
  return el.closest('a.internal-link') as HTMLElement | null;
}

function hrefOf(link: HTMLElement): string {
  return link.getAttribute('data-href') ?? link.textContent ?? '';
}

function linktextOf(link: string): string {
  return link.replace(/^!?\[\[/, '').replace(/\]\]$/, '').split('|')[0];
}

function stepText(step: AskStep): string {
  const a = step.args;
  const main = typeof a.query === 'string' ? `“${a.query}”` : typeof a.path === 'string' ? a.path : typeof a.folder === 'string' ? a.folder || '/' : '';
  const extra = typeof a.heading === 'string' ? ` § ${a.heading}` : typeof a.start_line === 'number' ? ` ${t('related.lines', { from: a.start_line, to: typeof a.end_line === 'number' ? a.end_line : '' })}` : '';
  return `${step.tool} ${main}${extra} → ${step.resultSummary}`.replace(/\s+/g, ' ');
}

/** The chat in the right sidebar: asks the research agent, streams its answer, keeps history. */
export class ChatView extends ItemView implements HoverParent {
  readonly session: ChatSession;
  /** Obsidian's page preview shows its popover here when a link in the chat is hovered. */
  hoverPopover: HoverPopover | null = null;
  private readonly deps: ChatViewDeps;
  private messagesEl!: HTMLElement;
  private inputEl!: HTMLTextAreaElement;
  private sendButton!: HTMLButtonElement;
  private contextEl!: HTMLElement;
  private suggestEl!: HTMLElement;
  private context: AskContext[] = [];
  private suggestions: string[] = [];
  private selected = 0;
  /** One child component per rendered answer, so re-rendering unloads what the last render loaded. */
  private readonly answerComponents = new Map<HTMLElement, Component>();
  private pendingAnswerEl: HTMLElement | null = null;
  private pendingBlockEl: HTMLElement | null = null;
  private pendingStatusEl: HTMLElement | null = null;
  /** Bumped per streaming render, so a slow render never replaces a newer one. */
  private answerGeneration = 0;
  /** Whether the view follows new text: true while the person is at the bottom. */
  private pinned = true;
  /** The conversation on screen: another one opens at its end. */
  private shownConversation: string | null = null;
  private renderTimer: number | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(leaf: WorkspaceLeaf, deps: ChatViewDeps) {
    super(leaf);
    this.deps = deps;
    this.session = new ChatSession(deps);
  }

  getViewType(): string {
    return CHAT_VIEW_TYPE;
  }

  getDisplayText(): string {
    return t('chatView.title');
  }

  override getIcon(): string {
    return 'messages-square';
  }

  override async onOpen(): Promise<void> {
    const root = this.contentEl;
    root.empty();
    root.addClass('scriptorium-chat');
    const toolbar = root.createDiv({ cls: 'scriptorium-chat-toolbar' });
    this.iconButton(toolbar, 'plus', t('chatView.new'), () => {
      this.session.newChat();
      this.inputEl.focus();
    });
    this.iconButton(toolbar, 'history', t('chatView.history'), (evt) => void this.showHistory(evt));
    this.messagesEl = root.createDiv({ cls: 'scriptorium-chat-messages' });
    this.registerDomEvent(this.messagesEl, 'click', (evt) => this.onMessagesClick(evt));
    // A middle click opens a link in a new tab, as everywhere in Obsidian.
    this.registerDomEvent(this.messagesEl, 'auxclick', (evt) => {
      if (evt.button === 1) this.onMessagesClick(evt);
    });
    this.registerDomEvent(this.messagesEl, 'mouseover', (evt) => this.onMessagesHover(evt));
    // Scrolling up stops following the answer; scrolling back to the bottom resumes it.
    this.registerDomEvent(this.messagesEl, 'scroll', () => {
      this.pinned = this.gapBelow() <= PINNED_PX;
    });

    const composer = root.createDiv({ cls: 'scriptorium-chat-composer' });
    this.contextEl = composer.createDiv({ cls: 'scriptorium-chat-context' });
    this.suggestEl = composer.createDiv({ cls: 'scriptorium-chat-suggest is-hidden' });
    this.inputEl = composer.createEl('textarea', {
      cls: 'scriptorium-chat-input',
      attr: { placeholder: t('chatView.placeholder'), rows: '3', 'aria-label': t('chatView.questionLabel') },
    });
    this.registerDomEvent(this.inputEl, 'keydown', (evt) => this.onKeyDown(evt));
    this.registerDomEvent(this.inputEl, 'input', () => this.updateSuggestions());
    const row = composer.createDiv({ cls: 'scriptorium-chat-send-row' });
    this.sendButton = row.createEl('button', { cls: 'mod-cta scriptorium-chat-send', text: t('chatView.send') });
    this.registerDomEvent(this.sendButton, 'click', () => {
      if (this.session.busy) this.session.stop();
      else void this.send();
    });

    this.unsubscribe = this.session.onChange((change) => this.onSessionChange(change));
    this.renderAll();
    await this.session.restore();
  }

  override async onClose(): Promise<void> {
    this.session.stop();
    this.unsubscribe?.();
    if (this.renderTimer !== null) window.clearTimeout(this.renderTimer);
    for (const c of this.answerComponents.values()) this.removeChild(c);
    this.answerComponents.clear();
    await Promise.resolve();
  }

  /** Adds a note or a selection to the next question's context. */
  addContext(item: AskContext): void {
    const same = (c: AskContext) => (c.kind === 'note' && item.kind === 'note' ? c.path === item.path : false);
    if (!this.context.some(same)) this.context.push(item);
    this.renderContext();
    this.inputEl.focus();
  }

  /** Puts text in the input (commands use it) without sending. */
  setInput(text: string): void {
    this.inputEl.value = text;
    this.inputEl.focus();
  }

  async send(): Promise<void> {
    const question = this.inputEl.value.trim();
    if (question === '' || this.session.busy) return;
    const context = this.context;
    this.context = [];
    this.inputEl.value = '';
    this.hideSuggestions();
    this.renderContext();
    // Asking a question means wanting to see its answer.
    this.pinned = true;
    await this.session.send(question, context);
  }

  // ── rendering ──────────────────────────────────────────────────────────────

  private iconButton(parent: HTMLElement, icon: string, label: string, onClick: (evt: MouseEvent) => void): HTMLElement {
    const button = parent.createEl('button', { cls: 'clickable-icon scriptorium-chat-icon', attr: { 'aria-label': label } });
    setIcon(button, icon);
    this.registerDomEvent(button, 'click', onClick);
    return button;
  }

  private onSessionChange(change: 'conversation' | 'pending' | 'text'): void {
    if (change === 'text') {
      this.scheduleAnswerRender();
      return;
    }
    // A new research step only changes the block in progress; earlier answers stay as rendered.
    if (change === 'pending' && this.pendingBlockEl && this.session.pending) {
      this.renderPending();
      return;
    }
    this.renderAll();
  }

  private renderAll(): void {
    const scrollTop = this.messagesEl.scrollTop;
    if (this.session.conversation.id !== this.shownConversation) this.pinned = true;
    this.shownConversation = this.session.conversation.id;
    this.answerGeneration++;
    for (const c of this.answerComponents.values()) this.removeChild(c);
    this.answerComponents.clear();
    this.pendingAnswerEl = null;
    this.pendingBlockEl = null;
    this.pendingStatusEl = null;
    this.messagesEl.empty();
    const { turns } = this.session.conversation;
    const pending = this.session.pending;
    if (turns.length === 0 && !pending) {
      this.messagesEl.createDiv({
        cls: 'scriptorium-chat-empty scriptorium-muted',
        text: t('chatView.empty'),
      });
    }
    turns.forEach((turn, i) => {
      if (pending && pending.replaces === i) return;
      this.renderTurn(turn, i);
    });
    if (pending) this.renderPending();
    this.sendButton.setText(pending ? t('task.stop') : t('chatView.send'));
    this.sendButton.toggleClass('mod-warning', pending !== null);
    this.sendButton.toggleClass('mod-cta', pending === null);
    if (this.pinned) this.scrollToBottom();
    else this.messagesEl.scrollTop = scrollTop;
  }

  /** How far the end of the messages is below the visible part, in pixels. */
  private gapBelow(): number {
    const el = this.messagesEl;
    return el.scrollHeight - el.scrollTop - el.clientHeight;
  }

  private scrollToBottom(): void {
    this.messagesEl.scrollTop = this.messagesEl.scrollHeight;
  }

  /** Keeps the end of the messages in view after content changed, unless the person scrolled away. */
  private follow(): void {
    if (this.pinned) this.scrollToBottom();
  }

  private renderQuestion(parent: HTMLElement, question: string, contextPaths: string[], selection?: string): void {
    const el = parent.createDiv({ cls: 'scriptorium-chat-question' });
    el.createDiv({ text: question });
    if (contextPaths.length > 0 || selection) {
      const ctx = el.createDiv({ cls: 'scriptorium-muted' });
      const parts = contextPaths.map((p) => basenameNoExt(p));
      if (selection) parts.push(t('chatView.selection'));
      ctx.setText(t('chatView.with', { parts: parts.join(t('plan.count.separator')) }));
    }
  }

  private renderMarkdownInto(el: HTMLElement, markdown: string): Promise<void> {
    const previous = this.answerComponents.get(el);
    if (previous) this.removeChild(previous);
    const component = this.addChild(new Component());
    this.answerComponents.set(el, component);
    el.empty();
    // Markdown may finish rendering after this returns: follow the answer once it has.
    return this.deps.renderMarkdown(markdown, el, '', component).then(() => this.follow());
  }

  private renderTrace(parent: HTMLElement, steps: AskStep[], open: boolean, usageText?: string): void {
    if (steps.length === 0 && !usageText) return;
    const details = parent.createEl('details', { cls: 'scriptorium-chat-trace' });
    if (open) details.setAttr('open', '');
    const count = steps.length === 1 ? t('chatView.steps.one') : t('chatView.steps.other', { count: steps.length });
    details.createEl('summary', { text: `${count}${usageText ? ` · ${usageText}` : ''}` });
    const list = details.createEl('ol');
    for (const step of steps) list.createEl('li', { text: stepText(step), cls: step.error ? 'scriptorium-error' : '' });
  }

  private renderPending(): void {
    const pending = this.session.pending;
    if (!pending) return;
    const previous = this.pendingBlockEl;
    const traceOpen = previous?.querySelector('details')?.open ?? false;
    if (this.pendingAnswerEl) {
      const component = this.answerComponents.get(this.pendingAnswerEl);
      if (component) this.removeChild(component);
      this.answerComponents.delete(this.pendingAnswerEl);
    }
    const el = this.messagesEl.createDiv({ cls: 'scriptorium-chat-turn is-pending' });
    if (previous) {
      previous.replaceWith(el);
    }
    this.pendingBlockEl = el;
    const contextPaths = pending.context.flatMap((c) => (c.kind === 'note' ? [c.path] : []));
    const selection = pending.context.find((c) => c.kind === 'selection');
    this.renderQuestion(el, pending.question, contextPaths, selection?.kind === 'selection' ? selection.text : undefined);
    this.pendingStatusEl = el.createDiv({ cls: 'scriptorium-chat-status scriptorium-muted', text: this.statusText() });
    this.renderTrace(el, pending.steps, traceOpen);
    this.answerGeneration++;
    this.pendingAnswerEl = el.createDiv({ cls: 'scriptorium-chat-answer markdown-rendered' });
    void this.renderMarkdownInto(this.pendingAnswerEl, pending.answer);
    this.follow();
  }

  /** What the answer in progress is doing: thinking, researching (with its steps so far), answering. */
  private statusText(): string {
    const pending = this.session.pending;
    if (!pending) return '';
    const n = pending.steps.length;
    if (pending.answer !== '') return t('chatView.answering');
    return n === 0 ? t('chatView.thinking') : n === 1 ? t('chatView.researching.one') : t('chatView.researching.other', { count: n });
  }

  /** Streaming text re-renders at most every `renderDelayMs`: markdown rendering is not free. */
  private scheduleAnswerRender(): void {
    if (this.renderTimer !== null) return;
    this.renderTimer = window.setTimeout(() => {
      this.renderTimer = null;
      const pending = this.session.pending;
      if (pending && this.pendingAnswerEl) void this.renderStreamingAnswer(this.pendingAnswerEl, pending.answer);
    }, this.deps.renderDelayMs ?? 120);
  }

  /**
   * Renders the growing answer into a new element and swaps it in when done, so the old text stays
   * on screen meanwhile (rendering into the shown element empties it first: the chat would shrink
   * and jump at every update). Then follows the end of the answer.
   */
  private async renderStreamingAnswer(current: HTMLElement, markdown: string): Promise<void> {
    const generation = ++this.answerGeneration;
    // A shallow clone: the same classes, in the same window's document (the view may be in a popout).
    const next = current.cloneNode(false) as HTMLElement;
    const component = this.addChild(new Component());
    this.answerComponents.set(next, component);
    try {
      await this.deps.renderMarkdown(markdown, next, '', component);
    } finally {
      const stale = generation !== this.answerGeneration || this.pendingAnswerEl !== current;
      const drop = stale ? next : current;
      const dropped = this.answerComponents.get(drop);
      if (dropped) this.removeChild(dropped);
      this.answerComponents.delete(drop);
      if (!stale) {
        current.replaceWith(next);
        this.pendingAnswerEl = next;
        this.pendingStatusEl?.setText(this.statusText());
        this.follow();
      }
    }
  }

  private renderTurn(turn: ChatTurn, index: number): void {
    const el = this.messagesEl.createDiv({ cls: 'scriptorium-chat-turn' });
    this.renderQuestion(el, turn.question, turn.contextPaths, turn.selection);
    const answerEl = el.createDiv({ cls: 'scriptorium-chat-answer markdown-rendered' });
    const invalid = new Set(turn.citations.filter((c) => !c.valid).map((c) => linktextOf(c.link).toLowerCase()));
    void this.renderMarkdownInto(answerEl, turn.answer).then(() => {
      // Links the vault does not have are shown as such inside the answer too.
      answerEl.querySelectorAll('a.internal-link').forEach((a) => {
        const href = (a.getAttribute('data-href') ?? a.textContent ?? '').toLowerCase();
        if (invalid.has(href)) {
          a.addClass('scriptorium-chat-unverified');
          a.setAttr('aria-label', t('chatView.unverifiedLink'));
        }
      });
    });

    if (turn.incomplete || turn.limited) {
      const warn = el.createDiv({ cls: 'scriptorium-chat-warning' });
      const what =
        turn.incomplete === 'stopped'
          ? t('chatView.stopped')
          : turn.incomplete
            ? t('chatView.incomplete', { reason: (turn.error ?? t('chatView.cutShort')).replace(/\.$/, '') })
            : turn.limited === 'steps'
              ? t('chatView.limit.steps')
              : t('chatView.limit.tokens');
      warn.createSpan({ text: what });
      const retry = warn.createEl('button', { text: t('chatView.retry') });
      retry.addEventListener('click', () => void this.session.retry(index));
    }

    const valid = turn.citations.filter((c) => c.valid && c.path);
    const unverified = turn.citations.filter((c) => !c.valid);
    const web = turn.webCitations ?? [];
    if (valid.length > 0 || unverified.length > 0 || web.length > 0) {
      const sources = el.createDiv({ cls: 'scriptorium-chat-sources' });
      sources.createDiv({ cls: 'scriptorium-muted', text: t('chatView.sources') });
      const list = sources.createEl('ul');
      for (const c of valid) {
        const item = list.createEl('li');
        const label = `${basenameNoExt(c.path ?? '')}${c.heading ? ` › ${c.heading}` : ''}`;
        item.createEl('a', { cls: 'internal-link scriptorium-chat-source', text: label, attr: { 'data-href': linktextOf(c.link), 'aria-label': c.path ?? '' } });
      }
      for (const c of unverified) {
        const item = list.createEl('li', { cls: 'scriptorium-chat-unverified' });
        item.createSpan({ text: `${c.link} ` });
        item.createSpan({ cls: 'scriptorium-muted', text: t('chatView.unverifiedSource') });
      }
      // Web pages apart from the vault's notes; an address the research did not read is flagged.
      for (const c of web) {
        const item = list.createEl('li', { cls: c.valid ? 'scriptorium-chat-web-source' : 'scriptorium-chat-unverified' });
        item.createEl('a', { cls: 'external-link', text: c.url, attr: { href: c.url, target: '_blank', rel: 'noopener' } });
        if (!c.valid) item.createSpan({ cls: 'scriptorium-muted', text: ` ${t('chatView.unverifiedWeb')}` });
      }
    }

    const tokens = turn.usage.totalTokens > 0 ? t('chatView.tokens', { count: turn.usage.totalTokens.toLocaleString() }) : undefined;
    this.renderTrace(el, turn.steps, false, tokens ? `${tokens}${turn.mode === 'retrieve' ? ` · ${t('chatView.withoutTools')}` : ''}` : undefined);

    const actions = el.createDiv({ cls: 'scriptorium-chat-actions' });
    this.action(actions, 'copy', t('chatView.copy'), async () => {
      await (this.deps.copy ?? ((text: string) => navigator.clipboard.writeText(text)))(turn.answer);
      new Notice(t('chatView.copied'));
    });
    this.action(actions, 'refresh-cw', t('chatView.retry'), () => this.session.retry(index));
    if (turn.answer.trim() !== '') {
      const saveLabel = turn.savedTo ? t('chatView.savedTo', { name: basename(turn.savedTo) }) : t('chatView.save');
      // Only a complete answer is filed into the wiki; the button says why not, instead of saving.
      const refusal = saveRefusal(this.session.resultOf(turn));
      const saveButton = this.action(actions, 'book-plus', saveLabel, async () => {
        if (refusal) {
          new Notice(t('chatView.notSaved', { message: refusal.message, advice: refusal.advice }));
          return;
        }
        const path = await this.deps.saveAnswer(this.session.resultOf(turn));
        if (path) {
          await this.session.markSaved(index, path);
          new Notice(t('chatView.savedTo', { name: path }));
        }
      });
      if (refusal) {
        saveButton.addClass('scriptorium-chat-action-unavailable');
        saveButton.setAttr('aria-disabled', 'true');
        saveButton.setAttr('title', t('chatView.cannotSave', { message: refusal.message }));
      }
      for (const extra of this.deps.answerActions?.() ?? []) {
        this.action(actions, extra.icon, extra.label, () => extra.run(this.session.resultOf(turn)));
      }
    }
  }

  private action(parent: HTMLElement, icon: string, label: string, run: () => unknown): HTMLButtonElement {
    const button = parent.createEl('button', { cls: 'scriptorium-chat-action', attr: { 'aria-label': label } });
    const iconEl = button.createSpan();
    setIcon(iconEl, icon);
    button.createSpan({ text: label });
    // Plain listeners on per-answer elements: they go with the element, registerDomEvent would pile up.
    button.addEventListener('click', () => {
      button.disabled = true;
      Promise.resolve()
        .then(run)
        .catch((error: unknown) => new Notice(t('common.error', { error: error instanceof Error ? error.message : String(error) })))
        .finally(() => {
          button.disabled = false;
        });
    });
    return button;
  }

  private renderContext(): void {
    this.contextEl.empty();
    this.context.forEach((item, i) => {
      const chip = this.contextEl.createDiv({ cls: 'scriptorium-chat-chip' });
      chip.createSpan({ text: item.kind === 'note' ? basenameNoExt(item.path) : t('chatView.selectionChip', { count: item.text.length }) });
      const remove = chip.createEl('button', { cls: 'clickable-icon', attr: { 'aria-label': t('chatView.removeContext') } });
      setIcon(remove, 'x');
      remove.addEventListener('click', () => {
        this.context.splice(i, 1);
        this.renderContext();
      });
    });
  }

  private async showHistory(evt: MouseEvent): Promise<void> {
    const conversations = await this.session.history();
    const menu = new Menu();
    if (conversations.length === 0) menu.addItem((item) => item.setTitle(t('chatView.noConversations')).setDisabled(true));
    for (const c of conversations.slice(0, 30)) {
      menu.addItem((item) =>
        item
          .setTitle(c.title)
          .setChecked(c.id === this.session.conversation.id)
          .onClick(() => void this.session.open(c.id)),
      );
    }
    if (conversations.some((c) => c.id === this.session.conversation.id)) {
      menu.addSeparator();
      menu.addItem((item) =>
        item
          .setTitle(t('chatView.deleteConversation'))
          .setIcon('trash')
          .onClick(() => void this.session.remove(this.session.conversation.id)),
      );
    }
    menu.showAtMouseEvent(evt);
  }

  /** A link in an answer or its sources opens the note; Mod-click or a middle click opens it in a new tab. */
  private onMessagesClick(evt: MouseEvent): void {
    const link = internalLinkAt(evt.target);
    if (!link) return;
    evt.preventDefault();
    const href = hrefOf(link);
    if (href) this.deps.openLink(href, Keymap.isModEvent(evt));
  }

  /** Hovering a link asks Obsidian's page preview for a popover (registered as a hover link source). */
  private onMessagesHover(evt: MouseEvent): void {
    const link = internalLinkAt(evt.target);
    if (!link) return;
    const href = hrefOf(link);
    if (!href) return;
    this.app.workspace.trigger('hover-link', { event: evt, source: CHAT_VIEW_TYPE, hoverParent: this, targetEl: link, linktext: href, sourcePath: '' });
  }

  // ── input: Enter sends, Shift+Enter is a new line, [[ completes note names ─────────

  private onKeyDown(evt: KeyboardEvent): void {
    if (this.suggestions.length > 0) {
      if (evt.key === 'ArrowDown' || evt.key === 'ArrowUp') {
        evt.preventDefault();
        const n = this.suggestions.length;
        this.selected = (this.selected + (evt.key === 'ArrowDown' ? 1 : n - 1)) % n;
        this.renderSuggestions();
        return;
      }
      if (evt.key === 'Enter' || evt.key === 'Tab') {
        evt.preventDefault();
        this.pickSuggestion(this.selected);
        return;
      }
      if (evt.key === 'Escape') {
        evt.preventDefault();
        this.hideSuggestions();
        return;
      }
    }
    if (evt.key === 'Enter' && !evt.shiftKey && !evt.isComposing) {
      evt.preventDefault();
      void this.send();
    }
  }

  private updateSuggestions(): void {
    const mention = mentionAtCaret(this.inputEl.value, this.inputEl.selectionStart ?? this.inputEl.value.length);
    if (!mention) {
      this.hideSuggestions();
      return;
    }
    const notes = this.deps.notePaths().filter((p) => p.endsWith('.md'));
    this.suggestions = rankMentionCandidates(notes, mention.query, MAX_SUGGESTIONS);
    this.selected = 0;
    this.renderSuggestions();
  }

  private renderSuggestions(): void {
    this.suggestEl.empty();
    this.suggestEl.toggleClass('is-hidden', this.suggestions.length === 0);
    this.suggestions.forEach((path, i) => {
      const item = this.suggestEl.createDiv({ cls: `scriptorium-chat-suggestion${i === this.selected ? ' is-selected' : ''}` });
      item.createDiv({ text: basenameNoExt(path) });
      item.createDiv({ cls: 'scriptorium-muted', text: path });
      item.addEventListener('mousedown', (evt) => {
        evt.preventDefault();
        this.pickSuggestion(i);
      });
    });
  }

  private hideSuggestions(): void {
    this.suggestions = [];
    this.suggestEl.empty();
    this.suggestEl.addClass('is-hidden');
  }

  private pickSuggestion(i: number): void {
    const path = this.suggestions[i];
    const caret = this.inputEl.selectionStart ?? this.inputEl.value.length;
    const mention = mentionAtCaret(this.inputEl.value, caret);
    if (!path || !mention) return;
    const link = `[[${path.replace(/\.md$/, '')}]]`;
    const value = this.inputEl.value;
    // Drop a `]]` the editor may already have typed after the caret.
    const after = value.slice(caret).startsWith(']]') ? value.slice(caret + 2) : value.slice(caret);
    this.inputEl.value = value.slice(0, mention.start) + link + after;
    const end = mention.start + link.length;
    this.inputEl.setSelectionRange(end, end);
    this.hideSuggestions();
  }
}
