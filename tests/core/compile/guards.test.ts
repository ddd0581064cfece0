import { Compiler, CompileSettingsError, costConfirmation } from '../../../src/core/compile';
import { LlmClient } from '../../../src/core/llm';
import type { VaultFileStat } from '../../../src/core/ports/vault';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { OpenAiTestServer, startServer } from '../../support/openai-server';
import { wikiModelReply } from './wiki-model';

const clock = { now: () => Date.UTC(2026, 10, 26, 12, 0, 0) };

function longNote(paragraphs: number): string {
  return Array.from({ length: paragraphs }, (_, i) => `Paragraph ${i}: the **Levain** ferments slowly overnight and the crumb opens when the dough holds its gas well.`).join('\n\n');
}

/**
 * A vault whose files fail the way a disk can: one unreadable (EACCES), one listed but gone by
 * the time it is read, one a link out of the vault the adapter refuses to read through.
 */
class HostileVault extends MemoryVault {
  override list(): Promise<VaultFileStat[]> {
    return super.list().then((files) => [...files, { path: 'raw/Gone.md', mtime: 1, size: 10 }].sort((a, b) => (a.path < b.path ? -1 : 1)));
  }

  override read(path: string): Promise<string> {
    if (path === 'raw/Locked.md') return Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' }));
    if (path === 'raw/Link.md') return Promise.reject(new Error(`"${path}" is a link to a place outside the vault; not read`));
    return super.read(path);
  }
}

