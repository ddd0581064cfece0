// `node scripts/pack-check.mjs`: the npm package as a user gets it. Packs the tarball (its prepack
// builds dist/), checks what it holds, installs it into an empty folder from the registry like
// `npm i -g` / `npx` would, and runs the installed `scriptorium`: --version, a search of a copy of
// examples/vault, and an MCP handshake (which loads dist/mcp-sdk.js). Run by .ci/run after the tests.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** @param {string} text @returns {unknown} */
const parseJson = (text) => JSON.parse(text);
const pkg = /** @type {{ name: string, version: string, bin: Record<string, string> }} */ (parseJson(readFileSync(path.join(root, 'package.json'), 'utf8')));
const work = mkdtempSync(path.join(tmpdir(), 'scriptorium-pack-'));
const started = Date.now();

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`pack-check: ${message}`);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

/** @param {string} message */
function step(message) {
  console.log(`pack-check: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

// 1. Pack. npm prints the tarball's name as the last line of its standard output.
const packed = spawnSync(npm, ['pack', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (packed.status !== 0) fail(`npm pack failed (exit ${packed.status}).`);
const tarball = path.join(work, packed.stdout.trim().split('\n').pop() ?? '');
if (!existsSync(tarball)) fail(`npm pack reported ${tarball}, which does not exist.`);
step(`packed ${path.basename(tarball)}`);

// 2. What it holds: what runs, and nothing else.
const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .map((e) => e.replace(/^package\//, ''));
const forbidden = entries.filter((e) => /^(src|tests|bench|examples|scripts)\//.test(e) || e.includes('node_modules/') || e === 'main.js');
if (forbidden.length > 0) fail(`the tarball holds files that should not ship: ${forbidden.join(', ')}.`);
for (const needed of ['dist/cli.js', 'dist/mcp-sdk.js', 'package.json', 'README.md', 'LICENSE']) {
  if (!entries.includes(needed)) fail(`the tarball lacks ${needed}; it holds ${entries.join(', ')}.`);
}
step(`the tarball holds ${entries.join(', ')}`);

// 3. Install it where nothing else is, as a user would (runtime dependencies from the registry).
const prefix = path.join(work, 'prefix');
mkdirSync(prefix);
const install = spawnSync(npm, ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], {
  encoding: 'utf8',
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (install.status !== 0) fail(`npm install of the tarball failed (exit ${install.status}).`);
const bin = path.join(prefix, 'node_modules', '.bin', process.platform === 'win32' ? 'scriptorium.cmd' : Object.keys(pkg.bin)[0]);
if (!existsSync(bin)) fail(`installing the tarball made no ${path.relative(prefix, bin)}.`);
step('installed into an empty folder');

// The installed CLI runs without the repository: from the install folder, with a clean environment
// as far as Scriptorium is concerned.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SCRIPTORIUM_|OPENAI_)/.test(k)));
/** @param {string[]} args */
function cli(args) {
  const run = spawnSync(bin, args, { cwd: prefix, env, encoding: 'utf8' });
  if (run.status !== 0) fail(`scriptorium ${args.join(' ')} exited ${run.status}: ${run.stderr.trim()}`);
  return run.stdout;
}

// 4. --version
const version = cli(['--version']).trim();
if (version !== pkg.version) fail(`scriptorium --version printed "${version}", not ${pkg.version}.`);
step(`scriptorium --version: ${version}`);

// 5. A search of the example vault (a copy: the index cache is written into the vault).
const vault = path.join(work, 'vault');
cpSync(path.join(root, 'examples', 'vault'), vault, { recursive: true });
const found = /** @type {{ results: { path: string }[] }} */ (parseJson(cli(['search', '--vault', vault, '--notes', '--json', 'levain peak'])));
if (found.results[0]?.path !== 'raw/Levain schedule.md') fail(`search for "levain peak" found ${JSON.stringify(found.results.map((r) => r.path))}, not raw/Levain schedule.md first.`);
step(`scriptorium search --vault examples/vault "levain peak": ${found.results.length} notes, first ${found.results[0].path}`);

// 6. pdf.js, the one runtime dependency, resolves from the installed CLI.
const installed = path.join(prefix, 'node_modules', pkg.name);
const pdfjs = spawnSync(process.execPath, ['-e', 'require.resolve("pdfjs-dist/legacy/build/pdf.mjs", { paths: [process.argv[1]] })', installed], { encoding: 'utf8' });
if (pdfjs.status !== 0) fail(`pdfjs-dist does not resolve from the installed package: ${pdfjs.stderr.trim()}`);

// 7. `scriptorium mcp` answers an MCP initialize over stdio (it loads dist/mcp-sdk.js).
/** @type {{ ok: boolean, text: string }} */
const reply = await new Promise((resolve) => {
  const child = spawn(bin, ['mcp', '--vault', vault], { cwd: prefix, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const timer = setTimeout(() => {
    child.kill();
    resolve({ ok: false, text: `no answer in 30 s; stderr: ${err.trim()}` });
  }, 30_000);
  child.stdout.on('data', (chunk) => {
    out += String(chunk);
    const line = out.split('\n').find((l) => l.includes('"id":1'));
    if (line) {
      clearTimeout(timer);
      child.kill();
      resolve({ ok: line.includes('"result"'), text: line });
    }
  });
  child.stderr.on('data', (chunk) => (err += String(chunk)));
  child.on('exit', (code) => {
    clearTimeout(timer);
    resolve({ ok: false, text: `exited ${code} before answering; stderr: ${err.trim()}` });
  });
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pack-check', version: '1' } } };
  child.stdin.write(JSON.stringify(initialize) + '\n');
});
const { ok, text } = reply;
if (!ok) fail(`scriptorium mcp did not answer initialize: ${text}`);
step('scriptorium mcp answered initialize');

rmSync(work, { recursive: true, force: true });
console.log(`pack-check: ok, ${pkg.name}@${pkg.version} installs and runs (${((Date.now() - started) / 1000).toFixed(1)} s)`);
