import { hashBytes } from '../../../src/core/markdown';
import { PlanError, PlanJournal, WikiWriter } from '../../../src/core/plan';
import type { VaultWriteOptions } from '../../../src/core/ports/vault';
import { classifyImageUrl, findImageReferences, imageFileName, planImageDownloads, relativeLink, sniffImage } from '../../../src/core/sources/image-download';
import { ImageServer, makePng } from '../../support/image-server';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

const clock = { now: () => Date.UTC(2026, 11, 5, 12) };
const RED = makePng(3, 2, [255, 0, 0]);
const BLUE = makePng(2, 2, [0, 0, 255]);
const GREEN = makePng(1, 1, [0, 255, 0]);

let server: ImageServer;
beforeAll(async () => {
  server = await new ImageServer().start();
  server.routes.set('/img/red.png', { body: RED });
  server.routes.set('/copy/red-again.png', { body: RED });
  server.routes.set('/photos/Blue%20Sky%20(1).jpg?w=800', { body: BLUE, type: 'image/jpeg' });
  server.routes.set('/green.png', { body: GREEN });
  server.routes.set('/page.html', { body: '<html><body>not an image</body></html>', type: 'text/html; charset=utf-8' });
  server.routes.set('/fake.png', { body: 'this is text pretending', type: 'image/png' });
  server.routes.set('/huge.png', { body: new Uint8Array(50_000).fill(7), type: 'image/png' });
  server.routes.set('/huge-chunked.png', { body: new Uint8Array(50_000).fill(7), type: 'image/png', chunked: true });
  server.routes.set('/slow.png', { body: RED, hang: true });
});
afterAll(() => server.stop());
beforeEach(() => server.hits.clear());

/** Every file of the vault, bytes for binary files, so a comparison sees any byte change. */
function everything(vault: MemoryVault): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(vault.snapshot())) {
    const bytes = vault.bytesOf(path);
    out[path] = bytes ? `bytes:${hashBytes(bytes)}:${bytes.length}` : text;
  }
  return out;
}

function clip(base: string): string {
  return [
    '---',
    'source: https://example.org/article',
    'image: https://example.org/cover.png',
    '---',
    '# A clipped article',
    '',
    `![Red square](${base}/img/red.png "the red one")`,
    '',
    `Same picture, other address: ![copy](${base}/copy/red-again.png)`,
    '',
    `<figure><img class="hero" src="${base}/photos/Blue%20Sky%20(1).jpg?w=800" alt="Blue &amp; sky"></figure>`,
    '',
    `![missing](${base}/missing.png) and ![page](${base}/page.html) and ![fake](${base}/fake.png)`,
    `![big](${base}/huge.png) ![big too](${base}/huge-chunked.png) ![slow](${base}/slow.png)`,
    '![local file](file:///etc/passwd) ![inline](data:image/png;base64,iVBORw0KGgo=)',
    '![already local](assets/old.png) ![[embedded.png]]',
    '',
    '```',
    `![in code](${base}/green.png)`,
    '```',
    `Inline \`![code](${base}/green.png)\` is code too.`,
    '',
    `Again: ![Red square](${base}/img/red.png)`,
    '',
  ].join('\n');
}

function setup(extra: Record<string, string | Uint8Array> = {}) {
  const vault = new MemoryVault({
    'raw/clips/Clip.md': clip(server.base),
    'raw/Other.md': `![green](${server.base}/green.png)\n`,
    'raw/paper.pdf': new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]),
    'raw/assets/old.png': GREEN,
    'wiki/index.md': '# Index\n',
    'notes/Mine.md': 'my own note\n',
    ...extra,
  });
  const state = new MemoryStateStore();
  const writer = new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw', attachmentsFolder: 'raw/assets' });
  return { vault, state, writer };
}

function options(vault: MemoryVault, writer: WikiWriter, paths: string[]) {
  return { vault, writer, fetch: globalThis.fetch, rawFolder: 'raw', attachmentsFolder: 'raw/assets', paths, maxBytes: 10_000, timeoutMs: 400 };
}

