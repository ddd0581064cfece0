import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'scriptorium-bundle-'));

function check(file: string) {
  return spawnSync(process.execPath, ['scripts/bundle-checks.mjs', file], { cwd: root, encoding: 'utf8' });
}

/** Bundles `src/main.ts` as the build does, with the given esbuild target, and returns the file. */
function bundle(target: 'plugin' | 'es2022'): string {
  const out = path.join(dir, `${target}.js`);
  const script = `
    import esbuild from 'esbuild';
    import { PLUGIN_TARGET } from './scripts/bundle-checks.mjs';
    await esbuild.build({ entryPoints: ['src/main.ts'], bundle: true, format: 'cjs', platform: 'browser', minify: true, logLevel: 'error',
      external: ['obsidian', 'electron', '@codemirror/*', '@lezer/*'], outfile: ${JSON.stringify(out)},
      target: ${target === 'plugin' ? 'PLUGIN_TARGET' : "'es2022'"} });`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return out;
}

describe('plugin bundle checks', () => {
  it('fails on a regex lookbehind literal and names it, but not on one built from a string', () => {
    const literal = path.join(dir, 'literal.js');
    writeFileSync(literal, 'const a = 1 / 2; const re = /(?<=x)y/g; const s = "/(?<=not a regex)/";\n');
    const bad = check(literal);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/lookbehind literals.*iOS before 16\.4: \/\(\?<=x\)y\/g/);
    const fromString = path.join(dir, 'string.js');
    writeFileSync(fromString, 'let re; try { re = new RegExp("(?<!x)y"); } catch { re = /y/; }\n');
    expect(check(fromString).status).toBe(0);
  });

  it('fails on a Node built-in required by the plugin', () => {
    const file = path.join(dir, 'fs.js');
    writeFileSync(file, 'const fs = require("node:fs");\n');
    const result = check(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Node built-ins \(node:fs\)/);
  });

  it('the real plugin bundle has a lookbehind literal at es2022 (from the openai package) and none at the plugin target', () => {
    expect(check(bundle('es2022')).status).toBe(1);
    const built = check(bundle('plugin'));
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
  }, 60_000);
});
