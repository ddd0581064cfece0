import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { wikiModelReply } from '../core/compile/wiki-model';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

/** Every file under the vault (hidden folders included) with its bytes. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out[path.relative(root, abs).split(path.sep).join('/')] = readFileSync(abs, 'utf8');
    }
  };
  walk(root);
  return out;
}

function notes(all: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([p]) => !p.startsWith('.obsidian/')));
}

describe('scriptorium compile / undo', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let args: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => wikiModelReply(r);
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-compile-'));
    mkdirSync(path.join(vault, 'raw'));
    writeFileSync(path.join(vault, 'raw', 'Levain.md'), 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    writeFileSync(path.join(vault, 'raw', 'Crumb.md'), 'An open **Crumb** needs a strong **Levain** and high hydration of 78 percent.\n');
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  it('applies by default and prints what it wrote; a second run costs no model call', async () => {
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(0);
    const out = c.out.join('\n');
    expect(out).toContain('Applied: Compile 2 sources');
    expect(out).toContain('created wiki/sources/Levain.md');
    expect(out).toContain('created wiki/concepts/Levain.md');
    expect(c.err.join('\n')).toMatch(/2 sources to compile \(~[\d,]+ prompt/);
    expect(c.err.join('\n')).toContain('[2/2]');
    expect(readFileSync(path.join(vault, 'wiki', 'index.md'), 'utf8')).toContain('[[wiki/concepts/Crumb|Crumb]]');
    const calls = server.chatRequests().length;
    const again = capture();
    expect(await runCli(['compile', ...args], {}, again.io)).toBe(0);
    expect(again.out.join('\n')).toContain('Nothing to write: the wiki is up to date.');
    expect(server.chatRequests().length).toBe(calls);
  });

  it('prints the plan with diffs on --dry-run and writes nothing', async () => {
    const before = tree(vault);
    const c = capture();
    expect(await runCli(['compile', ...args, '--dry-run'], {}, c.io)).toBe(0);
    const out = c.out.join('\n');
    expect(out).toContain('dry run, nothing written');
    expect(out).toContain('+ wiki/concepts/Levain.md');
    expect(out).toContain('+++ b/wiki/concepts/Levain.md');
    expect(out).toContain('+# Levain');
    expect(tree(vault)).toEqual(before);
  });

  it('prints the plan and result as JSON with --json', async () => {
    const c = capture();
    expect(await runCli(['compile', ...args, '--json', 'raw/Crumb.md'], {}, c.io)).toBe(0);
    expect(c.err).toEqual([]);
    const result = JSON.parse(c.out.join('\n')) as { applied: { paths: string[] }; sources: { path: string; status: string }[]; usage: { promptTokens: number } };
    expect(result.sources).toEqual([expect.objectContaining({ path: 'raw/Crumb.md', status: 'compiled' })]);
    expect(result.applied.paths).toContain('wiki/sources/Crumb.md');
    expect(result.usage.promptTokens).toBeGreaterThan(0);
  });

  it('undo restores the exact previous bytes', async () => {
    const before = notes(tree(vault));
    expect(await runCli(['compile', ...args], {}, capture().io)).toBe(0);
    expect(notes(tree(vault))).not.toEqual(before);
    const c = capture();
    expect(await runCli(['undo', '--vault', vault], {}, c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('Undone: Compile 2 sources');
    expect(notes(tree(vault))).toEqual(before);
    const none = capture();
    expect(await runCli(['undo', '--vault', vault], {}, none.io)).toBe(0);
    expect(none.err.join('\n')).toContain('Nothing to undo');
  });

  it('needs --yes for a large run without a terminal', async () => {
    for (let i = 0; i < 11; i++) writeFileSync(path.join(vault, 'raw', `Note ${i}.md`), `Note ${i} is about **Topic ${i}** in detail.\n`);
    const before = tree(vault);
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/13 sources to compile.*pass --yes/);
    expect(tree(vault)).toEqual(before);
    expect(server.chatRequests()).toHaveLength(0);
    expect(await runCli(['compile', ...args, '--yes'], {}, capture().io)).toBe(0);
  });

  it('exits 1 and keeps nothing of a failing note while applying the rest', async () => {
    server.handler = (r) => (JSON.stringify(r.body.messages).includes('Title: Crumb') ? { kind: 'text', content: 'no json here' } : wikiModelReply(r));
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/! raw\/Crumb\.md: The model's reply was not usable JSON/);
    const files = tree(vault);
    expect(files['wiki/sources/Levain.md']).toBeDefined();
    expect(files['wiki/sources/Crumb.md']).toBeUndefined();
    expect(files['wiki/concepts/Crumb.md']).toBeUndefined();
  });

  it('needs no endpoint when nothing changed', async () => {
    expect(await runCli(['compile', ...args], {}, capture().io)).toBe(0);
    const c = capture();
    expect(await runCli(['compile', '--vault', vault], {}, c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('up to date');
  });
});
