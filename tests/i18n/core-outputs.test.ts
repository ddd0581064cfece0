/**
 * The texts src/core/render, src/core/sources and src/core/synth make for a person, in the interface
 * language: plan titles, reasons and log lines, summaries, warnings, errors, and the fixed text of
 * the dataset card and the evaluation report. Driven through the core's own interfaces, once in
 * Chinese and once in English (the default, unchanged).
 */
import { LlmClient } from '../../src/core/llm';
import { WikiWriter } from '../../src/core/plan';
import { OutputRenderer, RenderError } from '../../src/core/render';
import { planImageDownloads } from '../../src/core/sources/image-download';
import { profileDataset, isDatasetProblem } from '../../src/core/sources/dataset-profile';
import { readerForFile, unsupportedReason, type SourceDefect, type SourceReadContext } from '../../src/core/sources';
import {
  buildDataset,
  datasetFileReason,
  evalReportNote,
  evalReportTitle,
  evalText,
  readPrevious,
  summarize,
  trainingDataLogDetail,
  trainingDataTitle,
  type EvalItem,
  type SynthRun,
} from '../../src/core/synth';
import { setInterfaceLanguage } from '../../src/i18n';
import type { FetchFn } from '../../src/core/ports/fetch';
import { makePng } from '../support/image-server';
import { MemoryStateStore, MemoryVault } from '../support/memory-vault';
import { OpenAiTestServer } from '../support/openai-server';

afterEach(() => setInterfaceLanguage('en'));

const HAN = /[\u4e00-\u9fff]/;

/**
 * True when `text`, with the parts that vary (titles, paths, numbers, ids the user wrote or the
 * model chose) taken out, has no English word left: the fixed text is all translated.
 */
function noEnglishLeft(text: string, ...varying: string[]): boolean {
  let rest = text;
  for (const v of varying) rest = rest.split(v).join(' ');
  return !/[A-Za-z]{2,}/.test(rest);
}

const RAW_NOTE = `---
source: https://example.com/rust-async
---
# Async Rust

Async Rust uses [[Futures]] polled by an executor.

| Runtime | Tasks per second |
|---|---|
| Tokio | 1200000 |
| smol | 1010000 |
`;

const DECK = {
  title: 'Async Rust',
  subtitle: '',
  slides: [
    { title: 'Futures', bullets: ['A future is a value that is not ready yet'], notes: '', images: ['![[missing.png]]'] },
    { title: 'Runtimes', bullets: ['Tokio and smol'], notes: '' },
  ],
};

