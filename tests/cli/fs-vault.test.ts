import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsStateStore, FsVault } from '../../src/cli/fs-vault';
import type { VaultEvent } from '../../src/core/ports/vault';

function tempVault(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scriptorium-fsvault-'));
  mkdirSync(path.join(dir, 'raw'), { recursive: true });
  mkdirSync(path.join(dir, '.obsidian/plugins'), { recursive: true });
  mkdirSync(path.join(dir, '.git'), { recursive: true });
  writeFileSync(path.join(dir, 'raw/Note one.md'), '# One');
  writeFileSync(path.join(dir, '.obsidian/app.json'), '{}');
  writeFileSync(path.join(dir, '.git/HEAD'), 'ref');
  writeFileSync(path.join(dir, '.hidden.md'), 'x');
  return dir;
}

describe('FsVault', () => {
  it('lists the notes Obsidian would show, not hidden files or the config folder', async () => {
    const vault = new FsVault(tempVault());
    expect((await vault.list()).map((f) => f.path)).toEqual(['raw/Note one.md']);
  });

  it('writes atomically, creating folders, and reports create then modify', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    const events: VaultEvent[] = [];
    vault.on((e) => events.push(e));
    await vault.write('wiki/concepts/Levain.md', 'a');
    await vault.write('wiki/concepts/Levain.md', 'b');
    expect(readFileSync(path.join(dir, 'wiki/concepts/Levain.md'), 'utf8')).toBe('b');
    expect(readdirSync(path.join(dir, 'wiki/concepts'))).toEqual(['Levain.md']);
    expect(events).toEqual([
      { type: 'create', path: 'wiki/concepts/Levain.md' },
      { type: 'modify', path: 'wiki/concepts/Levain.md' },
    ]);
  });

  it('refuses paths outside the vault', async () => {
    const vault = new FsVault(tempVault());
    await expect(vault.write('../escape.md', 'x')).rejects.toThrow('outside the vault');
    expect(() => vault.absolute('/etc/passwd')).toThrow('outside the vault');
  });

  it('renames without overwriting and deletes idempotently', async () => {
    const vault = new FsVault(tempVault());
    await vault.write('a.md', 'A');
    await vault.write('b.md', 'B');
    await expect(vault.rename('a.md', 'b.md')).rejects.toThrow('already exists');
    await vault.rename('a.md', 'sub/c.md');
    expect(await vault.read('sub/c.md')).toBe('A');
    await vault.delete('sub/c.md');
    await vault.delete('sub/c.md');
    expect(await vault.stat('sub/c.md')).toBeNull();
  });

  it('says which file it cannot read', async () => {
    await expect(new FsVault(tempVault()).read('missing.md')).rejects.toThrow('cannot read "missing.md": ENOENT');
  });
});

describe('FsStateStore', () => {
  it('keeps plugin files in the plugin folder and refuses keys that are paths', async () => {
    const dir = tempVault();
    const state = new FsStateStore(dir);
    await state.set('search-index.json', '{"v":1}');
    expect(readFileSync(path.join(dir, '.obsidian/plugins/scriptorium/search-index.json'), 'utf8')).toBe('{"v":1}');
    expect(await state.get('search-index.json')).toBe('{"v":1}');
    expect(await state.get('never-written')).toBeNull();
    await expect(state.set('../../escape', 'x')).rejects.toThrow('invalid key');
    await state.delete('search-index.json');
    expect(await state.get('search-index.json')).toBeNull();
  });
});
