import { isNewChatTitle, newChatTitle, NoteGraph, ResearchTools, SavedAnswer, saveRefusal, type AskResult } from '../../src/core/ask';
import { Compiler, describeNoteStatus } from '../../src/core/compile';
import { LlmClient } from '../../src/core/llm';
import { describeRecovery, PlanError, readArticle, renderArticle, unifiedDiff, WikiWriter } from '../../src/core/plan';
import { setInterfaceLanguage } from '../../src/i18n';
import { wikiModelReply } from '../core/compile/wiki-model';
import { indexOf, researchVault } from '../core/ask/fixtures';
import { MemoryStateStore, MemoryVault } from '../support/memory-vault';
import { startServer, type OpenAiTestServer } from '../support/openai-server';

const NOON = Date.UTC(2026, 10, 26, 12, 0, 0);
const clock = { now: () => NOON };

afterEach(() => setInterfaceLanguage('en'));

/**
 * The Latin words left in a text once what is not fixed text is taken out: paths, links, code,
 * quoted titles and the product's name. A text made in Chinese has none.
 */
function englishWords(text: string): string[] {
  const stripped = text
    .replace(/`[^`]*`/g, ' ')
    .replace(/\[\[[^\]]*\]\]/g, ' ')
    .replace(/“[^”]*”|"[^"]*"/g, ' ')
    .replace(/(?:[\w.-]+\/)+[\w .()-]*?\.md\b/g, ' ')
    .replace(/(?:[\w.-]+\/)+[\w.-]*/g, ' ')
    .replace(/\b(?:Scriptorium|CRLF|LF|KB|MB|PDF|frontmatter)\b/g, ' ');
  return stripped.match(/[A-Za-z]{2,}/g) ?? [];
}

const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

const RAW: Record<string, string> = {
  'raw/Levain basics.md':
    '# Levain basics\n\nA **Levain** is an offshoot of the **Sourdough starter** built for one bake. It is usually mixed 8 to 12 hours before the dough.\n\nThe starter holds **Wild yeast** that leavens the dough.\n',
  'raw/Oven spring.md': 'The **Oven spring** is the rise of a loaf in its first 15 minutes of baking. Steam keeps the crust soft so the **Oven spring** can happen.\n',
};

function concept(title: string, body: string): string {
  return renderArticle({ title, summary: `About ${title}.`, type: 'concept', updated: '2026-11-26' }, body);
}

describe('compile in the interface language', () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startServer();
    server.handler = (r) => wikiModelReply(r);
  });

  afterEach(async () => {
    await server.stop();
  });

  function setup(files: Record<string, string> = RAW) {
    const vault = new MemoryVault(files);
    const state = new MemoryStateStore();
    const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 });
    const compiler = new Compiler({ vault, state, clock, llm, settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 2 } });
    return { vault, state, compiler };
  }

  it('gives progress lines, the plan title, reasons and log details in Chinese, and reads back what it wrote in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const { vault, compiler } = setup();
    const progress: string[] = [];
    const run = await compiler.compile(undefined, { progress: (u) => progress.push(u.message ?? '') });

    expect(run.sources.every((s) => s.status === 'compiled')).toBe(true);
    expect(progress[0]).toBe('正在编译 2 个来源');
    expect(progress).toContain('已编译 raw/Oven spring.md');
    expect(run.plan.title).toBe('编译 2 个来源');
    for (const c of run.plan.changes) {
      expect(hasChinese(c.reason)).toBe(true);
      expect(englishWords(c.reason)).toEqual([]);
    }
    for (const text of [...progress, run.plan.title, ...(run.plan.logDetails ?? [])]) expect(englishWords(text)).toEqual([]);

    await compiler.apply(run);
    // The log records the plan as it was made; its line markers and the index stay as the code reads them.
    const log = await vault.read('wiki/log.md');
    expect(log).toMatch(/^## \[2026-11-26\] compile \| 编译 2 个来源$/m);
    expect(log).toContain('- 已编译 2 个，未改动 0 个，失败 0 个');
    expect(await vault.read('wiki/index.md')).toContain('## Concepts (');

    // A second run reads the wiki written in Chinese: nothing to compile, each source unchanged.
    const again: string[] = [];
    const second = await compiler.compile(undefined, { progress: (u) => again.push(u.message ?? '') });
    expect(second.sources.map((s) => s.status)).toEqual(['up-to-date', 'up-to-date']);
    expect(again).toContain('未改动 raw/Levain basics.md');

    // Undo of a plan titled in Chinese, then nothing left to undo, said in Chinese.
    const undone = await compiler.undo();
    expect(undone.title).toBe('编译 2 个来源');
    expect(Object.keys(vault.snapshot()).filter((p) => p.startsWith('wiki/'))).toEqual([]);
    const nothing = await compiler.undo().catch((e: unknown) => e);
    expect(nothing).toBeInstanceOf(PlanError);
    expect((nothing as PlanError).kind).toBe('nothing_to_undo');
    expect((nothing as PlanError).message).toBe('没有可撤销的内容：没有记录任何已应用的计划。');
  });

  it('says why a note cannot be compiled in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const { compiler } = setup({ ...RAW, 'raw/Empty.md': '   \n' });
    const estimate = await compiler.estimate(['raw/Empty.md', 'raw/Missing.md']);
    const messages = estimate.problems.map((p) => p.message);
    expect(messages.sort()).toEqual(['这个路径上没有笔记；请检查名称（路径相对于仓库），然后重新编译。', '这篇笔记没有可编译的文字。'].sort());
  });

  it('keeps English by default', async () => {
    const { compiler } = setup();
    const progress: string[] = [];
    const run = await compiler.compile(undefined, { progress: (u) => progress.push(u.message ?? '') });
    expect(progress[0]).toBe('Compiling 2 sources');
    expect(run.plan.title).toBe('Compile 2 sources');
    expect(run.plan.changes.find((c) => c.path === 'wiki/sources/Oven spring.md')?.reason).toBe('summary of raw/Oven spring.md');
  });
});

describe('the editor badge in the interface language', () => {
  it('labels a source and an article in Chinese', () => {
    setInterfaceLanguage('zh-CN');
    const compiled = { hash: 'x', summary: 'wiki/sources/A.md', concepts: ['wiki/concepts/B.md', 'wiki/concepts/C.md'], compiledAt: NOON };
    const source = describeNoteStatus({ path: 'raw/A.md', text: 'text', rawFolder: 'raw', wikiFolder: 'wiki' });
    const changed = describeNoteStatus({ path: 'raw/A.md', text: 'text', rawFolder: 'raw', wikiFolder: 'wiki', compiled });
    const part = describeNoteStatus({ path: 'raw/repo/README.md', text: 'text', rawFolder: 'raw', wikiFolder: 'wiki', compiled, partOf: { folder: 'raw/repo', hash: 'x' } });
    const article = describeNoteStatus({ path: 'wiki/concepts/B.md', text: concept('B', '# B\n\nText.\n'), rawFolder: 'raw', wikiFolder: 'wiki' });
    expect(source?.label).toBe('尚未编译');
    expect(changed?.label).toBe('编译之后有改动');
    expect(part?.label).toBe('属于代码仓库 raw/repo：已编译为 1 篇摘要和 2 个概念');
    expect(article?.label).toBe('由 Scriptorium 写入，此后未被编辑');
    for (const s of [source, changed, part, article]) expect(englishWords(s?.label ?? '')).toEqual([]);
  });
});

describe('change plans in the interface language', () => {
  function setup(files: Record<string, string> = {}) {
    const vault = new MemoryVault({ 'raw/Source.md': 'raw text\n', ...files });
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    return { vault, state, writer };
  }

  it('refuses paths, flags a person’s edits and names stale files in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    // A person added to a generated article: its body no longer matches the hash it was stamped with.
    const edited = concept('Old', '# Old\n\nText.\n').replace('Text.', 'Text, plus my own notes.');
    const { vault, writer } = setup({ 'wiki/concepts/Old.md': edited });
    const plan = await writer.plan({
      operation: 'compile',
      title: '测试',
      files: [
        { path: 'raw/Source.md', content: 'x', reason: '改写' },
        { path: 'wiki/concepts/Old.md', content: concept('Old', '# Old\n\nMore.\n'), reason: '合并' },
        { path: 'wiki/concepts/New.md', content: concept('New', '# New\n'), reason: '新概念' },
      ],
    });
    expect(plan.problems.map((p) => p.message)).toEqual(['已拒绝：“raw/Source.md”不在知识库文件夹“wiki/”中。']);
    expect(plan.changes.find((c) => c.path === 'wiki/concepts/Old.md')?.reason).toBe('合并——这篇文章生成后有人编辑过；应用前请审阅');
    expect(plan.changes.find((c) => c.derived === 'index')?.reason).toBe('根据文章的属性重建索引');
    expect(plan.changes.find((c) => c.derived === 'log')?.reason).toBe('追加一条日志');

    await vault.write('wiki/concepts/New.md', 'someone else wrote this\n');
    const stale = await writer.apply(plan).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(PlanError);
    expect((stale as PlanError).message).toBe('未应用：计划制定之后，wiki/concepts/New.md 已被改动（被人编辑，或被另一次 Scriptorium 运行写入）。没有写入任何内容；请重新制定计划。');
  });

  it('refuses an undo over later edits, in Chinese, and undoes a plan it made in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const { vault, writer } = setup();
    const index = await writer.planIndexRebuild();
    expect(index.title).toBe('重建索引');
    const plan = await writer.plan({ operation: 'compile', title: '编译 A', files: [{ path: 'wiki/concepts/A.md', content: concept('A', '# A\n'), reason: '新概念' }] });
    await writer.apply(plan);
    await vault.write('wiki/concepts/A.md', 'a person changed it\n');
    const refused = await writer.undo().catch((e: unknown) => e);
    expect((refused as PlanError).message).toBe('未撤销：“编译 A”应用之后，wiki/concepts/A.md 已被改动；撤销会丢失这些改动。');
    const undone = await writer.undo({ force: true });
    expect(undone.title).toBe('编译 A');
    expect(await vault.stat('wiki/concepts/A.md')).toBeNull();
  });

  it('reports a recovery after a crash in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const vault = new MemoryVault({ 'wiki/concepts/A.md': 'typed after the crash\n', 'wiki/concepts/B.md': 'written by the crashed apply' });
    const state = new MemoryStateStore();
    const owner = { id: 'gone', label: 'the command line', pid: 7 };
    await state.set(
      'plan-journal.json',
      JSON.stringify({
        version: 1,
        entries: [
          {
            planId: 'p1',
            title: '编译 2 个来源',
            operation: 'compile',
            appliedAt: 1,
            status: 'pending',
            owner,
            files: [
              { path: 'wiki/concepts/A.md', before: 'old A', after: 'new A' },
              { path: 'wiki/concepts/B.md', before: null, after: 'written by the crashed apply' },
            ],
          },
        ],
      }),
    );
    const writer = new WikiWriter({ vault, state, clock, isAlive: () => false });
    const text = describeRecovery(await writer.recover());
    expect(text).toBe('Scriptorium 回滚了应用时被打断的“编译 2 个来源”：恢复了 1 个文件；1 个文件此后被改动过，保持原样：wiki/concepts/A.md。');
    expect(englishWords(text ?? '')).toEqual([]);
  });

  it('notes what a line diff cannot show in Chinese', () => {
    setInterfaceLanguage('zh-CN');
    expect(unifiedDiff('wiki/a.md', 'a\nb\n', 'a\nb')).toContain('# 只有末尾换行（已删除）');
    expect(unifiedDiff('wiki/a.md', 'a\r\nb\r\n', 'a\nb\n')).toContain('# 只有换行符（CRLF → LF）');
  });

  it('keeps English by default', async () => {
    const { writer } = setup();
    const plan = await writer.plan({ operation: 'compile', title: 'T', files: [{ path: 'raw/Source.md', content: 'x', reason: 'r' }] });
    expect(plan.problems.map((p) => p.message)).toEqual(['Refused: "raw/Source.md" is outside the wiki folder "wiki/".']);
    expect((await writer.planIndexRebuild()).title).toBe('Rebuild the index');
    expect(unifiedDiff('wiki/a.md', 'a\nb\n', 'a\nb')).toContain('# final newline only (removed)');
  });
});

describe('chat and saved answers in the interface language', () => {
  function result(overrides: Partial<AskResult> = {}): AskResult {
    return {
      question: 'Why does dropck exist?',
      answer: '**Dropck** rejects unsound destructors [[wiki/concepts/Dropck#Soundness]]. Also [[wiki/Nowhere]].',
      citations: [
        { link: '[[wiki/concepts/Dropck#Soundness]]', path: 'wiki/concepts/Dropck.md', heading: 'Soundness', valid: true },
        { link: '[[wiki/Nowhere]]', path: null, heading: null, valid: false },
      ],
      steps: [],
      usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
      mode: 'tools',
      ...overrides,
    };
  }

  it('names a new chat in Chinese and still recognises a new chat named in another language', () => {
    setInterfaceLanguage('zh-CN');
    expect(newChatTitle()).toBe('新对话');
    expect(isNewChatTitle('新对话')).toBe(true);
    expect(isNewChatTitle('New chat')).toBe(true);
    expect(isNewChatTitle('Why does dropck exist?')).toBe(false);
  });

  it('sums up the research steps for the person in Chinese, while what the model reads stays English', async () => {
    setInterfaceLanguage('zh-CN');
    const vault = researchVault();
    const tools = new ResearchTools({ search: await indexOf(vault), vault, graph: new NoteGraph({ vault }) });
    const list = await tools.run('list', JSON.stringify({ folder: 'wiki/concepts/' }));
    expect(list.step.resultSummary).toBe('0 个文件夹，2 个文件');
    expect(list.content).toContain('wiki/concepts: 0 folders, 2 files');
    const links = await tools.run('links', JSON.stringify({ path: 'Dropck' }));
    expect(links.step.resultSummary).toBe('链出 3 个，链入 2 个');
    expect(links.content).toContain('Linked from');
    const read = await tools.run('read', JSON.stringify({ path: 'raw/Rust book.md', start_line: 3, end_line: 5 }));
    expect(read.step.resultSummary).toMatch(/^raw\/Rust book\.md 第 3–5 行，共 \d+ 行$/);
  });

  it('says why an answer is not saved in Chinese', () => {
    setInterfaceLanguage('zh-CN');
    const refusal = saveRefusal(result({ limited: 'steps' }));
    expect(refusal?.message).toBe('模型完成之前，研究已达到步数上限，因此回答可能遗漏了尚未读到的内容。');
    expect(refusal?.advice).toBe('请把问题问得更具体，或拆成两个问题。');
    const none = saveRefusal(result({ citations: [{ link: '[[wiki/Nowhere]]', path: null, heading: null, valid: false }] }));
    expect(none?.message).toBe('回答引用的唯一一个链接在仓库中不存在，因此其中没有任何内容经过验证。');
  });

  it('writes the saved note’s headings in Chinese, and knows the same answer saved again in English', async () => {
    setInterfaceLanguage('zh-CN');
    const vault = researchVault();
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock });
    const saver = new SavedAnswer({ writer, vault, clock });
    const plan = await saver.plan(result());
    const note = plan.changes.find((c) => !c.derived);
    expect(note?.reason).toBe('从对话保存的回答');
    expect(plan.logDetails).toEqual(['1 个经过验证的来源，120 个词元']);
    const saved = await saver.save(result());
    expect(saved.written).toBe(true);
    const body = readArticle(await vault.read(saved.path)).body;
    expect(body).toContain('## 问题\n\nWhy does dropck exist?');
    expect(body).toContain('## 回答');
    expect(body).toContain('## 来源\n\n- [[wiki/concepts/Dropck#Soundness]]');
    expect(body).toContain('> [!warning] 未验证的链接\n> 保存时，回答中的这些链接在仓库中无法解析：`[[wiki/Nowhere]]`');
    expect(body).not.toMatch(/## (Question|Answer|Sources)/);

    // Saved again in English: the same answer, at the same name (re-rendered), not a numbered copy.
    setInterfaceLanguage('en');
    const again = await saver.save(result());
    expect(again.path).toBe(saved.path);
    expect(again.earlier).toEqual([]);
    expect(Object.keys(vault.snapshot()).filter((p) => p.startsWith('wiki/outputs/'))).toEqual([saved.path]);
    expect(readArticle(await vault.read(saved.path)).body).toContain('## Question\n\nWhy does dropck exist?');
  });
});