describe('renders in Chinese', () => {
  let server: OpenAiTestServer;
  let vault: MemoryVault;
  let writer: WikiWriter;
  let renderer: OutputRenderer;
  const clock = { now: () => Date.UTC(2026, 11, 5, 12) };

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = new MemoryVault({
      'raw/Async Rust.md': RAW_NOTE,
      'wiki/concepts/Futures.md': '# Futures\n\nSee [[Async Rust]] and [[Executors]].\n',
      'wiki/concepts/Executors.md': '# Executors\n\nThey poll [[Futures]].\n',
    });
    writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    renderer = new OutputRenderer({ vault, writer, clock, client: new LlmClient({ baseURL: server.baseURL, model: 'test-model', apiKey: 'sk-test', maxRetries: 0 }) });
  });
  afterEach(async () => {
    await server.stop();
  });

  it("gives a deck's plan title, reason, summary, warning and log line in Chinese, and undo reads the plan back", async () => {
    setInterfaceLanguage('zh-CN');
    server.script({ kind: 'text', content: JSON.stringify(DECK) });
    const result = await renderer.planSlides({ kind: 'note', path: 'raw/Async Rust.md' }, { slides: 3 });
    const deck = 'wiki/outputs/Async Rust slides.md';
    expect(result.plan.title).toBe('幻灯片：Async Rust');
    expect(result.plan.changes.find((c) => c.path === deck)?.reason).toBe('由 Async Rust 制作的幻灯片');
    expect(result.summary).toMatch(HAN);
    expect(noEnglishLeft(result.summary, deck, 'Async Rust')).toBe(true);
    expect(result.warnings).toEqual(['略去了图片 ![[missing.png]]：仓库中没有这张图片。']);
    expect(result.plan.problems.map((p) => p.message)).toEqual(result.warnings);

    await writer.apply(result.plan);
    const log = await vault.read('wiki/log.md');
    expect(log).toContain('幻灯片：Async Rust');
    expect(log).toMatch(/4 页，主题 default，来自 Async Rust/);
    // The journal and the log hold the Chinese title: undo finds the plan and takes the deck back out.
    const undone = await writer.undo();
    expect(undone.title).toBe('幻灯片：Async Rust');
    expect(await vault.stat(deck)).toBeNull();
  });

  it("gives a canvas's title, reason, summary and log line in Chinese", async () => {
    setInterfaceLanguage('zh-CN');
    const result = await renderer.planCanvas('wiki/concepts/Executors.md');
    expect(result.plan.title).toBe('白板：Executors 的链接');
    expect(result.plan.changes[0].reason).toBe('wiki/concepts/Executors.md 的链接图');
    expect(result.summary).toBe('Executors 的白板，含 1 个出链和 1 个反向链接 → wiki/outputs/Executors links.canvas');
    expect(result.plan.logDetails).toEqual(['1 个出链，1 个反向链接']);
    const more = await renderer.planCanvas('wiki/concepts/Futures.md');
    expect(more.summary).toBe('Futures 的白板，含 2 个出链和 2 个反向链接 → wiki/outputs/Futures links.canvas');
  });

  it("gives a dataset chart's title, reasons, summary and warnings in Chinese", async () => {
    setInterfaceLanguage('zh-CN');
    // 20 dated rows and one that is not a date: the column is still dates, and that row is left out.
    const rows = Array.from({ length: 20 }, (_, i) => `2026-0${1 + (i % 2)}-${String(1 + i).padStart(2, '0')},${i + 1}`);
    await vault.write('raw/sales.csv', ['day,amount', ...rows, 'soon,3', ''].join('\n'));
    server.script({ kind: 'text', content: JSON.stringify({ type: 'bar', title: 'Sales by month', x: 'day', y: ['amount'], aggregate: 'sum', group_dates: 'month', filters: [], top: null, sort: 'x' }) });
    const result = await renderer.planChart({ kind: 'note', path: 'raw/sales.csv' });
    expect(result.plan.title).toBe('图表：Sales by month');
    expect(result.plan.changes.filter((c) => result.paths.includes(c.path)).map((c) => c.reason)).toEqual(['由数据集 raw/sales.csv 制作的图表笔记', '柱状图图片']);
    expect(result.summary).toBe('柱状图“Sales by month”，数据来自 CSV，21 行 × 2 列 → wiki/outputs/sales chart.svg（显示在 wiki/outputs/sales chart.md 中）');
    expect(result.warnings).toEqual(['略去了 1 行：它的“day”不是日期。']);
  });

  it('says why nothing was made in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    await expect(renderer.planCanvas('wiki/Nope.md')).rejects.toThrow('“wiki/Nope.md”处没有笔记。');
    await expect(renderer.planSlides({ kind: 'selection', path: 'raw/Async Rust.md', text: ' ' })).rejects.toThrow('选中内容为空：请先选中一些文字。');

    server.script({ kind: 'text', content: JSON.stringify({ type: 'none', reason: '' }) });
    const error = await renderer.planChart({ kind: 'note', path: 'raw/Async Rust.md' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as Error).message).toBe('没有制作图表：模型没有找到可以画成图表的数字。没有写入任何内容。');

    const offline = new OutputRenderer({ vault, writer, clock });
    await expect(offline.planDiagram({ kind: 'note', path: 'raw/Async Rust.md' })).rejects.toThrow('制作示意图需要模型：请在设置中配置一个。');

    await vault.write('raw/empty.csv', '');
    const empty = await renderer.planChart({ kind: 'note', path: 'raw/empty.csv' }).catch((e: unknown) => e);
    expect((empty as Error).message).toBe('没有制作图表：这个文件为空。没有写入任何内容。');
  });

  it('stays English by default', async () => {
    const result = await renderer.planCanvas('wiki/concepts/Futures.md');
    expect(result.plan.title).toBe('Canvas: links of Futures');
    expect(result.summary).toBe('Canvas of Futures with 2 out-links and 2 backlinks → wiki/outputs/Futures links.canvas');
    const one = await renderer.planCanvas('wiki/concepts/Executors.md');
    expect(one.summary).toBe('Canvas of Executors with 1 out-link and 1 backlink → wiki/outputs/Executors links.canvas');
    await expect(renderer.planCanvas('wiki/Nope.md')).rejects.toThrow('No note at "wiki/Nope.md".');
  });
});

