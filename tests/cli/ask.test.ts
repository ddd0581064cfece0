import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { capture } from '../support/cli-io';

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

describe('scriptorium ask', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-ask-'));
    write(vault, 'raw/Sourdough.md', '# Sourdough\n\n## Starter\n\nA starter is flour and water fermented by wild yeast and lactobacilli.\n');
    write(vault, 'raw/Baking.md', '# Baking\n\n## Oven\n\nBake at 250 °C with steam for the first 20 minutes.\n');
    env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model', SCRIPTORIUM_API_KEY: 'sk-test' };
  });

  afterEach(async () => {
    await server.stop();
  });

  it('prints the documented JSON shape', async () => {
    server.script(
      { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'starter yeast' } }] },
      { kind: 'tools', calls: [{ name: 'read', arguments: { path: 'raw/Sourdough.md', heading: 'Starter' } }] },
      { kind: 'text', content: 'A starter is fermented flour and water [[raw/Sourdough#Starter]], not [[raw/Rye]].', usage: { prompt_tokens: 50, completion_tokens: 12 } },
    );
    const c = capture();
    const code = await runCli(['ask', '--vault', vault, '--json', 'What is a starter?'], env, c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['answer', 'citations', 'steps', 'usage']);
    expect(json.answer).toBe('A starter is fermented flour and water [[raw/Sourdough#Starter]], not [[raw/Rye]].');
    expect(json.citations).toEqual([
      { link: '[[raw/Sourdough#Starter]]', path: 'raw/Sourdough.md', heading: 'Starter', valid: true },
      { link: '[[raw/Rye]]', path: null, heading: null, valid: false },
    ]);
    expect(json.steps).toEqual([
      { tool: 'search', args: { query: 'starter yeast', limit: 8 }, resultSummary: expect.stringMatching(/^[1-9]\d* results?$/) as unknown },
      { tool: 'read', args: { path: 'raw/Sourdough.md', heading: 'Starter' }, resultSummary: 'raw/Sourdough.md lines 3–5 of 5' },
    ]);
    const usage = json.usage as Record<string, number>;
    expect(Object.keys(usage)).toEqual(['promptTokens', 'completionTokens']);
    expect(usage.promptTokens).toBeGreaterThan(50);
    expect(usage.completionTokens).toBeGreaterThan(12);
  });

  it('prints the answer with its verified sources, the trace on stderr, and can save to the wiki', async () => {
    server.script(
      { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'oven' } }] },
      { kind: 'text', content: 'Bake hot with steam [[raw/Baking#Oven]].' },
    );
    const c = capture();
    const code = await runCli(['ask', '--vault', vault, '--save', 'How hot should the oven be?'], env, c.io);
    expect(code).toBe(0);
    const out = c.out.join('\n');
    expect(out).toContain('Bake hot with steam [[raw/Baking#Oven]].');
    expect(out).toContain('Sources:\n  raw/Baking.md § Oven');
    expect(out).toContain('Saved to wiki/outputs/How hot should the oven be.md');
    expect(c.err.join('\n')).toContain('search query="oven"');
    const saved = readFileSync(path.join(vault, 'wiki/outputs/How hot should the oven be.md'), 'utf8');
    expect(saved).toContain('type: output');
    expect(readFileSync(path.join(vault, 'wiki/index.md'), 'utf8')).toContain('[[wiki/outputs/How hot should the oven be|How hot should the oven be?]]');
    expect(readFileSync(path.join(vault, 'raw/Baking.md'), 'utf8')).toBe('# Baking\n\n## Oven\n\nBake at 250 °C with steam for the first 20 minutes.\n');
  });

  it('never saves an answer cut short: the earlier saved answer keeps its bytes, the partial answer is shown marked incomplete, exit 1', async () => {
    server.script({ kind: 'text', content: 'Bake hot with steam [[raw/Baking#Oven]].' });
    const first = capture();
    expect(await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, first.io)).toBe(0);
    const file = path.join(vault, 'wiki/outputs/How hot should the oven be.md');
    const good = readFileSync(file);
    const index = readFileSync(path.join(vault, 'wiki/index.md'));

    server.script({ kind: 'cut', content: 'Bake at 250 °C with steam for the first twenty minutes, then lower the heat to', afterChunks: 6 });
    const c = capture();
    const code = await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, c.io);
    expect(code).toBe(1);
    expect(readFileSync(file).equals(good)).toBe(true);
    expect(readFileSync(path.join(vault, 'wiki/index.md')).equals(index)).toBe(true);
    const out = c.out.join('\n');
    expect(out).toContain('Bake at 250 °C');
    expect(out).toMatch(/incomplete/i);
    expect(out).not.toContain('Saved to');
    const err = c.err.join('\n');
    expect(err).toMatch(/not saved/i);
    expect(err).toMatch(/connection to the model dropped/i);
    expect(err).toMatch(/ask the question again/i);
  });

  it('never replaces an earlier saved answer to the same question: a different answer gets a numbered name, the same one is not written twice', async () => {
    server.script({ kind: 'text', content: 'Bake hot with steam [[raw/Baking#Oven]].' });
    expect(await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, capture().io)).toBe(0);
    const file = path.join(vault, 'wiki/outputs/How hot should the oven be.md');
    const good = readFileSync(file);

    server.script({ kind: 'text', content: 'At 250 °C [[raw/Baking#Oven]].' });
    const c = capture();
    expect(await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, c.io)).toBe(0);
    expect(readFileSync(file).equals(good)).toBe(true);
    expect(c.out.join('\n')).toContain('Saved to wiki/outputs/How hot should the oven be (2).md (an earlier, different answer to this question stays in wiki/outputs/How hot should the oven be.md)');
    expect(readFileSync(path.join(vault, 'wiki/outputs/How hot should the oven be (2).md'), 'utf8')).toContain('At 250 °C');

    server.script({ kind: 'text', content: 'At 250 °C [[raw/Baking#Oven]].' });
    const d = capture();
    expect(await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, d.io)).toBe(0);
    expect(d.out.join('\n')).toContain('Already saved: wiki/outputs/How hot should the oven be (2).md holds this same answer');
    expect(existsSync(path.join(vault, 'wiki/outputs/How hot should the oven be (3).md'))).toBe(false);
  });

  it('still prints the answer when saving it fails, and says it was not saved', async () => {
    // Something that is not a folder where the outputs folder should be.
    write(vault, 'wiki/outputs', 'not a folder');
    server.script({ kind: 'text', content: 'Bake hot with steam [[raw/Baking#Oven]].' });
    const c = capture();
    expect(await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, c.io)).toBe(1);
    expect(c.out.join('\n')).toContain('Bake hot with steam [[raw/Baking#Oven]].');
    expect(c.out.join('\n')).not.toContain('Saved to');
    expect(c.err.at(-1)).toMatch(/^scriptorium ask: the answer was not saved: .*wiki\/outputs/);
    expect(readFileSync(path.join(vault, 'wiki/outputs'), 'utf8')).toBe('not a folder');
  });

  it('says what to do when an answer is cut short without --save', async () => {
    server.script({ kind: 'text', content: 'Bake at 250', finishReason: 'length' });
    const c = capture();
    expect(await runCli(['ask', '--vault', vault, '--no-tools', 'How hot should the oven be?'], env, c.io)).toBe(1);
    expect(c.out.join('\n')).toContain('Bake at 250\n\n[Incomplete answer] The answer was cut off at the model’s output token limit: ask for a shorter answer');
    expect(c.err.at(-1)).toBe(
      'scriptorium ask: the answer is incomplete: The answer was cut off at the model’s output token limit: ask for a shorter answer, or raise the output limit (max tokens) in the endpoint’s settings. Ask the question again.',
    );
  });

  it('on Ctrl-C shows the partial answer, saves nothing and exits 130', async () => {
    server.script({ kind: 'text', content: 'Bake hot with steam [[raw/Baking#Oven]].' });
    expect(await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, capture().io)).toBe(0);
    const file = path.join(vault, 'wiki/outputs/How hot should the oven be.md');
    const good = readFileSync(file);

    const long = Array.from({ length: 150 }, (_, i) => `word${i}`).join(' ');
    server.script({ kind: 'text', content: long, chunkDelayMs: 20 });
    const controller = new AbortController();
    // Ctrl-C a moment after the model starts streaming (its whole answer takes 3 s).
    const watch = setInterval(() => {
      if (server.chatRequests().length < 2) return;
      clearInterval(watch);
      setTimeout(() => controller.abort(), 300);
    }, 5);
    const c = capture();
    const code = await runCli(['ask', '--vault', vault, '--no-tools', '--save', 'How hot should the oven be?'], env, c.io, { signal: controller.signal });
    clearInterval(watch);
    expect(code).toBe(130);
    expect(c.out.join('\n')).toMatch(/^word0 word1 /);
    expect(c.out.join('\n')).toContain('[Incomplete answer] The answer was stopped before it was complete.');
    expect(c.err.at(-1)).toBe('scriptorium ask: stopped before the answer was complete; it was not saved, nothing was written.');
    expect(readFileSync(file).equals(good)).toBe(true);
    expect(existsSync(path.join(vault, 'wiki/outputs/How hot should the oven be (2).md'))).toBe(false);
  });

  it('fails with one clear line and a non-zero exit when the endpoint refuses', async () => {
    server.requiredKey = 'another-key';
    const c = capture();
    const code = await runCli(['ask', '--vault', vault, 'What is a starter?'], env, c.io);
    expect(code).toBe(1);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^scriptorium ask: The endpoint refused the API key \(HTTP 401\)/);
    expect(c.out).toEqual([]);
  });

  it('asks for a question, and for an endpoint', async () => {
    const c = capture();
    expect(await runCli(['ask', '--vault', vault], env, c.io)).toBe(2);
    expect(c.err[0]).toMatch(/give the question/);
    const d = capture();
    expect(await runCli(['ask', '--vault', vault, 'q'], {}, d.io)).toBe(2);
    expect(d.err[0]).toMatch(/no model (endpoint )?configured/);
    expect(existsSync(path.join(vault, 'wiki'))).toBe(false);
  });
});
