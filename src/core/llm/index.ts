export { LlmClient } from './client';
export type { LlmClientOptions, UsageListener } from './client';
export { LlmError, toLlmError, scrub } from './errors';
export type { LlmErrorKind } from './errors';
export { extractJson, splitThinking } from './json-extract';
export type { JsonExtraction } from './json-extract';
export * from './types';
