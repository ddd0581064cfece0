import { htmlToMarkdown } from '../../../src/cli/html-to-markdown';
import { parseNote } from '../../../src/core/markdown';
import { WikiWriter } from '../../../src/core/plan';
import { planClip } from '../../../src/core/web/clip';
import { inertMarkdown } from '../../../src/core/web/inert-markdown';
import { WebPageReader } from '../../../src/core/web/page-reader';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { WebTestServer } from '../../support/web-server';

let site: WebTestServer;

beforeEach(async () => {
  site = await new WebTestServer().start();
});

afterEach(async () => {
  await site.stop();
});

const clock = { now: () => Date.parse('2026-12-05T10:00:00Z') };

async function clipOne(path: string): Promise<{ text: string; body: string; fm: Record<string, unknown> }> {
  const vault = new MemoryVault({ 'raw/Private diary.md': 'secret\n' });
  const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
  const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
  const run = await planClip({ reader, writer, vault, clock, folder: 'raw/web', pages: [`${site.base}${path}`] });
  expect(run.clips[0].status).toBe('clipped');
  await writer.apply(run.plan);
  const text = await vault.read(run.clips[0].path ?? '');
  const note = parseNote(text);
  return { text, body: note.body, fm: note.frontmatter };
}

/** What a hostile author puts in a page so that it runs or reaches into the vault once clipped. */
const ACTIVE_MARKDOWN = [
  '# Field notes',
  '',
  'Embedded: ![[Private diary]] and linked: [[Private diary|notes]].',
  'A file embed by path: ![diary](Private%20diary.md) and a reference ![d][1].',
  '',
  '[1]: raw/Private%20diary.md',
  '',
  '```dataviewjs',
  'dv.paragraph(app.vault.adapter.basePath)',
  '```',
  '',
  '~~~js-engine',
  'return engine.markdown.create("x")',
  '~~~',
  '',
  'Inline: `$= dv.current().file.path` and `= this.file.name`.',
  '',
  '<% tp.system.clipboard() %> and <%* await app.vault.delete(app.vault.getMarkdownFiles()[0]) %>',
  '',
  '<iframe src="https://tracker.example/"></iframe><script>alert(1)</script><style>body{display:none}</style>',
  '',
  '```python',
  'print("<% kept as code %>")',
  '```',
  '',
  'Plain `code span` and a [web link](https://example.org/a).',
].join('\n');

