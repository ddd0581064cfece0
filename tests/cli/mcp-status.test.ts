import { rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { FsVault } from '../../src/cli/fs-vault';
import { SourceStatus, STATUS_KINDS } from '../../src/cli/mcp/source-status';
import { LintLayout, StructuralLinter } from '../../src/core/lint';
import { hashText } from '../../src/core/markdown';
import { wikiModelReply } from '../core/compile/wiki-model';
import { tempVault } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';
import { buildCliWithMcp, call, cleanEnv, stdioClient } from './mcp-support';

const KEPT = '# Kept\n\nA note compiled and unchanged since.\n';
const CHANGED_THEN = '# Changed\n\nThe text it was compiled from.\n';
const CHANGED_NOW = '# Changed\n\nThe text written later by hand\n';

/** A source article citing `raw` with the hash of `compiledFrom`. */
function sourceArticle(title: string, raw: string, compiledFrom: string): string {
  return `---\ntype: source\ntitle: ${title}\nsources: ["[[${raw.replace(/\.md$/, '')}]]"]\nsource_hashes:\n  ${raw}: ${hashText(compiledFrom)}\n---\n# ${title}\n\nWhat ${title} says.\n`;
}

/** Compiled and current, compiled and stale, and uncompiled sources (two notes and a dataset). */
function fixture(): string {
  return tempVault('mcp-status', {
    'raw/Kept.md': KEPT,
    'raw/Changed.md': CHANGED_NOW,
    'raw/New.md': '# New\n\nNever compiled.\n',
    'raw/Other.md': '# Other\n\nNever compiled either.\n',
    'raw/data.csv': 'a,b\n1,2\n',
    'wiki/sources/Kept.md': sourceArticle('Kept', 'raw/Kept.md', KEPT),
    'wiki/sources/Changed.md': sourceArticle('Changed', 'raw/Changed.md', CHANGED_THEN),
    'wiki/concepts/Bread.md': '# Bread\n\nSee [[wiki/sources/Kept]] and [[Nowhere]].\n',
    '.obsidian/plugins/scriptorium/data.json': '{"model": ""}\n',
  });
}

type Listed = { count: number; paths: string[]; more?: number };

/** The status tool's two lists. */
async function statusLists(client: Client): Promise<{ uncompiled: Listed; stale: Listed }> {
  const r = await call(client, 'status');
  expect(r.isError).toBe(false);
  const json = JSON.parse(r.text) as { uncompiled: Listed; stale: Listed };
  return { uncompiled: json.uncompiled, stale: json.stale };
}

/** The same two lists as the full health check (the lint tool) finds them. */
async function lintLists(client: Client): Promise<{ uncompiled: Listed; stale: Listed }> {
  const r = await call(client, 'lint');
  expect(r.isError).toBe(false);
  const findings = (JSON.parse(r.text) as { findings: { kind: string; path: string; target: string | null }[] }).findings;
  const list = (kind: string): Listed => {
    const unique = [...new Set(findings.filter((f) => f.kind === kind).map((f) => (kind === 'stale' ? (f.target ?? f.path) : f.path)))];
    return { count: unique.length, paths: unique.slice(0, 20), ...(unique.length > 20 ? { more: unique.length - 20 } : {}) };
  };
  return { uncompiled: list('uncompiled'), stale: list('stale') };
}

/** Status, checked against the full health check. */
async function agreed(client: Client): Promise<{ uncompiled: Listed; stale: Listed }> {
  const status = await statusLists(client);
  expect(status).toEqual(await lintLists(client));
  return status;
}

let cli: string;
let dispose: () => void;

beforeAll(async () => {
  ({ cli, dispose } = await buildCliWithMcp());
}, 60_000);

afterAll(() => dispose?.());

describe('the status tool lists uncompiled and stale sources as the full health check does', () => {
  let vault: string;
  let client: Client;
  let close: () => Promise<void>;

  beforeAll(async () => {
    vault = fixture();
    ({ client, close } = await stdioClient(cli, vault));
  }, 30_000);

  afterAll(async () => {
    await close?.();
    rmSync(vault, { recursive: true, force: true });
  });

  it('counts exactly the full lint\'s uncompiled and stale sources, on a first call and a repeated one', async () => {
    const first = await agreed(client);
    expect(first).toEqual({
      uncompiled: { count: 3, paths: ['raw/New.md', 'raw/Other.md', 'raw/data.csv'] },
      stale: { count: 1, paths: ['raw/Changed.md'] },
    });
    expect(await statusLists(client)).toEqual(first);
  });

  it('shows a change on disk at the very next call: a note edited, added or deleted, a dataset removed', async () => {
    await statusLists(client);
    writeFileSync(path.join(vault, 'raw', 'Kept.md'), `${KEPT}One more line, written after the compile.\n`);
    expect((await agreed(client)).stale).toEqual({ count: 2, paths: ['raw/Changed.md', 'raw/Kept.md'] });

    writeFileSync(path.join(vault, 'raw', 'Fresh.md'), '# Fresh\n\nJust written.\n');
    expect((await agreed(client)).uncompiled).toEqual({ count: 4, paths: ['raw/Fresh.md', 'raw/New.md', 'raw/Other.md', 'raw/data.csv'] });

    rmSync(path.join(vault, 'raw', 'Other.md'));
    expect((await agreed(client)).uncompiled.count).toBe(3);

    rmSync(path.join(vault, 'raw', 'data.csv'));
    expect((await agreed(client)).uncompiled).toEqual({ count: 2, paths: ['raw/Fresh.md', 'raw/New.md'] });
  });

  it('sees an edit that leaves the file\'s size and time as they were (told by the watcher)', async () => {
    const file = path.join(vault, 'raw', 'Changed.md');
    expect(CHANGED_THEN.length).toBe(CHANGED_NOW.length);
    // A whole second, which the file system keeps exactly.
    const when = new Date('2025-06-01T12:00:00Z');
    utimesSync(file, when, when);
    expect((await statusLists(client)).stale.paths).toContain('raw/Changed.md');
    const size = statSync(file).size;
    writeFileSync(file, CHANGED_THEN);
    utimesSync(file, when, when);
    expect(statSync(file)).toMatchObject({ size, mtimeMs: when.getTime() });
    const until = Date.now() + 5000;
    let stale = (await statusLists(client)).stale;
    while (stale.paths.includes('raw/Changed.md') && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stale = (await statusLists(client)).stale;
    }
    expect(stale.paths).not.toContain('raw/Changed.md');
    await agreed(client);
  });
});

describe('the status tool after the compile tool applied a plan', () => {
  it('counts the compiled source at once, and again after undo', async () => {
    const model = await new OpenAiTestServer().start();
    const vault = tempVault('mcp-status-compile', {
      'raw/Sourdough.md': '# Sourdough\n\n## Starter\n\nA starter is flour and water fermented by wild yeast.\n',
      'raw/Baking.md': '# Baking\n\nBake at 250 °C with steam.\n',
      '.obsidian/plugins/scriptorium/data.json': '{"model": ""}\n',
    });
    const env = cleanEnv({ SCRIPTORIUM_BASE_URL: model.baseURL, SCRIPTORIUM_MODEL: 'test-model', SCRIPTORIUM_API_KEY: 'sk-test' });
    const { client, close } = await stdioClient(cli, vault, ['--allow-writes'], env);
    try {
      expect((await agreed(client)).uncompiled).toEqual({ count: 2, paths: ['raw/Baking.md', 'raw/Sourdough.md'] });
      model.handler = (request) => wikiModelReply(request);
      const applied = await call(client, 'compile', { paths: ['raw/Sourdough.md'], apply: true });
      expect(applied.isError).toBe(false);
      expect((await agreed(client)).uncompiled).toEqual({ count: 1, paths: ['raw/Baking.md'] });
      expect((await call(client, 'undo')).isError).toBe(false);
      expect((await agreed(client)).uncompiled).toEqual({ count: 2, paths: ['raw/Baking.md', 'raw/Sourdough.md'] });
    } finally {
      await close();
      await model.stop();
      rmSync(vault, { recursive: true, force: true });
    }
  }, 30_000);
});

/** An FsVault that counts the notes read. */
class CountingVault extends FsVault {
  reads = 0;
  override read(path: string): Promise<string> {
    this.reads++;
    return super.read(path);
  }
}

describe('SourceStatus', () => {
  const layout = new LintLayout({ rawFolder: 'raw', wikiFolder: 'wiki' });

  it('runs only the checks that report uncompiled and stale sources', () => {
    const checks = StructuralLinter.checksFor(STATUS_KINDS);
    expect(checks.map((c) => [...c.kinds]).sort()).toEqual([['stale'], ['uncompiled']]);
    expect(StructuralLinter.checksFor([])).toEqual([]);
  });

  it('reads the vault once until it changes: a change told, or another listing', async () => {
    const root = fixture();
    try {
      const vault = new CountingVault(root);
      const status = new SourceStatus({ vault, layout, signal: new AbortController().signal });
      const signal = new AbortController().signal;
      const full = (await new StructuralLinter({ vault: new FsVault(root), layout }).run()).findings.filter((f) => f.kind === 'uncompiled' || f.kind === 'stale');

      const first = await status.findings(await vault.list(), signal);
      expect(first).toEqual(full);
      expect(vault.reads).toBe(7);

      vault.reads = 0;
      expect(await status.findings(await vault.list(), signal)).toEqual(full);
      expect(vault.reads).toBe(0);

      status.changed();
      expect(await status.findings(await vault.list(), signal)).toEqual(full);
      expect(vault.reads).toBeGreaterThan(0);

      vault.reads = 0;
      writeFileSync(path.join(root, 'raw', 'Fresh.md'), '# Fresh\n');
      const after = await status.findings(await vault.list(), signal);
      expect(vault.reads).toBeGreaterThan(0);
      expect(after.filter((f) => f.kind === 'uncompiled').map((f) => f.path)).toContain('raw/Fresh.md');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps the listing while a watcher follows the vault and has told no change, and lists again at every call without one', async () => {
    const root = fixture();
    try {
      let lists = 0;
      const vault = new (class extends FsVault {
        override list() {
          lists++;
          return super.list();
        }
      })(root);
      let watching = true;
      const status = new SourceStatus({ vault, layout, signal: new AbortController().signal, watching: () => watching });
      const first = await status.listing();
      expect(await status.listing()).toBe(first);
      expect(lists).toBe(1);
      status.changed();
      writeFileSync(path.join(root, 'raw', 'Fresh.md'), '# Fresh\n');
      const second = await status.listing();
      expect(second.map((f) => f.path)).toContain('raw/Fresh.md');
      expect(lists).toBe(2);
      watching = false;
      await status.listing();
      await status.listing();
      expect(lists).toBe(4);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a cancelled call rejects at once; the check it started still serves the next call', async () => {
    const root = fixture();
    try {
      const vault = new CountingVault(root);
      const status = new SourceStatus({ vault, layout, signal: new AbortController().signal });
      const cancelled = new AbortController();
      const listing = await vault.list();
      const pending = status.findings(listing, cancelled.signal);
      cancelled.abort();
      await expect(pending).rejects.toThrow();
      expect((await status.findings(listing, new AbortController().signal)).length).toBe(4);
      // The seven notes were read once, by the check the cancelled call started.
      expect(vault.reads).toBe(7);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
