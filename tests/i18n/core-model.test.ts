import { htmlToMarkdown } from '../../src/cli/html-to-markdown';
import { checkConnection, LlmClient, LlmError } from '../../src/core/llm';
import { EmbeddingsClient } from '../../src/core/llm/embeddings';
import { parseNote } from '../../src/core/markdown';
import { WikiWriter } from '../../src/core/plan';
import { VaultIndex } from '../../src/core/search/vault-index';
import { VectorIndex } from '../../src/core/search/vectors';
import { describeFolderProblem, validateAttachmentsFolder, validateFolders } from '../../src/core/settings';
import { planClip } from '../../src/core/web/clip';
import { gapSourcesReport, planGapSources } from '../../src/core/web/gap-sources';
import { checkWebAddress, WebAddressError } from '../../src/core/web/host-guard';
import { WebPageReader, WebReadError } from '../../src/core/web/page-reader';
import { createWebSearchProvider, WebSearchError, type WebSearchProvider } from '../../src/core/web/search-providers';
import { webProviderInfo } from '../../src/core/web/web-settings';
import { WebCallBudget, WebTools } from '../../src/core/web/web-tools';
import { setInterfaceLanguage } from '../../src/i18n';
import { enCoreModel } from '../../src/i18n/core/en-model';
import { failure } from '../support/llm-calls';
import { MemoryStateStore, MemoryVault } from '../support/memory-vault';
import { OpenAiTestServer } from '../support/openai-server';
import { searxngReply, WebTestServer } from '../support/web-server';

const HAN = /\p{Script=Han}/u;
const clock = { now: () => Date.parse('2026-12-05T10:00:00Z') };

/**
 * The English fixed text of this area's texts: the parts between placeholders that hold a word.
 * None of them may be left in what the core says in Chinese.
 */
