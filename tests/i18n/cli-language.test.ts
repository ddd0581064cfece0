import { commandHelp } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import { capture } from '../support/cli-io';

const zh: Record<string, string> = zhCN;
const english: Record<string, string> = en;

describe('the command line in Chinese', () => {
  it('has a summary of every command in the catalogue, the English one being the command’s own', () => {
    expect(COMMANDS.map((c) => [c.name, english[`cli.summary.${c.name}`]])).toEqual(COMMANDS.map((c) => [c.name, c.summary]));
    const summaryKeys = Object.keys(en).filter((k) => k.startsWith('cli.summary.'));
    expect(summaryKeys.sort()).toEqual(COMMANDS.map((c) => `cli.summary.${c.name}`).sort());
  });

  it('follows LANG for --help: every command with its Chinese summary', async () => {
    const c = capture();
    expect(await runCli(['--help'], { LANG: 'zh_CN.UTF-8' }, c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text.split('\n')[0]).toBe(zh['cli.help.title']);
    for (const command of COMMANDS) expect(text).toMatch(new RegExp(`^  ${command.name} +${zh[`cli.summary.${command.name}`].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(text).toContain(zh['cli.help.footer']);
  });

  it('takes --lang over the environment, for a command’s --help', async () => {
    const c = capture();
    expect(await runCli(['search', '--lang', 'zh-CN', '--help'], { LANG: 'en_US.UTF-8' }, c.io)).toBe(0);
    const search = COMMANDS.find((x) => x.name === 'search')!;
    const lines = c.out.join('\n').split('\n');
    expect(lines[0]).toBe(zh['cli.summary.search']);
    expect(lines[2]).toMatch(/^用法：scriptorium search --vault DIR /);
    expect(lines).toContain('选项：');
    // The options every command takes are described in Chinese; a command's own ones are not converted yet.
    expect(lines.find((l) => l.trimStart().startsWith('--vault DIR'))).toMatch(/--vault DIR +仓库文件夹（或设置 SCRIPTORIUM_VAULT）$/);
    // --lang en over a Chinese environment gives exactly the English help.
    const e = capture();
    expect(await runCli(['search', '--help', '--lang=en'], { LC_ALL: 'zh_CN.UTF-8' }, e.io)).toBe(0);
    expect(e.out[0]).toBe(commandHelp(search));
  });

  it('says its own errors in Chinese', async () => {
    const c = capture();
    expect(await runCli(['serch', '--vault', '.'], { LANG: 'zh_CN.UTF-8' }, c.io)).toBe(2);
    expect(c.err).toEqual(['scriptorium: 未知命令 "serch"（是不是想用 search？scriptorium --help 列出所有命令）']);
  });

  it('refuses a language it does not ship, in one sentence, exit 2, before doing anything', async () => {
    const c = capture();
    expect(await runCli(['--lang', 'fr', 'search', '--vault', '/nonexistent', 'x'], {}, c.io)).toBe(2);
    expect(c.err).toEqual(['scriptorium: unknown language "fr" for --lang; Scriptorium speaks en, zh-CN']);
    expect(c.out).toEqual([]);
  });

  it('speaks English when the environment asks for a language it does not ship', async () => {
    const c = capture();
    expect(await runCli(['--help'], { LANG: 'fr_FR.UTF-8' }, c.io)).toBe(0);
    expect(c.out[0].split('\n')[0]).toBe(en['cli.help.title']);
  });

  it('says what is wrong with an option in Chinese, exit 2, before doing anything', async () => {
    const c = capture();
    expect(await runCli(['search', '--vault', '/nonexistent', '--limt', '3', 'x'], { LANG: 'zh_CN.UTF-8' }, c.io)).toBe(2);
    expect(c.err).toEqual(['scriptorium search: 未知选项 --limt（是不是想用 --limit？）']);
    const d = capture();
    expect(await runCli(['search', '--vault', '/nonexistent', '--api-key', 'sk-1', 'x'], { LANG: 'zh_CN.UTF-8' }, d.io)).toBe(2);
    expect(d.err[0]).toMatch(/^scriptorium search: 不接受 --api-key/);
  });
});
