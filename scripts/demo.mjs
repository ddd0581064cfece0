// `npm run demo`: runs the freshly built CLI on a copy of the example vault, so the repository's
// example stays untouched. Model-backed steps run when an endpoint is configured
// (SCRIPTORIUM_BASE_URL and SCRIPTORIUM_MODEL, or OPENAI_*); otherwise the demo says how.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-demo-'));
cpSync(path.join(root, 'examples', 'vault'), vault, { recursive: true });

const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout;
const has = (command) => new RegExp(`^  ${command}\\s`, 'm').test(help);
const endpoint = process.env.SCRIPTORIUM_BASE_URL || process.env.OPENAI_BASE_URL;
const model = process.env.SCRIPTORIUM_MODEL || process.env.OPENAI_MODEL;

/**
 * @param {string} title
 * @param {string[]} args
 * @param {{ allowFailure?: boolean }} [options]
 */
function run(title, args, { allowFailure = false } = {}) {
  process.stdout.write(`\n=== ${title}\n$ scriptorium ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env: process.env });
  if (result.status !== 0 && !allowFailure) {
    process.stderr.write(`demo: "${title}" exited with ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
}

process.stdout.write(`Scriptorium demo on a copy of examples/vault at ${vault}\n`);
if (has('index')) run('Build the search index', ['index', '--vault', vault]);
if (has('search')) {
  run('Search the vault', ['search', '--vault', vault, '--limit', '3', 'levain peak']);
  run('Search, one result per note, as JSON', ['search', '--vault', vault, '--notes', '--limit', '2', '--json', 'hydration autolyse']);
}
if (has('get')) run('Read lines of a note', ['get', '--vault', vault, 'raw/Hydration.md:8:6']);
if (has('lint')) run('Health checks (findings exit 1: the wiki is not compiled yet)', ['lint', '--vault', vault], { allowFailure: true });
if (has('canvas')) run('Map a note’s links as a canvas (no model needed)', ['canvas', '--vault', vault, 'raw/Hydration.md']);
if (has('undo')) run('Undo it: every change plan can be taken back', ['undo', '--vault', vault]);

if (!endpoint || !model) {
  process.stdout.write(
    '\nNo model endpoint configured, so compile, ask, slides and the dataset chart were skipped.\n' +
      'To run them: SCRIPTORIUM_BASE_URL=http://localhost:11434/v1 SCRIPTORIUM_MODEL=qwen3:8b npm run demo\n' +
      '(Ollama shown; for OpenAI use https://api.openai.com/v1 with SCRIPTORIUM_API_KEY set.)\n',
  );
} else {
  run('Check the endpoint and model', ['doctor', '--vault', vault]);
  if (has('compile')) run('Compile the raw notes into the wiki', ['compile', '--vault', vault, '--yes']);
  if (has('ask')) run('Ask the wiki a question', ['ask', '--vault', vault, 'Why does a ripe levain matter for oven spring?']);
  if (has('slides')) run('Make slides from a note', ['slides', '--vault', vault, 'raw/Oven spring.md']);
  if (has('chart')) run('Chart a dataset: the model picks columns, every number comes from the file', ['chart', '--vault', vault, 'raw/Bake log.csv']);
  if (has('lint')) run('Health checks after compiling', ['lint', '--vault', vault], { allowFailure: true });
}
process.stdout.write(`\nDone. The demo vault is at ${vault} — open it in Obsidian to look around.\n`);
