import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { wikiModelReply } from '../core/compile/wiki-model';
import { capture, LEVAIN_NOTE, tempVault, tree } from '../support/cli-io';

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
    vault = tempVault('compile', LEVAIN_NOTE);
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
    expect(c.err.join('\n')).toMatch(/2 sources to compile \(~\d+ model calls, ~[\d,]+ prompt/);
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
    expect(c.err.join('\n')).toMatch(/13 sources to compile/);
    expect(c.err.join('\n')).toMatch(/for 13 sources: more than 10 sources; nothing was sent to the model\. Pass --yes/);
    expect(tree(vault)).toEqual(before);
    expect(server.chatRequests()).toHaveLength(0);
    expect(await runCli(['compile', ...args, '--yes'], {}, capture().io)).toBe(0);
  });

  it('exits 1 and keeps nothing of a failing note while applying the rest', async () => {
    server.handler = (r) => (JSON.stringify(r.body.messages).includes('Title: Crumb') ? { kind: 'text', content: 'no json here' } : wikiModelReply(r));
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/1 of 2 sources failed: raw\/Crumb\.md: The model's reply was not usable JSON.*; nothing of them was written/);
    const files = tree(vault);
    expect(files['wiki/sources/Levain.md']).toBeDefined();
    expect(files['wiki/sources/Crumb.md']).toBeUndefined();
    expect(files['wiki/concepts/Crumb.md']).toBeUndefined();
  });

  function settings(values: Record<string, unknown>): void {
    mkdirSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium'), { recursive: true });
    writeFileSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium', 'data.json'), JSON.stringify(values));
  }

  /** A long note of plain sentences, about `kb` KB. */
  function longNote(kb: number): string {
    const paragraph = 'The **Levain** ferments slowly overnight and the crumb opens when the dough is strong enough to hold gas.\n\n';
    return paragraph.repeat(Math.ceil((kb * 1024) / paragraph.length));
  }

  it('asks before one huge note: counts model calls and tokens, not notes', async () => {
    rmSync(path.join(vault, 'raw', 'Crumb.md'));
    writeFileSync(path.join(vault, 'raw', 'Levain.md'), longNote(700));
    const before = tree(vault);
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(2);
    const err = c.err.join('\n');
    expect(err).toMatch(/1 source to compile \(~\d+ model calls/);
    expect(err).toMatch(/About \d+ model calls and ~[\d,]+ prompt .* for 1 source \(raw\/Levain\.md\): more than 25 model calls and more than 150,000 prompt tokens; nothing was sent to the model\. Pass --yes/);
    expect(server.chatRequests()).toHaveLength(0);
    expect(tree(vault)).toEqual(before);
    // --dry-run calls the model too: it asks the same.
    expect(await runCli(['compile', ...args, '--dry-run'], {}, capture().io)).toBe(2);
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('skips a note over the size limit with a clear problem and no model call, and compiles the rest', async () => {
    settings({ maxSourceKB: 64 });
    writeFileSync(path.join(vault, 'raw', 'Huge.md'), longNote(100));
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    const out = c.out.join('\n');
    expect(out).toMatch(/raw\/Huge\.md: The note is 10\d KB, over the 64 KB limit for one source \(Settings → Scriptorium → Largest source to compile; "maxSourceKB".*\); split it into smaller notes or raise the limit/);
    expect(out).toContain('created wiki/sources/Levain.md');
    expect(JSON.stringify(server.chatRequests().map((r) => r.body.messages))).not.toContain('Title: Huge');
    expect(existsSync(path.join(vault, 'wiki', 'sources', 'Huge.md'))).toBe(false);
    // 0 = no limit.
    settings({ maxSourceKB: 0 });
    const again = capture();
    expect(await runCli(['compile', ...args, 'raw/Huge.md', '--yes'], {}, again.io)).toBe(0);
    expect(existsSync(path.join(vault, 'wiki', 'sources', 'Huge.md'))).toBe(true);
  });

  it('says how many sources failed and that nothing was written when every source fails', async () => {
    server.handler = () => ({ kind: 'text', content: 'no json here' });
    const before = tree(vault);
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    const out = c.out.join('\n');
    expect(out).toMatch(/^2 of 2 sources failed: raw\/Crumb\.md: The model's reply was not usable JSON.*; raw\/Levain\.md: .*; nothing was written\.$/m);
    expect(out).not.toMatch(/up to date/);
    expect(tree(vault)).toEqual(before);
  });

  it('reports a note that is not UTF-8 or links out of the vault, and compiles the rest of the folder', async () => {
    // Latin-1 bytes ("Crème brûlée à la française"), not UTF-8.
    writeFileSync(path.join(vault, 'raw', 'Latin1.md'), Buffer.from('\xc0\xe9\xe8\xea\xf4\xfb\xe0\xe7\xc9\xc8'.repeat(20), 'latin1'));
    const outside = mkdtempSync(path.join(tmpdir(), 'scriptorium-outside-'));
    writeFileSync(path.join(outside, 'secret.md'), 'A **Secret** that must never reach the model.\n');
    symlinkSync(path.join(outside, 'secret.md'), path.join(vault, 'raw', 'Link.md'));
    const c = capture();
    // The link is not one of the vault's notes; named on purpose, it is reported with the reason.
    expect(await runCli(['compile', ...args, 'raw', 'raw/Link.md'], {}, c.io)).toBe(1);
    const out = c.out.join('\n');
    expect(out).toMatch(/1 of 3 sources failed: raw\/Latin1\.md: The note is not UTF-8 text .*save it as UTF-8 \(most editors offer "Save with encoding"\), then compile again; nothing of them was written/);
    expect(out).toMatch(/! raw\/Link\.md: .*link to a place outside the vault; Scriptorium neither reads nor writes through it/);
    expect(JSON.stringify(server.chatRequests().map((r) => r.body.messages))).not.toContain('Secret');
    expect(out).toContain('created wiki/sources/Levain.md');
    expect(out).toContain('created wiki/sources/Crumb.md');
  });

  it('refuses a wiki folder setting that leaves the vault before any model call', async () => {
    settings({ wikiFolder: 'a/ .. / .. /x' });
    const before = tree(vault);
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/settings .*data\.json\) cannot be used: The wiki folder "a\/ \.\. \/ \.\. \/x" contains " \.\. ".*Change it in Settings → Scriptorium → Folders\./);
    expect(server.chatRequests()).toHaveLength(0);
    expect(tree(vault)).toEqual(before);
    expect(existsSync(path.join(path.dirname(vault), 'x'))).toBe(false);
  });

  it('needs no endpoint when nothing changed', async () => {
    expect(await runCli(['compile', ...args], {}, capture().io)).toBe(0);
    const c = capture();
    expect(await runCli(['compile', '--vault', vault], {}, c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('up to date');
  });
});
