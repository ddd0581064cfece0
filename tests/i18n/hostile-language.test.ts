import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { describeOwner } from '../../src/core/plan';
import { createTranslator, setInterfaceLanguage } from '../../src/i18n';
import { zhCN } from '../../src/i18n/zh-CN';
import { wikiModelReply } from '../core/compile/wiki-model';
import { capture, LEVAIN_NOTE, tempVault } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';
import { makePng } from '../support/image-server';
import { WebTestServer } from '../support/web-server';
import { buildCliWithMcp, call, cleanEnv, stdioClient } from '../cli/mcp-support';

/**
 * The interface in Chinese, used the way a Chinese-speaking person would: what they see must be
 * Chinese (and read in Chinese word order), what a model or a script reads must not change.
 */

const hasChinese = (text: string) => /\p{Script=Han}/u.test(text);

afterEach(() => setInterfaceLanguage('en'));

/** A copy of `vault` in a fresh folder, so two runs start from the same files. */
function copyOf(vault: string): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'scriptorium-zh-copy-'));
  cpSync(vault, copy, { recursive: true });
  return copy;
}

/** A command's --json output with what differs from run to run (folders, ids, times, token counts) taken out. */
function stable(out: string[], vault: string): string {
  return out
    .join('\n')
    .split(vault)
    .join('VAULT')
    .replace(/"(id|planId|createdAt)": ("[^"]*"|\d+)/g, '"$1": X')
    .replace(/\b(\d+) (prompt|completion) tokens\b/g, 'N $2 tokens')
    .replace(/\(\d+ tokens\)/g, '(N tokens)')
    .replace(/"(promptTokens|completionTokens)": \d+/g, '"$1": N')
    .replace(/\d+ prompt \+ \d+ completion/g, 'N prompt + N completion');
}

describe('the command line in Chinese, against a model', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let m: string[];
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => {
      const reply = wikiModelReply(r);
      if (reply.kind !== 'status') return reply;
      if (r.body.tools) return { kind: 'text', content: 'A levain is built from the starter.' };
      return { kind: 'structured' };
    };
    vault = tempVault('zh-hostile', { ...LEVAIN_NOTE, 'raw/Crumb.md': 'An open **Crumb** needs a strong **Levain**.\n' });
    m = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
    expect(await runCli(['compile', ...m], {}, capture().io)).toBe(0);
  });
  afterEach(async () => {
    await server.stop();
  });

  it('counts only the notes compiled in its progress, not the unchanged ones, whatever the language', async () => {
    writeFileSync(path.join(vault, 'raw', 'Crust.md'), 'A **Crust** browns in the oven.\n');
    const c = capture();
    expect(await runCli(['compile', ...m, '--lang', 'zh-CN'], {}, c.io)).toBe(0);
    const progress = c.err.filter((l) => l.startsWith('['));
    // Two notes are unchanged: "[1/0] 未改动 …" was printed for each, the counter running past its total.
    expect(progress).toEqual(['[1/1] 已编译 raw/Crust.md']);
  });

  it('names what a render writes in Chinese', async () => {
    const c = capture();
    expect(await runCli(['canvas', ...m, '--lang', 'zh-CN', 'wiki/concepts/Levain.md'], {}, c.io)).toBe(0);
    const lines = c.out.join('\n').split('\n');
    expect(lines).toContain('  新建 wiki/outputs/Levain links.canvas');
    expect(lines).toContain('  更新 wiki/log.md');
    expect(lines.filter((l) => !hasChinese(l))).toEqual([]);
    // English as before.
    const e = capture();
    expect(await runCli(['canvas', ...m, '--dry-run', 'wiki/concepts/Sourdough starter.md'], {}, e.io)).toBe(0);
    expect(e.out.join('\n').split('\n')).toContain('  create wiki/outputs/Sourdough starter links.canvas');
  });

  it('writes a plan’s lines with Chinese brackets and colons: changes, problems, new images', async () => {
    writeFileSync(path.join(vault, 'raw', 'Crust.md'), 'A **Crust** browns in the oven.\n');
    const c = capture();
    expect(await runCli(['compile', ...m, '--lang', 'zh-CN', '--dry-run', 'raw/Crust.md', 'raw/Nothing'], {}, c.io)).toBe(1);
    const lines = c.out.join('\n').split('\n');
    expect(lines).toContain('+ wiki/concepts/Crust.md  （来自 raw/Crust.md 的新概念）');
    expect(lines.find((l) => l.startsWith('! raw/Nothing'))).toMatch(/^! raw\/Nothing：那里没有.*（它读取 \.csv、\.gif、/);
    const web = await new WebTestServer().start();
    try {
      web.routes.set('/i.png', { type: 'image/png', body: makePng(4, 4, [200, 10, 10]) });
      web.routes.set('/gone.png', { status: 404, body: 'no' });
      writeFileSync(path.join(vault, 'raw', 'Pic.md'), `# Pic\n\n![a](${web.base}/i.png)\n![b](${web.base}/gone.png)\n`);
      const images = capture();
      expect(await runCli(['images', ...m, '--lang', 'zh-CN', '--dry-run', 'raw/Pic.md'], {}, images.io)).toBe(1);
      const said = images.out.join('\n').split('\n');
      expect(said.find((l) => l.startsWith('+ raw/assets/'))).toMatch(/^\+ raw\/assets\/i-\w+\.png {2}（新图片，\d+ 字节；下载自 http:\/\/127\.0\.0\.1:\d+\/i\.png）$/);
      expect(said).toContain('~ raw/Pic.md  （1 个图片链接改为指向 raw/assets 中的本地文件）');
      expect(said.find((l) => l.startsWith('! raw/Pic.md'))).toMatch(/^! raw\/Pic\.md：/);
      // English as before.
      const english = capture();
      expect(await runCli(['images', ...m, '--dry-run', 'raw/Pic.md'], {}, english.io)).toBe(1);
      expect(english.out.join('\n')).toMatch(/^\+ raw\/assets\/i-\w+\.png {2}\(new image, \d+ bytes; downloaded from http:\S+\/i\.png\)$/m);
      expect(english.out.join('\n')).toMatch(/^! raw\/Pic\.md: /m);
    } finally {
      await web.stop();
    }
  });

  it('says a fine-tuning job the endpoint does not know as such, not as a model with no name', async () => {
    const c = capture();
    expect(await runCli(['synth', ...m, '--lang', 'zh-CN', '--status', 'ftjob-404'], {}, c.io)).toBe(1);
    expect(c.err.join('\n')).toContain(`${server.baseURL} 上没有微调任务“ftjob-404”（HTTP 404）。`);
    expect(c.err.join('\n')).not.toContain('模型“”');
    const e = capture();
    expect(await runCli(['synth', ...m, '--status', 'ftjob-404'], {}, e.io)).toBe(1);
    expect(e.err.join('\n')).toContain(`No fine-tuning job "ftjob-404" at ${server.baseURL} (HTTP 404).`);
  });

  it('lists what undo can take back with the kind of change in Chinese', async () => {
    expect(await runCli(['canvas', ...m, 'wiki/concepts/Levain.md'], {}, capture().io)).toBe(0);
    const c = capture();
    expect(await runCli(['undo', ...m, '--lang', 'zh-CN', '--list'], {}, c.io)).toBe(0);
    expect(c.out[0].split('\n')).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d {2}生成 {2}Canvas: links of Levain {2}（2 个文件）$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d {2}编译 {2}Compile 2 sources {2}（\d+ 个文件）$/),
    ]);
    const e = capture();
    expect(await runCli(['undo', ...m, '--list'], {}, e.io)).toBe(0);
    expect(e.out[0].split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d {2}render {2}Canvas: links of Levain {2}\(2 files\)$/);
  });

  it('says one pair as one pair in synth’s progress', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'scriptorium-zh-synth-'));
    const e = capture();
    await runCli(['synth', ...m, '--out', out, '--yes', '--pairs', '1'], {}, e.io);
    const progress = e.err.filter((l) => l.startsWith('['));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.filter((l) => / of 1 pairs kept$/.test(l))).toEqual([]);
    expect(progress.filter((l) => / of 1 pair kept$/.test(l)).length).toBeGreaterThan(0);
  });

  it('gives a model error’s hint in Chinese brackets wherever it is shown (index, doctor)', async () => {
    const c = capture();
    await runCli(['index', ...m, '--lang', 'zh-CN', '--embed-model', 'no-such-model', '--yes'], {}, c.io);
    const said = [...c.out, ...c.err].join('\n');
    expect(said).toContain('（请对照端点的模型列表检查模型名称）');
    expect(said).not.toMatch(/ \(请/);
    const d = capture();
    await runCli(['doctor', ...m, '--lang', 'zh-CN', '--embed-model', 'no-such-model'], {}, d.io);
    expect(d.err.join('\n')).toMatch(/^doctor: 嵌入端点失败：.*（请对照端点的模型列表检查模型名称）$/);
    const e = capture();
    await runCli(['doctor', ...m, '--embed-model', 'no-such-model'], {}, e.io);
    expect(e.err.join('\n')).toMatch(/^doctor: the embedding endpoint failed: .* \(check the model name against the endpoint’s model list\)$/);
  });

  it('says where doctor found each setting in Chinese', async () => {
    const c = capture();
    expect(await runCli(['doctor', ...m, '--lang', 'zh-CN'], {}, c.io)).toBe(0);
    const lines = c.out.join('\n').split('\n');
    expect(lines.find((l) => l.startsWith('API 密钥'))).toBe('API 密钥  未设置  [来自 无]');
    expect(lines.filter((l) => !hasChinese(l))).toEqual([]);
    const e = capture();
    expect(await runCli(['doctor', ...m], {}, e.io)).toBe(0);
    expect(e.out.join('\n').split('\n').find((l) => l.startsWith('api key'))).toBe('api key   unset  [from unset]');
  });

  it('says a note that is not in the vault in Chinese when asked to get it', async () => {
    const c = capture();
    expect(await runCli(['get', ...m, '--lang', 'zh-CN', 'Nowhere.md'], {}, c.io)).toBe(1);
    expect(c.err).toEqual(['scriptorium get: 仓库中没有笔记“Nowhere.md”']);
    const e = capture();
    expect(await runCli(['get', ...m, 'Nowhere.md'], {}, e.io)).toBe(1);
    expect(e.err).toEqual(['scriptorium get: no note "Nowhere.md" in the vault']);
  });

  it('says in Chinese which lines get left out of a long note; --json keeps the English line', async () => {
    const c = capture();
    expect(await runCli(['get', ...m, '--lang', 'zh-CN', '--max-chars', '40', 'wiki/concepts/Levain.md'], {}, c.io)).toBe(0);
    expect(c.out.join('\n').split('\n').at(-1)).toMatch(/^…… 第 3–\d+ 行未显示（用 lines \[3, \d+\] 读取）$/);
    const json = capture();
    expect(await runCli(['get', ...m, '--lang', 'zh-CN', '--json', '--max-chars', '40', 'wiki/concepts/Levain.md'], {}, json.io)).toBe(0);
    expect((JSON.parse(json.out.join('\n')) as { text: string }).text).toMatch(/… lines 3–\d+ not shown \(read them with lines \[3, \d+\]\)\n$/);
    const e = capture();
    expect(await runCli(['get', ...m, '--max-chars', '40', 'wiki/concepts/Levain.md'], {}, e.io)).toBe(0);
    expect(e.out.join('\n').split('\n').at(-1)).toMatch(/^… lines 3–\d+ not shown \(read them with lines \[3, \d+\]\)$/);
  });

  it('heads the kinds of the health check with Chinese brackets, and writes the report note’s findings with a Chinese colon', async () => {
    writeFileSync(path.join(vault, 'wiki', 'concepts', 'Broken.md'), '---\ntitle: Broken\nsummary: A note.\n---\n# Broken\n\nSee [[Missing page]].\n');
    const c = capture();
    expect(await runCli(['lint', ...m, '--lang', 'zh-CN', '--report'], {}, c.io)).toBe(1);
    expect(c.out.join('\n')).toMatch(/^失效链接（1）$/m);
    const report = readFileSync(path.join(vault, 'wiki', 'outputs', readdirSync(path.join(vault, 'wiki', 'outputs')).find((f) => f.startsWith('Health report'))!), 'utf8');
    expect(report).toContain('- [[wiki/concepts/Broken|Broken]]（第 7 行）：链接 `[[Missing page]]` 没有指向任何笔记或文件。');
    // English as before.
    const e = capture();
    expect(await runCli(['lint', ...m], {}, e.io)).toBe(1);
    expect(e.out.join('\n')).toMatch(/^Broken links \(1\)$/m);
  });

  it('puts a space before a number that follows 和 in what a tidy lost', async () => {
    const c = capture();
    await runCli(['tidy', ...m, '--lang', 'zh-CN', 'wiki/concepts/Levain.md'], {}, c.io);
    const said = [...c.out, ...c.err].join('\n');
    expect(said).toMatch(/等）和 1 处引用/);
  });

  it.each([
    ['lint', []],
    ['compile --dry-run', ['raw/Crust.md']],
    ['doctor', []],
    ['canvas --dry-run', ['wiki/concepts/Levain.md']],
    ['tidy --dry-run', ['wiki/concepts/Levain.md']],
    ['images', []],
    ['clip', ['ftp://example.org/x']],
  ])('prints the same --json for %s whatever --lang says', async (command, operands) => {
    writeFileSync(path.join(vault, 'raw', 'Crust.md'), 'A **Crust** browns in the oven.\n');
    writeFileSync(path.join(vault, 'wiki', 'concepts', 'Broken.md'), '---\ntitle: Broken\n---\n# Broken\n\nSee [[Missing page]].\n');
    const words = command.split(' ');
    const runs: string[] = [];
    for (const lang of ['en', 'zh-CN']) {
      const copy = copyOf(vault);
      const c = capture();
      await runCli([...words, '--vault', copy, '--base-url', server.baseURL, '--model', 'test-model', '--json', '--lang', lang, ...operands], {}, c.io);
      runs.push(stable(c.out, copy));
    }
    expect(runs[1]).toBe(runs[0]);
    expect(hasChinese(runs[1])).toBe(false);
  });

  it('sends the model English only, with the interface in Chinese: prompts, tools, tool results, repair requests', async () => {
    server.requests.length = 0;
    const zh = ['--lang', 'zh-CN'];
    // Asked first: what the others write in Chinese into the log is the person's record, which a search may show the model.
    server.script({ kind: 'tools', calls: [{ name: 'search', arguments: { query: 'Levain' } }] }, { kind: 'tools', calls: [{ name: 'read', arguments: { path: 'Nowhere' } }] });
    await runCli(['ask', ...m, ...zh, 'What is a levain?'], {}, capture().io);
    writeFileSync(path.join(vault, 'raw', 'Crust.md'), 'A **Crust** browns in the oven.\n');
    await runCli(['compile', ...m, ...zh], {}, capture().io);
    await runCli(['lint', ...m, ...zh, '--deep'], {}, capture().io);
    await runCli(['diagram', ...m, ...zh, 'wiki/concepts/Levain.md'], {}, capture().io);
    await runCli(['chart', ...m, ...zh, 'wiki/concepts/Levain.md'], {}, capture().io);
    await runCli(['tidy', ...m, ...zh, 'wiki/concepts/Levain.md'], {}, capture().io);
    const chats = server.chatRequests();
    expect(chats.length).toBeGreaterThan(6);
    // The vault is English and so is the question: anything Chinese a model gets came from the interface.
    const chinese = chats.flatMap((r) => [JSON.stringify(r.body.messages ?? []), JSON.stringify(r.body.tools ?? []), JSON.stringify(r.body.response_format ?? null)]).filter(hasChinese);
    expect(chinese).toEqual([]);
  });
});

