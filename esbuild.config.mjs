// One config, two bundles: the plugin (main.js, loaded by Obsidian on desktop and mobile) and
// the CLI (dist/cli.js, Node). `node esbuild.config.mjs` watches; `... production` builds once.
import esbuild from 'esbuild';
import { chmodSync } from 'node:fs';
import { checkBundle, PLUGIN_TARGET } from './scripts/bundle-checks.mjs';

const production = process.argv[2] === 'production';
const banner = '/* Scriptorium — built by esbuild; sources at src/. */';

const plugin = {
  entryPoints: ['src/main.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: PLUGIN_TARGET,
  outfile: 'main.js',
  banner: { js: banner },
  external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*'],
  logLevel: 'info',
  sourcemap: production ? false : 'inline',
  treeShaking: true,
  minify: production,
  metafile: true,
};

// `scriptorium mcp` loads the MCP SDK (with zod and ajv, ~2 MB) from a bundle of its own, so that
// the other commands do not parse it at every start: src/cli/mcp/load-sdk.ts imports ./sdk, which
// the CLI bundle leaves to dist/mcp-sdk.js.
/** @type {import('esbuild').Plugin} */
const mcpSdkApart = {
  name: 'mcp-sdk-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/sdk$/ }, (args) => (args.importer.endsWith('load-sdk.ts') ? { path: './mcp-sdk.js', external: true } : undefined));
  },
};

const mcpSdk = {
  entryPoints: ['src/cli/mcp/sdk.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/mcp-sdk.js',
  banner: { js: banner },
  logLevel: 'info',
  sourcemap: false,
};

const cli = {
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node\n' + banner },
  // pdf.js is loaded on first use from node_modules (it loads its worker module from beside itself).
  external: ['pdfjs-dist'],
  plugins: [mcpSdkApart],
  logLevel: 'info',
  sourcemap: false,
  metafile: true,
};

if (production) {
  await esbuild.build(plugin);
  checkBundle('main.js');
  await esbuild.build(cli);
  await esbuild.build(mcpSdk);
  chmodSync('dist/cli.js', 0o755);
} else {
  const ctx = await esbuild.context(plugin);
  await ctx.watch();
}
