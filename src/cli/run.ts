import { LlmError } from '../core/llm';
import { version as VERSION } from '../../package.json';
import { createTranslator, languageFromEnv, LANGUAGES, parseLanguage, setInterfaceLanguage, type Language, type Translate } from '../i18n';
import { en } from '../i18n/en';
import { closestOption, COMMON_OPTIONS, ENDPOINT_OPTIONS, findCommandWord, parseArgs, UsageError, type OptionSpec } from './args';
import { commandHelp, commandOptions, commandSummary, type CliCommand } from './command';
import { COMMANDS } from './commands';
import { CliContext, STOPPED, type Output } from './context';

/** `scriptorium --version`: the only option that needs no command. */
const VERSION_OPTION: OptionSpec = { name: 'version', type: 'boolean', description: en['cli.option.version'], descriptionKey: 'cli.option.version' };

/** How many terminal columns a text takes: two for a wide (CJK, full-width) character, one otherwise. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return n;
}

function help(t: Translate): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const usage = t('cli.help.usage');
  return [
    t('cli.help.title'),
    '',
    usage,
    // The second usage line lines up under the first one's command (a wide CJK character takes two columns).
    `${' '.repeat(columns(usage.slice(0, usage.indexOf('scriptorium'))))}scriptorium --version`,
    '',
    t('cli.help.commands'),
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${commandSummary(c, t)}`),
    '',
    t('cli.help.footer'),
  ].join('\n');
}

/**
 * The interface language of a command line: `--lang` when given (an unknown one is reported, in
 * the environment's language), else LC_ALL, LC_MESSAGES or LANG, else English.
 */
export function cliLanguage(argv: readonly string[], env: NodeJS.ProcessEnv): { language: Language; unknown?: string } {
  const fromEnv = languageFromEnv(env);
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const given = argv[i] === '--lang' ? argv[i + 1] : argv[i].startsWith('--lang=') ? argv[i].slice('--lang='.length) : undefined;
    if (given === undefined || given.startsWith('-')) continue;
    const language = parseLanguage(given);
    return language ? { language } : { language: fromEnv, unknown: given };
  }
  return { language: fromEnv };
}

export interface RunOptions {
  /**
   * Stops the command (main.ts aborts it on the first Ctrl-C). A stopped command exits 130 and
   * says what was written, if anything; an apply already writing finishes or rolls back first.
   */
  signal?: AbortSignal;
}

function unknownCommand(name: string, io: Output, t: Translate): number {
  const guess = closestOption(name, COMMANDS.map((c: CliCommand) => ({ name: c.name, type: 'boolean' as const, description: '' })));
  io.err(`scriptorium: ${guess ? t('cli.error.unknownCommandGuess', { name, guess }) : t('cli.error.unknownCommand', { name })}`);
  return 2;
}

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Output, options: RunOptions = {}): Promise<number> {
  const { language, unknown } = cliLanguage(argv, env);
  const t = createTranslator(language);
  // The core's texts (errors, plan titles, health checks, reports) follow the command line's language.
  setInterfaceLanguage(language);
  if (unknown !== undefined) {
    io.err(`scriptorium: ${t('cli.error.unknownLanguage', { lang: unknown, languages: LANGUAGES.join(', ') })}`);
    return 2;
  }
  const everyOption = [...COMMON_OPTIONS, ...ENDPOINT_OPTIONS, VERSION_OPTION, ...COMMANDS.flatMap((c) => c.options)];
  const at = findCommandWord(argv, everyOption);
  if (at < 0) {
    // No command word: only --help or --version make sense.
    let flags: Map<string, string | true>;
    try {
      flags = parseArgs(argv, [...COMMON_OPTIONS, VERSION_OPTION], 'scriptorium', t).flags;
    } catch (error) {
      io.err(`scriptorium: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    if (flags.has('version')) {
      io.out(VERSION);
      return 0;
    }
    io.out(help(t));
    return flags.has('help') ? 0 : 2;
  }
  const name = argv[at];
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === 'help') {
    // `scriptorium help` and `scriptorium help <command>`.
    const topic = rest.find((w) => !w.startsWith('-'));
    const about = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && !about) return unknownCommand(topic, io, t);
    io.out(about ? commandHelp(about, t) : help(t));
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknownCommand(name, io, t);
  let args;
  try {
    // Strict: an option this command does not declare, or one missing its value, stops here,
    // before any model call, write or index build.
    args = parseArgs(rest, commandOptions(command), `scriptorium ${name}`, t);
  } catch (error) {
    io.err(`scriptorium ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (args.flags.has('help')) {
    io.out(commandHelp(command, t));
    return 0;
  }
  // --json output is the same whatever --lang says (scripts read it), so what the core puts in it
  // (findings, plan titles, summaries, errors) is made in English, as for the MCP server; the
  // command's own lines on stderr (progress, warnings) keep the interface language through `t`.
  if (args.flags.has('json')) setInterfaceLanguage('en');
  const signal = options.signal ?? new AbortController().signal;
  try {
    const code = await command.run(new CliContext(args, env, io, signal, t));
    if (!signal.aborted || code === STOPPED) return code;
    // The command came to its end although it was asked to stop: a failure it reported is the
    // stop's doing; a success means the stop came too late to prevent anything.
    if (code === 0) io.err(`scriptorium ${name}: ${t('cli.stop.tooLate')}`);
    else io.err(`scriptorium ${name}: ${t('cli.stop.nothingWritten')}`);
    return STOPPED;
  } catch (error) {
    if (signal.aborted || (error instanceof LlmError && error.kind === 'aborted')) {
      io.err(`scriptorium ${name}: ${t('cli.stop.nothingWritten')}`);
      return STOPPED;
    }
    if (error instanceof UsageError) {
      io.err(`scriptorium ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof LlmError) {
      io.err(`scriptorium ${name}: ${t('core.llm.check.failed', { error: error.message, hint: error.hint })}`);
      return 1;
    }
    io.err(`scriptorium ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