describe('texts that travel between processes', () => {
  it('names the command line holding the writer lock in the language of the one waiting, whoever wrote the lock file', () => {
    // The lock file records the holder's label as the command line writes it, in English; a waiter in Chinese said "the command line（进程 4242）".
    setInterfaceLanguage('zh-CN');
    expect(describeOwner({ id: 'a', label: 'the command line', pid: 4242 })).toBe('命令行，进程 4242');
    // It goes inside brackets in the waiting lines: no brackets within brackets.
    expect(createTranslator('zh-CN')('cli.context.waiting', { owner: describeOwner({ id: 'a', label: 'the command line', pid: 4242 }) })).toBe('正在等待另一个 Scriptorium 进程（命令行，进程 4242）写完知识库……');
    expect(describeOwner({ id: 'b', label: 'Obsidian' })).toBe('Obsidian');
    setInterfaceLanguage('en');
    expect(describeOwner({ id: 'a', label: 'the command line', pid: 4242 })).toBe('the command line (process 4242)');
  });
});

describe('the MCP server started with a Chinese command line', () => {
  let cli: string;
  let dispose: () => void;
  beforeAll(async () => {
    ({ cli, dispose } = await buildCliWithMcp());
  }, 120_000);
  afterAll(() => dispose?.());

  it('answers its tools exactly as in English: what it returns is read by models and agents', async () => {
    const vault = tempVault('zh-mcp', {
      ...LEVAIN_NOTE,
      'wiki/concepts/Broken.md': '---\ntitle: Broken\n---\n# Broken\n\nSee [[Missing page]].\n',
    });
    const answers: string[][] = [];
    for (const [args, env] of [
      [[], cleanEnv()],
      [['--lang', 'zh-CN'], cleanEnv({ LANG: 'zh_CN.UTF-8' })],
    ] as const) {
      const { client, close } = await stdioClient(cli, vault, [...args], env);
      try {
        const said: string[] = [];
        for (const [tool, input] of [
          ['lint', {}],
          ['get', { path: 'raw/Nothing here.md' }],
          ['get', { path: '../outside.md' }],
          ['compile', {}],
          ['undo', {}],
          ['ask', { question: 'What is a levain?' }],
        ] as const) {
          const r = await call(client, tool, input);
          said.push(`${tool} ${r.isError}: ${r.text}`);
        }
        answers.push(said);
      } finally {
        await close();
      }
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1].filter(hasChinese)).toEqual([]);
  }, 120_000);
});

describe('the Chinese catalogue', () => {
  const texts = Object.entries(zhCN as Record<string, string>);

  it('puts a space between a Chinese word and a count that follows it (计数以数字开头：已下载 3 张图片, not 已下载3 张图片)', () => {
    const counts = /\p{Script=Han}\{(notes|files|images|calls|articles|webCalls|gaps|sources|passages|count|problems|steps|pairs)\}/u;
    // The estimate's {images} is a clause of its own that starts with its comma (，1 张图片).
    const clauses = new Set(['cli.compile.estimate']);
    expect(texts.filter(([key, text]) => counts.test(text) && !clauses.has(key)).map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  it('calls frontmatter 属性 everywhere, as Obsidian does in Chinese', () => {
    expect(texts.filter(([, text]) => /frontmatter/i.test(text)).map(([key]) => key)).toEqual([]);
  });

  it('names prompt and completion tokens with the words used elsewhere (提示, 生成 or 补全), not 输入/输出', () => {
    expect(texts.filter(([, text]) => /输入 \{prompt\}|输出 \{completion\}/.test(text)).map(([key]) => key)).toEqual([]);
  });
});
