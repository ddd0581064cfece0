import type { CliContext } from './context';

/** One `scriptorium <name>` command. `run` returns the exit code. */
export interface CliCommand {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Usage lines shown by `scriptorium <name> --help`. */
  usage: string;
  run(ctx: CliContext): Promise<number>;
}
