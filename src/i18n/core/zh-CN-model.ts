/** 简体中文：src/core/llm, src/core/web, src/core/search, src/core/settings.ts (endpoints, connection report, web, search) 生成的文字。与 `enCoreModel` 一一对应。 */
export const zhCNCoreModel = {
} as const;
