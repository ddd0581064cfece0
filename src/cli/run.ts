import { LlmError } from '../core/llm';
import { parseArgs, UsageError } from './args';
import { COMMANDS } from './commands';
import { CliContext, STOPPED, type Output } from './context';

const VERSION = '0.1.0';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'scriptorium — compile raw notes into a wiki, search it, ask it, lint it',
    '',
    'Usage: scriptorium <command> --vault DIR [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Model endpoint: --base-url and --model, or SCRIPTORIUM_BASE_URL / SCRIPTORIUM_MODEL /',
    'SCRIPTORIUM_API_KEY (falling back to OPENAI_*), or the vault’s plugin settings.',
    'Add --json for machine-readable output. `scriptorium <command> --help` for details.',
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

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Output, options: RunOptions = {}): Promise<number> {
  const args = parseArgs(argv);
  const name = args.positional.shift();
  if (!name || name === 'help') {
    io.out(help());
    return name ? 0 : args.flags.has('help') ? 0 : 2;
  }
  if (name === '--version' || args.flags.has('version')) {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`scriptorium: unknown command "${name}" (see scriptorium --help)`);
    return 2;
  }
  if (args.flags.has('help')) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}`);
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
