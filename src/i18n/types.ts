import type { en } from './en';

/** The English catalogue's type: its keys are every message key, its literal texts give the params. */
export type En = typeof en;
export type MessageKey = keyof En;

/** A complete catalogue: one text per key, nothing missing and (with `satisfies`) nothing extra. */
export type Catalogue = { readonly [K in MessageKey]: string };

/** A placeholder's name is a word; other braces (JSON in a description) are text. */
type IsName<P extends string> = P extends '' ? false : P extends `${string}${' ' | '"' | "'" | '{' | ':' | ',' | '[' | ']' | '.' | '…'}${string}` ? false : true;
/** The `{name}` placeholders of a text, as a union of their names. */
export type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? (IsName<P> extends true ? P : never) | ParamNames<Rest> : never;

/** The params object a key takes: one string or number per placeholder of its English text. */
export type MessageParams<K extends MessageKey> = { readonly [P in ParamNames<En[K]>]: string | number };

/** `t(key)` for a text without placeholders, `t(key, { name: … })` for one with them. */
export type Translate = <K extends MessageKey>(key: K, ...params: [ParamNames<En[K]>] extends [never] ? [] : [MessageParams<K>]) => string;

type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The keys whose text in C has other placeholders than the English text. */
export type ParamMismatches<C extends Catalogue> = { [K in MessageKey]: SameSet<ParamNames<C[K]>, ParamNames<En[K]>> extends true ? never : K }[MessageKey];
/** `MustBeNever<ParamMismatches<typeof catalogue>>` fails the type check, naming the keys, when a catalogue's placeholders differ from the English ones. */
export type MustBeNever<T extends never> = T;