const ENGLISH_FRAGMENTS = [
  ...new Set(
    Object.values(enCoreModel)
      .flatMap((text) => text.split(/\{\w+\}/))
      .map((part) => part.replace(/^[\s"'(),.:;—–-]+|[\s"'(),.:;—–-]+$/g, ''))
      .filter((part) => /[A-Za-z]{3,}/.test(part) && part.length >= 5),
  ),
];

/** Expects a text in Chinese: some Han characters, and no English fixed text of this area (as words: "model" in "test-model" is a name). */
function expectChinese(text: string): void {
  expect(text).toMatch(HAN);
  const asWords = (fragment: string) => new RegExp(`(?<![\\w-])${fragment.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![\\w-])`);
  expect(ENGLISH_FRAGMENTS.filter((fragment) => asWords(fragment).test(text))).toEqual([]);
}

let model: OpenAiTestServer;
let site: WebTestServer;

beforeEach(async () => {
  model = await new OpenAiTestServer().start();
  site = await new WebTestServer().start();
});

afterEach(async () => {
  setInterfaceLanguage('en');
  await model.stop();
  await site.stop();
});

function client(options: Partial<ConstructorParameters<typeof LlmClient>[0]> = {}): LlmClient {
  return new LlmClient({ baseURL: model.baseURL, model: 'test-model', apiKey: 'sk-test-secret', maxRetries: 0, ...options });
}

const ask = { messages: [{ role: 'user' as const, content: 'q' }] };

describe('the model client in the interface language (zh-CN)', () => {
  it('says a refused key, a missing model, a long retry wait and a web page in Chinese, with Chinese hints', async () => {
    setInterfaceLanguage('zh-CN');
    model.script({ kind: 'status', status: 401, body: { error: { message: 'bad key' } } });
    const auth = await failure(client().chat(ask));
    expect(auth.kind).toBe('auth');
    expect(auth.message).toBe('端点拒绝了 API 密钥（HTTP 401）：bad key');
    expectChinese(auth.hint);

    model.script({ kind: 'status', status: 404, body: { error: { message: 'gone' } } });
    const missing = await failure(client().chat(ask));
    expect(missing.kind).toBe('model_not_found');
    expectChinese(missing.message);
    expect(missing.message).toContain('test-model');

    model.script({ kind: 'status', status: 429, headers: { 'retry-after': '200' }, body: { error: { message: 'slow down' } } });
    const busy = await failure(client({ maxRetries: 2 }).chat(ask));
    expect(busy.kind).toBe('rate_limit');
    expect(busy.message).toContain('服务器要求等待 200 秒，超过了 60 秒的上限');
    expectChinese(busy.message);
    expectChinese(busy.hint);

    // The plugin names where the limit is raised by its English phrase; it is said in Chinese.
    model.script({ kind: 'status', status: 503, headers: { 'retry-after': '120' }, body: { error: { message: 'busy' } } });
    const unavailable = await failure(client({ maxRetries: 2, retryWaitSetting: 'in settings (Longest retry wait)' }).chat(ask));
    expect(unavailable.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1 暂不可用（HTTP 503）：服务器要求等待 120 秒，超过了 60 秒的上限；请稍后再试，或在设置（最长重试等待）中提高上限。$/);

    // A base URL without its /v1: a web site's page answers.
    site.page('/chat/completions', '<!doctype html><html><body>Welcome</body></html>');
    const page = await failure(client({ baseURL: site.base }).chat(ask));
    expect(page.kind).toBe('unusable_output');
    expectChinese(page.message);
    expectChinese(page.hint);
  });

  it('says an endpoint that cannot be reached, and a stopped request, in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const unreachable = await failure(new LlmClient({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 }).chat(ask));
    expect(unreachable.kind).toBe('connection');
    expect(unreachable.message).toMatch(/^无法连接到 http:\/\/127\.0\.0\.1:9\/v1/);
    expectChinese(unreachable.hint);

    const controller = new AbortController();
    controller.abort();
    const stopped = await failure(client().chat({ ...ask, signal: controller.signal }));
    expect(stopped.kind).toBe('aborted');
    expect(stopped.message).toBe('请求已停止。');
  });

  it('gives the connection report in Chinese: the model answered, or is not offered', async () => {
    setInterfaceLanguage('zh-CN');
    model.script({ kind: 'text', content: 'ok' });
    const ok = await checkConnection(client());
    expect(ok.ok).toBe(true);
    expect(ok.summary).toMatch(/^已连接到 .*；模型“test-model”作出了回答（\d+ 个词元）。$/);
    expectChinese(ok.summary);

    const absent = await checkConnection(client({ model: 'absent-model' }));
    expect(absent.ok).toBe(false);
    expect(absent.error).toBeInstanceOf(LlmError);
    expectChinese(absent.summary);
    expect(absent.summary).toContain('（它有：other-model, test-model）');
    expectChinese(absent.error!.message);

    const down = await checkConnection(new LlmClient({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 }));
    expect(down.summary).toMatch(/^无法连接到 .*（请检查基础地址，并确认服务器正在运行）$/);
  });

  it('says the embeddings client’s errors in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    expect(() => new EmbeddingsClient({ baseURL: model.baseURL, model: '' })).toThrow('向量：未配置向量模型。');
    const missing = await failure(new EmbeddingsClient({ baseURL: model.baseURL, model: 'no-such-embedder', maxRetries: 0 }).embed(['bread']));
    expect(missing.kind).toBe('model_not_found');
    // The sentence, without what the server said after it.
    expectChinese(missing.message.split('：')[0]);
    expect(missing.message).toMatch(/^在 .* 找不到模型“no-such-embedder”（HTTP 404）：/);
  });

  it('keeps the English texts by default', async () => {
    model.script({ kind: 'status', status: 401, body: { error: { message: 'bad key' } } });
    const auth = await failure(client().chat(ask));
    expect(auth.message).toBe('The endpoint refused the API key (HTTP 401): bad key');
    expect(auth.hint).toBe('check the API key');
    model.script({ kind: 'text', content: 'ok' });
    expect((await checkConnection(client())).summary).toMatch(/^Connected to .*; model "test-model" answered \(\d+ tokens\)\.$/);
  });
});

describe('settings problems in the interface language (zh-CN)', () => {
  it('names each folder problem in Chinese, each folder by its own name', () => {
    setInterfaceLanguage('zh-CN');
    const problems = [
      validateFolders({ rawFolder: 'raw', wikiFolder: '' }),
      validateFolders({ rawFolder: '/abs', wikiFolder: 'wiki' }),
      validateFolders({ rawFolder: 'raw', wikiFolder: 'a//b' }),
      validateFolders({ rawFolder: 'raw', wikiFolder: '../wiki' }),
      validateFolders({ rawFolder: 'raw', wikiFolder: 'docs/ wiki' }),
      validateFolders({ rawFolder: 'raw', wikiFolder: 'wi:ki' }),
      validateFolders({ rawFolder: 'raw', wikiFolder: '.obsidian/wiki' }, '.obsidian'),
      validateFolders({ rawFolder: 'raw', wikiFolder: '.hidden' }),
      validateFolders({ rawFolder: 'Docs', wikiFolder: 'docs' }),
      validateFolders({ rawFolder: 'raw', wikiFolder: 'raw/wiki' }),
      validateFolders({ rawFolder: 'wiki/raw', wikiFolder: 'wiki' }),
    ];
    for (const problem of problems) {
      expect(problem).not.toBeNull();
      expectChinese(problem!.message);
    }
    expect(problems[0]!.message).toBe('知识库文件夹为空；请填写仓库内的一个文件夹，例如“wiki”。');
    expect(problems[1]!.message).toContain('原始资料文件夹“/abs”');
    expect(describeFolderProblem(problems[0]!)).toBe('知识库文件夹为空；请填写仓库内的一个文件夹，例如“wiki”。请在 设置 → Scriptorium → 文件夹 中修改。');
    const attachments = validateAttachmentsFolder('wiki/assets', { rawFolder: 'raw', wikiFolder: 'wiki' });
    expectChinese(attachments!);
    expect(validateAttachmentsFolder('', { rawFolder: 'raw', wikiFolder: 'wiki' })).toMatch(/^附件文件夹为空/);
  });

  it('keeps the English texts by default', () => {
    expect(validateFolders({ rawFolder: 'raw', wikiFolder: '' })?.message).toBe('The wiki folder is empty; name a folder inside the vault, for example "wiki".');
  });
});

/** Node's fetch, with "site.example" served by the loopback site (as if DNS said so). */
const publicFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname === 'site.example') {
    url.protocol = 'http:';
    url.host = new URL(site.base).host;
  }
  return fetch(url, init);
};

