import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { wikiModelReply } from '../core/compile/wiki-model';

/** A compile from the command line against a server that takes, or refuses, structured output. */
describe('scriptorium compile asks for structured output', () => {
  let server: OpenAiTestServer;
  let args: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => wikiModelReply(r);
    const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-structured-'));
    mkdirSync(path.join(vault, 'raw'));
    writeFileSync(path.join(vault, 'raw', 'Levain.md'), 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    writeFileSync(path.join(vault, 'raw', 'Crumb.md'), 'An open **Crumb** needs a strong **Levain** and high hydration of 78 percent.\n');
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  const quiet = { out: () => undefined, err: () => undefined };
  const formats = () => server.chatRequests().map((r) => (r.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name ?? null);

  it('sends each reply shape\'s schema where the endpoint takes it', async () => {
    expect(await runCli(['compile', ...args], {}, quiet)).toBe(0);
    const names = formats();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n === 'source_extraction' || n === 'merge_operations' || n === 'merged_article')).toBe(true);
    expect(names).toContain('source_extraction');
  });

  it('where the endpoint refuses it, asks again without it, and the rest of the run does not send it', async () => {
    server.responseFormat = 'refuse';
    expect(await runCli(['compile', ...args], {}, quiet)).toBe(0);
    const sent = formats().map((n) => n !== null);
    // The first requests learn the refusal (two sources are compiled at once, so both may carry it).
    expect(sent[0]).toBe(true);
    const learnt = sent.indexOf(false);
    expect(learnt).toBeGreaterThan(0);
    expect(sent.slice(learnt).every((s) => !s)).toBe(true);
    expect(sent.filter(Boolean).length).toBeLessThanOrEqual(2);
  });
});
