import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The core must run in the plugin (desktop and mobile), the CLI and jest alike: lint refuses
 * `obsidian` and Node built-ins under src/core. This runs the project's real ESLint config on
 * probe code presented as a core file (ESLint's config loader needs real ESM, so a child process).
 */
const root = path.resolve(__dirname, '../..');

function lintAsCore(code: string): string[] {
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'src/core/ports/clock.ts', '-f', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const parsed = JSON.parse(result.stdout) as { messages: { message: string }[] }[];
  return parsed[0].messages.map((m) => m.message);
}

describe('lint boundary for src/core', () => {
  let messages = '';
  beforeAll(() => {
    messages = lintAsCore(
      [
        "import { Notice } from 'obsidian';",
        "import fs from 'fs';",
        "import path from 'node:path';",
        'export const uses = [Notice, fs, path, fetch, process.env];',
        '',
      ].join('\n'),
    ).join('\n');
  }, 120_000);

  it('rejects importing obsidian', () => {
    expect(messages).toContain("'obsidian' import is restricted from being used. src/core must not import obsidian");
  });

  it('rejects Node built-ins, with or without the node: prefix', () => {
    expect(messages).toContain("'fs' import is restricted from being used. src/core must not import Node built-ins");
    expect(messages).toContain("'node:path' import is restricted from being used. src/core must not import Node built-ins");
  });

  it('rejects the global fetch and process', () => {
    expect(messages).toContain("Unexpected use of 'fetch'");
    expect(messages).toContain("Unexpected use of 'process'");
  });

  it('accepts plain TypeScript', () => {
    expect(lintAsCore('export const double = (n: number): number => n * 2;\n')).toEqual([]);
  }, 120_000);
});
