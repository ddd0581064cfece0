import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TidyJson } from '../../src/cli/commands/tidy';
import { runCli } from '../../src/cli/run';
import { renderArticle } from '../../src/core/plan';
import { capture } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';

const P1 = 'Tea is brewed from the leaves of Camellia sinensis [[wiki/sources/Survey|Survey]].';
const P2 = 'Of 200 people asked, 120 prefer tea, see [the survey](https://example.org/survey).';
const P3 = 'Green tea is steamed or pan-fired soon after picking.';
const ARTICLE = renderArticle(
  { title: 'Tea', summary: 'A drink.', type: 'concept', sources: ['raw/Survey.md'], aliases: [], tags: [], updated: '2026-11-01' },
  `# Tea\n\n${P1}\n\n${P2}\n\n${P3}\n\n## Sources\n\n- [[wiki/sources/Survey|Survey]]\n`,
);
const TIDY = `## Origin\n\n${P1}\n\n${P3}\n\n## Popularity\n\n${P2}`;

describe('scriptorium tidy', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let args: string[];
  const file = () => path.join(vault, 'wiki', 'concepts', 'Tea.md');

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-tidy-'));
    mkdirSync(path.join(vault, 'wiki', 'concepts'), { recursive: true });
    writeFileSync(file(), ARTICLE);
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });
  afterEach(async () => {
    await server.stop();
  });

  it('--dry-run prints the diff and writes nothing; without it the tidy is applied and undo restores the bytes', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY }) }, { kind: 'text', content: JSON.stringify({ body: TIDY }) });
    const dry = capture();
    expect(await runCli(['tidy', ...args, '--dry-run', 'Tea'], {}, dry.io)).toBe(0);
    expect(dry.out.join('\n')).toContain('+## Origin');
    expect(readFileSync(file(), 'utf8')).toBe(ARTICLE);

    const c = capture();
    expect(await runCli(['tidy', ...args, '--json', 'wiki/concepts/Tea.md'], {}, c.io)).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as TidyJson;
    expect(json).toMatchObject({ path: 'wiki/concepts/Tea.md', status: 'applied' });
    expect(readFileSync(file(), 'utf8')).toContain(`## Popularity\n\n${P2}`);

    const u = capture();
    expect(await runCli(['undo', '--vault', vault], {}, u.io)).toBe(0);
    expect(readFileSync(file(), 'utf8')).toBe(ARTICLE);
  });

  it('refuses a tidy that drops a paragraph (exit 1), keeps the old bytes and says what was dropped', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ body: TIDY.replace(`${P3}\n\n`, '') }) });
    const c = capture();
    expect(await runCli(['tidy', ...args, 'Tea'], {}, c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/The model's tidy of wiki\/concepts\/Tea\.md dropped 1 paragraph .*Green tea.*; the article was left as it was\./);
    expect(readFileSync(file(), 'utf8')).toBe(ARTICLE);
  });

  it('exits 2 on an unknown option or a missing note', async () => {
    const a = capture();
    expect(await runCli(['tidy', ...args, '--force', 'Tea'], {}, a.io)).toBe(2);
    const b = capture();
    expect(await runCli(['tidy', ...args], {}, b.io)).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});
