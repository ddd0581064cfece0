/** @jest-environment jsdom */
/**
 * ObsidianVault.write with `expected`: the comparison happens inside `vault.process`, on the text
 * Obsidian hands the callback, so what a person typed between a plan and its apply is never
 * overwritten. Driven through the obsidian-test-mocks app (its vault and adapter are in memory).
 */
import { setup } from 'obsidian-test-mocks/setup';
import { App, TFile } from 'obsidian-test-mocks/obsidian';
import { isVaultConflict } from '../../src/core/ports/vault';
import { ObsidianVault } from '../../src/obsidian/obsidian-vault';

beforeAll(() => setup());

const PATH = 'wiki/concepts/Levain.md';
const PLANNED_FROM = '# Levain\n\nA starter built up for one bake.\n';
const GENERATED = '# Levain\n\nA starter built up for one bake, from two sources.\n';
const TYPED = '# Levain\n\nA starter built up for one bake.\n\nMy note: mine peaks at 6 hours.\n';

async function vaultWith(files: Record<string, string>): Promise<{ app: App; vault: ObsidianVault }> {
  const app = App.createConfigured__();
  for (const [path, text] of Object.entries(files)) await app.vault.create(path, text);
  return { app, vault: new ObsidianVault(app.asOriginalType__()) };
}

const fileText = async (app: App, path: string) => {
  const file = app.vault.getAbstractFileByPath(path);
  return file instanceof TFile ? app.vault.read(file) : null;
};

describe('ObsidianVault.write with an expected text', () => {
  it('writes when the file still holds the text the plan was made from', async () => {
    const { app, vault } = await vaultWith({ [PATH]: PLANNED_FROM });
    await vault.write(PATH, GENERATED, { expected: PLANNED_FROM });
    expect(await fileText(app, PATH)).toBe(GENERATED);
  });

  it('refuses, and keeps the person’s text, when they typed between plan and apply', async () => {
    const { app, vault } = await vaultWith({ [PATH]: PLANNED_FROM });
    const planned = await vault.read(PATH); // what the plan saw
    await app.vault.modify(app.vault.getAbstractFileByPath(PATH) as TFile, TYPED); // the person types
    const error: unknown = await vault.write(PATH, GENERATED, { expected: planned }).catch((e: unknown) => e);
    expect(isVaultConflict(error)).toBe(true);
    expect((error as Error).message).toMatch(/changed while Scriptorium was writing it; it was left as it is/);
    expect(await fileText(app, PATH)).toBe(TYPED);
  });

  it('compares the text process() hands over, not an earlier read: keystrokes saved as process() starts are kept', async () => {
    const { app, vault } = await vaultWith({ [PATH]: PLANNED_FROM });
    // The editor saves the person's text at the last moment: after any check the adapter could
    // have made by reading the file first, just before Obsidian reads it for process().
    const adapter = app.vault.adapter as unknown as { writeSync__(path: string, text: string): void };
    const process = app.vault.process.bind(app.vault);
    app.vault.process = (file, fn, options) => {
      adapter.writeSync__(PATH, TYPED);
      return process(file, fn, options);
    };
    await expect(vault.write(PATH, GENERATED, { expected: PLANNED_FROM })).rejects.toMatchObject({ code: 'EVAULTCONFLICT', path: PATH });
    expect(await fileText(app, PATH)).toBe(TYPED);
  });

  it('refuses to create a file that must not exist but does, and leaves it as it is', async () => {
    const { app, vault } = await vaultWith({ [PATH]: TYPED });
    await expect(vault.write(PATH, GENERATED, { expected: null })).rejects.toMatchObject({ code: 'EVAULTCONFLICT' });
    expect(await fileText(app, PATH)).toBe(TYPED);
  });

  it('creates a file that must not exist, with its folders, when it does not', async () => {
    const { app, vault } = await vaultWith({});
    await vault.write('wiki/outputs/New deck.md', GENERATED, { expected: null });
    expect(await fileText(app, 'wiki/outputs/New deck.md')).toBe(GENERATED);
  });

  it('refuses to write a file expected to hold text when it was deleted meanwhile, and creates nothing', async () => {
    const { app, vault } = await vaultWith({});
    await expect(vault.write(PATH, GENERATED, { expected: PLANNED_FROM })).rejects.toMatchObject({ code: 'EVAULTCONFLICT' });
    expect(app.vault.getAbstractFileByPath(PATH)).toBeNull();
  });

  it('without an expected text, replaces the file as before', async () => {
    const { app, vault } = await vaultWith({ [PATH]: TYPED });
    await vault.write(PATH, GENERATED);
    expect(await fileText(app, PATH)).toBe(GENERATED);
  });
});
