export { LlmClient } from './client';
export type { LlmClientOptions, UsageListener } from './client';
export { LlmError, toLlmError, scrub } from './errors';
export type { LlmErrorKind } from './errors';
export { checkConnection } from './connection-check';
export type { ConnectionReport } from './connection-check';
export { extractJson, splitThinking } from './json-extract';
export type { JsonExtraction } from './json-extract';
export * from './types';