describe('sources in Chinese', () => {
  async function context(files: Record<string, string | Uint8Array>): Promise<SourceReadContext> {
    const vault = new MemoryVault(files);
    return { vault, files: await vault.list(), engines: {}, budgetTokens: 100_000 };
  }

  async function defect(path: string, files: Record<string, string | Uint8Array>): Promise<SourceDefect> {
    const reader = readerForFile(path);
    if (!reader) throw new Error(`no reader for ${path}`);
    return (await reader.read(path, await context(files))) as SourceDefect;
  }

  it('says why a file cannot be compiled in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const reason = unsupportedReason('raw/notes.xyz');
    expect(reason).toMatch(/^Scriptorium 不编译“\.xyz”文件/);

    const pdf = await defect('raw/paper.pdf', { 'raw/paper.pdf': new Uint8Array([1, 2, 3]) });
    expect(pdf.kind).toBe('unsupported');
    expect(pdf.message).toBe('这里无法读取 PDF：此平台上没有可用的 PDF 引擎。');

    const image = await defect('raw/photo.png', { 'raw/photo.png': new Uint8Array([1, 2, 3, 4]) });
    expect(image.kind).toBe('unreadable');
    expect(noEnglishLeft(image.message, 'PNG')).toBe(true);

    const page = await defect('raw/page.html', { 'raw/page.html': '' });
    expect(page.message).toBe('保存的网页需要 HTML 到 markdown 的转换器，而这里没有；请在 Obsidian 插件中或用 scriptorium 命令编译这个网页。');

    const vault = new MemoryVault({ 'raw/one.json': '{"a": 1}', 'raw/bin.csv': new Uint8Array([0x61, 0, 0x62, 0x0a]) });
    const oneObject = await profileDataset(vault, 'raw/one.json');
    expect(isDatasetProblem(oneObject) && oneObject.message).toBe('这个文件不是 JSON 数据集：它只有一个对象，而不是记录列表（对象数组，或包含这种数组的对象）。');
    const binary = await profileDataset(vault, 'raw/bin.csv');
    expect(isDatasetProblem(binary) && binary.message).toBe('这个文件是二进制文件（含有 NUL 字节），不是 CSV 文本。');
  });

  it("gives Download images' title, reasons, failures and log line in Chinese, and undo reads the plan back", async () => {
    setInterfaceLanguage('zh-CN');
    const png = makePng(2, 2, [255, 0, 0]);
    const fetch: FetchFn = (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/red.png')) return Promise.resolve(new Response(new Blob([png.slice()]), { headers: { 'content-type': 'image/png' } }));
      if (url.endsWith('/page.html')) return Promise.resolve(new Response('<html></html>', { headers: { 'content-type': 'text/html' } }));
      return Promise.resolve(new Response('gone', { status: 404, statusText: 'Not Found' }));
    };
    const note = 'raw/clip.md';
    const vault = new MemoryVault({ [note]: '# Clip\n\n![red](https://example.org/red.png) ![page](https://example.org/page.html) ![ftp](ftp://example.org/a.png)\n' });
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock: { now: () => Date.UTC(2026, 11, 5, 12) }, wikiFolder: 'wiki', rawFolder: 'raw' });
    const run = await planImageDownloads({ vault, writer, fetch, rawFolder: 'raw', attachmentsFolder: 'raw/assets', paths: [note, 'wiki/elsewhere.md'] });

    expect(run.plan.title).toBe('下载 1 篇笔记中的图片');
    const rewritten = run.plan.changes.find((c) => c.path === note);
    expect(rewritten?.reason).toBe('1 个图片链接改为指向 raw/assets 中的本地文件');
    const image = run.plan.changes.find((c) => c.path !== note);
    expect(image?.reason).toBe('下载自 https://example.org/red.png');
    expect(run.images.filter((i) => i.status === 'failed').map((i) => i.reason)).toEqual(['服务器发来的是 text/html，不是图片', '不下载“ftp:”地址（只下载 http 和 https）']);
    const problems = run.plan.problems.map((p) => p.message);
    expect(problems).toContain('不在原始资料文件夹“raw/”中：“下载图片”只改写原始笔记。');
    expect(problems).toContain('https://example.org/page.html：服务器发来的是 text/html，不是图片；链接保持不变。');
    expect(run.plan.logDetails).toEqual(['1 个图片文件已下载到 raw/assets，2 张图片失败']);

    await writer.apply(run.plan);
    expect(await vault.read('wiki/log.md')).toContain('下载 1 篇笔记中的图片');
    const undone = await writer.undo();
    expect(undone.title).toBe('下载 1 篇笔记中的图片');
    expect(await vault.read(note)).toContain('(https://example.org/red.png)');
  });

  it('stays English by default', async () => {
    expect(unsupportedReason('raw/notes.xyz')).toMatch(/^"\.xyz" files are not a kind Scriptorium compiles/);
    const pdf = await defect('raw/paper.pdf', { 'raw/paper.pdf': new Uint8Array([1, 2, 3]) });
    expect(pdf.message).toBe('PDFs cannot be read here: no PDF engine is available on this platform.');
  });
});

