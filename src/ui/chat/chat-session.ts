import type { AskContext, AskEvent, AskResult, AskStep, ChatTurn, Conversation, ConversationStore, PriorTurn, ResearchAgent } from '../../core/ask';
import { isNewChatTitle, newChatTitle } from '../../core/ask';
import { LlmError } from '../../core/llm/errors';
import { emptyUsage } from '../../core/llm/types';

export interface ChatSessionOptions {
  store: ConversationStore;
  /** A research agent for the current settings; may throw a user-facing error (no model set…). */
  createAgent: () => ResearchAgent | Promise<ResearchAgent>;
  now?: () => number;
}

/** The answer being written right now. */
export interface PendingTurn {
  question: string;
  context: AskContext[];
  answer: string;
  steps: AskStep[];
  /** The index it will replace (retry), or null when it is a new turn. */
  replaces: number | null;
}

export type SessionListener = (change: 'conversation' | 'pending' | 'text') => void;

function titleOf(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function newId(now: number): string {
  return `${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The chat's state, apart from the DOM: the current conversation, the answer in progress, stop,
 * retry, history. The view renders it; tests drive it through the view.
 */
export class ChatSession {
  conversation: Conversation;
  pending: PendingTurn | null = null;
  private readonly o: ChatSessionOptions;
  private controller: AbortController | null = null;
  private readonly listeners = new Set<SessionListener>();

  constructor(options: ChatSessionOptions) {
    this.o = options;
    this.conversation = this.blank();
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private blank(): Conversation {
    const now = this.now();
    return { id: newId(now), title: newChatTitle(), createdAt: now, updatedAt: now, turns: [] };
  }

  onChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: 'conversation' | 'pending' | 'text'): void {
    for (const l of this.listeners) l(change);
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /** Opens the most recent conversation, if any (after a restart). */
  async restore(): Promise<void> {
    const [latest] = await this.o.store.list();
    if (latest && !this.busy) {
      this.conversation = latest;
      this.emit('conversation');
    }
  }

  history(): Promise<Conversation[]> {
    return this.o.store.list();
  }

  async open(id: string): Promise<void> {
    if (this.busy) return;
    const found = await this.o.store.get(id);
    if (!found) return;
    this.conversation = found;
    this.emit('conversation');
  }

  newChat(): void {
    this.stop();
    this.conversation = this.blank();
    this.emit('conversation');
  }

  stop(): void {
    this.controller?.abort();
  }

  async remove(id: string): Promise<void> {
    await this.o.store.remove(id);
    if (this.conversation.id === id) this.newChat();
  }

  /** Asks a question in the current conversation. Resolves when the answer is complete, stopped or failed. */
  send(question: string, context: AskContext[] = []): Promise<ChatTurn | null> {
    return this.run(question, context, null);
  }

  /** Asks a turn's question again and replaces its answer. */
  retry(index: number): Promise<ChatTurn | null> {
    const turn = this.conversation.turns[index];
    if (!turn) return Promise.resolve(null);
    const context: AskContext[] = turn.contextPaths.map((path) => ({ kind: 'note', path }));
    if (turn.selection !== undefined) context.push({ kind: 'selection', path: null, text: turn.selection });
    return this.run(turn.question, context, index);
  }

  /** Records where an answer was saved, so the button can say so after a restart. */
  async markSaved(index: number, path: string): Promise<void> {
    const turn = this.conversation.turns[index];
    if (!turn) return;
    turn.savedTo = path;
    await this.o.store.put(this.conversation);
    this.emit('conversation');
  }

  /** The turn's answer in the shape the saver and the render hooks take. */
  resultOf(turn: ChatTurn): AskResult {
    return {
      question: turn.question,
      answer: turn.answer,
      citations: turn.citations,
      ...(turn.webCitations ? { webCitations: turn.webCitations } : {}),
      steps: turn.steps,
      usage: turn.usage,
      mode: turn.mode,
      ...(turn.incomplete ? { incomplete: turn.incomplete } : {}),
      ...(turn.error ? { error: turn.error } : {}),
      ...(turn.limited ? { limited: turn.limited } : {}),
    };
  }

  private async run(question: string, context: AskContext[], replaces: number | null): Promise<ChatTurn | null> {
    const q = question.trim();
    if (q === '' || this.busy) return null;
    const controller = new AbortController();
    this.controller = controller;
    this.pending = { question: q, context, answer: '', steps: [], replaces };
    this.emit('pending');
    const prior: PriorTurn[] = this.conversation.turns
      .slice(0, replaces ?? this.conversation.turns.length)
      .filter((t) => t.answer.trim() !== '')
      .map((t) => ({ question: t.question, answer: t.answer }));
    const onEvent = (event: AskEvent) => {
      const p = this.pending;
      if (!p) return;
      if (event.type === 'text') {
        p.answer += event.text;
        this.emit('text');
      } else if (event.type === 'reset') {
        p.answer = '';
        this.emit('text');
      } else if (event.type === 'step') {
        p.steps.push(event.step);
        this.emit('pending');
      }
    };
    let turn: ChatTurn;
    const base = {
      question: q,
      contextPaths: context.flatMap((c) => (c.kind === 'note' ? [c.path] : [])),
      ...(context.find((c) => c.kind === 'selection') ? { selection: (context.find((c) => c.kind === 'selection') as { text: string }).text } : {}),
      at: this.now(),
    };
    try {
      const agent = await this.o.createAgent();
      const result = await agent.ask({ question: q, history: prior, context, signal: controller.signal, onEvent });
      turn = {
        ...base,
        answer: result.answer,
        citations: result.citations,
        ...(result.webCitations ? { webCitations: result.webCitations } : {}),
        steps: result.steps,
        usage: result.usage,
        mode: result.mode,
        ...(result.incomplete ? { incomplete: result.incomplete } : {}),
        ...(result.error ? { error: result.error } : {}),
        ...(result.limited ? { limited: result.limited } : {}),
      };
    } catch (error) {
      const message = error instanceof LlmError ? error.withHint : error instanceof Error ? error.message : String(error);
      turn = {
        ...base,
        answer: this.pending?.answer ?? '',
        citations: [],
        steps: this.pending?.steps ?? [],
        usage: emptyUsage(),
        mode: 'tools',
        incomplete: 'error',
        error: message,
      };
    } finally {
      this.controller = null;
    }
    if (replaces !== null && replaces < this.conversation.turns.length) this.conversation.turns[replaces] = turn;
    else this.conversation.turns.push(turn);
    if (this.conversation.turns.length === 1 || isNewChatTitle(this.conversation.title)) this.conversation.title = titleOf(this.conversation.turns[0].question);
    this.conversation.updatedAt = this.now();
    this.pending = null;
    try {
      await this.o.store.put(this.conversation);
    } finally {
      this.emit('conversation');
    }
    return turn;
  }
}
