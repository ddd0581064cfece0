/** 简体中文：src/core/render, src/core/sources, src/core/synth (slides, charts, sources, training data, evaluation) 生成的文字。与 `enCoreOutputs` 一一对应。 */
export const zhCNCoreOutputs = {
} as const;
