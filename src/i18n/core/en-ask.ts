/** English texts made by src/core/ask, src/core/compile, src/core/plan (chat, compile, change plans, undo, recovery). Spread into `enCore` (../en-core.ts). */
export const enCoreAsk = {
} as const;
