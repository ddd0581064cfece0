/** English texts made by src/core/render, src/core/sources, src/core/synth (slides, charts, sources, training data, evaluation). Spread into `enCore` (../en-core.ts). */
export const enCoreOutputs = {
} as const;
