import { zhCNCoreAsk } from './core/zh-CN-ask';
import { zhCNCoreLint } from './core/zh-CN-lint';
import { zhCNCoreModel } from './core/zh-CN-model';
import { zhCNCoreOutputs } from './core/zh-CN-outputs';

/** 核心（src/core）为人生成的文字的简体中文，与 `enCore`（en-core.ts）一一对应。 */
export const zhCNCore = {
  ...zhCNCoreLint,
  ...zhCNCoreAsk,
  ...zhCNCoreModel,
  ...zhCNCoreOutputs,
} as const;
