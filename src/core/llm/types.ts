export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments exactly as the model sent them (JSON text, possibly malformed). */
  arguments: string;
}

/** An image sent with a user message, as a data URL ("data:image/png;base64,…"). */
export interface ChatImage {
  url: string;
  /** What to say in its place when the endpoint cannot see images. */
  alt: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string | null;
  /** On user messages: images the model should look at (sent as image parts when the endpoint can see). */
  images?: ChatImage[];
  /** On assistant messages: the tools it asked to call. */
  toolCalls?: ToolCall[];
  /** On tool messages: which call this answers. */
  toolCallId?: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  /** Overrides the client's model for this call. */
  model?: string;
  signal?: AbortSignal;
  /**
   * Asks the server to answer JSON fitting this schema (`response_format: json_schema`, strict).
   * `LlmClient.json` sets it from a reply shape; a server that refuses it fails the call.
   */
  responseFormat?: { name: string; schema: Record<string, unknown> };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'unknown';

export interface ChatResult {
  /** The answer text with any inline `<think>` blocks moved to `reasoning`. */
  content: string;
  /** What a reasoning model said in its separate field (or in `<think>` tags). */
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: TokenUsage;
  model: string;
}

export type ChatDelta =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; argumentsDelta?: string }
  | { type: 'done'; result: ChatResult };

export const emptyUsage = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

export function addUsage(into: TokenUsage, add: TokenUsage): TokenUsage {
  into.promptTokens += add.promptTokens;
  into.completionTokens += add.completionTokens;
  into.totalTokens += add.totalTokens;
  return into;
}
