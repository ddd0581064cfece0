import './window-shim';
import { runCli } from './run';

const io = {
  out: (text: string) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text: string) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

runCli(process.argv.slice(2), process.env, io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    io.err(`scriptorium: ${String(error)}`);
    process.exitCode = 1;
  },
);
