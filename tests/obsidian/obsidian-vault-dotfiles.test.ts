/** @jest-environment jsdom */
/**
 * ObsidianVault.read of a dot-file: Obsidian indexes no dot-files, so a repository's .gitignore is
 * read through the adapter; nothing in a hidden folder (the configuration folder, .git) is.
 */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import { ObsidianVault } from '../../src/obsidian/obsidian-vault';

beforeAll(() => setup());

describe('ObsidianVault.read of dot-files', () => {
  it('reads a dot-file the vault does not index, and refuses files in hidden folders and missing ones', async () => {
    const app = App.createConfigured__();
    await app.vault.create('raw/tool/package.json', '{"name":"tool"}');
    const adapter = app.vault.adapter;
    await adapter.mkdir('raw/tool/.git');
    await adapter.write('raw/tool/.gitignore', 'build/\n');
    await adapter.write('raw/tool/.git/config', '[core]\n');
    await adapter.write(`${app.vault.configDir}/.secret`, 'no\n');
    const vault = new ObsidianVault(app.asOriginalType__());
    expect((await vault.list()).map((f) => f.path)).not.toContain('raw/tool/.gitignore');
    expect(await vault.read('raw/tool/.gitignore')).toBe('build/\n');
    await expect(vault.read('raw/tool/.git/config')).rejects.toThrow('Vault: no file at "raw/tool/.git/config"');
    await expect(vault.read(`${app.vault.configDir}/.secret`)).rejects.toThrow(/no file at/);
    await expect(vault.read('raw/tool/.npmrc')).rejects.toThrow('Vault: no file at "raw/tool/.npmrc"');
    expect(await vault.read('raw/tool/package.json')).toBe('{"name":"tool"}');
  });
});
