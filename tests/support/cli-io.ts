import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** An `Output` for `runCli` that keeps what a command printed, line by line. */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

/**
 * Every file under `root` (hidden folders included) with its text, keyed by slash path; with
 * `folders`, every folder too (as "dir/" → ""), so a test can tell that nothing at all was created.
 */
export function tree(root: string, options: { folders?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (statSync(abs).isDirectory()) {
        if (options.folders) out[`${rel}/`] = '';
        walk(abs);
      } else out[rel] = readFileSync(abs, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** A vault in a fresh temporary folder holding `files` (vault path → text), folders made as needed. */
export function tempVault(prefix: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), `scriptorium-${prefix}-`));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** The note most CLI tests compile: one raw note naming two concepts. */
export const LEVAIN_NOTE = { 'raw/Levain.md': 'A **Levain** is built from the **Sourdough starter** the night before.\n' };
