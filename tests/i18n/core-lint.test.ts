import { deepShortfall, HealthCheck, KIND_LABELS, KIND_ORDER, kindLabel, LintFixer, LintLayout, type LintFix, type SplitFix } from '../../src/core/lint';
import { LlmClient } from '../../src/core/llm';
import { hashText } from '../../src/core/markdown';
import { renderArticle, WikiWriter } from '../../src/core/plan';
import { setInterfaceLanguage } from '../../src/i18n';
import { enCoreLint } from '../../src/i18n/core/en-lint';
import { zhCNCoreLint } from '../../src/i18n/core/zh-CN-lint';
import { fixtureFiles } from '../core/lint/fixture';
import { MemoryStateStore, MemoryVault } from '../support/memory-vault';
import { OpenAiTestServer, type RecordedRequest, type ScriptedReply } from '../support/openai-server';

const clock = { now: () => Date.UTC(2026, 0, 20, 12) };
const layout = new LintLayout();
const HAN = /\p{Script=Han}/u;

afterEach(() => setInterfaceLanguage('en'));

/**
 * The English fixed text of every health-check message: the parts of each text between its
 * placeholders that hold a word. None of them may be left in what the checks say in Chinese.
 */
const ENGLISH_FRAGMENTS = [
  ...new Set(
    Object.values(enCoreLint)
      .flatMap((text) => text.split(/\{\w+\}/))
      .map((part) => part.replace(/^[\s"'(),.:;—–-]+|[\s"'(),.:;—–-]+$/g, ''))
      .filter((part) => /[A-Za-z]{3,}/.test(part) && part.length >= 5),
  ),
];

function englishLeft(text: string): string[] {
  return ENGLISH_FRAGMENTS.filter((fragment) => text.includes(fragment));
}

function setup(files: Record<string, string> = fixtureFiles(), options: { llm?: LlmClient } = {}) {
  const vault = new MemoryVault(files);
  const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
  const check = new HealthCheck({ vault, writer, layout, clock, ...(options.llm ? { llm: options.llm } : {}) });
  return { vault, writer, check };
}

/** A concept article long enough to split, written by Scriptorium, with a source that exists. */
function oversizedFiles(ownership: 'generated' | 'locked' = 'generated'): Record<string, string> {
  const raw = '# Bread\n\nAll about bread.\n';
  const prose = (tag: string, n: number) => `${Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ')}.`;
  const body = ['Bread is a staple food.', '', '## History', '', `Bread is old. ${prose('h', 1400)}`, '', '## Baking', '', `Ovens differ. ${prose('b', 1400)}`, ''].join('\n');
  let hub = renderArticle({ title: 'Bread', summary: 'Bread.', type: 'concept', sources: ['raw/Bread.md'], sourceHashes: { 'raw/Bread.md': hashText(raw) }, updated: '2026-01-01' }, body);
  if (ownership === 'locked') hub = hub.replace('scriptorium: generated', 'scriptorium: locked');
  return {
    'raw/Bread.md': raw,
    'wiki/index.md': '# Index\n\n- [[Bread]]\n- [[wiki/sources/Bread|Bread (source)]]\n',
    'wiki/sources/Bread.md': renderArticle({ title: 'Bread (source)', summary: 's', type: 'source', sources: ['raw/Bread.md'], updated: '2026-01-01' }, 'See [[Bread]].\n'),
    'wiki/concepts/Bread.md': hub,
  };
}

describe('health checks in the interface language (zh-CN)', () => {
  it('names every kind in Chinese, and KIND_LABELS follows the language when it is read', () => {
    setInterfaceLanguage('zh-CN');
    for (const kind of KIND_ORDER) {
      expect(KIND_LABELS[kind]).toMatch(HAN);
      expect(KIND_LABELS[kind]).toBe(kindLabel(kind));
    }
    expect(KIND_LABELS['broken-link']).toBe('失效链接');
    expect(Object.keys(KIND_LABELS).sort()).toEqual([...KIND_ORDER].sort());
    setInterfaceLanguage('en');
    expect(KIND_LABELS['broken-link']).toBe('Broken links');
  });

  it('says every structural finding and every fix label in Chinese, with no English fixed text left; the kinds and fix ids stay ids', async () => {
    setInterfaceLanguage('zh-CN');
    const progress: string[] = [];
    const { check } = setup();
    const structural = await check.structural({ progress: (u) => progress.push(u.message ?? '') });
    const result = check.combine(structural);
    expect(result.findings.length).toBeGreaterThan(10);
    for (const f of result.findings) {
      expect(f.message).toMatch(HAN);
      expect(englishLeft(f.message)).toEqual([]);
    }
    const broken = result.findings.find((f) => f.kind === 'broken-link' && f.target === 'Ownershp');
    expect(broken?.message).toBe('链接 [[Ownershp]] 没有指向任何笔记或文件。你是不是想写 [[Ownership]]？');
    expect(result.fixes.length).toBeGreaterThan(3);
    for (const fix of result.fixes) {
      expect(fix.label).toMatch(HAN);
      expect(englishLeft(fix.label)).toEqual([]);
    }
    expect(result.fixes.find((f) => f.id === 'rebuild-index')?.label).toBe('根据文章重建 wiki/index.md');
    expect(new Set(progress)).toEqual(new Set(['正在读取笔记', '正在检查']));

    // The ids a report's "Apply" links and `--fix ID` use do not depend on the language.
    setInterfaceLanguage('en');
    const english = check.combine(await check.structural());
    expect(english.fixes.map((f) => f.id)).toEqual(result.fixes.map((f) => f.id));
    expect(english.findings.map((f) => [f.kind, f.path, f.line, f.target])).toEqual(result.findings.map((f) => [f.kind, f.path, f.line, f.target]));
    expect(english.fixes.map((f) => f.label)).toContain('Rebuild wiki/index.md from the articles');
  });

  it('writes the health report with Chinese headings, table and sentences; its path stays the same, and the checks still read it as a report', async () => {
    setInterfaceLanguage('zh-CN');
    const { check, writer, vault } = setup();
    const result = await check.run();
    const plan = await check.planReport(result, { fixLink: (fix) => `obsidian://scriptorium-lint-fix?id=${fix.id}` });
    expect(plan.title).toBe('健康报告 2026-01-20');
    const report = plan.changes.find((c) => !c.derived);
    expect(report?.path).toBe('wiki/outputs/Health report 2026-01-20.md');
    expect(report?.reason).toBe(`健康报告：${result.counts.total} 条检查结果`);
    const text = report?.after ?? '';
    expect(text).toContain('# 健康报告 2026-01-20');
    expect(text).toContain('| 检查 | 检查结果 |');
    expect(text).toContain('## 失效链接（5）');
    expect(text).toContain(`## 修复（${result.fixes.length}）`);
    expect(text).toContain('每项修复在写入任何内容之前都会显示为变更计划，并且可以撤销。');
    expect(text).toContain('— [应用](obsidian://scriptorium-lint-fix?id=rebuild-index)');
    expect(text).toContain('[[wiki/sources/Async Rust|Async Rust]]（第 18 行）');
    expect(text).toMatch(/^在 \d+ 篇笔记中发现 \d+ 个问题(，另有 \d+ 条提示信息)?。$/m);
    expect(text).toMatch(/^summary: "?\d+ 个问题：/m);
    expect(text).toContain('type: report');
    const fixed = text.replace(/\[\[[^\]]*\]\]|`[^`]*`|\([^)]*\)|wiki\/[^\s,，、]*|raw\/[^\s,，、]*/g, '');
    expect(englishLeft(fixed)).toEqual([]);

    // Written in Chinese, the report is still a report to the checks (read from its frontmatter, not its words).
    await writer.apply(plan);
    const again = await check.run();
    expect(again.findings.some((f) => f.path === report?.path)).toBe(false);
    // The log records the plan as it was made.
    expect(await vault.read('wiki/log.md')).toContain('健康报告 2026-01-20');
  });

  it('applies a fix chosen from a report written in Chinese after the interface went back to English (the id is the contract)', async () => {
    setInterfaceLanguage('zh-CN');
    const { check, vault } = setup();
    const zh = await check.run();
    const relink = zh.fixes.find((f) => f.kind === 'relink' && f.from === '[[Ownershp]]') as LintFix;
    expect(relink.label).toBe('在 Async Rust 中把 [[Ownershp]] 重新链接到 [[Ownership]]（Ownership）');
    const planned = await check.fixer.plan(relink);
    expect(planned.plan.title).toBe('把 [[Ownershp]] 重新链接到 [[Ownership]]');
    expect(planned.plan.changes[0].reason).toMatch(/^把第 \d+ 行的失效链接 \[\[Ownershp\]\] 换成 \[\[Ownership\]\]/);

    setInterfaceLanguage('en');
    const en = await check.run();
    const same = en.fixes.find((f) => f.id === relink.id);
    expect(same?.label).toBe('Relink [[Ownershp]] to [[Ownership]] (Ownership) in Async Rust');
    if (relink.kind !== 'relink') throw new Error('a relink fix');
    // The note was edited by a person, so its change awaits review: the person ticks it, as in the preview.
    const applied = await (await check.fixer.plan(same as LintFix)).apply({ selectedPaths: [relink.path] });
    expect(applied.paths).toContain(relink.path);
    expect(await vault.read(relink.path)).toContain('[[Ownership]]');
    expect(await vault.read(relink.path)).not.toContain('[[Ownershp]]');
  });

  it('says the errors a person sees in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const { check, vault } = setup();
    expect(() => check.estimateDeep({} as never)).toThrow('深度健康检查需要模型：请先配置模型端点和模型。');
    const result = await check.run();
    const compile = result.fixes.find((f) => f.kind === 'compile') as LintFix;
    await expect(check.fixer.plan(compile)).rejects.toThrow(/^这里无法编译；请编译 .+ 来修复此问题。$/);
    const relink = result.fixes.find((f) => f.kind === 'relink') as LintFix;
    if (relink.kind !== 'relink') throw new Error('a relink fix');
    await vault.delete(relink.path);
    await expect(check.fixer.plan(relink)).rejects.toThrow(`无法重新链接：${relink.path} 已不存在。请重新运行健康检查。`);

    const locked = setup(oversizedFiles());
    const split = (await locked.check.run()).fixes.find((f) => f.kind === 'split') as SplitFix;
    await locked.vault.write('wiki/concepts/Bread.md', oversizedFiles('locked')['wiki/concepts/Bread.md']);
    await expect(locked.check.fixer.plan(split)).rejects.toThrow('无法拆分 wiki/concepts/Bread.md：它标记为 `scriptorium: locked`，所以 Scriptorium 从不修改它。请手动拆分，或去掉锁定后重新运行健康检查。');
  });

  it('plans a split with a Chinese title, reasons and log lines, and the split article is the same as in English', async () => {
    setInterfaceLanguage('zh-CN');
    const zh = setup(oversizedFiles());
    const result = await zh.check.run();
    const finding = result.findings.find((f) => f.kind === 'oversized-article');
    expect(finding?.message).toMatch(/^wiki\/concepts\/Bread\.md 有 [\d,]+ 个词，分为 2 个章节；按章节拆分能让它保持易读。$/);
    const split = result.fixes.find((f) => f.kind === 'split') as SplitFix;
    expect(split.label).toBe('把 Bread 拆分出 2 篇子文章（“History”、“Baking”）');
    const planned = await zh.check.fixer.plan(split);
    expect(planned.plan.title).toBe('把 Bread 拆分出 2 篇子文章');
    expect(planned.plan.changes.map((c) => c.reason)).toEqual(
      expect.arrayContaining(['2 个章节移入子文章，每处换成一个链接和它的第一句话', 'wiki/concepts/Bread.md 的章节“History”，移入它自己的文章']),
    );
    await planned.apply();
    const log = await zh.vault.read('wiki/log.md');
    expect(log).toContain('把 Bread 拆分出 2 篇子文章');
    expect(log).toContain('已创建 wiki/concepts/Bread — History.md');

    // The wiki text itself is the same whatever the interface language (it follows the sources).
    setInterfaceLanguage('en');
    const en = setup(oversizedFiles());
    const enPlanned = await en.check.fixer.plan((await en.check.run()).fixes.find((f) => f.kind === 'split') as LintFix);
    expect(enPlanned.plan.title).toBe('Split Bread into 2 sub-articles');
    const articles = (changes: readonly { path: string; after: string | null }[]) => changes.filter((c) => c.path !== 'wiki/log.md').map((c) => [c.path, c.after]);
    expect(articles(enPlanned.plan.changes)).toEqual(articles(planned.plan.changes));
  });

  it('keeps English exactly as before by default', async () => {
    const { check } = setup();
    const result = await check.run();
    expect(result.findings.find((f) => f.kind === 'broken-link' && f.target === 'Ownershp')?.message).toBe('Link [[Ownershp]] points to no note or file. Did you mean [[Ownership]]?');
    const plan = await check.planReport(result);
    expect(plan.title).toBe('Health report 2026-01-20');
    const text = plan.changes.find((c) => !c.derived)?.after ?? '';
    expect(text).toContain('# Health report 2026-01-20');
    expect(text).toContain('| Check | Findings |');
    expect(text).toContain('## Broken links (5)');
    expect(text).toContain('Each fix is shown as a change plan before anything is written, and can be undone.');
    expect(text).toContain('fix id `rebuild-index`');
    expect(text).toMatch(/^\d+ problems found in \d+ notes, and \d+ informational\.$/m);
    expect(LintFixer.propose(result.findings, result.snapshot)[0].label).toBe('Rebuild wiki/index.md from the articles');
    // The detector of English fixed text used above finds it here.
    expect(englishLeft(text).length).toBeGreaterThan(10);
  });

  it('keeps the Chinese catalogue of the area complete', () => {
    expect(Object.keys(zhCNCoreLint).sort()).toEqual(Object.keys(enCoreLint).sort());
    expect(Object.keys(enCoreLint).every((key) => key.startsWith('core.lint.'))).toBe(true);
  });
});

describe('model checks in the interface language (zh-CN)', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });
  const client = () => new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'sk-test', maxRetries: 0 });

  /** Finds one of each kind in the batch with Ownership and Rust ownership; English model text, as a model writes it. */
  function reviewer(request: RecordedRequest): ScriptedReply {
    const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const n = new Map([...user.matchAll(/<article number="(\d+)" title="([^"]*)">/g)].map((m) => [m[2], Number(m[1])]));
    const findings: unknown[] = [];
    if (n.has('Ownership') && n.has('Rust ownership')) {
      const both = [n.get('Ownership'), n.get('Rust ownership')];
      findings.push({ kind: 'contradiction', notes: both, text: 'One owner versus shared ownership.' });
      findings.push({ kind: 'gap', notes: both, text: 'Nothing on data races.' });
      findings.push({ kind: 'suggested-article', notes: both, text: 'Drop order' });
      findings.push({ kind: 'suggested-question', notes: both, text: 'How do owners move across threads?' });
      findings.push({ kind: 'unsourced-claim', notes: [n.get('Ownership')], quote: 'Values have exactly one owner.' });
    }
    return { kind: 'text', content: JSON.stringify({ findings }) };
  }

  it('says model findings, progress, the report line and the shortfall in Chinese; the model still gets English', async () => {
    setInterfaceLanguage('zh-CN');
    server.handler = reviewer;
    const { check } = setup(fixtureFiles(), { llm: client() });
    const structural = await check.structural();
    const progress: string[] = [];
    const deep = await check.deep(structural.snapshot, { progress: (u) => progress.push(u.message ?? '') });
    expect(new Set(progress)).toEqual(new Set(['模型检查']));
    const kinds = new Set(deep.findings.map((f) => f.kind));
    expect(kinds).toEqual(new Set(['contradiction', 'gap', 'suggested-article', 'suggested-question', 'unsourced-claim']));
    for (const f of deep.findings) {
      expect(f.message).toMatch(HAN);
      expect(englishLeft(f.message)).toEqual([]);
    }
    expect(deep.findings.find((f) => f.kind === 'suggested-article')?.message).toBe('“Ownership”、“Rust ownership”讨论了“Drop order”，它可以有自己的文章。');
    // What the model reads is English whatever the interface language.
    const system = server.requests[0]?.body.messages?.find((m) => m.role === 'system')?.content ?? '';
    expect(system).toMatch(/^You review a wiki/);
    expect(system).not.toMatch(HAN);

    const plan = await check.planReport(check.combine(structural, deep));
    const text = plan.changes.find((c) => !c.derived)?.after ?? '';
    expect(text).toMatch(/^模型检查：\d+ 次调用，\d+ 个词元（提示 \d+，生成 \d+）。$/m);
    expect(text).toContain('## 矛盾（1）');
  });

  it('says which model checks got no usable answer in Chinese, the loose articles by a Chinese name', async () => {
    setInterfaceLanguage('zh-CN');
    server.handler = () => ({ kind: 'text', content: 'I cannot help with that.' });
    const files = { ...fixtureFiles(), 'wiki/concepts/Alone.md': renderArticle({ title: 'Alone', summary: 's', type: 'concept', updated: '2026-01-01' }, 'No links here.\n') };
    const { check } = setup(files, { llm: client() });
    const structural = await check.structural();
    const deep = await check.deep(structural.snapshot);
    expect(deep.failures.length).toBeGreaterThan(1);
    const shortfall = deepShortfall(deep);
    expect(shortfall?.message).toMatch(new RegExp(`^${deep.failures.length} 项深度检查中有 ${deep.failures.length} 项没有从模型得到可用的回答；它们的检查结果缺失。这些检查针对 “`));
    expect(shortfall?.message).toContain('请重新运行深度检查；如果反复出现，请换用更能遵循 JSON 指令的模型');
    expect(deep.failures.map((f) => f.topic)).toContain('未互相链接的文章');
    const text = (await check.planReport(check.combine(structural, deep))).changes.find((c) => !c.derived)?.after ?? '';
    expect(text).toMatch(new RegExp(`其中 ${deep.failures.length} 次没有得到可用的回答，已略去。`));
  });
});
