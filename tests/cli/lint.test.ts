import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { FIXTURE_DIR } from '../core/lint/fixture';
import { wikiModelReply } from '../core/compile/wiki-model';
import { renderArticle, renderWikiIndex } from '../../src/core/plan';
import { capture } from '../support/cli-io';

function copyFixture(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scriptorium-lint-'));
  cpSync(FIXTURE_DIR, dir, { recursive: true });
  return dir;
}

function files(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

interface LintJson {
  findings: { kind: string; path: string; line: number | null; target: string | null; message: string }[];
  counts: Record<string, number>;
  fixes: { id: string; kind: string; label: string }[];
}

describe('scriptorium lint', () => {
  it('prints the documented JSON shape and exits 1 when there are findings, writing nothing', async () => {
    const vault = copyFixture();
    const before = files(vault);
    const c = capture();
    const code = await runCli(['lint', '--vault', vault, '--json'], {}, c.io);
    expect(code).toBe(1);
    const json = JSON.parse(c.out.join('')) as LintJson;
    expect(json.counts.total).toBe(16);
    expect(json.findings).toHaveLength(16);
    for (const f of json.findings) expect(Object.keys(f)).toEqual(['kind', 'path', 'line', 'target', 'message']);
    expect(json.findings[0]).toEqual({
      kind: 'broken-link',
      path: 'wiki/concepts/Ownership.md',
      line: 23,
      target: 'Ownership#^nope',
      message: 'Link [[Ownership#^nope]] reaches wiki/concepts/Ownership.md, but it has no block ^nope.',
    });
    expect(json.fixes.map((f) => f.id)).toContain('rebuild-index');
    expect(files(vault)).toEqual(before);
  });

  it('exits 0 on a clean wiki and prints a short text summary', async () => {
    const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-lint-'));
    mkdirSync(path.join(vault, 'wiki'));
    writeFileSync(path.join(vault, 'wiki', 'index.md'), '# Index\n');
    const c = capture();
    expect(await runCli(['lint', '--vault', vault], {}, c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('No problems in 1 note.');
  });

  it('groups findings by kind in text and lists the fixes', async () => {
    const c = capture();
    expect(await runCli(['lint', '--vault', copyFixture()], {}, c.io)).toBe(1);
    const text = c.out.join('\n');
    expect(text).toContain('Broken links (5)\n  wiki/concepts/Ownership.md:23  Link [[Ownership#^nope]]');
    expect(text).toContain('15 problems and 1 informational in 17 notes.');
    expect(text).toMatch(/rebuild-index\s+Rebuild wiki\/index.md from the articles/);
  });

  it('exits 2 when the check itself cannot run', async () => {
    const c = capture();
    expect(await runCli(['lint', '--vault', path.join(tmpdir(), 'no-such-vault-for-lint')], {}, c.io)).toBe(2);
    const d = capture();
    // Deep checks with an endpoint that is not there: the check failed, which is not a finding.
    const code = await runCli(['lint', '--vault', copyFixture(), '--deep', '--json'], { SCRIPTORIUM_BASE_URL: 'http://127.0.0.1:9/v1', SCRIPTORIUM_MODEL: 'm' }, d.io);
    expect(code).toBe(2);
    expect(d.err.join('\n')).toMatch(/scriptorium lint: Cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
  });

  it('applies one fix by id, which undo takes back byte for byte', async () => {
    const vault = copyFixture();
    const before = files(vault);
    const list = capture();
    await runCli(['lint', '--vault', vault, '--json'], {}, list.io);
    const fix = (JSON.parse(list.out.join('')) as LintJson).fixes.find((f) => f.label.includes('Move semantic'));
    expect(fix).toBeDefined();
    const c = capture();
    expect(await runCli(['lint', '--vault', vault, '--fix', fix!.id], {}, c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('wrote wiki/sources/Borrow checker.md');
    const after = files(vault);
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]);
    expect(changed.filter((p) => !p.startsWith('.obsidian')).sort()).toEqual(['wiki/log.md', 'wiki/sources/Borrow checker.md']);
    expect(await runCli(['undo', '--vault', vault], {}, capture().io)).toBe(0);
    const undone = files(vault);
    for (const p of Object.keys(before)) expect(undone[p]).toBe(before[p]);
    expect(Object.keys(undone).filter((p) => !p.startsWith('.obsidian') && !(p in before))).toEqual([]);
  });

  it('refuses an unknown fix id with the current ones', async () => {
    const c = capture();
    expect(await runCli(['lint', '--vault', copyFixture(), '--fix', 'relink-0000000000'], {}, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/no fix "relink-0000000000" applies now.*rebuild-index/);
  });

  it('splits an oversized article with --fix, using the vault\'s "splitArticleWords" setting; undo takes it back', async () => {
    const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-lint-'));
    mkdirSync(path.join(vault, 'wiki', 'concepts'), { recursive: true });
    mkdirSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium'), { recursive: true });
    writeFileSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium', 'data.json'), JSON.stringify({ splitArticleWords: 300 }));
    const prose = (tag: string) => Array.from({ length: 30 }, (_, i) => `Sentence ${i} about ${tag} goes here.`).join(' ');
    const body = `Sourdough is bread leavened by a culture.\n\n## Starter\n\n${prose('starters')}\n\n## Baking\n\n${prose('baking')}\n`;
    writeFileSync(path.join(vault, 'wiki', 'concepts', 'Sourdough.md'), renderArticle({ title: 'Sourdough', summary: 'Bread from a culture.', type: 'concept', updated: '2026-01-01' }, body));
    const before = files(vault);

    const list = capture();
    expect(await runCli(['lint', '--vault', vault, '--json'], {}, list.io)).toBe(1); // the index is missing; the split itself is informational
    const json = JSON.parse(list.out.join('')) as LintJson;
    expect(json.findings.filter((f) => f.kind === 'oversized-article').map((f) => f.message)).toEqual([
      expect.stringMatching(/^wiki\/concepts\/Sourdough\.md has \d+ words in 2 sections; splitting it along its sections would keep it readable\.$/),
    ]);
    const fix = json.fixes.find((f) => f.kind === 'split');
    expect(fix?.label).toBe('Split Sourdough into 2 sub-articles ("Starter", "Baking")');

    const c = capture();
    expect(await runCli(['lint', '--vault', vault, '--fix', fix!.id], {}, c.io)).toBe(0);
    const after = files(vault);
    expect(after['wiki/concepts/Sourdough — Starter.md']).toContain('Part of [[Sourdough]].\n\nSentence 0 about starters goes here.');
    expect(after['wiki/concepts/Sourdough.md']).toContain('## Baking\n\nMain article: [[Sourdough — Baking]]. Sentence 0 about baking goes here.\n');
    expect(after['wiki/index.md']).toContain('[[wiki/concepts/Sourdough — Baking|Sourdough — Baking]]');
    const again = capture();
    await runCli(['lint', '--vault', vault, '--json'], {}, again.io);
    expect((JSON.parse(again.out.join('')) as LintJson).findings.map((f) => f.kind)).toEqual([]);

    expect(await runCli(['undo', '--vault', vault], {}, capture().io)).toBe(0);
    const undone = files(vault);
    for (const p of Object.keys(before)) expect(undone[p]).toBe(before[p]);
    expect(Object.keys(undone).filter((p) => !p.startsWith('.obsidian') && !(p in before))).toEqual([]);
  });

  it('writes the report note with --report', async () => {
    const vault = copyFixture();
    const c = capture();
    expect(await runCli(['lint', '--vault', vault, '--report', '--json'], {}, c.io)).toBe(1);
    const report = (JSON.parse(c.out.join('')) as { report: string }).report;
    expect(report).toMatch(/^wiki\/outputs\/Health report \d{4}-\d{2}-\d{2}\.md$/);
    const text = readFileSync(path.join(vault, report), 'utf8');
    expect(text).toContain('## Missing articles (1)');
    expect(text).toContain('fix id `rebuild-index`');
  });

  describe('--deep', () => {
    let server: OpenAiTestServer;
    beforeEach(async () => {
      server = await new OpenAiTestServer().start();
    });
    afterEach(async () => {
      await server.stop();
    });

    it('prints the estimate first, then runs the model checks within --max-calls', async () => {
      server.handler = () => ({ kind: 'text', content: '{"findings": [{"kind": "suggested-question", "notes": [1], "text": "What is the drop order of struct fields?"}]}' });
      const c = capture();
      const env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
      expect(await runCli(['lint', '--vault', copyFixture(), '--deep', '--max-calls', '2'], env, c.io)).toBe(1);
      expect(c.err[0]).toMatch(/^Model checks: 2 calls over \d+ articles \(~\d+ prompt tokens, at most 2400 completion tokens\)/);
      expect(server.chatRequests()).toHaveLength(2);
      expect(c.out.join('\n')).toContain('Questions to explore (');
    });

    /** A faulty model: each batch's reply (and its repair) is malformed, empty or a refusal. */
    const faulty = ['{"findings": [{"kind": "gap", "notes": [1', '', 'I’m sorry, but I can’t help with reviewing these articles.'];

    it('fails (exit 2) and says so when no deep check got a usable answer, instead of reporting a clean run', async () => {
      let call = 0;
      server.handler = () => ({ kind: 'text', content: faulty[Math.floor(call++ / 2) % faulty.length] });
      const c = capture();
      const env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
      expect(await runCli(['lint', '--vault', copyFixture(), '--deep', '--max-calls', '3'], env, c.io)).toBe(2);
      expect(server.chatRequests()).toHaveLength(6);
      const err = c.err.join('\n');
      expect(err).toContain('3 of 3 deep checks got no usable answer from the model; their findings are missing.');
      expect(err).toMatch(/the reply is empty/);
      expect(err).toMatch(/follows JSON instructions/);

      const j = capture();
      call = 0;
      expect(await runCli(['lint', '--vault', copyFixture(), '--deep', '--max-calls', '3', '--json'], env, j.io)).toBe(2);
      const json = JSON.parse(j.out.join('')) as LintJson & { deep: { failures: unknown[] } };
      expect(json.deep.failures).toHaveLength(3);
      expect(j.err.join('\n')).toContain('3 of 3 deep checks got no usable answer from the model');
    });

    it('exits 1 when some deep checks worked and problems were found, naming the ones that did not', async () => {
      let call = 0;
      server.handler = () =>
        ++call <= 2 ? { kind: 'text', content: 'not json at all' } : { kind: 'text', content: '{"findings": [{"kind": "suggested-question", "notes": [1], "text": "What is the drop order of struct fields?"}]}' };
      const c = capture();
      const env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
      expect(await runCli(['lint', '--vault', copyFixture(), '--deep', '--max-calls', '3'], env, c.io)).toBe(1);
      expect(c.err.join('\n')).toContain('1 of 3 deep checks got no usable answer from the model; its findings are missing.');
      expect(c.out.join('\n')).toContain('Questions to explore (');
    });

    it('does not claim a clean wiki (exit 2) when the deep checks that worked found nothing but others got no usable answer', async () => {
      const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-lint-'));
      const article = (title: string, link: string) =>
        `---\ntitle: ${title}\nsummary: About ${title}.\ntype: concept\n---\n# ${title}\n\n${title} relates to [[${link}]].\n`;
      mkdirSync(path.join(vault, 'wiki', 'concepts'), { recursive: true });
      for (const [a, b] of [['Alpha', 'Beta'], ['Beta', 'Alpha'], ['Gamma', 'Delta'], ['Delta', 'Gamma']]) {
        writeFileSync(path.join(vault, 'wiki', 'concepts', `${a}.md`), article(a, b));
      }
      writeFileSync(
        path.join(vault, 'wiki', 'index.md'),
        renderWikiIndex(['Alpha', 'Beta', 'Gamma', 'Delta'].map((t) => ({ path: `wiki/concepts/${t}.md`, title: t, summary: `About ${t}.`, type: 'concept' as const }))),
      );
      const env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
      const clean = capture();
      expect(await runCli(['lint', '--vault', vault], env, clean.io)).toBe(0);

      let call = 0;
      server.handler = () => (++call === 1 ? { kind: 'text', content: '{"findings": []}' } : { kind: 'text', content: '' });
      const c = capture();
      expect(await runCli(['lint', '--vault', vault, '--deep'], env, c.io)).toBe(2);
      expect(call).toBe(3);
      expect(c.err.join('\n')).toContain('1 of 2 deep checks got no usable answer from the model; its findings are missing.');
      expect(c.out.join('\n')).toContain('No problems found in 5 notes by the checks that could run; 1 of 2 deep checks are missing.');
      expect(c.out.join('\n')).not.toContain('No problems in');
    });
  });

  describe('compile fixes', () => {
    let server: OpenAiTestServer;
    beforeEach(async () => {
      server = await new OpenAiTestServer().start();
    });
    afterEach(async () => {
      await server.stop();
    });

    it('fails (exit 2) and says what to do when a compile fix could not compile any source, writing nothing', async () => {
      const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-lint-'));
      cpSync(path.join(__dirname, '..', '..', 'examples', 'vault'), vault, { recursive: true });
      const env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
      const list = capture();
      expect(await runCli(['lint', '--vault', vault, '--json'], env, list.io)).toBe(1);
      const fix = (JSON.parse(list.out.join('')) as LintJson).fixes.find((f) => f.label === 'Compile 6 new sources');
      const before = files(vault);

      server.handler = () => ({ kind: 'text', content: 'Sorry, I only chat about bread.' });
      const c = capture();
      expect(await runCli(['lint', '--vault', vault, '--fix', fix!.id], env, c.io)).toBe(2);
      const out = c.out.join('\n');
      expect(out).toContain('Nothing written for: Compile 6 new sources');
      expect(out).toMatch(/! raw\/Autolyse\.md: .*not usable JSON/);
      expect(c.err.at(-1)).toBe(
        'scriptorium lint: the fix could not be applied: 6 problems (listed above) stopped every change; nothing was written. Check the model with `scriptorium doctor`, then run the fix again.',
      );
      expect(files(vault)).toEqual(before);
    });

    it('compiles uncompiled sources with the real compiler, after which they are no longer findings; undo takes it back', async () => {
      server.handler = (request) => wikiModelReply(request);
      const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-lint-'));
      cpSync(path.join(__dirname, '..', '..', 'examples', 'vault'), vault, { recursive: true });
      const before = files(vault);
      const env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model' };
      const list = capture();
      expect(await runCli(['lint', '--vault', vault, '--json'], env, list.io)).toBe(1);
      const first = JSON.parse(list.out.join('')) as LintJson;
      expect(first.counts.uncompiled).toBe(6);
      const fix = first.fixes.find((f) => f.label === 'Compile 6 new sources');
      expect(fix).toBeDefined();

      const c = capture();
      expect(await runCli(['lint', '--vault', vault, '--fix', fix!.id], env, c.io)).toBe(0);
      expect(server.chatRequests().length).toBeGreaterThan(0);
      const again = capture();
      await runCli(['lint', '--vault', vault, '--json'], env, again.io);
      const second = JSON.parse(again.out.join('')) as LintJson;
      expect(second.counts.uncompiled ?? 0).toBe(0);
      expect(Object.keys(files(vault)).some((p) => p.startsWith(path.join('wiki', 'sources')))).toBe(true);
      // Raw notes are never written.
      for (const p of Object.keys(before)) expect(files(vault)[p]).toBe(before[p]);

      expect(await runCli(['undo', '--vault', vault], env, capture().io)).toBe(0);
      const undone = files(vault);
      expect(Object.keys(undone).filter((p) => !p.startsWith('.obsidian') && !(p in before))).toEqual([]);
    });
  });
});
