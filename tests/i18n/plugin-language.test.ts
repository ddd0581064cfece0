/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App, Notice, Plugin as MockPlugin } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Plugin, PluginManifest } from 'obsidian';
import { TaskRunner } from '../../src/ui/task-runner';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import ScriptoriumPlugin from '../../src/main';
import { ScriptoriumSettingTab } from '../../src/ui/settings-tab';
import { PlanPreviewModal } from '../../src/ui/plan-preview-modal';
import type { ChangePlan } from '../../src/core/plan';
import type { CompileEstimate } from '../../src/core/compile';
import { compileConfirmContent } from '../../src/ui/compile/confirm-compile-modal';
import { TFile } from 'obsidian-test-mocks/obsidian';
import type { Command, ObsidianProtocolHandler } from 'obsidian';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { obsidianLinkpathDest } from '../support/obsidian-link-index';

// Obsidian set to Simplified Chinese (it reports "zh"); the rest of the obsidian module is the test fake.
jest.mock('obsidian', () => ({ ...jest.requireActual<object>('obsidian'), getLanguage: () => 'zh' }));

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test', dir: '.obsidian/plugins/scriptorium' };

describe('the plugin in Obsidian set to Chinese', () => {
  it('names every command of the palette in Chinese, from the catalogue, using every command text it has', async () => {
    const app = App.createConfigured__();
    const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
    await plugin.onload();
    const commands = [...(plugin as unknown as { commands__: Map<string, { name: string }> }).commands__.values()];
    const names = commands.map((c) => c.name).sort();
    const catalogue: Record<string, string> = zhCN;
    const commandKeys = Object.keys(en).filter((k) => k.startsWith('command.'));
    expect(names).toEqual(commandKeys.map((k) => catalogue[k]).sort());
    // None is left in English.
    const english = new Set(commandKeys.map((k) => (en as Record<string, string>)[k]));
    expect(names.filter((n) => english.has(n))).toEqual([]);
  });

  it('shows the whole settings tab in Chinese: every heading, name and description, from the catalogue', async () => {
    const app = App.createConfigured__();
    const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
    await plugin.onload();
    const tab = (plugin as unknown as { settingTabs__: unknown[] }).settingTabs__.find((x) => x instanceof ScriptoriumSettingTab) as ScriptoriumSettingTab;
    const groups = tab.getSettingDefinitions() as { heading?: string; items: { name: string; desc: string }[] }[];
    const texts = groups.flatMap((g) => [...(g.heading ? [g.heading] : []), ...g.items.flatMap((i) => [i.name, i.desc])]);
    expect(texts.filter((text) => !/\p{Script=Han}/u.test(text))).toEqual([]);
    const catalogue: Record<string, string> = zhCN;
    const nameKeys = Object.keys(en).filter((k) => /^settings\..*\.name$/.test(k));
    expect(groups.flatMap((g) => g.items.map((i) => i.name)).sort()).toEqual(nameKeys.map((k) => catalogue[k]).sort());
    expect(groups.map((g) => g.heading).filter(Boolean).sort()).toEqual(Object.keys(en).filter((k) => k.endsWith('.heading')).map((k) => catalogue[k]).sort());
  });

  it("shows the change plan preview in Chinese; the plan's own texts (from the core) stay as they are", async () => {
    const plan: ChangePlan = {
      id: 'compile-1',
      operation: 'compile',
      title: 'Compile 2 sources',
      createdAt: 0,
      changes: [
        { path: 'wiki/concepts/New.md', action: 'create', before: null, after: '# New\n', reason: 'new concept from raw/a.md' },
        { path: 'wiki/concepts/Edited.md', action: 'modify', before: '# Edited\n', after: '# Edited\nmore\n', reason: 'merge raw/b.md', needsReview: true },
      ],
      problems: [{ subject: 'raw/Broken.md', message: 'Frontmatter is not valid YAML' }],
      usage: { promptTokens: 1200, completionTokens: 300, totalTokens: 1500 },
    };
    const modal = new PlanPreviewModal(App.createConfigured__().asOriginalType__(), plan);
    const result = modal.ask();
    const el = modal.contentEl;
    const text = el.textContent ?? '';
    expect(text).toContain('2 个文件（新建 1 个，更新 1 个） · 1 个需要你审阅 · 提示 1,200 + 生成 300 个词元');
    expect(text).toContain('1 个问题');
    expect(text).toContain('需要审阅：merge raw/b.md');
    expect([...el.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['取消', '应用 1 个文件']);
    expect([...el.querySelectorAll('summary')].map((b) => b.textContent)).toEqual(['显示改动', '显示改动']);
    modal.close();
    await expect(result).resolves.toBeNull();
  });

  it('asks before a compile in Chinese', () => {
    const e: CompileEstimate = { total: 4, toCompile: ['raw/A.md', 'raw/B.md'], upToDate: ['raw/C.md'], skipped: [], images: 0, problems: [{ subject: 'raw/Big.md', message: 'over the limit' }], modelCalls: 2, promptTokens: 900, completionTokens: 1400 };
    const content = compileConfirmContent(e);
    expect(content.title).toBe('编译 2 篇笔记？');
    expect(content.body).toBe('大约 2 次模型调用，提示 900 个、生成 1,400 个词元（粗略估计）。写入任何内容之前，你都会先看到这些改动。');
    expect(content.notes?.filter(Boolean)).toEqual(['跳过 1 篇未改动的笔记。', '1 篇笔记无法编译（raw/Big.md）：为空、是二进制文件、无法读取，或超过了设置中的大小限制。']);
    expect(content.confirmText).toBe('编译');
  });

  it('tells a busy, stopped or failed task in Chinese', async () => {
    const notices: string[] = [];
    const spy = jest.spyOn(Notice.prototype, 'constructor__').mockImplementation((message: unknown) => void notices.push(String(message)));
    try {
      const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
      const tasks = new TaskRunner({ plugin: new PluginClass(App.createConfigured__().asOriginalType__(), manifest), surface: 'status-bar' });
      let release = () => {};
      const first = tasks.run('图片下载', () => new Promise<void>((resolve) => (release = resolve)));
      await tasks.run('编译', () => Promise.resolve());
      release();
      await first;
      await tasks.run('图片下载', () => Promise.reject(new Error('disk full')));
      expect(notices).toEqual([
        'Scriptorium：图片下载仍在运行。请等它完成，或先停止它（点击状态栏中的进度，或运行“停止正在运行的任务”）。',
        'Scriptorium：图片下载失败：disk full',
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('runs the health checks in Chinese: the notices, the report note, and an Apply link that still works', async () => {
    const fixture = path.join(__dirname, '..', 'fixtures', 'lint-wiki');
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else files[path.relative(fixture, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
      }
    };
    walk(fixture);
    const notices: string[] = [];
    const spy = jest.spyOn(Notice.prototype, 'constructor__').mockImplementation((message: unknown) => void notices.push(String(message)));
    try {
      const app = App.createConfigured__();
      app.metadataCache.getFirstLinkpathDest = (linkpath: string, sourcePath: string) => obsidianLinkpathDest(app.vault.getFiles(), linkpath, sourcePath);
      const plugin = new ScriptoriumPlugin(app.asOriginalType__(), manifest);
      await plugin.onload();
      const internals = plugin as unknown as { commands__: Map<string, Command>; obsidianProtocolHandlers__: Map<string, ObsidianProtocolHandler>; statusBarItems__: HTMLElement[] };
      for (const [p, text] of Object.entries(files)) await app.vault.create(p, text);
      const waitFor = async <T,>(probe: () => Promise<T | null | undefined> | T | null | undefined, what: string): Promise<T> => {
        for (let i = 0; i < 1500; i++) {
          const value = await probe();
          if (value) return value;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error(`timed out waiting for ${what}`);
      };
      const idle = () => waitFor(() => internals.statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'))?.hasClass('scriptorium-is-hidden'), 'the task to finish');
      [...internals.commands__.values()].find((c) => c.id.endsWith('run-health-checks'))?.callback?.();
      const report = await waitFor(() => app.vault.getFiles().find((f) => f.path.startsWith('wiki/outputs/Health report ') && !f.path.endsWith('2026-01-01.md')), 'the report');
      await new Promise((r) => setTimeout(r, 0));
      await idle();
      const text = await app.vault.read(report);
      expect(text).toMatch(/^# 健康报告 \d{4}-\d\d-\d\d$/m);
      expect(text).toContain('## 失效链接（5）');
      // Each finding's line: the place, a Chinese colon, the finding.
      expect(text.split('\n').filter((l) => l.startsWith('- [[') && /\]\]（第 \d+ 行）: |\]\]: /.test(l))).toEqual([]);
      const link = /\[应用\]\((obsidian:\/\/scriptorium-lint-fix\?[^)]+id=rebuild-index)\)/.exec(text);
      expect(link).not.toBeNull();
      const index = app.vault.getAbstractFileByPath('wiki/index.md') as TFile;
      const before = await app.vault.read(index);
      const params = Object.fromEntries(new URL(link![1]).searchParams) as Record<string, string>;
      void internals.obsidianProtocolHandlers__.get('scriptorium-lint-fix')?.({ action: 'scriptorium-lint-fix', ...params });
      await waitFor(async () => ((await app.vault.read(index)) !== before ? true : null), 'the rebuilt index');
      await idle();
      // The summary is a sentence of its own after a colon (it was glued on: 健康检查发现15 个问题, 健康检查发现10 篇笔记中没有问题).
      expect(notices[0]).toMatch(/^Scriptorium：健康检查结果：15 个问题（失效链接 5、/);
      expect(notices.filter((n) => !/\p{Script=Han}/u.test(n))).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('lists a plan’s problems and a compile’s unreadable notes with Chinese punctuation', async () => {
    const plan: ChangePlan = {
      id: 'compile-2',
      operation: 'compile',
      title: '编译 2 个来源',
      createdAt: 0,
      changes: [{ path: 'wiki/concepts/New.md', action: 'create', before: null, after: '# New\n', reason: '来自 raw/a.md 的新概念' }],
      problems: [{ subject: 'raw/Broken.md', message: '属性不是有效的 YAML。' }],
    };
    const modal = new PlanPreviewModal(App.createConfigured__().asOriginalType__(), plan);
    const result = modal.ask();
    expect([...modal.contentEl.querySelectorAll('li')].map((li) => li.textContent)).toContain('raw/Broken.md：属性不是有效的 YAML。');
    modal.close();
    await expect(result).resolves.toBeNull();
    const e: CompileEstimate = { total: 3, toCompile: ['raw/A.md'], upToDate: [], skipped: [], images: 0, problems: [{ subject: 'raw/Big.md', message: 'x' }, { subject: 'raw/Huge.md', message: 'y' }], modelCalls: 1, promptTokens: 9, completionTokens: 14 };
    expect(compileConfirmContent(e).notes?.filter(Boolean).join('\n')).toContain('raw/Big.md、raw/Huge.md');
  });
});