function searx(urls: string[]): WebSearchProvider {
  site.routes.set('/search', { json: () => searxngReply(urls.map((url, i) => ({ url, title: `Result ${i + 1}`, content: 'snippet' }))) });
  return createWebSearchProvider({ provider: 'searxng', url: site.base, fetch }) as WebSearchProvider;
}

async function refusal(input: string, options: Parameters<typeof checkWebAddress>[1] = { allowPrivateHosts: false }): Promise<WebAddressError> {
  const error: unknown = await checkWebAddress(input, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebAddressError);
  return error as WebAddressError;
}

describe('the web in the interface language (zh-CN)', () => {
  it('refuses addresses in Chinese, keeping the English for a model', async () => {
    setInterfaceLanguage('zh-CN');
    const loopback = await refusal('http://127.0.0.1:8080/admin');
    expect(loopback.message).toBe('127.0.0.1:8080 是回环地址；除非开启“允许私有主机”（--allow-private-hosts），否则不读取本机或私有网络上的网页。');
    expect(loopback.english).toBe('127.0.0.1:8080 is a loopback address; pages on this machine or a private network are not read unless "Allow private hosts" is on (--allow-private-hosts).');
    for (const input of ['not an address', 'ftp://example.org/x', 'https://user:pw@example.org/', 'http://localhost/', 'http://printer/', 'http://[fe80::1]/']) {
      expectChinese((await refusal(input)).message);
    }
    const resolved = await refusal('https://intranet-host.example/', { allowPrivateHosts: false, resolveHost: () => Promise.resolve(['10.1.2.3']) });
    expect(resolved.message).toBe('intranet-host.example 是指向 10.1.2.3 的名称，私有网络地址；除非开启“允许私有主机”（--allow-private-hosts），否则不读取本机或私有网络上的网页。');
  });

  it('says why a page was not read in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const error: unknown = await reader.read(`${site.base}/nothing-here`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebReadError);
    expect((error as WebReadError).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/nothing-here 返回 HTTP 404/);
    expect((error as WebReadError).english).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/nothing-here answered HTTP 404/);
  });

  it('says a web search provider’s missing key or address in Chinese, and names the providers in Chinese', () => {
    setInterfaceLanguage('zh-CN');
    expect(() => createWebSearchProvider({ provider: 'brave', url: '', fetch })).toThrow(WebSearchError);
    expect(() => createWebSearchProvider({ provider: 'brave', url: '', fetch })).toThrow('Brave Search API 需要 API 密钥');
    expect(() => createWebSearchProvider({ provider: 'searxng', url: '', fetch })).toThrow('SearXNG（自托管） 网络搜索需要地址');
    expect(webProviderInfo('custom').label).toBe('自定义端点');
    setInterfaceLanguage('en');
    expect(webProviderInfo('custom').label).toBe('Custom endpoint');
  });

  it('tells the model in English and the person in Chinese when a web tool is refused', async () => {
    setInterfaceLanguage('zh-CN');
    const reader = new WebPageReader({ fetch: publicFetch, htmlToMarkdown, allowPrivateHosts: false, resolveHost: (h) => Promise.resolve(h === 'site.example' ? ['93.184.216.34'] : ['203.0.113.9']) });
    site.page('/hostile', '<article><p>Bread.</p><a href="http://localhost:8080/internal">local link</a></article>');
    const tools = new WebTools({ provider: searx(['http://site.example/hostile']), reader, budget: new WebCallBudget(10) });
    const search = await tools.run('web_search', JSON.stringify({ query: 'bread' }));
    expect(search.step.resultSummary).toMatch(/^来自 SearXNG（自托管） 的 1 条结果$/);
    expect(search.content).toMatch(/^Web results/);
    const read = await tools.run('web_read', JSON.stringify({ url: 'http://site.example/hostile' }));
    expect(read.step.resultSummary).toBe('site.example/hostile — http://site.example/hostile');
    const local = await tools.run('web_read', JSON.stringify({ url: 'http://localhost:8080/internal' }));
    expect(local.step.error).toBe(true);
    expect(local.content).toBe(
      'Error: localhost:8080 is a name for this machine ("localhost"); pages on this machine or a private network are not read unless "Allow private hosts" is on (--allow-private-hosts).',
    );
    expectChinese(local.step.resultSummary);
  });

  it('plans a clip with a Chinese title and reasons, and finds the Chinese-made clip again as already clipped', async () => {
    setInterfaceLanguage('zh-CN');
    site.page('/a', '<html><head><meta property="og:title" content="Sourdough"></head><body><article><p>Wild yeast.</p></article></body></html>');
    const vault = new MemoryVault({ 'raw/Notes.md': '# Mine\n' });
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const budget = new WebCallBudget(1);
    const run = await planClip({ reader, writer, vault, clock, folder: 'raw/web', pages: [`${site.base}/a`, `${site.base}/b`], budget });
    expect(run.plan.title).toBe('把一个网页剪藏到 raw/web（2026-12-05）');
    expect(run.plan.changes.find((c) => c.path === 'raw/web/Sourdough.md')?.reason).toBe(`网页 ${site.base}/a`);
    expect(run.clips[1]).toMatchObject({ status: 'failed', reason: '未读取：已达到本次运行 1 次网络调用的上限' });
    expect(run.plan.problems.map((p) => p.message)).toEqual(['未剪藏：已达到本次运行 1 次网络调用的上限。']);
    await writer.apply(run.plan);
    expect(await vault.read('wiki/log.md')).toContain('把一个网页剪藏到 raw/web（2026-12-05）');

    const again = await planClip({ reader, writer, vault, clock, folder: 'raw/web', pages: [`${site.base}/a`] });
    expect(again.clips).toEqual([{ url: `${site.base}/a`, status: 'already', path: 'raw/web/Sourdough.md', reason: '已剪藏于 raw/web/Sourdough.md' }]);
    expect(again.plan.changes).toEqual([]);
  });
});