describe('finding images in a note', () => {
  it('finds markdown and HTML images, not those in code or frontmatter, with offsets of the address', () => {
    const text = clip('https://x.test');
    const refs = findImageReferences(text);
    expect(refs.map((r) => r.url)).toEqual([
      'https://x.test/img/red.png',
      'https://x.test/copy/red-again.png',
      'https://x.test/photos/Blue%20Sky%20(1).jpg?w=800',
      'https://x.test/missing.png',
      'https://x.test/page.html',
      'https://x.test/fake.png',
      'https://x.test/huge.png',
      'https://x.test/huge-chunked.png',
      'https://x.test/slow.png',
      'file:///etc/passwd',
      'data:image/png;base64,iVBORw0KGgo=',
      'assets/old.png',
      'https://x.test/img/red.png',
    ]);
    for (const r of refs) expect(text.slice(r.start, r.end)).toBe(r.syntax === 'html' ? r.url : r.url);
    expect(refs[2]).toMatchObject({ syntax: 'html', alt: 'Blue & sky' });
    expect(refs[0].alt).toBe('Red square');
  });

  it('reads angle-bracket destinations, escapes, entities and unquoted src', () => {
    const text = '![a](<https://x.test/a b.png>) ![b](https://x.test/b\\_c.png) <img src=https://x.test/d.png?a=1&amp;b=2 alt=d>';
    const refs = findImageReferences(text);
    expect(refs.map((r) => r.url)).toEqual(['https://x.test/a b.png', 'https://x.test/b_c.png', 'https://x.test/d.png?a=1&b=2']);
    expect(refs[2].unquoted).toBe(true);
  });

  it('accepts only http and https', () => {
    expect(classifyImageUrl('https://x.test/a.png').kind).toBe('remote');
    expect(classifyImageUrl('//x.test/a.png')).toEqual({ kind: 'remote', url: 'https://x.test/a.png' });
    expect(classifyImageUrl('file:///etc/passwd')).toEqual({ kind: 'refused', scheme: 'file' });
    expect(classifyImageUrl('data:image/png;base64,AA')).toEqual({ kind: 'refused', scheme: 'data' });
    expect(classifyImageUrl('javascript:alert(1)')).toEqual({ kind: 'refused', scheme: 'javascript' });
    expect(classifyImageUrl('assets/a.png').kind).toBe('local');
  });

  it('names files from the URL, the hash and the format, and links relatively', () => {
    expect(imageFileName('https://x.test/photos/Blue%20Sky%20(1).jpg?w=800', 'b0123456789abcdef', 'png')).toBe('Blue-Sky-1-01234567.png');
    expect(imageFileName('https://x.test/', 'bffffffff00000000', 'gif')).toBe('image-ffffffff.gif');
    expect(imageFileName('https://x.test/../../etc/.hidden', 'b11111111', 'svg')).toBe('hidden-11111111.svg');
    expect(relativeLink('raw/clips/Clip.md', 'raw/assets/a.png')).toBe('../assets/a.png');
    expect(relativeLink('raw/Clip.md', 'raw/assets/a.png')).toBe('assets/a.png');
    expect(relativeLink('Clip.md', 'attachments/a.png')).toBe('attachments/a.png');
  });

  it('knows images by their bytes', () => {
    expect(sniffImage(RED)).toEqual({ ext: 'png', mime: 'image/png' });
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))?.ext).toBe('jpg');
    expect(sniffImage(new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'))?.ext).toBe('svg');
    expect(sniffImage(new TextEncoder().encode('<html>'))).toBeNull();
  });
});

