import { commandHelp, commandOptions } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands';
import { runCli } from '../../src/cli/run';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { wikiModelReply } from '../core/compile/wiki-model';
import { capture, LEVAIN_NOTE, tempVault } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';

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
    // The options every command takes, and the command's own, are described in Chinese; so are its details.
    expect(lines.find((l) => l.trimStart().startsWith('--vault DIR'))).toMatch(/--vault DIR +仓库文件夹（或设置 SCRIPTORIUM_VAULT）$/);
    expect(lines.find((l) => l.trimStart().startsWith('--limit N'))).toMatch(/--limit N +返回的结果数（默认 10）$/);
    expect(lines.find((l) => l.trimStart().startsWith('--embed-model NAME'))).toMatch(/嵌入模型/);
    expect(lines).toContain('tag:名称、folder:名称。词语按整词匹配（不补全最后一个词）。');
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


  it.each(COMMANDS.map((c) => c.name))('describes every option and the details of %s in the catalogue, so --help --lang zh-CN has no English sentence', async (name) => {
    const command = COMMANDS.find((c) => c.name === name)!;
    const own = commandOptions(command);
    expect(own.filter((o) => !o.descriptionKey).map((o) => o.name)).toEqual([]);
    expect(typeof (command.details ?? (() => '')) === 'function').toBe(true);
    const c = capture();
    expect(await runCli([name, '--help', '--lang', 'zh-CN'], {}, c.io)).toBe(0);
    const help = c.out.join('\n');
    // Every option line and every line of the details has Chinese in it.
    const described = help.split('\n').filter((l) => /^ {2}(-\w, | {4})--/.test(l));
    expect(described.filter((l) => !/[\u4e00-\u9fff]/.test(l))).toEqual([]);
    const english = capture();
    expect(await runCli([name, '--help'], {}, english.io)).toBe(0);
    const detailsAt = english.out.join('\n').split('\n\n').length;
    // The Chinese help has as many paragraphs as the English one (nothing left out), and the same option lines.
    expect(help.split('\n\n').length).toBe(detailsAt);
    expect(described.length).toBe(own.length);
    // The last paragraph (the details, or the options when a command has none) is Chinese line by line.
    const last = help.split('\n\n').at(-1)!.split('\n').filter((l) => l.trim() !== '');
    expect(last.filter((l) => !/[\u4e00-\u9fff]/.test(l))).toEqual([]);
  });

  it('indexes, searches, gets and undoes in Chinese when LANG asks for it, and in English otherwise', async () => {
    const vault = tempVault('zh-index', { ...LEVAIN_NOTE, 'raw/茶.md': '# 绿茶\n龙井是一种绿茶。\n' });
    const zhEnv = { LANG: 'zh_CN.UTF-8' };
    const index = capture();
    expect(await runCli(['index', '--vault', vault], zhEnv, index.io)).toBe(0);
    expect(index.out[0].split('\n')[0]).toMatch(/^已索引 2 篇笔记（\d+ 个章节，\d+ 个词项），用时 \d+ 毫秒$/);
    expect(index.out[0]).toMatch(/^ {2}新增 2，更新 0，移除 0，未变 0$/m);
    expect(index.out[0]).toMatch(/^ {2}缓存：/m);

    const none = capture();
    expect(await runCli(['search', '--vault', vault, 'zzzz'], zhEnv, none.io)).toBe(0);
    expect(none.out).toEqual(['没有结果。']);
    const found = capture();
    expect(await runCli(['search', '--vault', vault, '龙井'], zhEnv, found.io)).toBe(0);
    expect(found.out[0]).toMatch(/^1\. raw\/茶\.md:1-2 {2}绿茶 › 绿茶 {2}\(/);

    const bad = capture();
    expect(await runCli(['search', '--vault', vault, '--limit', '0', 'x'], zhEnv, bad.io)).toBe(2);
    expect(bad.err).toEqual(['scriptorium search: --limit 至少为 1']);
    const noPath = capture();
    expect(await runCli(['get', '--vault', vault], zhEnv, noPath.io)).toBe(2);
    expect(noPath.err).toEqual(['scriptorium get: 请给出 PATH，例如 "raw/Some note.md:10:20"']);

    const noUrl = capture();
    expect(await runCli(['clip', '--vault', vault], zhEnv, noUrl.io)).toBe(2);
    expect(noUrl.err).toEqual(['scriptorium clip: 请至少给出一个地址，例如 scriptorium clip --vault . https://example.org/article']);

    const noVault = capture();
    expect(await runCli(['search', 'x'], zhEnv, noVault.io)).toBe(2);
    expect(noVault.err).toEqual(['scriptorium search: 必须给出 --vault DIR（或设置 SCRIPTORIUM_VAULT）']);

    const undo = capture();
    expect(await runCli(['undo', '--vault', vault, '--list'], zhEnv, undo.io)).toBe(0);
    expect(undo.out).toEqual(['没有可撤销的内容。']);
    // The same commands in English, as before.
    const en = capture();
    expect(await runCli(['undo', '--vault', vault, '--list'], {}, en.io)).toBe(0);
    expect(en.out).toEqual(['Nothing to undo.']);
  });

  describe('with a model', () => {
    let server: OpenAiTestServer;
    beforeEach(async () => {
      server = await new OpenAiTestServer().start();
      server.handler = (r) => wikiModelReply(r);
    });
    afterEach(async () => {
      await server.stop();
    });

    it('compiles, lints and undoes in Chinese with --lang zh-CN; the wiki it writes stays as the sources are', async () => {
      const vault = tempVault('zh-compile', LEVAIN_NOTE);
      writeFileSync(path.join(vault, 'raw', 'Crumb.md'), 'An open **Crumb** needs a strong **Levain**.\n');
      const args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model', '--lang', 'zh-CN'];
      const compile = capture();
      expect(await runCli(['compile', ...args], {}, compile.io)).toBe(0);
      expect(compile.err[0]).toMatch(/^待编译：2 个来源（约 \d+ 次模型调用，约 [\d,]+ 个提示词元 \+ 约 [\d,]+ 个补全词元），未变：0$/);
      const out = compile.out.join('\n');
      expect(out).toMatch(/^已应用：编译 2 个来源 — 写入了 \d+ 个文件（撤销：scriptorium undo --vault DIR）$/m);
      expect(out).toContain('  已创建 wiki/concepts/Levain.md');
      // The log records the plan's title as it was made, in the interface language; its markers stay as they are (they are read back).
      expect(readFileSync(path.join(vault, 'wiki', 'log.md'), 'utf8')).toMatch(/^## \[\d{4}-\d{2}-\d{2}\] compile \| 编译 2 个来源$/m);
      expect(out).toMatch(/^\d+ 次模型调用，[\d,]+ 个提示词元 \+ [\d,]+ 个补全词元$/m);

      const again = capture();
      expect(await runCli(['compile', ...args], {}, again.io)).toBe(0);
      expect(again.out).toEqual(['无需写入：知识库已是最新。\n0 次模型调用，0 个提示词元 + 0 个补全词元']);

      const lint = capture();
      await runCli(['lint', ...args], {}, lint.io);
      expect(lint.out.join('\n')).toMatch(/\d+ 篇笔记中：(没有问题|\d+ 个问题)/);

      const undo = capture();
      expect(await runCli(['undo', ...args], {}, undo.io)).toBe(0);
      expect(undo.out[0].split('\n')[0]).toBe('已撤销：编译 2 个来源');
      expect(undo.out[0]).toContain('  已删除 wiki/concepts/Levain.md');
    });
  });
});
