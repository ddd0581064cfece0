/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App, TFile } from 'obsidian-test-mocks/obsidian';
import type { Command, ObsidianProtocolHandler, PluginManifest } from 'obsidian';
import ScriptoriumPlugin from '../../../src/main';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { obsidianLinkpathDest } from '../../support/obsidian-link-index';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'lint-wiki');

/** The fixture wiki's markdown files (the jsdom environment cannot load MemoryVault's helpers). */
function fixtureFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(FIXTURE, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(FIXTURE);
  return out;
}

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

async function loaded() {
  const app = App.createConfigured__();
  // The fake's link resolution is case-sensitive and ignores folders; the plugin resolves links through it.
  app.metadataCache.getFirstLinkpathDest = (linkpath: string, sourcePath: string) => obsidianLinkpathDest(app.vault.getFiles(), linkpath, sourcePath);
  const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
  await plugin.onload();
  const internals = plugin as unknown as {
    commands__: Map<string, Command>;
    obsidianProtocolHandlers__: Map<string, ObsidianProtocolHandler>;
    statusBarItems__: HTMLElement[];
  };
  for (const [path, text] of Object.entries(fixtureFiles())) await app.vault.create(path, text);
  const bar = () => internals.statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'));
  /** Health check work is over when its status bar item hides again. */
  const idle = () => waitFor(() => bar()?.hasClass('scriptorium-is-hidden'), 'the health check to finish');
  return { app, plugin, commands: internals.commands__, handlers: internals.obsidianProtocolHandlers__, idle };
}

async function waitFor<T>(probe: () => Promise<T | null | undefined> | T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('registerLint', () => {
  it('registers the health check commands without default hotkeys, and the fix link handler', async () => {
    const { commands, handlers } = await loaded();
    const lint = [...commands.values()].filter((c) => /health-check/.test(c.id));
    expect(lint.map((c) => c.name).sort()).toEqual(['Apply a health check fix', 'Run deep health checks', 'Run health checks']);
    expect(lint.every((c) => !c.hotkeys || c.hotkeys.length === 0)).toBe(true);
    expect(handlers.has('scriptorium-lint-fix')).toBe(true);
  });

  it('writes the report into the outputs folder with Apply links, and an Apply link rebuilds the index', async () => {
    const { app, commands, handlers, idle } = await loaded();
    const run = [...commands.values()].find((c) => c.id.endsWith(':run-health-checks') || c.id === 'run-health-checks');
    run?.callback?.();
    const report = await waitFor(() => app.vault.getFiles().find((f) => f.path.startsWith('wiki/outputs/Health report ') && !f.path.endsWith('2026-01-01.md')), 'the report');
    await new Promise((r) => setTimeout(r, 0));
    await idle();
    const text = await app.vault.read(report);
    expect(text).toContain('## Broken links (5)');
    const link = /\[Apply\]\((obsidian:\/\/scriptorium-lint-fix\?[^)]+id=rebuild-index)\)/.exec(text);
    expect(link).not.toBeNull();

    const index = app.vault.getAbstractFileByPath('wiki/index.md') as TFile;
    const before = await app.vault.read(index);
    const params = Object.fromEntries(new URL(link![1]).searchParams) as Record<string, string>;
    void handlers.get('scriptorium-lint-fix')?.({ action: 'scriptorium-lint-fix', ...params });
    const after = await waitFor(async () => {
      const now = await app.vault.read(index);
      return now !== before ? now : null;
    }, 'the rebuilt index');
    await idle();
    expect(after).toContain('[[wiki/concepts/Traits|Traits]]');
    expect(after).not.toContain('Green threads');
  });
});
