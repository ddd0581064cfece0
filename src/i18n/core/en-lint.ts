/** English texts made by src/core/lint (health checks, fixes, the health report). Spread into `enCore` (../en-core.ts). */
export const enCoreLint = {
} as const;
