// `npm run install-plugin -- /path/to/vault`: copies the built plugin (main.js, manifest.json,
// styles.css) into <vault>/<configDir>/plugins/scriptorium/. Build first with `npm run build`.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vault = process.argv[2];
const configDir = process.argv[3] ?? '.obsidian';
if (!vault || !existsSync(vault) || !statSync(vault).isDirectory()) {
  process.stderr.write('usage: npm run install-plugin -- /path/to/vault [configDir]\n');
  process.exit(2);
}
for (const file of ['main.js', 'manifest.json', 'styles.css']) {
  if (!existsSync(path.join(root, file))) {
    process.stderr.write(`install-plugin: ${file} is missing; run npm run build first\n`);
    process.exit(1);
  }
}
const target = path.join(path.resolve(vault), configDir, 'plugins', 'scriptorium');
mkdirSync(target, { recursive: true });
for (const file of ['main.js', 'manifest.json', 'styles.css']) copyFileSync(path.join(root, file), path.join(target, file));
process.stdout.write(`Installed Scriptorium into ${target}\nIn Obsidian: Settings → Community plugins → turn on Scriptorium (reload plugins if it was already on).\n`);
