import { parseArgs as parseNodeArgs } from 'node:util';
import { createTranslator, type MessageKey, type Translate } from '../i18n';
import { en } from '../i18n/en';

/** The catalogue keys of option descriptions (texts without placeholders). */
export type OptionKey = Extract<MessageKey, `cli.option.${string}`>;

/** Parsed command line: positional words and the options given (with their table defaults). */
export interface ParsedArgs {
  positional: string[];
  /** Option name → its value; `true` for a boolean option that was given. */
  flags: Map<string, string | true>;
}

/**
 * One option of a command. Each command declares a table of these: the parser accepts exactly
 * them (anything else is a usage error, exit 2) and the command's `--help` is made from them.
 */
export interface OptionSpec {
  /** Long name without the dashes: `dry-run` for `--dry-run`. */
  name: string;
  type: 'string' | 'boolean';
  /** One letter for `-x`. */
  short?: string;
  /** The value's placeholder in usage text (`N`, `DIR`); string options only. */
  value?: string;
  /** One line (or more) for `--help`. */
  description: string;
  /** The catalogue key whose text `description` is, when `--help` shows it translated (the options every command takes). */
  descriptionKey?: OptionKey;
  /** The values of the `{name}` placeholders in the `descriptionKey` text (a limit, a default). */
  descriptionParams?: Readonly<Record<string, string | number>>;
  /** Used when the option is not given (string options only), and shown in `--help`. */
  default?: string;
}

/** Options every command takes. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'vault', type: 'string', value: 'DIR', description: en['cli.option.vault'], descriptionKey: 'cli.option.vault' },
  { name: 'json', type: 'boolean', description: en['cli.option.json'], descriptionKey: 'cli.option.json' },
  { name: 'help', type: 'boolean', short: 'h', description: en['cli.option.help'], descriptionKey: 'cli.option.help' },
  { name: 'lang', type: 'string', value: 'LANG', description: en['cli.option.lang'], descriptionKey: 'cli.option.lang' },
];

/** Options of the commands that call the model. The key is never a flag: only SCRIPTORIUM_API_KEY. */
export const ENDPOINT_OPTIONS: readonly OptionSpec[] = [
  { name: 'base-url', type: 'string', value: 'URL', description: en['cli.option.baseUrl'], descriptionKey: 'cli.option.baseUrl' },
  { name: 'model', type: 'string', value: 'NAME', description: en['cli.option.model'], descriptionKey: 'cli.option.model' },
];

/** Options that are refused everywhere, with the reason. */
const REFUSED: Record<string, 'cli.args.apiKey'> = {
  'api-key': 'cli.args.apiKey',
};

/** A mistake in how the command was called; exits 2 with the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short words. */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}

/** The declared option a mistyped one most likely meant, if one is close enough. */
export function closestOption(name: string, options: readonly OptionSpec[]): string | undefined {
  const bare = name.replace(/^-+/, '').toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const o of options) {
    const d = distance(bare, o.name);
    const squashed = bare.replace(/[-_]/g, '') === o.name.replace(/-/g, '');
    const score = squashed ? 0 : d;
    if (score <= Math.max(1, Math.floor(o.name.length / 3)) && (!best || score < best.d)) best = { name: o.name, d: score };
  }
  return best?.name;
}

/**
 * Explains why the strict parse failed, in one sentence: the first option the table does not
 * declare, a value missing, or a value given to an option that takes none.
 */
function diagnose(argv: string[], options: readonly OptionSpec[], fallback: string, helpCommand: string, t: Translate): string {
  const { tokens } = parseNodeArgs({ args: argv, options: toNodeOptions(options), strict: false, allowPositionals: true, tokens: true });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'option') continue;
    const spec = options.find((o) => o.name === token.name);
    if (!spec) {
      const refused = REFUSED[token.name];
      if (refused) return t(refused);
      const shown = token.rawName.startsWith('--') ? `--${token.name}` : token.rawName;
      const guess = closestOption(token.name, options);
      return guess ? t('cli.args.unknownGuess', { option: shown, guess }) : t('cli.args.unknown', { option: shown, command: helpCommand });
    }
    if (spec.type === 'boolean' && token.value !== undefined) return t('cli.args.noValue', { name: spec.name });
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      const form = `--${spec.name} ${spec.value ?? 'VALUE'}`;
      return token.value === undefined
        ? t('cli.args.needsValue', { name: spec.name, form })
        : t('cli.args.dashValue', { name: spec.name, form, value: token.value });
    }
  }
  return fallback;
}

function toNodeOptions(options: readonly OptionSpec[]): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const o of options) out[o.name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  return out;
}

/**
 * Parses `argv` strictly against one command's option table: an option it does not declare, a
 * string option without its value or a boolean one given a value throws a UsageError before the
 * command does anything. Defaults from the table are filled in.
 */
export function parseArgs(argv: string[], options: readonly OptionSpec[], helpCommand = 'scriptorium', t: Translate = createTranslator('en')): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseNodeArgs({ args: argv, options: toNodeOptions(options), strict: true, allowPositionals: true }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(diagnose(argv, options, message, helpCommand, t));
  }
  const flags = new Map<string, string | true>();
  for (const o of options) {
    const value = values[o.name];
    if (typeof value === 'string') flags.set(o.name, value);
    else if (value === true) flags.set(o.name, true);
    else if (o.default !== undefined) flags.set(o.name, o.default);
  }
  return { positional: positionals, flags };
}

/**
 * Where the command word is in a command line that may start with options (`--vault DIR compile`):
 * the first word that is neither an option nor the value of a string option of any command.
 */
export function findCommandWord(argv: string[], everyOption: readonly OptionSpec[]): number {
  const { tokens } = parseNodeArgs({ args: argv, options: toNodeOptions(everyOption), strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  return first?.kind === 'positional' ? first.index : -1;
}

/** The option lines of a `--help`: `  --name VALUE   description (default X)`; translated where the option has a `descriptionKey`. */
export function optionsHelp(options: readonly OptionSpec[], t: Translate = createTranslator('en')): string[] {
  const left = options.map((o) => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  return options.map((o, i) => {
    const [first, ...rest] = (o.descriptionKey ? (t as (key: OptionKey, params?: Readonly<Record<string, string | number>>) => string)(o.descriptionKey, o.descriptionParams) : o.description).split('\n');
    const fallback = o.default !== undefined ? t('cli.help.optionDefault', { value: o.default }) : '';
    return [`  ${left[i].padEnd(width)}  ${first}${rest.length ? '' : fallback}`, ...rest.map((r, j) => `  ${''.padEnd(width)}  ${r}${j === rest.length - 1 ? fallback : ''}`)].join('\n');
  });
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

export function flagInt(args: ParsedArgs, name: string, fallback: number): number {
  const value = flagString(args, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  return n;
}
