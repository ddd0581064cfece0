import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * Files whose interface text goes through the catalogue as a whole (docs/translating.md). A text
 * added to one of them as a literal would show in English whatever the language: this finds it.
 */
const CONVERTED = [
  'src/main.ts',
  'src/ui/settings-tab.ts',
  'src/ui/task-runner.ts',
  'src/ui/confirm-modal.ts',
  'src/ui/plan-preview-modal.ts',
  'src/ui/apply-plan.ts',
  'src/ui/chat/chat-view.ts',
  'src/ui/chat/register-chat.ts',
  'src/ui/compile/compile-status-extension.ts',
  'src/ui/compile/confirm-compile-modal.ts',
  'src/ui/compile/register-compile.ts',
  'src/ui/images/register-images.ts',
  'src/ui/lint/deep-estimate-modal.ts',
  'src/ui/lint/fix-suggest-modal.ts',
  'src/ui/lint/register-lint.ts',
  'src/ui/related/meaning-settings-group.ts',
  'src/ui/related/register-related.ts',
  'src/ui/related/related-view.ts',
  'src/ui/related/semantic-index.ts',
  'src/ui/render/register-render.ts',
  'src/ui/render/render-options-modal.ts',
  'src/ui/search/register-search.ts',
  'src/ui/search/search-modal.ts',
  'src/ui/search/search-view.ts',
  'src/ui/synth/register-synth.ts',
  'src/ui/web/register-web.ts',
  'src/ui/web/web-settings-group.ts',
  'src/cli/main.ts',
  'src/cli/run.ts',
  'src/cli/embeddings.ts',
  'src/cli/context.ts',
  'src/cli/commands/search.ts',
  'src/cli/commands/get.ts',
  'src/cli/commands/index-vault.ts',
  'src/cli/commands/undo.ts',
  'src/cli/commands/compile.ts',
  'src/cli/commands/lint.ts',
  'src/cli/commands/ask.ts',
  'src/cli/commands/doctor.ts',
  'src/cli/commands/images.ts',
  'src/cli/commands/tidy.ts',
  'src/cli/commands/slides.ts',
  'src/cli/commands/chart.ts',
  'src/cli/commands/diagram.ts',
  'src/cli/commands/canvas.ts',
  'src/cli/commands/related.ts',
  'src/cli/commands/synth.ts',
  'src/cli/commands/eval.ts',
  'src/cli/commands/mcp.ts',
  'src/cli/commands/clip.ts',
];

/**
 * Where interface text is given as a literal that starts with a word: a notice, a title, a name, a
 * description, a label, a button, a placeholder, a progress line, a line the CLI prints. (The CLI's
 * "scriptorium …:" prefix is the program's name, not text.)
 */
const SITES = [
  /new Notice\(\s*['"`](?!scriptorium)[A-Za-z]/,
  /\.set(?:Title|Name|Desc|Placeholder|ButtonText|Tooltip|Text)\(\s*['"`][A-Za-z]/,
  /\b(?:text|name|desc|title|body|confirmText|label|placeholder|heading|'aria-label'): ['"`][A-Z][a-z]/,
  /\b(?:progress|showProgress|say|io\.err|io\.out)\(\s*['"`](?!scriptorium)[A-Za-z]/,
  /addRibbonIcon\([^,]+,\s*['"`]/,
];

/** Literals that stay as they are, with the reason. */
const KEPT = [
  // The name of the application holding the wiki's lock, as another process reports it.
  /label: 'Obsidian' \}/,
  // doctor's name before its message, as other commands put "scriptorium <command>:": a name, not text.
  /io\.err\(`doctor: \$\{message\}`\)/,
];

describe('converted files', () => {
  it.each(CONVERTED)('%s gives no interface text as an English literal', (file) => {
    const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
    const found = lines
      .map((line, i) => ({ line: line.trim(), at: i + 1 }))
      .filter(({ line }) => !line.startsWith('//') && !line.startsWith('*') && !line.startsWith('/*'))
      .filter(({ line }) => SITES.some((re) => re.test(line)) && !KEPT.some((re) => re.test(line)))
      .map(({ line, at }) => `${file}:${at}: ${line}`);
    expect(found).toEqual([]);
  });
});
