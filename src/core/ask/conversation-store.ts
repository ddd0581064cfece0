import { CATALOGUES, tr } from '../../i18n';
import type { StateStore } from '../ports/state-store';
import type { AskMode, AskStep, Citation, IncompleteReason, WebCitation } from './types';
import type { TokenUsage } from '../llm/types';

/** One question and its answer as the chat keeps it. */
export interface ChatTurn {
  question: string;
  /** Notes attached as context (paths), and a selection's text when there was one. */
  contextPaths: string[];
  selection?: string;
  answer: string;
  citations: Citation[];
  /** Web addresses the answer cites, each checked against the pages the research read (web use only). */
  webCitations?: WebCitation[];
  steps: AskStep[];
  usage: TokenUsage;
  mode: AskMode;
  incomplete?: IncompleteReason;
  error?: string;
  /** The step limit or token budget ended the research before the model was done. */
  limited?: 'steps' | 'tokens';
  /** Path of the wiki note the answer was saved to. */
  savedTo?: string;
  at: number;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: ChatTurn[];
}

export interface ConversationStoreOptions {
  state: StateStore;
  /** Conversations kept; the oldest are dropped. Default 50. */
  limit?: number;
  /** StateStore key. Default "chat-history.json". */
  key?: string;
}

interface Stored {
  version: 1;
  conversations: Conversation[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Keeps only well-formed turns: a hand-edited or older file must not break the chat. */
function parseTurn(v: unknown): ChatTurn | null {
  if (!isObject(v) || typeof v.question !== 'string' || typeof v.answer !== 'string') return null;
  const usage = isObject(v.usage) ? v.usage : {};
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    question: v.question,
    contextPaths: Array.isArray(v.contextPaths) ? v.contextPaths.filter((p): p is string => typeof p === 'string') : [],
    ...(typeof v.selection === 'string' ? { selection: v.selection } : {}),
    answer: v.answer,
    citations: Array.isArray(v.citations)
      ? v.citations.filter(isObject).map((c) => ({
          link: str(c.link),
          path: typeof c.path === 'string' ? c.path : null,
          heading: typeof c.heading === 'string' ? c.heading : null,
          valid: c.valid === true,
        }))
      : [],
    ...(Array.isArray(v.webCitations) ? { webCitations: v.webCitations.filter(isObject).map((c) => ({ url: str(c.url), valid: c.valid === true })).filter((c) => c.url !== '') } : {}),
    steps: Array.isArray(v.steps)
      ? v.steps.filter(isObject).map((s) => ({
          tool: str(s.tool),
          args: isObject(s.args) ? s.args : {},
          resultSummary: str(s.resultSummary),
          ...(s.error === true ? { error: true } : {}),
        }))
      : [],
    usage: { promptTokens: num(usage.promptTokens), completionTokens: num(usage.completionTokens), totalTokens: num(usage.totalTokens) },
    mode: v.mode === 'retrieve' ? 'retrieve' : 'tools',
    ...(v.incomplete === 'stopped' || v.incomplete === 'connection' || v.incomplete === 'error' ? { incomplete: v.incomplete } : {}),
    ...(typeof v.error === 'string' ? { error: v.error } : {}),
    ...(v.limited === 'steps' || v.limited === 'tokens' ? { limited: v.limited } : {}),
    ...(typeof v.savedTo === 'string' ? { savedTo: v.savedTo } : {}),
    at: num(v.at),
  };
}

function parseConversation(v: unknown): Conversation | null {
  if (!isObject(v) || typeof v.id !== 'string') return null;
  const turns = Array.isArray(v.turns) ? v.turns.map(parseTurn).filter((t): t is ChatTurn => t !== null) : [];
  return {
    id: v.id,
    title: typeof v.title === 'string' ? v.title : turns[0]?.question ?? tr('core.ask.conversation'),
    createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0,
    updatedAt: typeof v.updatedAt === 'number' ? v.updatedAt : 0,
    turns,
  };
}

/** A new conversation's title in the interface language ("New chat"), until its first question names it. */
export function newChatTitle(): string {
  return tr('core.ask.newChat');
}

/**
 * Whether `title` is a new conversation's title in any shipped language: a conversation started
 * in one language and continued after a change of language is still named after its first question.
 */
export function isNewChatTitle(title: string): boolean {
  return Object.values(CATALOGUES).some((catalogue) => catalogue['core.ask.newChat'] === title);
}

/**
 * The chat's history, kept across restarts in the plugin's state folder (not in the vault: it
 * is a cache the user can clear, and answers worth keeping go to the wiki with "Save to wiki").
 * Writes are serialised so quick successive saves cannot interleave.
 */
export class ConversationStore {
  private readonly state: StateStore;
  private readonly limit: number;
  private readonly key: string;
  private cache: Conversation[] | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(options: ConversationStoreOptions) {
    this.state = options.state;
    this.limit = options.limit ?? 50;
    this.key = options.key ?? 'chat-history.json';
  }

  /** Every kept conversation, most recently updated first. */
  async list(): Promise<Conversation[]> {
    if (!this.cache) {
      let parsed: unknown = null;
      const text = await this.state.get(this.key);
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null; // A torn or hand-broken file: start afresh rather than fail the view.
        }
      }
      const list = isObject(parsed) && Array.isArray(parsed.conversations) ? parsed.conversations : [];
      this.cache = list.map(parseConversation).filter((c): c is Conversation => c !== null);
    }
    return [...this.cache].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async get(id: string): Promise<Conversation | undefined> {
    return (await this.list()).find((c) => c.id === id);
  }

  /** Stores (creates or replaces) a conversation. */
  async put(conversation: Conversation): Promise<void> {
    const list = (await this.list()).filter((c) => c.id !== conversation.id);
    list.unshift(structuredClone(conversation));
    this.cache = list.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, this.limit);
    await this.flush();
  }

  async remove(id: string): Promise<void> {
    this.cache = (await this.list()).filter((c) => c.id !== id);
    await this.flush();
  }

  private flush(): Promise<void> {
    const data: Stored = { version: 1, conversations: this.cache ?? [] };
    const text = JSON.stringify(data);
    this.writing = this.writing.then(
      () => this.state.set(this.key, text),
      () => this.state.set(this.key, text),
    );
    return this.writing;
  }
}