describe('clipping a hostile page', () => {
  it('makes the active markdown of a markdown page inert: no plugin code block, no Templater or inline query, no embed or link into the vault, no raw script, frame or style', async () => {
    site.routes.set('/notes.md', { type: 'text/markdown; charset=utf-8', body: ACTIVE_MARKDOWN });
    const { text, body } = await clipOne('/notes.md');
    expect(text).not.toMatch(/```dataviewjs|~~~js-engine/);
    expect(text).not.toContain('<%');
    expect(text).not.toMatch(/`\$?=/);
    expect(body).not.toMatch(/(?<!\\)\[\[/);
    expect(body).not.toMatch(/\]\((?!https?:)/);
    expect(body).not.toMatch(/^\[1\]: (?!https?:)/m);
    expect(body).not.toMatch(/<(iframe|script|style)/i);
    // What is text stays readable: code keeps its language and text, the web link is untouched.
    expect(body).toContain('```python');
    expect(body).toMatch(/print\("<\u200b% kept as code %>"\)/);
    expect(body).toContain('Plain `code span`');
    expect(body).toContain('[web link](https://example.org/a)');
    expect(body).toContain(`![diary](${site.base}/Private%20diary.md)`);
    expect(body).toContain('dv.paragraph(app.vault.adapter.basePath)');
  });

  it('does the same for an HTML page, and for Templater commands in its title and author', async () => {
    site.page(
      '/page',
      `<html><head><meta property="og:title" content="Title <% tp.file.cursor() %>"><meta name="author" content="<%* tR += 1 %>"></head><body><article><p>Before</p><pre><code class="language-dataviewjs">dv.paragraph(1)</code></pre><p>&lt;% tp.date.now() %&gt; and <code>$= dv.pages().length</code></p></article></body></html>`,
    );
    const { text, body } = await clipOne('/page');
    expect(text).not.toContain('<%');
    expect(text).not.toContain('```dataviewjs');
    expect(body).not.toMatch(/`\$?=/);
    expect(body).toContain('dv.paragraph(1)');
  });
});

describe('clipping links that act when clicked', () => {
  it('keeps http(s) and mailto links but not obsidian:, javascript: or file: ones, in markdown links, autolinks and raw HTML', async () => {
    site.routes.set(
      '/links.md',
      {
        type: 'text/markdown',
        body: [
          '# Links',
          '[Read more](obsidian://advanced-uri?vault=v&commandid=app%3Adelete-file) and [run](javascript:alert(1)) and [disk](file:///etc/passwd).',
          'Autolinks: <obsidian://new?file=x&content=y> and <https://example.org/ok>.',
          '<a href="obsidian://open?file=Private">raw</a>',
          '[Fine](https://example.org/fine) and [write](mailto:ada@example.org) and ![pic](data:image/png;base64,iVBORw0KGgo=).',
          'A [reference][cmd].',
          '',
          '[cmd]: obsidian://advanced-uri?commandid=editor%3Adelete-paragraph',
        ].join('\n'),
      },
    );
    site.page('/links', '<article><p><a href="obsidian://open?file=Private">open</a> <a href="javascript:alert(1)">js</a> <a href="/ok">ok</a></p></article>');
    for (const path of ['/links.md', '/links']) {
      const { body } = await clipOne(path);
      expect(body).not.toMatch(/obsidian:|javascript:|file:/);
      expect(body).not.toMatch(/\]\((obsidian|javascript|file):/);
      expect(body).not.toMatch(/<(obsidian|javascript|file):/);
      expect(body).not.toMatch(/<a\s/);
    }
    const { body } = await clipOne('/links.md');
    expect(body).toContain('[Read more] and [run] and [disk].');
    expect(body).not.toContain('advanced-uri');
    expect(body).toContain('[Fine](https://example.org/fine) and [write](mailto:ada@example.org)');
    expect(body).toContain('<https://example.org/ok>');
    expect(body).toContain('![pic](data:image/png;base64,iVBORw0KGgo=)');
  });
});

describe('reading a hostile page', () => {
  it('refuses a page nesting its elements 100 000 deep at once, instead of spending a minute on it', async () => {
    site.page('/deep', `<html><head><title>Deep</title></head><body>${'<b><i>'.repeat(100_000)}text</body></html>`);
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const started = Date.now();
    await expect(reader.read(`${site.base}/deep`)).rejects.toThrow(/nests its elements more than \d+ deep/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('still reads an ordinary page with many unclosed paragraphs and list items', async () => {
    site.page('/sloppy', `<html><body><article>${'<p>para <li>item '.repeat(3_000)}<p>The end.</article></body></html>`);
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    expect((await reader.read(`${site.base}/sloppy`)).markdown).toContain('The end.');
  });
});

describe('reading a page built to be slow', () => {
  it('refuses 2 MB of elements nested 200 deep over and over, in seconds rather than the half minute reading it would take', async () => {
    const unit = `${'<b>'.repeat(198)}x${'</b>'.repeat(198)}`;
    site.page('/heavy', `<html><body>${unit.repeat(Math.floor(2e6 / unit.length))}</body></html>`);
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const started = Date.now();
    await expect(reader.read(`${site.base}/heavy`)).rejects.toThrow(/nests so many elements so deep .* that reading it would hold everything up; it was not read/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('making a hostile page inert', () => {
  it('stays quick on a 2 MB line of brackets, backticks and angle brackets', () => {
    const started = Date.now();
    for (const ch of ['[', '`', '<', '](', '``` ` ', '<a', '[x](']) inertMarkdown(ch.repeat(Math.floor(2e6 / ch.length)));
    let runs = '';
    for (let n = 1; runs.length < 2e6; n++) runs += `${'`'.repeat(n)} x `;
    inertMarkdown(runs);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('clipping pages with hostile titles', () => {
  it('keeps every note inside the web folder with a short, clean name, whatever the titles (100k characters, ../, control characters, CJK, NFD, the same title twice)', async () => {
    const titles = [`../../.obsidian/x\u0001\u0007${'A'.repeat(100_000)}`, '漢字'.repeat(200), 'Cafe\u0301 ../ notes', 'Cafe\u0301 ../ notes', '..', 'CON'];
    titles.forEach((title, i) => site.page(`/t${i}`, `<html><head><title>${title}</title></head><body><article><p>Text ${i}.</p></article></body></html>`));
    const vault = new MemoryVault({ 'raw/web/Café .. notes.md': 'mine\n' });
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const run = await planClip({ reader, writer, vault, clock, folder: 'raw/web', pages: titles.map((_t, i) => `${site.base}/t${i}`) });
    const paths = run.clips.map((c) => c.path ?? '');
    expect(run.clips.map((c) => c.status)).toEqual(titles.map(() => 'clipped'));
    expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(titles.length);
    for (const path of paths) {
      expect(path).toMatch(/^raw\/web\/[^/]+\.md$/);
      const name = path.slice('raw/web/'.length);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
      expect(name).not.toMatch(/[\u0000-\u001f]|^\./);
      expect(name).toBe(name.normalize('NFC'));
    }
    expect(paths.slice(2, 4)).toEqual(['raw/web/Café .. notes (2).md', 'raw/web/Café .. notes (3).md']);
    await writer.apply(run.plan);
    expect(await vault.read('raw/web/Café .. notes.md')).toBe('mine\n');
  });
});

describe('reading a page with huge tables', () => {
  it('reads a table of 5 000 rows in seconds, its cells as text, where the table converter took over a minute', async () => {
    const rows = Array.from({ length: 5_000 }, (_v, i) => `<tr><td>row ${i}</td><td>value ${i}</td></tr>`).join('');
    site.page('/table', `<html><body><article><p>Before.</p><table><tr><th>Name</th><th>Value</th></tr>${rows}</table><p>After.</p></article></body></html>`);
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    const started = Date.now();
    const page = await reader.read(`${site.base}/table`);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(page.markdown).toContain('row 4999');
    expect(page.markdown).toContain('value 4999');
    expect(page.markdown).toContain('After.');
  }, 60_000);

  it('keeps a small table a table', async () => {
    site.page('/small', '<html><body><article><table><tr><th>Name</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table></article></body></html>');
    const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
    expect((await reader.read(`${site.base}/small`)).markdown).toMatch(/\| Name \| Value \|\n\| --- \| --- \|\n\| a +\| 1 +\|/);
  });
});
