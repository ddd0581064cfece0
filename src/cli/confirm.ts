import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal (stderr, so --json output stays clean); no unless the
 * answer is y or yes. Ctrl-C at the prompt is passed on as the signal the CLI stops on, and a stop
 * while waiting answers no.
 */
export async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // On a terminal readline reads Ctrl-C as a key: pass it on as the signal the CLI stops on.
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  } finally {
    rl.close();
  }
}
