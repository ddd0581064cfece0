import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { OpenAiTestServer } from '../support/openai-server';
import { wikiModelReply } from '../core/compile/wiki-model';

/**
 * Names and links a real vault can hold, through the real CLI on a temporary folder: long CJK
 * names (every generated name fits the 255-byte limit, and nothing blocks later runs), names
 * stored decomposed (NFD, as macOS writes them), and a wiki that is a link out of the vault.
 */

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err, text: () => [...out, ...err].join('\n') };
}

/** Every file below `dir` (links not followed) as relative paths. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(d, entry.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('hostile names and links through the CLI', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let args: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => wikiModelReply(r);
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-names-'));
    mkdirSync(path.join(vault, 'raw'));
    args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  it('compiles a note named in 84 CJK characters about a 120-character concept, then compiles and undoes again', async () => {
    const rawName = `${'気象学の歴史と観測記録の整理'.repeat(6)}.md`; // 84 characters: 252 bytes + ".md"
    expect(bytes(rawName)).toBe(255);
    const concept = '大気循環と海洋の相互作用に関する長期的な観測研究の総合的な概要'.repeat(4); // 120 characters, 360 bytes
    writeFileSync(path.join(vault, 'raw', rawName), `**${concept}** は気候を決める重要な要素である。観測は 1950 年から続いている。\n`);
    const first = capture();
    expect(await runCli(['compile', ...args], {}, first.io)).toBe(0);
    const written = files(path.join(vault, 'wiki'));
    expect(written.some((f) => f.startsWith('sources/'))).toBe(true);
    expect(written.some((f) => f.startsWith('concepts/'))).toBe(true);
    for (const f of written) expect(bytes(path.basename(f))).toBeLessThanOrEqual(255);
    const again = capture();
    expect(await runCli(['compile', ...args], {}, again.io)).toBe(0);
    expect(again.out.join('\n')).toContain('up to date');
    const undo = capture();
    expect(await runCli(['undo', ...args], {}, undo.io)).toBe(0);
    expect(files(vault).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('saves the answer to an 86-character Chinese question under a name the disk accepts', async () => {
    writeFileSync(path.join(vault, 'raw/Baking.md'), '# Baking\n\n## Oven\n\nBake at 250 °C with steam for the first 20 minutes.\n');
    const question = '在高海拔地区烘焙酸面包时应该如何调整烤箱温度和发酵时间以及水合比例才能得到开放的组织结构和酥脆的外皮并且保持风味的平衡与面包的整体口感和香气以及颜色的一致性呢我们应该注意哪些常见的问题和错误吗';
    expect(question.length).toBeGreaterThanOrEqual(86);
    server.script({ kind: 'text', content: 'Lower the oven a little and shorten the proof [[raw/Baking#Oven]].' });
    const c = capture();
    expect(await runCli(['ask', ...args, '--no-tools', '--save', question], {}, c.io)).toBe(0);
    const outputs = readdirSync(path.join(vault, 'wiki/outputs'));
    expect(outputs).toHaveLength(1);
    expect(bytes(outputs[0])).toBeLessThanOrEqual(255);
    expect(c.out.join('\n')).toContain(`Saved to wiki/outputs/${outputs[0]}`);
  });

  it('renders a canvas of a note named in 84 CJK characters under a name the disk accepts', async () => {
    const rawName = `${'気象学の歴史と観測記録の整理'.repeat(6)}.md`;
    writeFileSync(path.join(vault, 'raw', rawName), '# 気象\n\nSee [[Other]].\n');
    writeFileSync(path.join(vault, 'raw/Other.md'), '# Other\n');
    const c = capture();
    expect(await runCli(['canvas', ...args, `raw/${rawName}`], {}, c.io)).toBe(0);
    const outputs = readdirSync(path.join(vault, 'wiki/outputs'));
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatch(/\.canvas$/);
    expect(bytes(outputs[0])).toBeLessThanOrEqual(255);
  });

  it('compiles a raw note whose name is stored decomposed (NFD)', async () => {
    const nfd = 'Crème brûlée.md'.normalize('NFD');
    writeFileSync(path.join(vault, 'raw', nfd), 'A **Custard** is baked slowly in a water bath at 150 degrees.\n');
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).toBe(0);
    expect(files(path.join(vault, 'wiki/sources')).map((f) => f.normalize('NFC'))).toEqual(['Crème brûlée.md']);
    expect(files(path.join(vault, 'raw'))).toEqual([nfd]);
  });

  it('writes nothing through a wiki folder that links out of the vault, and says why', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'scriptorium-outside-'));
    symlinkSync(outside, path.join(vault, 'wiki'), 'dir');
    writeFileSync(path.join(vault, 'raw/Levain.md'), 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    const c = capture();
    const code = await runCli(['compile', ...args], {}, c.io);
    expect(code).not.toBe(0);
    expect(c.text()).toContain('a link to a place outside the vault; Scriptorium neither reads nor writes through it');
    expect(files(outside)).toEqual([]);
    expect(readFileSync(path.join(vault, 'raw/Levain.md'), 'utf8')).toBe('A **Levain** is built from the **Sourdough starter** the night before.\n');
  });

  it('writes no answer or canvas through wiki/outputs linked out of the vault', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'scriptorium-outside-'));
    mkdirSync(path.join(vault, 'wiki'));
    symlinkSync(outside, path.join(vault, 'wiki/outputs'), 'dir');
    writeFileSync(path.join(vault, 'raw/Baking.md'), '# Baking\n\nBake at 250 °C, see [[Oven]].\n');
    server.script({ kind: 'text', content: 'Bake hot [[raw/Baking]].' });
    const ask = capture();
    expect(await runCli(['ask', ...args, '--no-tools', '--save', 'How hot?'], {}, ask.io)).not.toBe(0);
    expect(ask.text()).toContain('"wiki/outputs", a link to a place outside the vault');
    const canvas = capture();
    expect(await runCli(['canvas', ...args, 'raw/Baking.md'], {}, canvas.io)).not.toBe(0);
    expect(canvas.text()).toContain('a link to a place outside the vault');
    expect(files(outside)).toEqual([]);
  });

  it('never sends the text of a concept article that links to a file outside the vault', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'scriptorium-outside-'));
    writeFileSync(path.join(outside, 'private.md'), '# Levain\n\nPRIVATE-DIARY-TEXT\n');
    mkdirSync(path.join(vault, 'wiki/concepts'), { recursive: true });
    symlinkSync(path.join(outside, 'private.md'), path.join(vault, 'wiki/concepts/Levain.md'));
    writeFileSync(path.join(vault, 'raw/Levain.md'), 'A **Levain** is built from the starter the night before.\n');
    const c = capture();
    expect(await runCli(['compile', ...args], {}, c.io)).not.toBe(0);
    expect(c.text()).toContain('"wiki/concepts/Levain.md" is a link to a place outside the vault; Scriptorium neither reads nor writes through it');
    for (const request of server.chatRequests()) expect(JSON.stringify(request.body)).not.toContain('PRIVATE-DIARY-TEXT');
    expect(readFileSync(path.join(outside, 'private.md'), 'utf8')).toBe('# Levain\n\nPRIVATE-DIARY-TEXT\n');
    expect(files(outside)).toEqual(['private.md']);
    expect(statSync(path.join(vault, 'wiki/concepts/Levain.md')).isFile()).toBe(true);
  });
});
