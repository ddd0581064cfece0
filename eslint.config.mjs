// Lint: the Obsidian review rules (eslint-plugin-obsidianmd's recommended config) over everything
// that ships in the plugin bundle, typescript-eslint's type-checked rules over the Node-side code
// (CLI, tests, benchmarks, scripts), and a boundary rule that keeps src/core free of `obsidian`
// and Node built-ins so the same core runs in the plugin (desktop and mobile), the CLI and jest.
import { defineConfig, globalIgnores } from 'eslint/config';
import obsidianmd from 'eslint-plugin-obsidianmd';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodeSide = ['src/cli/**/*.ts', 'tests/**/*.ts', 'bench/**/*.{ts,mjs}', 'scripts/**/*.{ts,mjs}', '*.mjs', '*.cjs'];

export default defineConfig([
  globalIgnores(['node_modules/', 'main.js', 'dist/', 'coverage/', 'bench/results/', 'examples/']),
  {
    files: ['src/**/*.ts', 'package.json'],
    ignores: ['src/cli/**'],
    extends: [obsidianmd.configs.recommended],
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: nodeSide,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', '*.cjs', 'bench/*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'obsidian', message: 'src/core must not import obsidian: put the Obsidian call in src/obsidian behind a port.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'src/core must not import Node built-ins: it runs on mobile too.' })),
          ],
          patterns: [{ group: ['node:*'], message: 'src/core must not import Node built-ins.' }],
        },
      ],
      'no-restricted-globals': ['error', 'app', 'fetch', 'localStorage', 'require', 'process', 'Buffer', '__dirname'],
    },
  },
]);