describe('finding sources for gaps in the interface language (zh-CN)', () => {
  const finding = { kind: 'gap' as const, path: 'wiki/concepts/Bread.md', line: null, target: 'Rye', message: 'nothing on rye' };

  async function gapRun() {
    site.page('/rye', '<html><head><meta property="og:title" content="Rye bread"></head><body><article><p>Rye has pentosans.</p></article></body></html>');
    model.script({ kind: 'text', content: '{"queries": ["rye bread"]}' });
    const vault = new MemoryVault({ 'raw/Notes.md': '# Mine\n' });
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const progress: string[] = [];
    const run = await planGapSources({
      client: client(),
      provider: searx([`${site.base}/rye`]),
      reader,
      writer,
      vault,
      clock,
      folder: 'raw/web',
      findings: [finding],
      budget: new WebCallBudget(5),
      progress: (line) => progress.push(line),
    });
    return { run, progress, writer, vault };
  }

  it('plans, reports and shows progress in Chinese, and asks the model in English', async () => {
    setInterfaceLanguage('zh-CN');
    const { run, progress, writer, vault } = await gapRun();
    expect(run.plan.title).toBe('为一个缺口从网上找来的来源');
    expect(progress).toEqual(['正在寻找来源 1/1：Rye', `正在读取网页 1/1：${site.base}/rye`]);
    const report = gapSourcesReport(run);
    expect(report.split('\n')).toEqual(['wiki/concepts/Bread.md（Rye）中的空白：nothing on rye', '  已搜索："rye bread"', `  + raw/web/Rye bread.md  ← ${site.base}/rye`]);
    expect(run.plan.changes.find((c) => c.path === 'raw/web/Rye bread.md')?.reason).toBe(`网页 ${site.base}/rye，用于：wiki/concepts/Bread.md（Rye）中的空白：nothing on rye`);
    const prompt = model.chatRequests()[0].body.messages?.find((m) => m.role === 'user')?.content;
    expect(prompt).toBe('<finding>\nGap in wiki/concepts/Bread.md (Rye): nothing on rye\n</finding>');
    await writer.apply(run.plan);
    expect(await vault.read('wiki/log.md')).toContain('为一个缺口从网上找来的来源');
  });

  it('keeps the English report by default', async () => {
    const { run } = await gapRun();
    expect(run.plan.title).toBe('Sources from the web for a gap');
    expect(gapSourcesReport(run).split('\n').slice(0, 2)).toEqual(['Gap in wiki/concepts/Bread.md (Rye): nothing on rye', '  searched: "rye bread"']);
  });
});

