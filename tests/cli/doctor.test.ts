import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { capture } from '../support/cli-io';

describe('scriptorium doctor', () => {
  let server: OpenAiTestServer;
  let vault: string;

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-doctor-'));
  });

  afterEach(async () => {
    await server.stop();
  });

  it('succeeds against a working endpoint and model', async () => {
    server.script({ kind: 'text', content: 'ok' });
    const c = capture();
    const code = await runCli(['doctor', '--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'], {}, c.io);
    expect(code).toBe(0);
    expect(c.out.join('\n')).toContain('ok: Connected');
  });

  it('fails with one clear line when the endpoint is unreachable', async () => {
    const c = capture();
    const code = await runCli(['doctor', '--vault', vault, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'], {}, c.io);
    expect(code).toBe(1);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^doctor: Cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
    expect(c.err[0]).not.toContain('\n');
  });

  it('says the endpoint is fine but no model is set, listing what it offers', async () => {
    const c = capture();
    const code = await runCli(['doctor', '--vault', vault, '--base-url', server.baseURL], {}, c.io);
    expect(code).toBe(1);
    expect(c.err).toEqual([expect.stringMatching(/no model is chosen \(it offers: other-model, test-model\)\. Pass --model/)]);
  });

  it('names an unknown model and what the endpoint has', async () => {
    const c = capture();
    const code = await runCli(['doctor', '--vault', vault, '--base-url', server.baseURL, '--model', 'nope'], {}, c.io);
    expect(code).toBe(1);
    expect(c.err[0]).toContain('"nope" is not offered');
    expect(c.err[0]).toContain('test-model');
  });

  it('reports a refused key as auth without printing the key', async () => {
    server.requiredKey = 'right';
    const c = capture();
    const code = await runCli(['doctor', '--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'], { SCRIPTORIUM_API_KEY: 'wrong-key-value' }, c.io);
    expect(code).toBe(1);
    expect(c.err[0]).toContain('HTTP 401');
    expect(c.err.join('') + c.out.join('')).not.toContain('wrong-key-value');
  });

  it('resolves flags over SCRIPTORIUM_* over OPENAI_* over the vault settings', async () => {
    mkdirSync(path.join(vault, '.obsidian/plugins/scriptorium'), { recursive: true });
    writeFileSync(path.join(vault, '.obsidian/plugins/scriptorium/data.json'), JSON.stringify({ baseURL: 'http://127.0.0.1:9/v1', model: 'from-settings' }));
    server.script({ kind: 'text', content: 'ok' }, { kind: 'text', content: 'ok' });
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:8/v1', SCRIPTORIUM_BASE_URL: server.baseURL, OPENAI_MODEL: 'test-model' };
    const c = capture();
    expect(await runCli(['doctor', '--vault', vault, '--json'], env, c.io)).toBe(0);
    const report = JSON.parse(c.out[0]) as { sources: Record<string, string>; model: string };
    expect(report.sources).toEqual({ baseURL: 'SCRIPTORIUM_BASE_URL', model: 'OPENAI_MODEL', apiKey: 'unset' });
    const c2 = capture();
    expect(await runCli(['doctor', '--vault', vault, '--json', '--model', 'other-model'], env, c2.io)).toBe(0);
    expect((JSON.parse(c2.out[0]) as { sources: Record<string, string> }).sources.model).toBe('--model');
  });

  it('falls back to the vault settings when nothing else is given', async () => {
    mkdirSync(path.join(vault, '.obsidian/plugins/scriptorium'), { recursive: true });
    writeFileSync(path.join(vault, '.obsidian/plugins/scriptorium/data.json'), JSON.stringify({ baseURL: server.baseURL, model: 'test-model' }));
    server.script({ kind: 'text', content: 'ok' });
    const c = capture();
    expect(await runCli(['doctor', '--vault', vault, '--json'], {}, c.io)).toBe(0);
    expect((JSON.parse(c.out[0]) as { sources: Record<string, string> }).sources.baseURL).toBe('vault settings');
  });

  it('refuses a key given as a flag', async () => {
    const c = capture();
    expect(await runCli(['doctor', '--vault', vault, '--api-key', 'sk-x'], {}, c.io)).toBe(2);
    expect(c.err[0]).toContain('SCRIPTORIUM_API_KEY');
  });
});

describe('scriptorium --help', () => {
  it('lists the commands', async () => {
    const c = capture();
    expect(await runCli(['--help'], {}, c.io)).toBe(0);
    expect(c.out[0]).toContain('doctor');
  });

  it('rejects an unknown command with exit 2', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], {}, c.io)).toBe(2);
    expect(c.err[0]).toContain('unknown command "frobnicate"');
  });
});
