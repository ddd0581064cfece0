import { LlmError } from '../core/llm';
import { parseArgs, UsageError } from './args';
import { COMMANDS } from './commands';
import { CliContext, type Output } from './context';

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
  ].join('\n');
}

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Output): Promise<number> {
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
  try {
    return await command.run(new CliContext(args, env, io));
  } catch (error) {
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
