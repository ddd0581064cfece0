/**
 * Ask: the research agent behind the chat view and `scriptorium ask`.
 *
 * ```ts
 * const agent = new ResearchAgent({ client, search, vault, wikiFolder: 'wiki', rawFolder: 'raw' });
 * const result = await agent.ask({ question, history, context, signal, onEvent });
 * // result.answer (markdown), result.citations (each checked: valid or not), result.steps (trace)
 * const saved = await new SavedAnswer({ writer, vault, clock }).save(result); // refuses an incomplete answer, never replaces another
 * ```
 */
export { ResearchAgent } from './research-agent';
export type { ResearchAgentOptions, AskRequest } from './research-agent';
export { ResearchTools, RESEARCH_TOOL_SPECS, citationLink } from './research-tools';
export type { ResearchToolsOptions, ToolOutcome } from './research-tools';
export { NoteGraph, resolveLinks } from './note-graph';
export type { NoteGraphOptions, OutLink } from './note-graph';
export { checkCitations, checkUrlCitations } from './citations';
export { SavedAnswer, AnswerNotSavedError, answerSummary, saveRefusal } from './saved-answer';
export type { SaveAnswerOptions, SaveRefusal, SaveRefusalReason, AnswerPlacement, SavedAnswerOutcome } from './saved-answer';
export { ConversationStore, isNewChatTitle, newChatTitle } from './conversation-store';
export type { ChatTurn, Conversation, ConversationStoreOptions } from './conversation-store';
export { agentSystemPrompt, retrieveSystemPrompt } from './prompts';
export { mentionAtCaret, rankMentionCandidates } from './mentions';
export type { MentionQuery } from './mentions';
export * from './types';