describe('planImageDownloads', () => {
  it('downloads only the chosen note\'s images, rewrites only that note, refuses what is not an http(s) image', async () => {
    const { vault, writer } = setup();
    const before = everything(vault);
    const run = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    // Planning writes nothing.
    expect(everything(vault)).toEqual(before);
    // Each address once; the other note's image never asked for; code is not scanned.
    expect(server.hits.get('/img/red.png')).toBe(1);
    expect(server.hits.has('/green.png')).toBe(false);
    const red = `raw/assets/red-${hashBytes(RED).slice(1, 9)}.png`;
    const blue = `raw/assets/Blue-Sky-1-${hashBytes(BLUE).slice(1, 9)}.png`;
    const failed = Object.fromEntries(run.images.filter((i) => i.status === 'failed').map((i) => [i.url.replace(server.base, ''), i.reason]));
    expect(failed).toEqual({
      '/missing.png': 'HTTP 404 Not Found',
      '/page.html': 'the server sent text/html, not an image',
      '/fake.png': 'the server called it image/png, but its bytes are not an image (PNG, JPEG, GIF, WebP, AVIF, SVG, BMP, ICO or TIFF)',
      '/huge.png': 'too big (49 KB; the limit is 10 KB)',
      '/huge-chunked.png': 'too big (more than 10 KB)',
      '/slow.png': 'no answer within 0.4 s',
      'file:///etc/passwd': '"file:" addresses are not downloaded (only http and https)',
      'data:image/png;base64,iVBORw0KGgo=': '"data:" addresses are not downloaded (only http and https)',
    });
    expect(run.plan.problems).toHaveLength(8);
    expect(run.plan.problems.every((p) => p.subject === 'raw/clips/Clip.md' && /the link is left as it is\.$/.test(p.message))).toBe(true);
    // The same bytes from two addresses: one file.
    const images = run.plan.changes.filter((c) => c.binary);
    expect(images.map((c) => c.path).sort()).toEqual([blue, red].sort());
    expect(images.find((c) => c.path === blue)?.binary).toEqual({ size: BLUE.length, hash: hashBytes(BLUE), mime: 'image/png' });
    expect(run.images.filter((i) => i.path === red).map((i) => i.url.replace(server.base, ''))).toEqual(['/img/red.png', '/copy/red-again.png']);
    expect(run.plan.changes.map((c) => c.path)).toEqual(expect.arrayContaining(['raw/clips/Clip.md', 'wiki/log.md']));
    expect(run.plan.changes.some((c) => c.path === 'wiki/index.md')).toBe(false);

    const applied = await writer.apply(run.plan);
    expect(applied.paths.slice(0, 2).sort()).toEqual([blue, red].sort());
    expect(vault.bytesOf(red)).toEqual(RED);
    expect(vault.bytesOf(blue)).toEqual(BLUE);
    const expected = clip(server.base)
      .replace(`](${server.base}/img/red.png "the red one")`, `](../assets/${red.slice(11)} "the red one")`)
      .replace(`](${server.base}/img/red.png)`, `](../assets/${red.slice(11)})`)
      .replace(`(${server.base}/copy/red-again.png)`, `(../assets/${red.slice(11)})`)
      .replace(`src="${server.base}/photos/Blue%20Sky%20(1).jpg?w=800"`, `src="../assets/${blue.slice(11)}"`);
    expect(await vault.read('raw/clips/Clip.md')).toBe(expected);
    // Nothing else in the vault changed but the log.
    const now = everything(vault);
    for (const path of Object.keys(before)) if (path !== 'raw/clips/Clip.md') expect([path, now[path]]).toEqual([path, before[path]]);
    expect(Object.keys(now).filter((p) => !(p in before)).sort()).toEqual([blue, red, 'wiki/log.md'].sort());
    expect(await vault.read('wiki/log.md')).toMatch(/download-images \| Download images in raw\/clips\/Clip\.md[\s\S]*- updated \[\[raw\/clips\/Clip\|Clip\]\]/);
  });

  it('undo restores the note byte for byte and removes the images; the journal holds no image bytes', async () => {
    const { vault, writer, state } = setup();
    const before = everything(vault);
    const run = await planImageDownloads(options(vault, writer, ['raw/clips']));
    await writer.apply(run.plan);
    const journal = (await state.get(PlanJournal.KEY)) ?? '';
    expect(journal.length).toBeLessThan(8000);
    expect(journal).toContain(hashBytes(RED));
    const undone = await writer.undo();
    expect(undone.removed).toEqual(expect.arrayContaining(run.plan.changes.filter((c) => c.binary).map((c) => c.path)));
    const after = everything(vault);
    delete after['wiki/log.md'];
    expect(after).toEqual(before);
  });

  it('reuses a file with the same bytes, from this run or an earlier one', async () => {
    const { vault, writer } = setup({ 'raw/Second.md': `![again](${server.base}/copy/red-again.png) ![green](${server.base}/green.png)\n` });
    const first = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    await writer.apply(first.plan);
    const files = Object.keys(vault.snapshot()).length;
    const second = await planImageDownloads(options(vault, writer, ['raw/Second.md']));
    const red = `raw/assets/red-${hashBytes(RED).slice(1, 9)}.png`;
    // Red is there already (as red-….png), green as old.png: no new file at all.
    expect(second.images.map((i) => [i.status, i.path])).toEqual([
      ['reused', red],
      ['reused', 'raw/assets/old.png'],
    ]);
    expect(second.plan.changes.filter((c) => c.binary)).toEqual([]);
    await writer.apply(second.plan);
    expect(await vault.read('raw/Second.md')).toBe(`![again](assets/${red.slice(11)}) ![green](assets/old.png)\n`);
    expect(Object.keys(vault.snapshot()).length).toBe(files);
  });

  it('a person\'s edit between plan and apply is a conflict: nothing written, nothing lost', async () => {
    const { vault, writer } = setup();
    const run = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    const edited = `${clip(server.base)}\nMy own line.\n`;
    await vault.write('raw/clips/Clip.md', edited);
    const before = everything(vault);
    await expect(writer.apply(run.plan)).rejects.toMatchObject({ kind: 'conflict', paths: ['raw/clips/Clip.md'] });
    expect(everything(vault)).toEqual(before);
    expect(await vault.read('raw/clips/Clip.md')).toBe(edited);
  });

  it('a person\'s edit while the images download is a conflict when planning', async () => {
    const { vault, writer } = setup();
    let edited = false;
    const editingFetch: typeof fetch = async (input, init) => {
      if (!edited) {
        edited = true;
        await vault.write('raw/clips/Clip.md', 'Rewritten by hand meanwhile.\n');
      }
      return globalThis.fetch(input, init);
    };
    await expect(planImageDownloads({ ...options(vault, writer, ['raw/clips/Clip.md']), fetch: editingFetch })).rejects.toMatchObject({ kind: 'conflict' });
    expect(await vault.read('raw/clips/Clip.md')).toBe('Rewritten by hand meanwhile.\n');
  });

  it('undo refuses when a downloaded image was changed since, and removes nothing', async () => {
    const { vault, writer } = setup();
    const run = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    await writer.apply(run.plan);
    const image = run.plan.changes.find((c) => c.binary)?.path as string;
    await vault.writeBinary(image, GREEN);
    const before = everything(vault);
    await expect(writer.undo()).rejects.toMatchObject({ kind: 'conflict', paths: [image] });
    expect(everything(vault)).toEqual(before);
  });

  it('stops when asked: nothing planned, nothing written', async () => {
    const { vault, writer } = setup();
    const before = everything(vault);
    const controller = new AbortController();
    const run = planImageDownloads({ ...options(vault, writer, ['raw/clips/Clip.md']), concurrency: 1, timeoutMs: 10_000, signal: controller.signal, progress: () => controller.abort() });
    await expect(run).rejects.toThrow();
    expect(everything(vault)).toEqual(before);
  });

  it('lists notes outside the raw folder as problems and never reads them', async () => {
    const { vault, writer } = setup({ 'notes/Clip.md': `![x](${server.base}/green.png)\n` });
    const run = await planImageDownloads(options(vault, writer, ['notes/Clip.md', 'raw/nothing-here']));
    expect(run.plan.problems.map((p) => p.message)).toEqual([expect.stringMatching(/Not in the raw folder "raw\/"/), 'No such note or folder.']);
    expect(server.hits.size).toBe(0);
    expect(run.plan.changes).toEqual([]);
  });
});

