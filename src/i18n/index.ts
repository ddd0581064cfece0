import { en } from './en';
import type { Catalogue, MessageKey, Translate } from './types';
import { zhCN } from './zh-CN';

export type { Catalogue, MessageKey, MessageParams, Translate } from './types';

/**
 * The interface languages Scriptorium ships, each complete (a test fails on a missing or extra
 * key, or a placeholder that differs from English). Generated wiki text is not chosen here: it
 * follows the language of the sources.
 */
export const CATALOGUES = { en, 'zh-CN': zhCN } as const satisfies Record<string, Catalogue>;
export type Language = keyof typeof CATALOGUES;
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/**
 * The shipped language a language tag asks for, or undefined when none fits. Takes Obsidian's
 * codes (`en`, `zh`, `zh-TW`), BCP 47 tags (`zh-Hans-CN`) and POSIX locales (`zh_CN.UTF-8`).
 * Traditional Chinese (`zh-TW`, `zh-HK`, `zh-Hant`) is not Simplified Chinese: it gets undefined.
 */
export function parseLanguage(tag: string | undefined): Language | undefined {
  if (!tag) return undefined;
  const norm = tag.trim().replace(/[.@].*$/, '').replace(/_/g, '-').toLowerCase();
  const [base, ...rest] = norm.split('-');
  if (base === 'en') return 'en';
  if (base === 'zh') return rest.some((part) => ['tw', 'hk', 'mo', 'hant'].includes(part)) ? undefined : 'zh-CN';
  return undefined;
}

/**
 * The command line's language from the environment, as POSIX programs choose their messages' language:
 * the first of LC_ALL, LC_MESSAGES and LANG that is set decides; English when it is not a shipped language.
 */
export function languageFromEnv(env: Readonly<Record<string, string | undefined>>): Language {
  const tag = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return parseLanguage(tag) ?? 'en';
}

/** Fills `{name}` placeholders; a placeholder without a param stays as written. */
function fill(text: string, params: Readonly<Record<string, string | number>> | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

/** The translator of one language: `t('command.openChat')`, `t('cli.error.unknownCommand', { name })`. */
export function createTranslator(language: Language): Translate {
  const catalogue: Catalogue = CATALOGUES[language];
  return (key: MessageKey, params?: Readonly<Record<string, string | number>>) => fill(catalogue[key] ?? en[key], params);
}

let interfaceLanguage: Language = 'en';
let current: Translate = createTranslator('en');

/**
 * Sets the language of the texts the core makes for a person (error sentences, plan titles and
 * reasons, health-check labels, report notes' fixed text). Each shell calls it once, before any
 * work: the plugin with Obsidian's language, the CLI with `--lang`/`LANG`, the MCP server with
 * English (its results are read by models). Text for a model (prompts, tool results) stays English
 * whatever is set here, and generated wiki text follows its sources.
 */
export function setInterfaceLanguage(language: Language): void {
  interfaceLanguage = language;
  current = createTranslator(language);
}

/** The language `setInterfaceLanguage` last set (English until a shell sets one). */
export function getInterfaceLanguage(): Language {
  return interfaceLanguage;
}

/**
 * The core's translator: like a shell's `t`, in the language `setInterfaceLanguage` set. Read at
 * the moment a text is made, so a text made before a change keeps its language.
 */
export const tr: Translate = (key, ...params) => current(key, ...params);

/**
 * Sentences as one paragraph: a space after each, except after a full-width stop (。！？), which
 * CJK text follows directly. Empty parts are left out.
 */
export function joinSentences(parts: readonly string[]): string {
  return parts.filter(Boolean).reduce((text, part) => (text === '' ? part : /[。！？]$/.test(text) ? text + part : `${text} ${part}`), '');
}
