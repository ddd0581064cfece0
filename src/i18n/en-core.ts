import { enCoreAsk } from './core/en-ask';
import { enCoreLint } from './core/en-lint';
import { enCoreModel } from './core/en-model';
import { enCoreOutputs } from './core/en-outputs';

/**
 * The English texts the core makes for a person (`tr` in src/core): error sentences, plan titles
 * and reasons, health-check labels, report notes' fixed text. One file per area of the core, each
 * spread into `en` (en.ts); keys start with `core.`. Text for a model (prompts, tool results) is
 * not here: it stays English.
 */
export const enCore = {
  ...enCoreLint,
  ...enCoreAsk,
  ...enCoreModel,
  ...enCoreOutputs,
} as const;
