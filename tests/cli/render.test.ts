import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import type { RenderJson } from '../../src/cli/commands/slides';
import { OpenAiTestServer } from '../support/openai-server';
import { validateJsonCanvas } from '../core/render/support/canvas-check';
import { renderDeck } from '../core/render/support/marp-check';
import { checkFlowchart, mermaidBlocks } from '../core/render/support/mermaid-check';
import { marks, parseSvg } from '../core/render/support/svg-check';
import { capture } from '../support/cli-io';

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

describe('scriptorium slides | chart | diagram | canvas', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let endpoint: string[];

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-render-'));
    mkdirSync(path.join(vault, 'raw'));
    mkdirSync(path.join(vault, 'wiki', 'concepts'), { recursive: true });
    writeFileSync(path.join(vault, 'raw', 'Survey.md'), '# Survey\n\nOf 200 people, 120 prefer tea and 80 prefer coffee. See [[Drinks]].\n');
    writeFileSync(path.join(vault, 'wiki', 'concepts', 'Drinks.md'), '# Drinks\n\nSee [[Survey]].\n');
    endpoint = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
  });

  afterEach(async () => {
    await server.stop();
  });

  it('slides: writes a deck that Marp renders and prints what it wrote as JSON', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ title: 'Tea or coffee', slides: [1, 2, 3].map((n) => ({ title: `Point ${n}`, bullets: ['See [[Drinks]]'], notes: 'n' })) }) });
    const c = capture();
    const code = await runCli(['slides', ...endpoint, '--slides', '3', '--theme', 'uncover', '--json', 'Survey'], {}, c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as RenderJson;
    expect(json).toMatchObject({ primary: 'wiki/outputs/Survey slides.md', applied: true, files: ['wiki/outputs/Survey slides.md'] });
    expect(json.usage?.promptTokens).toBeGreaterThan(0);
    const deck = renderDeck(readFileSync(path.join(vault, json.primary), 'utf8'));
    expect(deck.slides).toBe(5);
    expect(deck.theme).toBe('uncover');
    expect(deck.html).not.toContain('[[');
    expect(readFileSync(path.join(vault, 'wiki', 'log.md'), 'utf8')).toContain('render | Slides: Tea or coffee');
  });

  it('chart: writes the SVG and its note; human output names the files', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ type: 'pie', title: 'Preferred drink', labels: ['Tea', 'Coffee'], series: [{ name: 'People', values: [120, 80] }] }) });
    const c = capture();
    const code = await runCli(['chart', ...endpoint, 'raw/Survey.md'], {}, c.io);
    expect(code).toBe(0);
    expect(c.out.join('\n')).toContain('create wiki/outputs/Survey chart.svg');
    const svg = parseSvg(readFileSync(path.join(vault, 'wiki', 'outputs', 'Survey chart.svg'), 'utf8'));
    expect(marks(svg, '.mark.slice').map((m) => [m.label, m.value])).toEqual([
      ['Tea', 120],
      ['Coffee', 80],
    ]);
  });

  it('chart: no data is exit 1 with one clear line, and nothing is written', async () => {
    server.script({ kind: 'text', content: '{"type":"none","reason":"no numbers"}' });
    const before = listFiles(vault);
    const c = capture();
    const code = await runCli(['chart', ...endpoint, 'wiki/concepts/Drinks.md'], {}, c.io);
    expect(code).toBe(1);
    expect(c.err).toEqual(['scriptorium chart: No chart made: no numbers. Nothing was written.']);
    expect(listFiles(vault)).toEqual(before);
  });

  it('diagram: --dry-run prints the plan and writes nothing', async () => {
    server.script({ kind: 'text', content: JSON.stringify({ kind: 'concept-map', title: 'Drinks', nodes: ['Tea', 'Coffee'], edges: [{ from: 'Tea', to: 'Coffee', label: 'rival' }] }) });
    const before = listFiles(vault);
    const c = capture();
    const code = await runCli(['diagram', ...endpoint, '--dry-run', '--json', 'Survey'], {}, c.io);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as RenderJson;
    expect(json.applied).toBe(false);
    expect(json.primary).toBe('wiki/outputs/Survey concept map.md');
    expect(listFiles(vault)).toEqual(before);
  });

  it('diagram: renders a chat answer given with --answer', async () => {
    const answerFile = path.join(vault, '..', `${path.basename(vault)}-answer.md`);
    writeFileSync(answerFile, 'Tea beats coffee ([[Survey]]).');
    server.script({ kind: 'text', content: JSON.stringify({ kind: 'concept-map', title: 'Answer map', nodes: ['Tea', 'Coffee'], edges: [{ from: 'Tea', to: 'Coffee' }] }) });
    const c = capture();
    const code = await runCli(['diagram', ...endpoint, '--answer', answerFile, '--title', 'Which drink wins', '--json'], {}, c.io);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as RenderJson;
    const note = readFileSync(path.join(vault, json.primary), 'utf8');
    expect(checkFlowchart(mermaidBlocks(note)[0])).toEqual([]);
    expect(note).toContain('Source: [[raw/Survey|Survey]].');
  });

  it('canvas: needs no model and writes a valid JSON Canvas', async () => {
    const c = capture();
    const code = await runCli(['canvas', '--vault', vault, '--json', 'Drinks'], {}, c.io);
    expect(code).toBe(0);
    const json = JSON.parse(c.out.join('\n')) as RenderJson;
    expect(json.primary).toBe('wiki/outputs/Drinks links.canvas');
    const canvas = JSON.parse(readFileSync(path.join(vault, json.primary), 'utf8')) as unknown;
    expect(validateJsonCanvas(canvas)).toEqual([]);
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('rejects bad flags and unknown notes as usage errors, before calling the model', async () => {
    const cases: [string[], string][] = [
      [['slides', ...endpoint, '--theme', 'neon', 'Survey'], '--theme must be one of default, gaia, uncover'],
      [['slides', ...endpoint, '--slides', '99', 'Survey'], '--slides takes a number from 3 to 20'],
      [['chart', ...endpoint, '--type', 'radar', 'Survey'], '--type must be one of bar, line, pie, scatter'],
      [['diagram', ...endpoint, 'Nope'], 'no note "Nope"'],
      [['canvas', '--vault', vault], 'give the note'],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      expect(await runCli(argv, {}, c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(message);
    }
    expect(server.chatRequests()).toHaveLength(0);
    expect(existsSync(path.join(vault, 'wiki', 'outputs'))).toBe(false);
  });
});
