import './window-shim';
import { STOPPED } from './context';
import { createTranslator } from '../i18n';
import { cliLanguage, runCli } from './run';

const io = {
  out: (text: string) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text: string) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

// One Ctrl-C stops the command: every model call, wait and loop ends at once, and an apply
// already writing finishes or rolls back. A second one quits on the spot (a half-done apply
// is then rolled back by the next command's recovery).
const argv = process.argv.slice(2);
const t = createTranslator(cliLanguage(argv, process.env).language);
const stop = new AbortController();
process.on('SIGINT', () => {
  if (!stop.signal.aborted) {
    io.err(t('cli.stop.stopping'));
    stop.abort();
    return;
  }
  io.err(t('cli.stop.quit'));
  process.exit(STOPPED);
});

runCli(argv, process.env, io, { signal: stop.signal }).then(
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
