import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { capture } from '../support/cli-io';

function makeVault(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scriptorium-search-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  write('raw/Some note.md', '---\ntitle: Some note\n---\nIntro.\n\n# Borrowing\nThe borrow checker enforces rules.\n\n# Other\nNothing here.\n');
  write('wiki/concepts/Borrow checker.md', '# Borrow checker\nChecks borrowing at compile time.\n');
  write('daily/2024-01-01.md', 'Met Alice about the garden.\n');
  return dir;
}

describe('scriptorium index', () => {
  it('builds the cache in the plugin folder and reports counts', async () => {
    const vault = makeVault();
    const c = capture();
    expect(await runCli(['index', '--vault', vault, '--json'], {}, c.io)).toBe(0);
    const report = JSON.parse(c.out.join('')) as Record<string, unknown>;
    expect(report).toMatchObject({ notes: 3, added: 3, updated: 0, removed: 0, unchanged: 0, fromCache: false });
    const cacheDir = path.join(vault, '.obsidian', 'plugins', 'scriptorium');
    expect(readdirSync(cacheDir)).toContain('search-index.json');
    const again = capture();
    expect(await runCli(['index', '--vault', vault, '--json'], {}, again.io)).toBe(0);
    expect(JSON.parse(again.out.join(''))).toMatchObject({ notes: 3, unchanged: 3, fromCache: true });
    const human = capture();
    expect(await runCli(['index', '--vault', vault], {}, human.io)).toBe(0);
    expect(human.out.join('\n')).toMatch(/^Indexed 3 notes/);
  });
});

describe('scriptorium search', () => {
  it('prints the documented JSON shape', async () => {
    const vault = makeVault();
    const c = capture();
    expect(await runCli(['search', '--vault', vault, '--json', 'borrow', 'checker'], {}, c.io)).toBe(0);
    const value = JSON.parse(c.out.join('')) as { query: string; results: Record<string, unknown>[] };
    expect(value.query).toBe('borrow checker');
    expect(value.results.length).toBeGreaterThan(0);
    for (const r of value.results) expect(Object.keys(r)).toEqual(['path', 'title', 'heading', 'line', 'endLine', 'score', 'snippet']);
    expect(value.results[0].score).toBe(1);
    expect(value.results.map((r) => r.path)).toContain('raw/Some note.md');
    const section = value.results.find((r) => r.path === 'raw/Some note.md')!;
    expect(section).toMatchObject({ title: 'Some note', heading: 'Borrowing', line: 6, endLine: 8 });
    expect(section.snippet).toContain('**borrow**');
  });

  it('scopes to a folder, groups per note and limits', async () => {
    const vault = makeVault();
    const c = capture();
    await runCli(['search', '--vault', vault, '--json', '--folder', 'wiki', '--notes', '--limit', '1', 'borrow'], {}, c.io);
    const value = JSON.parse(c.out.join('')) as { results: { path: string }[] };
    expect(value.results.map((r) => r.path)).toEqual(['wiki/concepts/Borrow checker.md']);
  });

  it('answers a batch of queries with one JSON line each, reporting bad lines in place', async () => {
    const vault = makeVault();
    const file = path.join(vault, '..', `${path.basename(vault)}-queries.jsonl`);
    writeFileSync(file, ['{"id": "q1", "query": "borrow checker"}', 'not json', '{"id": "q2", "query": "garden"}', '{"id": "q3"}', ''].join('\n'));
    const c = capture();
    const code = await runCli(['search', '--vault', vault, '--queries', file, '--json'], {}, c.io);
    expect(code).toBe(1);
    const lines = c.out.map((l) => JSON.parse(l) as { id: unknown; results?: { path: string; line: number; endLine: number }[]; error?: string });
    expect(lines.map((l) => l.id)).toEqual(['q1', null, 'q2', 'q3']);
    const first = lines[0].results![0];
    expect([typeof first.path, typeof first.line, typeof first.endLine]).toEqual(['string', 'number', 'number']);
    expect(lines[1].error).toBe('not valid JSON');
    expect(lines[2].results!.map((r) => r.path)).toEqual(['daily/2024-01-01.md']);
    expect(lines[3].error).toMatch(/needs/);
  });

  it('prints readable results without --json and explains usage mistakes', async () => {
    const vault = makeVault();
    const c = capture();
    expect(await runCli(['search', '--vault', vault, 'garden'], {}, c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^1\. daily\/2024-01-01\.md:1-1 {2}2024-01-01/);
    const none = capture();
    expect(await runCli(['search', '--vault', vault], {}, none.io)).toBe(2);
    expect(none.err.join('')).toContain('give a QUERY');
    const missing = capture();
    expect(await runCli(['search', '--vault', vault, '--queries', path.join(vault, 'nope.jsonl'), '--json'], {}, missing.io)).toBe(2);
    expect(missing.err.join('')).toContain('cannot read');
  });
});

describe('scriptorium get', () => {
  it('prints line-numbered text for a path, a line range or a heading', async () => {
    const vault = makeVault();
    const whole = capture();
    expect(await runCli(['get', '--vault', vault, 'raw/Some note.md'], {}, whole.io)).toBe(0);
    expect(whole.out.join('\n').split('\n')[0]).toBe(' 1: ---');
    const range = capture();
    expect(await runCli(['get', '--vault', vault, 'raw/Some note.md:6:2'], {}, range.io)).toBe(0);
    expect(range.out.join('\n')).toBe('6: # Borrowing\n7: The borrow checker enforces rules.');
    const byTitle = capture();
    expect(await runCli(['get', '--vault', vault, '--json', '--heading', 'Other', 'Some note'], {}, byTitle.io)).toBe(0);
    expect(JSON.parse(byTitle.out.join(''))).toMatchObject({ path: 'raw/Some note.md', startLine: 9, endLine: 10, truncated: false });
  });

  it('explains a missing note and does not write among the notes', async () => {
    const vault = makeVault();
    const c = capture();
    expect(await runCli(['get', '--vault', vault, 'raw/Nope.md'], {}, c.io)).toBe(1);
    expect(c.err.join('')).toContain('no note "raw/Nope.md"');
    expect(existsSync(path.join(vault, 'search-index.json'))).toBe(false);
  });
});
