import type { TokenUsage } from '../llm/types';

/** One tool call the agent made, as shown in the trace and in the CLI's `--json` output. */
export interface AskStep {
  tool: string;
  /** The arguments as parsed (or `{ raw }` when the model sent malformed JSON). */
  args: Record<string, unknown>;
  /** One line saying what came back: "5 results", "wiki/a.md lines 1–40 (truncated)", an error. */
  resultSummary: string;
  /** The call failed (bad arguments, missing note); the model was told and could try again. */
  error?: boolean;
}

/** A `[[link]]` found in the answer, checked against the vault. */
export interface Citation {
  /** The link exactly as written in the answer. */
  link: string;
  /** The vault path it resolves to, or null. */
  path: string | null;
  /** The `#heading` part, or null when the link has none. */
  heading: string | null;
  /** The target exists and, when a heading is given, the heading exists in it. */
  valid: boolean;
}

/** A web address cited in the answer, checked against the pages the agent read in this run. */
export interface WebCitation {
  url: string;
  /** The agent read this page (at this address, after redirects, or its canonical one). */
  valid: boolean;
}

/** Something a question is about besides its text: the current note, a selection, a mentioned note. */
export type AskContext =
  | { kind: 'note'; path: string }
  | { kind: 'selection'; path: string | null; text: string };

/** A finished exchange in a conversation, enough to continue it. */
export interface PriorTurn {
  question: string;
  answer: string;
}

export type AskMode = 'tools' | 'retrieve';

/** Why the answer is not complete. */
export type IncompleteReason = 'stopped' | 'connection' | 'error';

export interface AskResult {
  question: string;
  answer: string;
  citations: Citation[];
  /** Web addresses the answer cites (only when the agent could use the web), each checked against the pages it read. */
  webCitations?: WebCitation[];
  steps: AskStep[];
  usage: TokenUsage;
  /** 'retrieve' when the endpoint could not call tools and the answer came from retrieve-then-answer. */
  mode: AskMode;
  /** Set when the answer was cut short; the text so far is kept. */
  incomplete?: IncompleteReason;
  /** A safe message saying what went wrong, when something did. */
  error?: string;
  /** The step limit or the token budget ended the research before the model was done. */
  limited?: 'steps' | 'tokens';
}

/** What the agent reports while it works, for a streaming view. */
export type AskEvent =
  | { type: 'text'; text: string }
  /** Text streamed so far was the model thinking aloud before calling tools: it is not the answer. */
  | { type: 'reset' }
  | { type: 'reasoning'; text: string }
  | { type: 'step'; step: AskStep }
  | { type: 'mode'; mode: AskMode };
