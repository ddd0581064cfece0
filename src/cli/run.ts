import { LlmError } from '../core/llm';
import { version as VERSION } from '../../package.json';
import { closestOption, COMMON_OPTIONS, ENDPOINT_OPTIONS, findCommandWord, parseArgs, UsageError, type OptionSpec } from './args';
import { commandHelp, commandOptions, type CliCommand } from './command';
import { COMMANDS } from './commands';
import { CliContext, STOPPED, type Output } from './context';

/** `scriptorium --version`: the only option that needs no command. */
const VERSION_OPTION: OptionSpec = { name: 'version', type: 'boolean', description: 'print the version and exit' };

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'scriptorium — compile raw notes into a wiki, search it, ask it, lint it',
    '',
    'Usage: scriptorium <command> --vault DIR [options]',
    '       scriptorium --version',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Model endpoint: --base-url and --model, or SCRIPTORIUM_BASE_URL / SCRIPTORIUM_MODEL /',
    'SCRIPTORIUM_API_KEY (falling back to OPENAI_*), or the vault’s plugin settings.',
    'Add --json for machine-readable output. `scriptorium <command> --help` lists its options; an',
    'option a command does not take is refused (exit 2) before it does anything.',
    'Ctrl-C stops a command (exit 130). SCRIPTORIUM_MAX_RETRY_WAIT (seconds, default 60 or the',
    'vault’s setting) caps how long a busy endpoint may make a command wait before a retry.',
  ].join('\n');
}

export interface RunOptions {
  /**
   * Stops the command (main.ts aborts it on the first Ctrl-C). A stopped command exits 130 and
   * says what was written, if anything; an apply already writing finishes or rolls back first.
   */
  signal?: AbortSignal;
}

function unknownCommand(name: string, io: Output): number {
  const guess = closestOption(name, COMMANDS.map((c: CliCommand) => ({ name: c.name, type: 'boolean' as const, description: '' })));
  io.err(`scriptorium: unknown command "${name}" (${guess ? `did you mean ${guess}? ` : ''}scriptorium --help lists the commands)`);
  return 2;
}

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Output, options: RunOptions = {}): Promise<number> {
  const everyOption = [...COMMON_OPTIONS, ...ENDPOINT_OPTIONS, VERSION_OPTION, ...COMMANDS.flatMap((c) => c.options)];
  const at = findCommandWord(argv, everyOption);
  if (at < 0) {
    // No command word: only --help or --version make sense.
    let flags: Map<string, string | true>;
    try {
      flags = parseArgs(argv, [...COMMON_OPTIONS, VERSION_OPTION]).flags;
    } catch (error) {
      io.err(`scriptorium: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    if (flags.has('version')) {
      io.out(VERSION);
      return 0;
    }
    io.out(help());
    return flags.has('help') ? 0 : 2;
  }
  const name = argv[at];
  const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === 'help') {
    // `scriptorium help` and `scriptorium help <command>`.
    const topic = rest.find((w) => !w.startsWith('-'));
    const about = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && !about) return unknownCommand(topic, io);
    io.out(about ? commandHelp(about) : help());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknownCommand(name, io);
  let args;
  try {
    // Strict: an option this command does not declare, or one missing its value, stops here,
    // before any model call, write or index build.
    args = parseArgs(rest, commandOptions(command), `scriptorium ${name}`);
  } catch (error) {
    io.err(`scriptorium ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (args.flags.has('help')) {
    io.out(commandHelp(command));
    return 0;
  }
  const signal = options.signal ?? new AbortController().signal;
  try {
    const code = await command.run(new CliContext(args, env, io, signal));
    if (!signal.aborted || code === STOPPED) return code;
    // The command came to its end although it was asked to stop: a failure it reported is the
    // stop's doing; a success means the stop came too late to prevent anything.
    if (code === 0) io.err(`scriptorium ${name}: stopped, but only after the command had finished; what it did is shown above.`);
    else io.err(`scriptorium ${name}: stopped; nothing was written.`);
    return STOPPED;
  } catch (error) {
    if (signal.aborted || (error instanceof LlmError && error.kind === 'aborted')) {
      io.err(`scriptorium ${name}: stopped; nothing was written.`);
      return STOPPED;
    }
    if (error instanceof UsageError) {
      io.err(`scriptorium ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof LlmError) {
      io.err(`scriptorium ${name}: ${error.message} (${error.hint})`);
      return 1;
    }
    io.err(`scriptorium ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
