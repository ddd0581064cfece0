import { createTranslator, tr, type MessageKey } from '../../i18n';
import type { En, ParamNames } from '../../i18n/types';

/**
 * An error's message for a sentence about a failed web call, with its cause when the cause says
 * more (fetch's "fetch failed: getaddrinfo ENOTFOUND …"), without a trailing full stop.
 */
export function errorText(error: unknown): string {
  const text = (value: unknown): string => {
    const message = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : '';
  };
  const own = text(error) || String(error);
  const cause = typeof error === 'object' && error !== null ? text((error as { cause?: unknown }).cause) : '';
  return (cause && cause !== own ? `${own}: ${cause}` : own).replace(/\s*\.+\s*$/, '');
}

/**
 * A sentence about the web said twice: `text` in the interface language, for the person (a notice,
 * the CLI, a clip's reason), and `english`, for a model (a web tool's result stays English).
 */
export interface Said {
  readonly text: string;
  readonly english: string;
}

/** A translator given params that {@link said}'s signature has already checked. */
type Untyped = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;
const english: Untyped = createTranslator('en');
const inInterfaceLanguage: Untyped = tr;

/** A param of {@link said}: a word, a number, or a sentence said twice (each language takes its own). */
type SaidParam = string | number | Said;
type SaidParams<K extends MessageKey> = { readonly [P in ParamNames<En[K]>]: SaidParam };

/** One catalogue sentence in the interface language and in English, typed like `tr`. */
export function said<K extends MessageKey>(key: K, ...params: [ParamNames<En[K]>] extends [never] ? [] : [SaidParams<K>]): Said {
  const given: Readonly<Record<string, SaidParam>> = params[0] ?? {};
  const pick = (which: keyof Said) => Object.fromEntries(Object.entries(given).map(([name, value]) => [name, typeof value === 'object' ? value[which] : value]));
  return { text: inInterfaceLanguage(key, pick('text')), english: english(key, pick('english')) };
}

/** An error about the web whose message is for a person, with the same sentence in English for a model. */
export class WebError extends Error {
  /** The message in English, for a model (a tool result). */
  readonly english: string;

  constructor(message: string | Said) {
    super(typeof message === 'string' ? message : message.text);
    this.english = typeof message === 'string' ? message : message.english;
  }

  /** The message in both languages, to put into another sentence. */
  get said(): Said {
    return { text: this.message, english: this.english };
  }
}

/** What a model is told about a failure: the English of a {@link WebError}, else the message. */
export function textForModel(error: unknown): string {
  if (error instanceof WebError) return error.english;
  return error instanceof Error ? error.message : String(error);
}
