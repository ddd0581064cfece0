import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import type { ImagesJson } from '../../src/cli/commands/images';
import { hashBytes } from '../../src/core/markdown';
import { capture, tempVault } from '../support/cli-io';
import { ImageServer, makePng } from '../support/image-server';

const RED = makePng(4, 4, [200, 10, 10]);
const BLUE = makePng(2, 3, [10, 10, 200]);

/** Every file under `root` as bytes (hex of its hash and its size), hidden folders included. */
function bytesTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else {
        const data = new Uint8Array(readFileSync(abs));
        out[path.relative(root, abs).split(path.sep).join('/')] = `${hashBytes(data)}:${data.length}`;
      }
    }
  };
  walk(root);
  return out;
}

/** Every file but the undo journal, the lock and the log, which any applied plan changes. */
function userFiles(root: string): Record<string, string> {
  const all = bytesTree(root);
  for (const key of Object.keys(all)) if (key.startsWith('.obsidian/plugins/scriptorium/') || key === 'wiki/log.md') delete all[key];
  return all;
}

let server: ImageServer;
beforeAll(async () => {
  server = await new ImageServer().start();
  server.routes.set('/red.png', { body: RED });
  server.routes.set('/blue', { body: BLUE, type: 'image/png; charset=binary' });
  server.routes.set('/article.html', { body: '<!doctype html><p>an article</p>', type: 'text/html' });
});
afterAll(() => server.stop());
beforeEach(() => server.hits.clear());

function clip(): string {
  return `# Clipped\n\n![A red square](${server.base}/red.png)\n\n<p><img src="${server.base}/blue" alt="blue"></p>\n\n![gone](${server.base}/gone.png) ![html](${server.base}/article.html) ![local](file:///etc/hosts)\n`;
}

function vault(): string {
  return tempVault('images', {
    'raw/Clip.md': clip(),
    'raw/Untouched.md': `![elsewhere](${server.base}/red.png)\n`,
    'raw/data.csv': 'a,b\n1,2\n',
    'notes/Mine.md': 'mine\n',
  });
}

