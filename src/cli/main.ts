import './window-shim';
import { STOPPED } from './context';
import { runCli } from './run';

const io = {
  out: (text: string) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text: string) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

// One Ctrl-C stops the command: every model call, wait and loop ends at once, and an apply
// already writing finishes or rolls back. A second one quits on the spot (a half-done apply
// is then rolled back by the next command's recovery).
const stop = new AbortController();
process.on('SIGINT', () => {
  if (!stop.signal.aborted) {
    io.err('stopping… (Ctrl-C again to quit at once)');
    stop.abort();
    return;
  }
  io.err('quit; anything half-written is rolled back by the next scriptorium command.');
  process.exit(STOPPED);
});

runCli(process.argv.slice(2), process.env, io, { signal: stop.signal }).then(
  (code) => {
    process.exitCode = code;
    // A stopped command may leave an idle socket or timer behind: do not wait for it.
    if (stop.signal.aborted) setTimeout(() => process.exit(code), 1000).unref();
  },
  (error: unknown) => {
    io.err(`scriptorium: ${String(error)}`);
    process.exitCode = 1;
  },
);
