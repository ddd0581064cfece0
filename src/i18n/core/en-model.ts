/** English texts made by src/core/llm, src/core/web, src/core/search, src/core/settings.ts (endpoints, connection report, web, search). Spread into `enCore` (../en-core.ts). */
export const enCoreModel = {
} as const;
