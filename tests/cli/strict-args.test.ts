import { version } from '../../package.json';
import { commandHelp, commandOptions } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { wikiModelReply } from '../core/compile/wiki-model';
import { capture, LEVAIN_NOTE, tempVault, tree } from '../support/cli-io';

describe('the command line is strict', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let args: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => wikiModelReply(r);
    vault = tempVault('args', LEVAIN_NOTE);
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  it('refuses `compile --dryrun` (a typo) with exit 2, names the option meant, and leaves the vault byte-identical', async () => {
    const before = tree(vault, { folders: true });
    const c = capture();
    expect(await runCli(['compile', ...args, '--dryrun'], {}, c.io)).toBe(2);
    expect(c.err.join('\n')).toBe('scriptorium compile: unknown option --dryrun (did you mean --dry-run?)');
    expect(c.out).toEqual([]);
    expect(server.chatRequests()).toHaveLength(0);
    expect(tree(vault, { folders: true })).toEqual(before);
  });

  it('refuses an option of another command, a missing value and a value given to a switch, having done nothing', async () => {
    const before = tree(vault, { folders: true });
    const cases: [string[], string][] = [
      [['search', '--vault', vault, '--dry-run', 'levain'], 'scriptorium search: unknown option --dry-run (`scriptorium search --help` lists the options)'],
      [['search', '--vault', vault, 'levain', '--limit'], 'scriptorium search: --limit needs a value (--limit N)'],
      [['search', '--vault', vault, '--limit', '--notes', 'levain'], 'scriptorium search: --limit needs a value (--limit N); a value that starts with a dash is written --limit=--notes'],
      [['index', '--vault', vault, '--rebuild=yes'], 'scriptorium index: --rebuild takes no value (give it alone to turn it on)'],
      [['compile', ...args, '-x'], 'scriptorium compile: unknown option -x'],
      [['lint', '--vault', vault, '--max-call', '3'], 'scriptorium lint: unknown option --max-call (did you mean --max-calls?)'],
      [['index', '--vault'], 'scriptorium index: --vault needs a value (--vault DIR)'],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await runCli(argv, {}, c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(message);
    }
    expect(server.chatRequests()).toHaveLength(0);
    // No index was built, no state folder made, nothing written.
    expect(tree(vault, { folders: true })).toEqual(before);
  });

  it('refuses an API key given as a flag to any command, before reading anything', async () => {
    const c = capture();
    expect(await runCli(['search', '--vault', vault, '--api-key', 'sk-x', 'levain'], {}, c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('set SCRIPTORIUM_API_KEY in the environment');
  });

  it('still takes options before the command word, `--name=value`, `--` and -h', async () => {
    const c = capture();
    expect(await runCli(['--vault', vault, 'search', '--limit=1', '--json', '--', '--levain'], {}, c.io)).toBe(0);
    expect(JSON.parse(c.out.join('\n'))).toBeDefined();
    const h = capture();
    expect(await runCli(['search', '-h'], {}, h.io)).toBe(0);
    expect(h.out[0]).toContain('Usage: scriptorium search --vault DIR');
  });

  it('prints the version with --version and exits 0', async () => {
    const c = capture();
    expect(await runCli(['--version'], {}, c.io)).toBe(0);
    expect(c.out).toEqual([version]);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const bad = capture();
    expect(await runCli(['--verison'], {}, bad.io)).toBe(2);
    expect(bad.err).toEqual(['scriptorium: unknown option --verison (did you mean --version?)']);
  });

  it('answers `help COMMAND` and suggests a command for a typo', async () => {
    const c = capture();
    expect(await runCli(['help', 'compile'], {}, c.io)).toBe(0);
    expect(c.out[0]).toContain('--dry-run');
    const t = capture();
    expect(await runCli(['compiel', '--vault', vault], {}, t.io)).toBe(2);
    expect(t.err[0]).toContain('did you mean compile?');
  });

  it("makes each command's --help from its option table: every option it accepts is listed, with its default", async () => {
    for (const command of COMMANDS) {
      const c = capture();
      expect(await runCli([command.name, '--help'], {}, c.io)).toBe(0);
      expect(c.out[0]).toBe(commandHelp(command));
      for (const option of commandOptions(command)) {
        expect(c.out[0]).toContain(`--${option.name}`);
        if (option.default !== undefined) expect(c.out[0]).toContain(`(default ${option.default})`);
      }
    }
    const search = capture();
    await runCli(['search', '--help'], {}, search.io);
    expect(search.out[0]).toMatch(/--limit N\s+results to return \(default 10\)/);
  });
});
