import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { capture } from '../support/cli-io';

const page = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form></form></body></html>\n';

describe('what ask and compile say when the network misbehaves', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let args: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-net-'));
    mkdirSync(path.join(vault, 'raw'));
    writeFileSync(path.join(vault, 'raw', 'Levain.md'), 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  const wiki = () => (readdirSync(vault).includes('wiki') ? readdirSync(path.join(vault, 'wiki')) : []);

  it('ask: a 200 web page is a wrong base URL, exit 1, not an empty answer', async () => {
    server.script({ kind: 'raw', body: page, contentType: 'text/html' });
    const c = capture();
    expect(await runCli(['ask', ...args, '--no-tools', 'What is a levain?'], {}, c.io)).toBe(1);
    expect(c.err.join('\n')).toContain(`The server at ${server.baseURL} answered with a web page, not a model reply: check the base URL (it usually ends in /v1).`);
    expect(c.out).toEqual([]);
  });

  it('ask: a stream with no events is unusable output, exit 1', async () => {
    server.script({ kind: 'raw', body: '', contentType: 'text/event-stream' });
    const c = capture();
    expect(await runCli(['ask', ...args, '--no-tools', 'What is a levain?'], {}, c.io)).toBe(1);
    expect(c.err.join('\n')).toContain('ended the stream without sending any model reply');
  });

  it('compile: a 200 web page fails the note with the same sentence, and writes nothing', async () => {
    server.handler = () => ({ kind: 'raw', body: page, contentType: 'text/html; charset=utf-8' });
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    expect([...c.out, ...c.err].join('\n')).toContain('answered with a web page, not a model reply: check the base URL (it usually ends in /v1)');
    expect(wiki()).toEqual([]);
  });

  it('ask: a stream cut mid-answer keeps the text, says it dropped, and does not send the person to the base URL', async () => {
    server.script({ kind: 'cut', content: 'A levain is a small starter built the night before and', afterChunks: 4 });
    const c = capture();
    expect(await runCli(['ask', ...args, '--no-tools', 'What is a levain?'], {}, c.io)).toBe(1);
    expect(c.out.join('\n')).toContain('A levain is a');
    const err = c.err.join('\n');
    expect(err).toMatch(/dropped (mid-answer|before the answer was complete)/);
    expect(err).not.toMatch(/Cannot reach|check the base URL/);
  });

  it('compile: a reply cut mid-body says it dropped mid-answer, not that the server cannot be reached', async () => {
    const cut = { kind: 'cut' as const, content: '{"summary": "a levain"}', afterChunks: 0, afterHeaders: true };
    server.script(cut, cut, cut);
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    const text = [...c.out, ...c.err].join('\n');
    expect(text).toContain('dropped mid-answer');
    expect(text).not.toMatch(/Cannot reach|check the base URL/);
    expect(wiki()).toEqual([]);
  });

  it('compile and ask: a connection closed before any answer is not "cannot reach"; a refused one is', async () => {
    const cut = { kind: 'cut' as const, content: '', afterChunks: 0 };
    server.script(cut, cut, cut);
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(1);
    const text = [...c.out, ...c.err].join('\n');
    expect(text).toContain('accepted the connection, then closed it before answering');
    expect(text).not.toMatch(/Cannot reach|check the base URL/);

    const refused = ['--vault', vault, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'test-model'];
    const d = capture();
    expect(await runCli(['ask', ...refused, '--no-tools', 'What is a levain?'], {}, d.io)).toBe(1);
    expect(d.err.join('\n')).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:9\/v1.*check the base URL/s);
    const e = capture();
    expect(await runCli(['compile', ...refused], {}, e.io)).toBe(1);
    expect([...e.out, ...e.err].join('\n')).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
  });
});
