import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryVault } from '../../support/memory-vault';

export const FIXTURE_DIR = path.join(__dirname, '..', '..', 'fixtures', 'lint-wiki');

/** The fixture wiki's files, by vault path. */
export function fixtureFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(FIXTURE_DIR, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(FIXTURE_DIR);
  return out;
}

export function fixtureVault(): MemoryVault {
  return new MemoryVault(fixtureFiles());
}