describe('compile guards', () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startServer();
    server.handler = (r) => wikiModelReply(r);
  });

  afterEach(async () => {
    await server.stop();
  });

  function compilerFor(vault: MemoryVault, settings: Partial<{ rawFolder: string; wikiFolder: string; contextTokens: number; maxSourceKB: number }> = {}) {
    return new Compiler({
      vault,
      state: new MemoryStateStore(),
      clock,
      llm: new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 }),
      settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 1000, maxConcurrentRequests: 1, ...settings },
    });
  }

  describe('cost', () => {
    it('estimates the model calls a run makes from the parts the context budget cuts each source into', async () => {
      const vault = new MemoryVault({ 'raw/Long.md': longNote(200), 'raw/Short.md': 'A **Crumb** is the inside of a loaf.\n' });
      const compiler = compilerFor(vault);
      const estimate = await compiler.estimate();
      expect(estimate.modelCalls).toBeGreaterThan(10);
      expect(estimate.largest?.path).toBe('raw/Long.md');
      expect(estimate.largest?.modelCalls).toBe(estimate.modelCalls - 1);
      expect(server.chatRequests()).toHaveLength(0);
      const run = await compiler.compile();
      // Fresh wiki, so no merge: the estimate is exact.
      expect(run.modelCalls).toBe(estimate.modelCalls);
    });

    it('asks for confirmation by calls and tokens, saying the numbers, even for one note', async () => {
      const one = await compilerFor(new MemoryVault({ 'raw/Long.md': longNote(1000) })).estimate();
      expect(one.toCompile).toHaveLength(1);
      expect(costConfirmation(one)).toMatch(/^About \d+ model calls and ~[\d,]+ prompt \+ ~[\d,]+ completion tokens for 1 source \(raw\/Long\.md\): more than 25 model calls/);
      const small = await compilerFor(new MemoryVault({ 'raw/Short.md': 'A **Crumb** is the inside of a loaf.\n' })).estimate();
      expect(costConfirmation(small)).toBeNull();
    });
  });

  describe('source size cap', () => {
    it('skips a source over the limit without reading it into a prompt, and compiles the rest', async () => {
      const vault = new MemoryVault({ 'raw/Huge.md': longNote(400), 'raw/Short.md': 'A **Crumb** is the inside of a loaf.\n' });
      const compiler = compilerFor(vault, { maxSourceKB: 16, contextTokens: 60_000 });
      const estimate = await compiler.estimate();
      expect(estimate.toCompile).toEqual(['raw/Short.md']);
      expect(estimate.problems.map((p) => p.subject)).toEqual(['raw/Huge.md']);
      expect(estimate.problems[0].message).toMatch(/^The note is \d+ KB, over the 16 KB limit for one source \(Settings → Scriptorium → Largest source to compile.*\); split it into smaller notes or raise the limit\. No model call was made for it\.$/);
      const run = await compiler.compile();
      const huge = run.sources.find((s) => s.path === 'raw/Huge.md');
      expect(huge?.status).toBe('failed');
      expect(huge?.error).toMatch(/over the 16 KB limit/);
      expect(run.modelCalls).toBe(1);
      expect(JSON.stringify(server.chatRequests().map((r) => r.body.messages))).not.toContain('Paragraph 1:');
      expect(run.plan.changes.map((c) => c.path)).toContain('wiki/sources/Short.md');
    });

    it('counts a big note compiled before the limit as unchanged until it changes', async () => {
      const vault = new MemoryVault({ 'raw/Big.md': longNote(200) });
      const state = new MemoryStateStore();
      const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 });
      const make = (maxSourceKB: number) => new Compiler({ vault, state, clock, llm, settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 60_000, maxConcurrentRequests: 1, maxSourceKB } });
      const first = make(0);
      await first.apply(await first.compile());
      const limited = make(8);
      const estimate = await limited.estimate();
      expect(estimate.upToDate).toEqual(['raw/Big.md']);
      expect(estimate.problems).toEqual([]);
      expect((await limited.compile()).sources).toMatchObject([{ path: 'raw/Big.md', status: 'up-to-date' }]);
      await vault.write('raw/Big.md', `${longNote(200)}\n\nOne more line.`);
      expect((await limited.estimate()).problems.map((p) => p.subject)).toEqual(['raw/Big.md']);
    });

    it('has no limit at 0', async () => {
      const compiler = compilerFor(new MemoryVault({ 'raw/Huge.md': longNote(400) }), { maxSourceKB: 0, contextTokens: 60_000 });
      expect((await compiler.estimate()).toCompile).toEqual(['raw/Huge.md']);
    });
  });

  describe('folders', () => {
    it.each([
      [{ wikiFolder: 'a/ .. / .. /x' }, /wiki folder "a\/ \.\. \/ \.\. \/x" contains " \.\. "/],
      [{ rawFolder: 'notes', wikiFolder: 'notes/wiki' }, /inside the raw sources folder/],
      [{ wikiFolder: '.obsidian/plugins/x' }, /configuration folder/],
    ])('refuses %j before any model call or write', async (folders, message) => {
      const vault = new MemoryVault({ 'raw/Short.md': 'A **Crumb** is the inside of a loaf.\n', 'notes/A.md': 'A **Crumb**.\n' });
      const before = vault.snapshot();
      const compiler = compilerFor(vault, folders);
      await expect(compiler.estimate()).rejects.toThrow(CompileSettingsError);
      await expect(compiler.compile()).rejects.toThrow(message);
      await expect(compiler.compile()).rejects.toThrow(/Change it in Settings → Scriptorium → Folders\./);
      expect(server.chatRequests()).toHaveLength(0);
      expect(vault.snapshot()).toEqual(before);
    });
  });

  describe('one bad note', () => {
    it('is reported with its reason while the rest of the folder compiles', async () => {
      const vault = new HostileVault({
        'raw/Short.md': 'A **Crumb** is the inside of a loaf.\n',
        'raw/Locked.md': 'secret',
        'raw/Link.md': 'elsewhere',
        'raw/Mojibake.md': '\ufffd'.repeat(50) + ' text',
      });
      const compiler = compilerFor(vault);
      const estimate = await compiler.estimate();
      expect(estimate.toCompile).toEqual(['raw/Short.md']);
      const reasons = Object.fromEntries(estimate.problems.map((p) => [p.subject, p.message]));
      expect(reasons['raw/Locked.md']).toMatch(/cannot be read: permission denied\. Check its permissions/);
      expect(reasons['raw/Gone.md']).toMatch(/vanished while compiling .*compile again if it still exists/);
      expect(reasons['raw/Link.md']).toMatch(/links to a place outside the vault, which Scriptorium does not follow/);
      expect(reasons['raw/Mojibake.md']).toMatch(/not UTF-8 text/);

      const run = await compiler.compile();
      expect(Object.fromEntries(run.sources.map((s) => [s.path, s.status]))).toEqual({
        'raw/Gone.md': 'failed',
        'raw/Link.md': 'failed',
        'raw/Locked.md': 'failed',
        'raw/Mojibake.md': 'failed',
        'raw/Short.md': 'compiled',
      });
      expect(run.plan.problems.map((p) => p.subject).sort()).toEqual(['raw/Gone.md', 'raw/Link.md', 'raw/Locked.md', 'raw/Mojibake.md']);
      await compiler.apply(run);
      expect(vault.snapshot()['wiki/sources/Short.md']).toContain('Crumb');
    });
  });
});
