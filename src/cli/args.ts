/** Parsed command line: positional words and `--flag value` / `--flag` options. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that never take a value. */
const BOOLEAN_FLAGS = new Set(['json', 'help', 'dry-run', 'yes', 'notes', 'deep', 'verbose', 'quiet', 'force', 'save', 'no-tools', 'rebuild', 'report', 'list']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      if (eq > 0) {
        flags.set(word.slice(2, eq), word.slice(eq + 1));
      } else {
        const name = word.slice(2);
        const next = argv[i + 1];
        if (!BOOLEAN_FLAGS.has(name) && next !== undefined && !next.startsWith('--')) {
          flags.set(name, next);
          i++;
        } else {
          flags.set(name, true);
        }
      }
    } else if (word === '-h') {
      flags.set('help', true);
    } else {
      positional.push(word);
    }
  }
  return { positional, flags };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) !== undefined && args.flags.get(name) !== 'false';
}

export function flagInt(args: ParsedArgs, name: string, fallback: number): number {
  const value = flagString(args, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  return n;
}

/** A mistake in how the command was called; exits 2 with the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
