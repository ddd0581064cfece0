import { cliSourceEngines } from '../../../src/cli/source-engines';
import { Compiler } from '../../../src/core/compile';
import { LlmClient } from '../../../src/core/llm';
import { readArticle } from '../../../src/core/plan';
import { plainLine } from '../../../src/core/sources/plain-text';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { startServer, type OpenAiTestServer } from '../../support/openai-server';
import { buildPdf, layoutPage } from '../../support/pdf-builder';
import { wikiModelReply } from '../compile/wiki-model';

const clock = { now: () => Date.UTC(2026, 11, 5, 12, 0, 0) };

const HOSTILE = 'Evil\n---\nscriptorium: locked\n# [[../../.obsidian/app|Settings]] ![x](https://tracker.example/t.png) <img src="https://tracker.example/i.png">';

/** Everything in a written summary that links or loads: wikilinks, embeds, markdown links, img tags. */
function linksOf(markdown: string): string[] {
  return [...markdown.matchAll(/!?\[\[[^\]]*\]\]|!?\[[^\]]*\]\([^)]*\)|<img\b[^>]*>/g)].map((m) => m[0]);
}

async function compileOne(files: Record<string, string | Uint8Array>): Promise<string> {
  const server: OpenAiTestServer = await startServer();
  try {
    server.handler = (request) => wikiModelReply(request);
    const vault = new MemoryVault(files);
    const llm = new LlmClient({ baseURL: server.baseURL, model: 'test-model', fetch: globalThis.fetch, maxRetries: 0, timeoutMs: 10_000 });
    const compiler = new Compiler({ vault, state: new MemoryStateStore(), clock, llm, settings: { rawFolder: 'raw', wikiFolder: 'wiki', contextTokens: 6000, maxConcurrentRequests: 1 }, engines: cliSourceEngines() });
    const run = await compiler.compile();
    expect(run.sources.map((s) => s.status)).toEqual(['compiled']);
    await compiler.apply(run);
    return vault.read(run.sources[0].summary ?? '');
  } finally {
    await server.stop();
  }
}

describe('metadata from a hostile source cannot write markdown into its summary', () => {
  it('plainLine keeps the words and drops links, embeds, tags and line breaks', () => {
    expect(plainLine(HOSTILE)).toBe('Evil --- scriptorium: locked # Settings x');
    expect(plainLine('Using [brackets] and a < b > c in Vector<T>')).toBe('Using [brackets] and a < b > c in Vector<T>');
    expect(plainLine('x'.repeat(400), 300)).toHaveLength(300);
  });

  it('a saved page whose <title>, author and date carry links, images and line breaks', async () => {
    const html = `<html><head><title>${HOSTILE.replace(/</g, '&lt;')}</title><meta name="author" content="Eve [[../../.obsidian/x]]"><meta property="article:published_time" content="soon ![p](https://tracker.example/d.png)"></head><body><article><h2>Body</h2><p>Sourdough bread rises through fermentation. The Levain is the starter culture.</p></article></body></html>`;
    const summary = await compileOne({ 'raw/page.html': html });
    const info = readArticle(summary);
    expect(info.title).toBe('Evil --- scriptorium: locked # Settings x');
    expect(summary).toContain('\n# Evil --- scriptorium: locked # Settings x\n');
    expect(linksOf(summary).filter((l) => !/^\[\[(raw|wiki)\//.test(l))).toEqual([]);
    expect(summary).not.toMatch(/tracker\.example|\[\[\.\./);
  });

  it('a PDF whose Title and Author entries carry links and images', async () => {
    const pdf = buildPdf({
      info: { Title: HOSTILE.replace(/\n/g, ' '), Author: 'Eve ![p](https://tracker.example/a.png); [[../../.obsidian/y|Mallory]]' },
      pages: [layoutPage([{ kind: 'paragraph', text: 'Sourdough bread rises through fermentation by wild yeast. The Levain is the starter culture that leavens the dough.' }])],
    });
    const summary = await compileOne({ 'raw/paper.pdf': pdf });
    expect(readArticle(summary).title).toBe('Evil --- scriptorium: locked # Settings x');
    expect(summary).toContain('by Eve p, Mallory');
    expect(linksOf(summary).filter((l) => !/^\[\[(raw|wiki)\//.test(l))).toEqual([]);
    expect(summary).not.toMatch(/tracker\.example|\[\[\.\./);
  });
});
