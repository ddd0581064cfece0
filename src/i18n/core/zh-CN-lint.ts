/** 简体中文：src/core/lint (health checks, fixes, the health report) 生成的文字。与 `enCoreLint` 一一对应。 */
export const zhCNCoreLint = {
} as const;