describe('a run with more images than it may hold', () => {
  it('stops downloading past the run total, lists the rest for the next run, and that run finishes the job', async () => {
    const note = `![r](${server.base}/img/red.png)\n\n![b](${server.base}/photos/Blue%20Sky%20(1).jpg?w=800)\n`;
    const { vault, writer } = setup({ 'raw/Two.md': note });
    // Room for one image in memory per run, whichever arrives first.
    const first = await planImageDownloads({ ...options(vault, writer, ['raw/Two.md']), concurrency: 1, maxTotalBytes: 1 });
    expect(first.downloaded).toBe(1);
    const waiting = first.images.filter((i) => i.status === 'failed');
    expect(waiting).toHaveLength(1);
    expect(waiting[0].reason).toMatch(/^not downloaded in this run: it already holds .* of images .*; run Download images again for the rest$/);
    await writer.apply(first.plan);
    const second = await planImageDownloads({ ...options(vault, writer, ['raw/Two.md']), concurrency: 1, maxTotalBytes: 1 });
    expect(second.downloaded).toBe(1);
    expect(second.images.filter((i) => i.status === 'failed')).toEqual([]);
    await writer.apply(second.plan);
    expect(await vault.read('raw/Two.md')).not.toContain(server.base);
  });
});

describe('the writer\'s narrow access to raw/', () => {
  it('refuses every raw path but the chosen notes and new images inside the attachments folder', async () => {
    const { vault, writer } = setup();
    const text = await vault.read('raw/Other.md');
    const plan = await writer.plan({
      operation: 'download-images',
      title: 'Download images',
      rawAccess: { notes: ['raw/Other.md'], attachments: 'raw/assets' },
      files: [
        { path: 'raw/assets/new.png', content: null, bytes: RED, mime: 'image/png', usedBy: ['raw/Other.md'], reason: 'image' },
        { path: 'raw/elsewhere.png', content: null, bytes: RED, mime: 'image/png', usedBy: ['raw/Other.md'], reason: 'outside' },
        { path: 'raw/assets/old.png', content: null, bytes: RED, mime: 'image/png', usedBy: ['raw/Other.md'], reason: 'over an existing file' },
        { path: 'raw/assets/page.html', content: null, bytes: RED, mime: 'image/png', usedBy: ['raw/Other.md'], reason: 'not an image name' },
        { path: 'raw/Other.md', content: 'changed', basedOn: text, reason: 'chosen' },
        { path: 'raw/clips/Clip.md', content: 'changed', basedOn: await vault.read('raw/clips/Clip.md'), reason: 'not chosen' },
        { path: 'wiki/index.md', content: 'changed', basedOn: '# Index\n', reason: 'wiki' },
      ],
    });
    expect(plan.changes.map((c) => c.path)).toEqual(['raw/assets/new.png', 'raw/Other.md', 'wiki/log.md']);
    expect(plan.problems.map((p) => p.subject)).toEqual(['raw/elsewhere.png', 'raw/assets/old.png', 'raw/assets/page.html', 'raw/clips/Clip.md', 'wiki/index.md']);
  });

  it('refuses raw access to any other operation, bytes without it, and an attachments folder in the wiki or config', async () => {
    const { vault, writer } = setup();
    await expect(writer.plan({ operation: 'compile', title: 'Compile', files: [], rawAccess: { notes: [], attachments: 'raw/assets' } })).rejects.toBeInstanceOf(PlanError);
    await expect(writer.plan({ operation: 'download-images', title: 'D', files: [], rawAccess: { notes: [], attachments: 'wiki/assets' } })).rejects.toThrow(/wiki folder/);
    await expect(writer.plan({ operation: 'download-images', title: 'D', files: [], rawAccess: { notes: [], attachments: '.obsidian/x' } })).rejects.toThrow(/hidden/);
    await expect(writer.plan({ operation: 'download-images', title: 'D', files: [], rawAccess: { notes: ['notes/Mine.md'], attachments: 'raw/assets' } })).rejects.toThrow(/not a note in the raw folder/);
    const plan = await writer.plan({ operation: 'compile', title: 'Compile', files: [{ path: 'wiki/a.png', content: null, bytes: RED, reason: 'x' }] });
    expect(plan.problems[0].message).toMatch(/only written by "Download images"/);
    expect(vault.snapshot()).toEqual(setup().vault.snapshot());
  });

  it('refuses to apply a plan whose bytes were changed after planning', async () => {
    const { vault, writer } = setup();
    const run = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    const before = everything(vault);
    const image = run.plan.changes.find((c) => c.binary);
    if (image) image.afterBytes = GREEN;
    await expect(writer.apply(run.plan)).rejects.toThrow(/not the ones planned/);
    expect(everything(vault)).toEqual(before);
  });

  it('a failed write puts everything back; a crash with a failed rollback is recovered by the next writer', async () => {
    class Breaking extends MemoryVault {
      breakNote = true;
      breakDelete = false;
      override write(path: string, content: string, options?: VaultWriteOptions): Promise<void> {
        if (this.breakNote && path === 'raw/clips/Clip.md') return Promise.reject(new Error('disk full'));
        return super.write(path, content, options);
      }
      override delete(path: string): Promise<void> {
        if (this.breakDelete) return Promise.reject(new Error('I/O error'));
        return super.delete(path);
      }
    }
    const vault = new Breaking({ 'raw/clips/Clip.md': clip(server.base), 'wiki/index.md': '# Index\n' });
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    const before = everything(vault);
    const run = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    await expect(writer.apply(run.plan)).rejects.toMatchObject({ kind: 'write_failed' });
    expect(everything(vault)).toEqual(before);

    // Now the rollback fails too: the images stay, the journal keeps the entry pending.
    vault.breakDelete = true;
    await expect(writer.apply(run.plan)).rejects.toMatchObject({ kind: 'rollback_failed' });
    expect(Object.keys(everything(vault)).filter((p) => p.startsWith('raw/assets/')).length).toBe(2);
    vault.breakNote = false;
    vault.breakDelete = false;
    const next = new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' });
    const report = await next.recover();
    expect(report.ignored).toEqual([]);
    expect(report.plans[0]).toMatchObject({ kind: 'apply', failed: [] });
    expect(report.plans[0].restored).toHaveLength(2);
    expect(everything(vault)).toEqual(before);
  });

  it('recovery leaves an image a person replaced after the crash, and a journal naming a raw file elsewhere is ignored', async () => {
    const { vault, writer, state } = setup();
    const run = await planImageDownloads(options(vault, writer, ['raw/clips/Clip.md']));
    await writer.apply(run.plan);
    const data = JSON.parse((await state.get(PlanJournal.KEY)) ?? '{}') as { entries: { status: string; files: { path: string }[] }[] };
    data.entries[0].status = 'pending';
    await state.set(PlanJournal.KEY, JSON.stringify(data));
    const image = run.plan.changes.find((c) => c.binary)?.path as string;
    await vault.writeBinary(image, GREEN);
    const report = await new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' }).recover();
    expect(report.plans[0].left).toEqual([image]);
    expect(vault.bytesOf(image)).toEqual(GREEN);
    expect(await vault.read('raw/clips/Clip.md')).toBe(clip(server.base));

    // A crafted entry: a "binary" the plan supposedly created outside the attachments and raw folders.
    const crafted = { version: 1, entries: [{ planId: 'x', title: 'crafted', operation: 'download-images', appliedAt: 1, status: 'applied', files: [{ path: 'notes/Mine.md', before: null, after: null, binary: { hash: 'b0', size: 1 } }] }] };
    await state.set(PlanJournal.KEY, JSON.stringify(crafted));
    const again = await new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' }).recover();
    expect(again.ignored.map((i) => i.path)).toEqual(['notes/Mine.md']);
    expect(await vault.read('notes/Mine.md')).toBe('my own note\n');
  });
});
