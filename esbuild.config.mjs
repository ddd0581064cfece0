// One config, two bundles: the plugin (main.js, loaded by Obsidian on desktop and mobile) and
// the CLI (dist/cli.js, Node). `node esbuild.config.mjs` watches; `... production` builds once.
import esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import { readFileSync, chmodSync } from 'node:fs';

const production = process.argv[2] === 'production';
const banner = '/* Scriptorium — built by esbuild; sources at src/. */';

const plugin = {
  entryPoints: ['src/main.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: 'es2022',
  outfile: 'main.js',
  banner: { js: banner },
  external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*'],
  logLevel: 'info',
  sourcemap: production ? false : 'inline',
  treeShaking: true,
  minify: production,
  metafile: true,
};

const cli = {
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node\n' + banner },
  logLevel: 'info',
  sourcemap: false,
  metafile: true,
};

/** The plugin must load on mobile: no Node built-in may be required by main.js. */
function assertNoNodeBuiltins(/** @type {string} */ file) {
  const text = readFileSync(file, 'utf8');
  const names = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const found = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => String(m[1])).filter((n) => names.has(n));
  if (found.length > 0) {
    throw new Error(`build: ${file} requires Node built-ins (${[...new Set(found)].join(', ')}); the plugin must run on mobile`);
  }
}

if (production) {
  await esbuild.build(plugin);
  assertNoNodeBuiltins('main.js');
  await esbuild.build(cli);
  chmodSync('dist/cli.js', 0o755);
} else {
  const ctx = await esbuild.context(plugin);
  await ctx.watch();
}