describe('scriptorium images', () => {
  it('downloads the chosen note\'s images, rewrites only that note, lists failures (exit 1), and undo restores every byte', async () => {
    const dir = vault();
    const before = userFiles(dir);
    const io = capture();
    const code = await runCli(['images', '--vault', dir, 'raw/Clip.md'], {}, io.io);
    expect(io.err.join('\n')).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
    const red = `raw/assets/red-${hashBytes(RED).slice(1, 9)}.png`;
    const blue = `raw/assets/blue-${hashBytes(BLUE).slice(1, 9)}.png`;
    expect(new Uint8Array(readFileSync(path.join(dir, red)))).toEqual(RED);
    expect(new Uint8Array(readFileSync(path.join(dir, blue)))).toEqual(BLUE);
    expect(readFileSync(path.join(dir, 'raw/Clip.md'), 'utf8')).toBe(
      clip().replace(`${server.base}/red.png`, red.slice(4)).replace(`src="${server.base}/blue"`, `src="${blue.slice(4)}"`),
    );
    const text = io.out.join('\n');
    expect(text).toMatch(/^Applied: Download images in raw\/Clip\.md — 2 images downloaded, 3 failed \(undo with: scriptorium undo --vault DIR\)/);
    expect(text).toContain(`+ ${red}  (new image, `);
    expect(text).toContain('! raw/Clip.md: ');
    expect(text).toMatch(/gone\.png: HTTP 404 Not Found; the link is left as it is\./);
    expect(text).toMatch(/article\.html: the server sent text\/html, not an image/);
    expect(text).toMatch(/file:\/\/\/etc\/hosts: "file:" addresses are not downloaded \(only http and https\)/);
    // The other raw note was neither read for download nor written.
    expect(server.hits.get('/red.png')).toBe(1);
    const now = userFiles(dir);
    for (const [p, v] of Object.entries(before)) if (p !== 'raw/Clip.md') expect([p, now[p]]).toEqual([p, v]);
    expect(Object.keys(now).filter((p) => !(p in before)).sort()).toEqual([blue, red]);

    const undo = capture();
    expect(await runCli(['undo', '--vault', dir], {}, undo.io)).toBe(0);
    expect(undo.out.join('\n')).toMatch(/Undone: Download images in raw\/Clip\.md[\s\S]*removed raw\/assets\/red-/);
    expect(userFiles(dir)).toEqual(before);
  });

  it('--dry-run prints the diff and the images and writes nothing; --json tells each image', async () => {
    const dir = vault();
    const before = bytesTree(dir);
    const io = capture();
    expect(await runCli(['images', '--vault', dir, '--dry-run', '--json', 'raw/Clip.md'], {}, io.io)).toBe(1);
    const json = JSON.parse(io.out.join('\n')) as ImagesJson;
    expect(bytesTree(dir)).toEqual(before);
    expect(json).toMatchObject({ dryRun: true, applied: [], downloaded: 2, reused: 0, failed: 3 });
    expect(json.images.map((i) => [i.status, i.url.replace(server.base, '')])).toEqual([
      ['downloaded', '/red.png'],
      ['downloaded', '/blue'],
      ['failed', '/gone.png'],
      ['failed', '/article.html'],
      ['failed', 'file:///etc/hosts'],
    ]);
    const note = json.changes.find((c) => c.path === 'raw/Clip.md');
    expect(note?.diff).toContain(`+![A red square](assets/red-${hashBytes(RED).slice(1, 9)}.png)`);
    const image = json.changes.find((c) => c.binary?.mime === 'image/png' && c.path.includes('blue'));
    expect(image).toMatchObject({ action: 'create', usedBy: ['raw/Clip.md'], binary: { size: BLUE.length, hash: hashBytes(BLUE) } });
    // No image bytes in the JSON.
    expect(io.out.join('\n').length).toBeLessThan(6000);
  });

  it('with no paths takes the raw folder; a second run finds nothing new and exits 0', async () => {
    const dir = tempVault('images', { 'raw/a/One.md': `![r](${server.base}/red.png)\n`, 'raw/Two.md': `![r again](${server.base}/red.png)\n` });
    const first = capture();
    expect(await runCli(['images', '--vault', dir], {}, first.io)).toBe(0);
    expect(readFileSync(path.join(dir, 'raw/a/One.md'), 'utf8')).toBe(`![r](../assets/red-${hashBytes(RED).slice(1, 9)}.png)\n`);
    expect(readFileSync(path.join(dir, 'raw/Two.md'), 'utf8')).toBe(`![r again](assets/red-${hashBytes(RED).slice(1, 9)}.png)\n`);
    expect(readdirSync(path.join(dir, 'raw/assets'))).toHaveLength(1);
    const second = capture();
    expect(await runCli(['images', '--vault', dir], {}, second.io)).toBe(0);
    expect(second.out.join('\n')).toBe('No remote images in 2 notes; nothing to do.');
  });

  it('refuses paths outside the raw folder, and a large run without --yes off a terminal (exit 2, nothing downloaded)', async () => {
    const dir = tempVault('images', {
      'notes/Mine.md': `![x](${server.base}/red.png)\n`,
      'raw/Many.md': Array.from({ length: 51 }, (_, i) => `![${i}](${server.base}/many/${i}.png)`).join('\n'),
    });
    const outside = capture();
    expect(await runCli(['images', '--vault', dir, 'notes/Mine.md'], {}, outside.io)).toBe(1);
    expect(outside.out.join('\n')).toMatch(/notes\/Mine\.md: Not in the raw folder "raw\/"/);
    const many = capture();
    expect(await runCli(['images', '--vault', dir, 'raw/Many.md'], {}, many.io)).toBe(2);
    expect(many.err.join('\n')).toMatch(/51 images to download; nothing was downloaded\. Pass --yes/);
    expect(server.hits.size).toBe(0);
    expect(existsSync(path.join(dir, 'raw/assets'))).toBe(false);
  });

  it('a note edited after an apply makes undo refuse, keeping the person\'s text', async () => {
    const dir = vault();
    expect(await runCli(['images', '--vault', dir, 'raw/Clip.md'], {}, capture().io)).toBe(1);
    writeFileSync(path.join(dir, 'raw/Clip.md'), 'my rewrite\n');
    const undo = capture();
    expect(await runCli(['undo', '--vault', dir], {}, undo.io)).toBe(1);
    expect(undo.err.join('\n')).toMatch(/Not undone: raw\/Clip\.md changed after "Download images in raw\/Clip\.md" was applied/);
    expect(readFileSync(path.join(dir, 'raw/Clip.md'), 'utf8')).toBe('my rewrite\n');
  });
});
