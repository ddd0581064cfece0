/** 简体中文：src/core/ask, src/core/compile, src/core/plan (chat, compile, change plans, undo, recovery) 生成的文字。与 `enCoreAsk` 一一对应。 */
export const zhCNCoreAsk = {
} as const;
