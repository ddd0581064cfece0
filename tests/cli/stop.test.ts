import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { buildCli, PRELOAD } from '../faults/support/cli-process';
import { OpenAiTestServer } from '../support/openai-server';
import { wikiModelReply } from '../core/compile/wiki-model';
import { capture, LEVAIN_NOTE, tempVault } from '../support/cli-io';

/** Every file outside .obsidian with its bytes: what a person would call the vault's notes. */
function notes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (rel === '.obsidian') continue;
      if (statSync(abs).isDirectory()) walk(abs);
      else out[rel] = readFileSync(abs, 'utf8');
    }
  };
  walk(root);
  return out;
}

const wait = (seconds: number) => ({ kind: 'status' as const, status: 429, headers: { 'retry-after': String(seconds) }, body: { error: { message: 'slow down' } } });

describe('stopping the CLI', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let args: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => wikiModelReply(r);
    vault = tempVault('stop', LEVAIN_NOTE);
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  async function firstRequest(): Promise<void> {
    const until = Date.now() + 10_000;
    while (server.chatRequests().length === 0) {
      if (Date.now() > until) throw new Error('no request reached the server');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Let the client read the 429 and start its wait.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  it('compile: a stop during a retry wait ends at once with 130, and nothing is written', async () => {
    server.script(wait(30), wait(30), wait(30));
    const before = notes(vault);
    const stop = new AbortController();
    const c = capture();
    const running = runCli(['compile', ...args], {}, c.io, { signal: stop.signal });
    await firstRequest();
    const stoppedAt = Date.now();
    stop.abort();
    expect(await running).toBe(130);
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(c.err.join('\n')).toContain('stopped; nothing was written');
    expect(server.chatRequests()).toHaveLength(1);
    expect(notes(vault)).toEqual(before);
  });

  it('ask: a stop during a retry wait ends at once with 130', async () => {
    server.script(wait(30), wait(30), wait(30));
    const stop = new AbortController();
    const c = capture();
    const running = runCli(['ask', ...args, 'What is a levain?'], {}, c.io, { signal: stop.signal });
    await firstRequest();
    const stoppedAt = Date.now();
    stop.abort();
    expect(await running).toBe(130);
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(c.err.join('\n')).toMatch(/scriptorium ask: stopped[^\n]*; nothing was written\./);
  });

  it('lint --deep: a stop during a retry wait ends with 130, not as a failed check', async () => {
    // Something for the deep check to read.
    expect(await runCli(['compile', ...args], {}, capture().io)).toBe(0);
    server.script(wait(30), wait(30), wait(30));
    const stop = new AbortController();
    const c = capture();
    const running = runCli(['lint', ...args, '--deep'], {}, c.io, { signal: stop.signal });
    const seen = server.chatRequests().length;
    const until = Date.now() + 10_000;
    while (server.chatRequests().length === seen && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop.abort();
    expect(await running).toBe(130);
    expect(c.err.join('\n')).toContain('scriptorium lint: stopped; nothing was written.');
  });

  it('a stop while waiting for another Scriptorium process to finish writing ends at once with 130', async () => {
    // Obsidian holds the writer lock, heartbeat fresh.
    const plugin = path.join(vault, '.obsidian', 'plugins', 'scriptorium');
    mkdirSync(plugin, { recursive: true });
    const now = Date.now();
    writeFileSync(path.join(plugin, 'writer.lock'), JSON.stringify({ owner: { id: 'obsidian-load-1', label: 'Obsidian' }, heartbeat: now, acquiredAt: now }));
    const before = notes(vault);
    const stop = new AbortController();
    const c = capture();
    const running = runCli(['compile', ...args], {}, c.io, { signal: stop.signal });
    const until = Date.now() + 10_000;
    while (!c.err.join('\n').includes('Waiting for another Scriptorium process') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    const stoppedAt = Date.now();
    stop.abort();
    expect(await running).toBe(130);
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(c.err.join('\n')).toContain('scriptorium compile: stopped; nothing was written.');
    expect(notes(vault)).toEqual(before);
  });

  it('a wait longer than the limit fails at once, naming the limit and where to raise it', async () => {
    server.script(wait(200));
    const c = capture();
    const started = Date.now();
    const code = await runCli(['ask', ...args, 'What is a levain?'], {}, c.io);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(code).toBe(1);
    expect(c.err.join('\n')).toContain('the server asked to wait 200 s, more than the 60 s limit; try again later or raise the limit in settings');

    // The vault's setting, then the environment, set the limit.
    mkdirSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium'), { recursive: true });
    writeFileSync(path.join(vault, '.obsidian', 'plugins', 'scriptorium', 'data.json'), JSON.stringify({ maxRetryWaitSeconds: 20 }));
    server.script(wait(30));
    const d = capture();
    expect(await runCli(['ask', ...args, 'What is a levain?'], {}, d.io)).toBe(1);
    expect(d.err.join('\n')).toContain('the server asked to wait 30 s, more than the 20 s limit');
    server.script(wait(30));
    const e = capture();
    expect(await runCli(['ask', ...args, 'What is a levain?'], { SCRIPTORIUM_MAX_RETRY_WAIT: '5' }, e.io)).toBe(1);
    expect(e.err.join('\n')).toContain('more than the 5 s limit; try again later or raise the limit with SCRIPTORIUM_MAX_RETRY_WAIT');
    const f = capture();
    expect(await runCli(['ask', ...args, 'q'], { SCRIPTORIUM_MAX_RETRY_WAIT: 'a minute' }, f.io)).toBe(2);
    expect(f.err.join('\n')).toContain('SCRIPTORIUM_MAX_RETRY_WAIT must be a number of seconds');
  });

  it('the built CLI: Ctrl-C during a 30 s retry wait exits 130 within 2 s, says so, and writes nothing', async () => {
    const { bundle, dispose } = await buildCli();
    try {
      server.script(wait(30), wait(30), wait(30));
      const before = notes(vault);
      const child = spawn(process.execPath, [bundle, 'compile', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout.resume();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await firstRequest();
      const stoppedAt = Date.now();
      child.kill('SIGINT');
      const code = await exited;
      expect(Date.now() - stoppedAt).toBeLessThan(2000);
      expect(code).toBe(130);
      expect(stderr).toContain('stopping…');
      expect(stderr).toContain('scriptorium compile: stopped; nothing was written.');
      expect(server.chatRequests()).toHaveLength(1);
      expect(notes(vault)).toEqual(before);
    } finally {
      dispose();
    }
  });

  describe('the built CLI during an apply', () => {
    let bundle: string;
    let dispose: () => void;
    beforeAll(async () => {
      ({ bundle, dispose } = await buildCli());
    });
    afterAll(() => dispose());

    /** Runs the bundle with every rename in the vault slowed down; resolves once the apply writes into wiki/. */
    async function slowApply(): Promise<{ child: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<number | null> }> {
      const trace = path.join(mkdtempSync(path.join(tmpdir(), 'scriptorium-trace-')), 'trace.jsonl');
      const child = spawn(process.execPath, ['--require', PRELOAD, bundle, 'compile', ...args], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, FAULT_ROOT: vault, FAULT_TRACE: trace, FAULT_DELAY_MS: '250' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const until = Date.now() + 15_000;
      const inWiki = () => existsSync(trace) && readFileSync(trace, 'utf8').split('\n').some((line) => line.includes(`${path.sep}wiki${path.sep}`) && line.includes('"rename"'));
      while (!inWiki()) {
        if (Date.now() > until) throw new Error(`the apply never started writing: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { child, output: () => ({ stdout, stderr }), exited };
    }

    it('one Ctrl-C does not cut an apply short: it finishes, says what it wrote, and exits 130', async () => {
      const run = await slowApply();
      run.child.kill('SIGINT');
      const code = await run.exited;
      const { stdout, stderr } = run.output();
      expect(code).toBe(130);
      expect(stderr).toContain('stopping…');
      expect(stdout).toContain('Applied: Compile Levain');
      expect(stdout).toContain('created wiki/sources/Levain.md');
      expect(stderr).toContain('stopped, but only after the command had finished');
      expect(readFileSync(path.join(vault, 'wiki', 'index.md'), 'utf8')).toContain('[[wiki/sources/Levain');
      expect(existsSync(path.join(vault, 'wiki', 'concepts', 'Levain.md'))).toBe(true);
    });

    it('a second Ctrl-C quits at once, and the next command rolls the half-written apply back', async () => {
      const before = notes(vault);
      const run = await slowApply();
      run.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const secondAt = Date.now();
      run.child.kill('SIGINT');
      const code = await run.exited;
      expect(code).toBe(130);
      expect(Date.now() - secondAt).toBeLessThan(1000);
      expect(run.output().stderr).toContain('quit; anything half-written is rolled back by the next scriptorium command.');

      const c = capture();
      await runCli(['lint', '--vault', vault], {}, c.io);
      const after = notes(vault);
      // Every note is back at its bytes before the compile: nothing half-applied stays.
      for (const [file, text] of Object.entries(before)) expect(after[file]).toBe(text);
      // (A hidden temp file the killed rename left may stay until the start-up sweep finds it stale; index and lint skip it.)
      const isTemp = (file: string) => /(^|\/)\.[^/]*\.tmp$/.test(file);
      expect(Object.keys(after).filter((file) => file.startsWith('wiki/') && !(file in before) && !isTemp(file))).toEqual([]);
    });
  });
});