describe('the search index and frontmatter in the interface language (zh-CN)', () => {
  it('reports indexing progress in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    const vault = new MemoryVault({ 'raw/A.md': '# A\nalpha\n', 'raw/B.md': '# B\nbeta\n' });
    const index = new VaultIndex({ vault, state: new MemoryStateStore(), settings: {}, debounceMs: 5 });
    const messages: string[] = [];
    await index.sync(undefined, (p) => messages.push(p.message ?? ''));
    expect(messages[0]).toBe('正在为 2 篇笔记建立索引');
    expect(messages[messages.length - 1]).toBe('已为 2 篇笔记建立索引');
    messages.length = 0;
    await index.sync(undefined, (p) => messages.push(p.message ?? ''));
    expect(messages[0]).toBe('索引已是最新');
  });

  it('reports embedding progress in Chinese', async () => {
    setInterfaceLanguage('zh-CN');
    model.models = ['embed-model'];
    const vault = new MemoryVault({ 'garden/Tomatoes.md': '# Tomatoes\nTomatoes need sun.\n', 'garden/Peppers.md': '# Peppers\nPeppers need sun too.\n' });
    const index = new VectorIndex({ vault, state: new MemoryStateStore(), model: 'embed-model' });
    const messages: string[] = [];
    await index.sync(new EmbeddingsClient({ baseURL: model.baseURL, model: 'embed-model', maxRetries: 0 }), { progress: (p) => messages.push(p.message ?? '') });
    expect(messages[0]).toBe('正在为 2 个段落生成向量');
    expect(messages.filter((m) => m !== '')).toContain('已为 2 个段落生成向量，共 2 个');
    const unset = new VectorIndex({ vault, state: new MemoryStateStore(), model: '*' });
    await expect(unset.sync(new EmbeddingsClient({ baseURL: model.baseURL, model: 'embed-model', maxRetries: 0 }))).rejects.toThrow('向量：未配置向量模型，因此无法生成任何向量。');
  });

  it('says broken frontmatter in Chinese, and English by default', () => {
    setInterfaceLanguage('zh-CN');
    expect(parseNote('---\ntitle: [unclosed\n---\nbody\n').frontmatterError).toMatch(/^属性不是有效的 YAML（第 \d+ 行，第 \d+ 列）：/);
    expect(parseNote('---\n- a\n- b\n---\nbody\n').frontmatterError).toBe('属性必须是由各个属性组成的映射，但它是一个列表');
    setInterfaceLanguage('en');
    expect(parseNote('---\n- a\n- b\n---\nbody\n').frontmatterError).toBe('Frontmatter must be a mapping of properties, but it is a list');
  });
});
