import { htmlToMarkdown } from '../../../src/cli/html-to-markdown';
import { readSource } from '../../../src/core/compile/source-reader';
import { parseNote } from '../../../src/core/markdown';
import { PlanError, WikiWriter } from '../../../src/core/plan';
import { WebPageReader } from '../../../src/core/web/page-reader';
import { planClip } from '../../../src/core/web/clip';
import { WebCallBudget } from '../../../src/core/web/web-tools';
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

function setup(files: Record<string, string> = {}) {
  const vault = new MemoryVault({ 'raw/Notes.md': '# Mine\n', 'raw/web/Old clip.md': '---\nsource: "https://old.example/a"\n---\nold\n', ...files });
  const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
  const reader = new WebPageReader({ fetch, htmlToMarkdown, allowPrivateHosts: true });
  return { vault, writer, reader };
}

const page = (title: string, body: string, author = 'Ada Baker') =>
  `<html><head><meta property="og:title" content="${title}"><meta name="author" content="${author}"><meta property="article:published_time" content="2024-02-03"></head><body><article><p>${body}</p></article></body></html>`;

describe('planClip', () => {
  it('writes one new raw note per URL with Web Clipper frontmatter, touches nothing else in raw/, and undoes exactly', async () => {
    site.page('/a', page('Sourdough', 'Wild yeast.'));
    site.page('/b', page('Rye bread', 'Rye has pentosans.', 'B [[evil]] | x'));
    const { vault, writer, reader } = setup({ 'raw/web/Sourdough.md': 'a person’s own note with this name\n' });
    const before = vault.snapshot();
    const run = await planClip({ reader, writer, vault, clock, folder: 'raw/web', pages: [`${site.base}/a`, `${site.base}/b`, `${site.base}/a#again`, 'https://old.example/a'] });

    expect(run.clips.map((c) => [c.status, c.path])).toEqual([
      ['clipped', 'raw/web/Sourdough (2).md'],
      ['clipped', 'raw/web/Rye bread.md'],
      ['already', 'raw/web/Old clip.md'],
    ]);
    expect(run.plan.operation).toBe('clip');
    expect(run.plan.changes.filter((c) => c.path.startsWith('raw/')).map((c) => [c.path, c.action])).toEqual([
      ['raw/web/Sourdough (2).md', 'create'],
      ['raw/web/Rye bread.md', 'create'],
    ]);
    expect(site.hits.map((h) => h.path)).toEqual(['/a', '/b']);

    const applied = await writer.apply(run.plan);
    expect(applied.paths).toEqual(['raw/web/Sourdough (2).md', 'raw/web/Rye bread.md', 'wiki/log.md']);
    const note = parseNote(await vault.read('raw/web/Sourdough (2).md'));
    expect(note.frontmatter).toEqual({
      title: 'Sourdough',
      source: `${site.base}/a`,
      author: ['[[Ada Baker]]'],
      published: '2024-02-03',
      retrieved: '2026-12-05T10:00:00.000Z',
      tags: ['clippings'],
    });
    expect(note.body.trim()).toBe('Wild yeast.');
    expect(parseNote(await vault.read('raw/web/Rye bread.md')).frontmatter.author).toEqual(['[[B evil x]]']);
    // Compile reads it like any clipping: title, address, author, date.
    expect(readSource('raw/web/Sourdough (2).md', await vault.read('raw/web/Sourdough (2).md'), 'h')).toMatchObject({
      kind: 'note',
      title: 'Sourdough',
      url: `${site.base}/a`,
      authors: ['Ada Baker'],
      published: '2024-02-03',
      body: 'Wild yeast.',
    });
    const after = vault.snapshot();
    for (const [path, text] of Object.entries(before)) expect(after[path]).toBe(text);

    await writer.undo();
    expect(vault.snapshot()).toEqual(before);
  });

  it('reports pages that fail and stops reading at the web call cap', async () => {
    site.page('/a', page('A', 'a'));
    site.page('/b', page('B', 'b'));
    const { vault, writer, reader } = setup();
    const run = await planClip({ reader, writer, vault, clock, folder: 'raw/web', pages: [`${site.base}/missing`, `${site.base}/a`, `${site.base}/b`], budget: new WebCallBudget(2) });
    expect(run.clips.map((c) => c.status)).toEqual(['failed', 'clipped', 'failed']);
    expect(run.clips[0].reason).toMatch(/answered HTTP 404/);
    expect(run.clips[2].reason).toMatch(/cap of 2 web calls/);
    expect(site.hitsOf('/b')).toHaveLength(0);
    expect(run.plan.problems.map((p) => p.subject)).toEqual([`${site.base}/missing`, `${site.base}/b`]);
  });

  it('the writer lets a clip create notes in its folder only, never over a file, never elsewhere', async () => {
    const { vault, writer } = setup();
    const plan = await writer.plan({
      operation: 'clip',
      title: 'Clip',
      files: [
        { path: 'raw/web/New.md', content: 'new\n', reason: 'ok' },
        { path: 'raw/web/Old clip.md', content: 'replaced\n', reason: 'overwrite' },
        { path: 'raw/Notes.md', content: 'x\n', reason: 'outside the clip folder' },
        { path: 'wiki/x.md', content: 'x\n', reason: 'wiki' },
        { path: 'raw/web/script.js', content: 'x', reason: 'not a note' },
        { path: 'raw/web/Gone.md', content: null, reason: 'delete' },
      ],
      rawAccess: { notes: [], attachments: '', clipFolder: 'raw/web' },
    });
    expect(plan.changes.filter((c) => !c.derived).map((c) => c.path)).toEqual(['raw/web/New.md']);
    expect(plan.problems.map((p) => p.message)).toEqual([
      'Refused: "raw/web/Old clip.md" already exists; a raw note is never overwritten.',
      'Refused: "raw/Notes.md" is not a note inside the clip folder "raw/web/".',
      'Refused: "wiki/x.md" is not a note inside the clip folder "raw/web/".',
      'Refused: "raw/web/script.js" is not a markdown note.',
      'Refused: a clip only creates notes.',
    ]);
    // A clip folder outside the raw folder, or another operation with a clip folder, is refused outright.
    await expect(writer.plan({ operation: 'clip', title: 'Clip', files: [], rawAccess: { notes: [], attachments: '', clipFolder: 'wiki' } })).rejects.toBeInstanceOf(PlanError);
    await expect(writer.plan({ operation: 'lint-fix', title: 'Fix', files: [], rawAccess: { notes: [], attachments: '', clipFolder: 'raw/web' } })).rejects.toThrow(/only "Download images" and "Clip" may write in the raw folder/);
    // A file that appears between planning and applying is a conflict, not overwritten.
    await vault.write('raw/web/New.md', 'typed by a person\n');
    await expect(writer.apply(plan)).rejects.toThrow(/changed since the plan was made/);
    expect(await vault.read('raw/web/New.md')).toBe('typed by a person\n');
  });
});
