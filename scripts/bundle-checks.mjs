// Checks the plugin bundle must pass to load everywhere Obsidian runs. Used by esbuild.config.mjs
// after every production build, and runnable alone: `node scripts/bundle-checks.mjs main.js`.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import { tokenizer } from 'acorn';

/**
 * esbuild's target for main.js. Obsidian on iOS runs in the system WebKit, which parses a regex
 * lookbehind only from iOS 16.4: naming Safari 15 makes esbuild turn such literals (the `openai`
 * package has one) into `new RegExp(…)` calls, which older WebKit only rejects if they run.
 */
export const PLUGIN_TARGET = ['es2022', 'safari15'];

/**
 * The plugin must load on mobile: no Node built-in may be required by main.js.
 * @param {string} text
 * @returns {string[]}
 */
export function nodeBuiltinsRequired(text) {
  const names = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const found = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => String(m[1])).filter((n) => names.has(n));
  return [...new Set(found)];
}

/**
 * Regex literals with a lookbehind: a syntax error that stops the whole file loading on iOS < 16.4.
 * @param {string} text
 * @returns {string[]}
 */
export function lookbehindLiterals(text) {
  /** @type {string[]} */
  const found = [];
  for (const token of tokenizer(text, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true })) {
    if (token.type.label !== 'regexp') continue;
    const literal = text.slice(token.start, token.end);
    if (/\(\?<[=!]/.test(literal)) found.push(literal);
  }
  return found;
}

/**
 * Throws with every problem of the bundle at `file`.
 * @param {string} file
 */
export function checkBundle(file) {
  const text = readFileSync(file, 'utf8');
  const problems = [];
  const builtins = nodeBuiltinsRequired(text);
  if (builtins.length) problems.push(`requires Node built-ins (${builtins.join(', ')}); the plugin must run on mobile`);
  const lookbehinds = lookbehindLiterals(text);
  if (lookbehinds.length) {
    problems.push(`has regex lookbehind literals, which stop it loading on iOS before 16.4: ${lookbehinds.slice(0, 3).join(', ')}${lookbehinds.length > 3 ? ` and ${lookbehinds.length - 3} more` : ''}`);
  }
  if (problems.length) throw new Error(`build: ${file} ${problems.join('; ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    for (const file of process.argv.slice(2)) checkBundle(file);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