describe('training data and evaluation in Chinese', () => {
  function synthRun(): SynthRun {
    const pair = (article: string, question: string) => ({ question, answer: `About ${question} [[${article.replace(/\.md$/, '')}#Intro]].`, citations: [`[[${article.replace(/\.md$/, '')}#Intro]]`], article, kind: 'factual' as const });
    const articles = ['wiki/concepts/Levain.md', 'wiki/concepts/Starter.md', 'wiki/concepts/Hydration.md'].map((path, i) => ({
      path,
      hash: `hash-${i}`,
      pairs: [pair(path, `What is ${path}?`), pair(path, `Why ${path}?`)],
      rejected: [],
      generated: 2,
      reused: false,
    }));
    return { articles, counts: { generated: 7, unsupported: 1, duplicate: 0, kept: 6 }, totalKept: 6, usage: { promptTokens: 100, completionTokens: 50, totalTokens: 150 }, failures: [], stopped: false, deferred: [], model: 'test-model' };
  }

  function items(): EvalItem[] {
    const base = { answer: 'x', reference: 'The levain is mixed the night before.', cited: 1, tokens: 100, ms: 50 };
    return [
      { ...base, question: 'When is the levain mixed?', article: 'wiki/concepts/Levain.md', kind: 'factual', f1: 0.5, supported: false, citedRelevant: 0, citationRecall: 0, refused: false },
      { ...base, question: 'Who invented it?', article: 'wiki/concepts/Levain.md', kind: 'unanswerable', f1: null, supported: null, citedRelevant: 1, citationRecall: null, refused: true },
    ];
  }

  it("writes the dataset card's fixed text in Chinese, and the next run still reads the dataset back", () => {
    setInterfaceLanguage('zh-CN');
    const dataset = buildDataset(synthRun(), { name: 'bread', seed: 1, createdAt: '2026-12-05T10:00:00Z' });
    const card = dataset.files['README.md'];
    for (const heading of ['## 文件', '## 计数', '## 问答对如何检查', '## 局限']) expect(card).toContain(heading);
    expect(card).toContain('保留：6 个（');
    const headings = card.split('\n').filter((l) => l.startsWith('#'));
    expect(headings.slice(1).every((h) => noEnglishLeft(h))).toBe(true);
    for (const english of ['Question–answer pairs', 'Counts', 'Kept:', 'How pairs were checked', 'Limits', 'training conversations', 'Last run']) expect(card).not.toContain(english);
    // What is read back (manifest.json, pairs.jsonl) does not depend on the language the card was written in.
    const previous = readPrevious(dataset.files['manifest.json'], dataset.files['pairs.jsonl']);
    expect([...(previous?.articles.keys() ?? [])].sort()).toEqual(['wiki/concepts/Hydration.md', 'wiki/concepts/Levain.md', 'wiki/concepts/Starter.md']);
    expect(previous?.articles.get('wiki/concepts/Levain.md')?.pairs).toHaveLength(2);

    expect(trainingDataTitle('bread')).toBe('训练数据：bread');
    expect(datasetFileReason('README.md')).toBe('数据集说明');
    expect(datasetFileReason('train.jsonl')).toBe('训练数据：train.jsonl');
    expect(trainingDataLogDetail({ generated: 7, unsupported: 1, duplicate: 0 }, 6)).toBe('生成 7 个问答对，1 个没有依据，0 个重复，保留 6 个');
  });

  it("writes the evaluation report's headings, labels and sentences in Chinese", () => {
    setInterfaceLanguage('zh-CN');
    const report = { summary: summarize(items(), 'test-model'), items: items(), stopped: false };
    const title = evalReportTitle('test-model');
    expect(title).toBe('模型评估：test-model');
    const note = evalReportNote([report], title, '2026-12-05');
    expect(note).toContain('2026-12-05 运行，使用验证划分中的 2 个问题。');
    expect(note).toContain('| 有依据的回答 | 0.00 |');
    expect(note).toContain('## 得分');
    expect(note).toContain('## `test-model` 没答好的问题');
    expect(note).toContain('- **When is the levain mixed?**（factual，[[wiki/concepts/Levain]]）— 预期：');
    const fixed = note
      .split('\n')
      .filter((l) => !l.startsWith('- **') && !l.startsWith('```'))
      .join('\n');
    expect(noEnglishLeft(fixed, 'test-model', 'F1')).toBe(true);
    const table = evalText([report.summary]);
    expect(noEnglishLeft(table, 'test-model', 'F1')).toBe(true);
    // Chinese labels take two terminal columns a character: the table's rows still end at the same column.
    const width = (line: string) => [...line].reduce((n, ch) => n + (HAN.test(ch) || /[（）]/.test(ch) ? 2 : 1), 0);
    expect(new Set(table.split('\n').map(width)).size).toBe(1);
  });

  it('stays English by default', () => {
    const card = buildDataset(synthRun(), { name: 'bread', seed: 1, createdAt: '2026-12-05T10:00:00Z' }).files['README.md'];
    expect(card).toContain('## How pairs were checked');
    expect(card).toContain('Kept: 6 (');
    const report = { summary: summarize(items(), 'test-model'), items: items(), stopped: false };
    const note = evalReportNote([report], evalReportTitle('test-model'), '2026-12-05');
    expect(note.startsWith('# Model evaluation: test-model\n\nRun 2026-12-05 over 2 questions of the validation split.')).toBe(true);
    expect(note).toContain('## Questions `test-model` missed');
  });
});
