import { createTranslator, isMessageKey, type MessageKey, type Translate } from '../i18n';
import { COMMON_OPTIONS, ENDPOINT_OPTIONS, optionsHelp, type OptionSpec } from './args';
import type { CliContext } from './context';

/** One `scriptorium <name>` command. `run` returns the exit code. */
export interface CliCommand {
  name: string;
  /** One line for `--help`, in English; its translations are `cli.summary.<name>` in src/i18n. */
  summary: string;
  /** What follows the options in the usage line: `NOTE`, `[PATHS…]`, `QUESTION`. */
  operands?: string;
  /**
   * The command's own options; `--vault`, `--json`, `--help`, `--base-url` and `--model` are added to every command. The
   * parser accepts exactly these (an unknown one exits 2 before anything runs) and `--help` is
   * made from them.
   */
  options: readonly OptionSpec[];
  /**
   * Lines shown after the options in `scriptorium <name> --help` (what the operands are, exit codes):
   * in the interface language when given as `(t) => t('cli.details.<name>')`.
   */
  details?: string | ((t: Translate) => string);
  run(ctx: CliContext): Promise<number>;
}

/**
 * Every option a command accepts, its own first. The endpoint options are taken by every command
 * (those that need no model ignore them), so one shell alias or script line with the endpoint
 * serves all commands.
 */
export function commandOptions(command: CliCommand): OptionSpec[] {
  const seen = new Set<string>();
  return [...command.options, ...COMMON_OPTIONS, ...ENDPOINT_OPTIONS].filter((o) => !seen.has(o.name) && seen.add(o.name));
}

type SummaryKey = Extract<MessageKey, `cli.summary.${string}`>;

/** The command's one line in the interface language: `cli.summary.<name>` from the catalogue, else its own `summary`. */
export function commandSummary(command: CliCommand, t: Translate = createTranslator('en')): string {
  const key = `cli.summary.${command.name}`;
  return isMessageKey(key) ? t(key as SummaryKey) : command.summary;
}

/** `scriptorium <name> --help`, made from the command's option table, in the language of `t` (English by default). */
export function commandHelp(command: CliCommand, t: Translate = createTranslator('en')): string {
  const options = commandOptions(command);
  // The synopsis shows what the command uses; the shared endpoint options only where it calls a model.
  const own = new Set(command.options.map((o) => o.name));
  const shown = options.filter((o) => o.name !== 'vault' && o.name !== 'help' && (o.name === 'json' || own.has(o.name)));
  const synopsis = [
    `scriptorium ${command.name} --vault DIR`,
    ...shown.map((o) => (o.type === 'string' ? `[--${o.name} ${o.value ?? 'VALUE'}]` : `[--${o.name}]`)),
    ...(command.operands ? [command.operands] : []),
  ].join(' ');
  return [commandSummary(command, t), '', t('cli.help.commandUsage', { synopsis }), '', t('cli.help.options'), ...optionsHelp(options, t), ...(command.details ? ['', typeof command.details === 'function' ? command.details(t) : command.details] : [])].join('\n');
}
