import { LintLayout, StructuralLinter } from '../../../src/core/lint';
import { PlanError, readArticle, renderArticle, WikiWriter, type ArticleFields } from '../../../src/core/plan';
import type { VaultWriteOptions } from '../../../src/core/ports/vault';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

const NOON = Date.UTC(2026, 10, 26, 12, 0, 0);
const clock = { now: () => NOON };

function article(title: string, body: string, extra: Partial<ArticleFields> = {}): string {
  return renderArticle({ title, summary: `About ${title}.`, type: 'concept', updated: '2026-11-26', ...extra }, body);
}

function setup(files: Record<string, string> = {}) {
  const vault = new MemoryVault({ 'raw/Source.md': 'raw text\n', ...files });
  const state = new MemoryStateStore();
  const writer = new WikiWriter({ vault, state, clock, wikiFolder: 'wiki', rawFolder: 'raw' });
  return { vault, state, writer };
}

/** A vault whose `failAt`-th write fails (a port double: disk full, permission…). */
class FailingVault extends MemoryVault {
  writes = 0;
  failAt = Infinity;
  override write(path: string, content: string, options?: VaultWriteOptions): Promise<void> {
    this.writes++;
    if (this.writes === this.failAt) return Promise.reject(new Error(`disk full writing ${path}`));
    return super.write(path, content, options);
  }
}

describe('WikiWriter.plan', () => {
  it('describes creates and modifies with before/after, plus the index and the log, without writing', async () => {
    const old = article('Old', '# Old\n\nText.\n');
    const { vault, writer } = setup({ 'wiki/concepts/Old.md': old });
    const before = vault.snapshot();
    const plan = await writer.plan({
      operation: 'compile',
      title: 'Compile 1 source',
      files: [
        { path: 'wiki/concepts/New.md', content: article('New', '# New\n'), reason: 'new concept' },
        { path: 'wiki/concepts/Old.md', content: article('Old', '# Old\n\nMore text.\n'), reason: 'merge' },
      ],
    });
    expect(vault.snapshot()).toEqual(before);
    expect(plan.changes.map((c) => [c.path, c.action, c.derived ?? null])).toEqual([
      ['wiki/concepts/New.md', 'create', null],
      ['wiki/concepts/Old.md', 'modify', null],
      ['wiki/index.md', 'create', 'index'],
      ['wiki/log.md', 'create', 'log'],
    ]);
    expect(plan.changes[1].before).toBe(old);
    expect(plan.problems).toEqual([]);
    expect(plan.id).toMatch(/^compile-[0-9a-f]{12}$/);
  });

  it('refuses raw, config, outside and traversal paths as problems', async () => {
    const { writer } = setup();
    const plan = await writer.plan({
      operation: 'compile',
      title: 'Hostile',
      files: [
        { path: 'raw/Source.md', content: 'x', reason: 'r' },
        { path: '.obsidian/app.json', content: '{}', reason: 'r' },
        { path: 'wiki/../.obsidian/plugins/evil/main.js', content: 'x', reason: 'r' },
        { path: 'wiki/.obsidian/x.md', content: 'x', reason: 'r' },
        { path: '../outside.md', content: 'x', reason: 'r' },
        { path: 'notes/elsewhere.md', content: 'x', reason: 'r' },
        { path: 'wiki/index.md', content: 'x', reason: 'r' },
        { path: 'wiki/log.md', content: 'x', reason: 'r' },
      ],
    });
    expect(plan.changes).toEqual([]);
    expect(plan.problems.map((p) => p.subject)).toEqual([
      'raw/Source.md',
      '.obsidian/app.json',
      'wiki/../.obsidian/plugins/evil/main.js',
      'wiki/.obsidian/x.md',
      '../outside.md',
      'notes/elsewhere.md',
      'wiki/index.md',
      'wiki/log.md',
    ]);
    expect(plan.problems.every((p) => p.message.startsWith('Refused:'))).toBe(true);
  });

  it('refuses a raw folder nested inside the wiki folder', async () => {
    const vault = new MemoryVault();
    const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'notes', rawFolder: 'notes/raw' });
    const plan = await writer.plan({ operation: 'compile', title: 't', files: [{ path: 'notes/raw/x.md', content: 'x', reason: 'r' }] });
    expect(plan.changes).toEqual([]);
    expect(plan.problems[0].message).toMatch(/raw folder/);
  });

  it('skips locked articles and proposes a reviewed merge for edited or foreign ones', async () => {
    const generated = article('Edited', '# Edited\n\nOriginal.\n');
    const edited = generated.replace('Original.', 'Original, plus my own notes.');
    const locked = article('Locked', '# Locked\n').replace('scriptorium: generated', 'scriptorium: locked');
    const { writer } = setup({ 'wiki/concepts/Edited.md': edited, 'wiki/concepts/Locked.md': locked, 'wiki/concepts/Mine.md': '# Mine\n\nA person wrote this.\n' });
    const plan = await writer.plan({
      operation: 'compile',
      title: 't',
      files: [
        { path: 'wiki/concepts/Edited.md', content: article('Edited', '# Edited\n\nMerged.\n'), reason: 'merge' },
        { path: 'wiki/concepts/Locked.md', content: article('Locked', '# Locked\n\nNew.\n'), reason: 'merge' },
        { path: 'wiki/concepts/Mine.md', content: article('Mine', '# Mine\n\nNew.\n'), reason: 'merge' },
      ],
    });
    const byPath = new Map(plan.changes.map((c) => [c.path, c]));
    expect(byPath.get('wiki/concepts/Edited.md')?.needsReview).toBe(true);
    expect(byPath.get('wiki/concepts/Mine.md')?.needsReview).toBe(true);
    expect(byPath.has('wiki/concepts/Locked.md')).toBe(false);
    expect(plan.problems.map((p) => p.subject)).toEqual(['wiki/concepts/Locked.md']);
    expect(plan.problems[0].message).toMatch(/locked/);
    expect(writer.defaultSelection(plan)).toEqual([]);
  });

  it('re-stamps body_hash of generated content so a later edit is detected', async () => {
    const { writer } = setup();
    const sloppy = article('A', '# A\n').replace('# A\n', '# A\n\nChanged after rendering.\n');
    expect(readArticle(sloppy).ownership).toBe('edited');
    const plan = await writer.plan({ operation: 'compile', title: 't', files: [{ path: 'wiki/concepts/A.md', content: sloppy, reason: 'r' }] });
    expect(readArticle(plan.changes[0].after ?? '').ownership).toBe('generated');
  });

  it('drops changes that change nothing and makes no index or log for them', async () => {
    const a = article('A', '# A\n');
    const { writer } = setup({ 'wiki/concepts/A.md': a });
    const plan = await writer.plan({ operation: 'compile', title: 't', files: [{ path: 'wiki/concepts/A.md', content: a, reason: 'r' }] });
    expect(plan.changes).toEqual([]);
  });
});

describe('WikiWriter.apply', () => {
  it('writes the selected changes, the index and a log entry, and journals them', async () => {
    const { vault, writer } = setup();
    const plan = await writer.plan({
      operation: 'save-answer',
      title: 'Save answer',
      files: [
        { path: 'wiki/outputs/Answer.md', content: article('Answer', '# Answer\n', { type: 'output' }), reason: 'answer' },
        { path: 'wiki/concepts/Other.md', content: article('Other', '# Other\n'), reason: 'other' },
      ],
      logDetails: ['asked in chat'],
    });
    const applied = await writer.apply(plan, { selectedPaths: ['wiki/outputs/Answer.md'] });
    expect(applied.paths).toEqual(['wiki/outputs/Answer.md', 'wiki/index.md', 'wiki/log.md']);
    expect(applied.skipped).toEqual(['wiki/concepts/Other.md']);
    const files = vault.snapshot();
    expect(files['wiki/concepts/Other.md']).toBeUndefined();
    // The index lists only what was applied.
    expect(files['wiki/index.md']).toContain('[[wiki/outputs/Answer|Answer]] — About Answer.');
    expect(files['wiki/index.md']).not.toContain('Other');
    expect(files['wiki/log.md']).toContain('## [2026-11-26] save-answer | Save answer');
    expect(files['wiki/log.md']).toContain('- asked in chat');
    expect((await writer.history()).map((h) => h.planId)).toEqual([plan.id]);
  });

  it('appends to an existing log without changing earlier entries', async () => {
    const { vault, writer } = setup();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'First', files: [{ path: 'wiki/concepts/A.md', content: article('A', '# A\n'), reason: 'r' }] }));
    const firstLog = vault.snapshot()['wiki/log.md'];
    await writer.apply(await writer.plan({ operation: 'compile', title: 'Second', files: [{ path: 'wiki/concepts/B.md', content: article('B', '# B\n'), reason: 'r' }] }));
    const log = vault.snapshot()['wiki/log.md'];
    expect(log.startsWith(firstLog)).toBe(true);
    expect(log.match(/^## \[/gm)).toHaveLength(2);
  });

  it('refuses a plan whose files changed since it was made, writing nothing', async () => {
    const { vault, writer } = setup({ 'wiki/concepts/A.md': article('A', '# A\n') });
    const plan = await writer.plan({ operation: 'compile', title: 't', files: [{ path: 'wiki/concepts/A.md', content: article('A', '# A\n\nNew.\n'), reason: 'r' }] });
    await vault.write('wiki/concepts/A.md', article('A', '# A\n\nSomeone else.\n'));
    const snapshot = vault.snapshot();
    await expect(writer.apply(plan)).rejects.toMatchObject({ kind: 'conflict', paths: ['wiki/concepts/A.md'] });
    expect(vault.snapshot()).toEqual(snapshot);
  });

  it('restores every touched file byte for byte when a write fails midway', async () => {
    const vault = new FailingVault({ 'raw/Source.md': 'raw\n', 'wiki/concepts/A.md': article('A', '# A\n') });
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock });
    const plan = await writer.plan({
      operation: 'compile',
      title: 't',
      files: [
        { path: 'wiki/concepts/A.md', content: article('A', '# A\n\nNew.\n'), reason: 'r' },
        { path: 'wiki/concepts/B.md', content: article('B', '# B\n'), reason: 'r' },
        { path: 'wiki/concepts/C.md', content: article('C', '# C\n'), reason: 'r' },
      ],
    });
    const snapshot = vault.snapshot();
    vault.failAt = vault.writes + 3;
    const error = await writer.apply(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).kind).toBe('write_failed');
    expect((error as PlanError).message).toMatch(/disk full/);
    vault.failAt = Infinity;
    expect(vault.snapshot()).toEqual(snapshot);
    expect(await writer.history()).toEqual([]);
  });

  it('rolls back a plan left pending by a crash on the next apply', async () => {
    const vault = new MemoryVault({ 'wiki/concepts/A.md': article('A', '# A\n') });
    const state = new MemoryStateStore();
    const writer = new WikiWriter({ vault, state, clock });
    const snapshot = vault.snapshot();
    // What a crash between journalling and committing leaves behind.
    await state.set(
      'plan-journal.json',
      JSON.stringify({ version: 1, entries: [{ planId: 'p1', title: 'Crashed', operation: 'compile', appliedAt: 1, status: 'pending', files: [{ path: 'wiki/concepts/A.md', before: snapshot['wiki/concepts/A.md'], after: 'half' }, { path: 'wiki/concepts/B.md', before: null, after: 'new' }] }] }),
    );
    await vault.write('wiki/concepts/A.md', 'half');
    await vault.write('wiki/concepts/B.md', 'new');
    expect((await writer.recover()).plans[0].restored).toEqual(['wiki/concepts/B.md', 'wiki/concepts/A.md']);
    expect(vault.snapshot()).toEqual(snapshot);
  });
});

describe('WikiWriter.undo', () => {
  it('restores the exact previous bytes, including deleting created files', async () => {
    const crlf = 'raw\r\ntext with CRLF\r\n';
    const { vault, writer } = setup({ 'wiki/concepts/A.md': article('A', '# A\n'), 'wiki/log.md': '# Log\r\n\r\nhand-made\r\n', 'raw/Crlf.md': crlf });
    const snapshot = vault.snapshot();
    const plan = await writer.plan({
      operation: 'compile',
      title: 't',
      files: [
        { path: 'wiki/concepts/A.md', content: article('A', '# A\n\nNew.\n'), reason: 'r' },
        { path: 'wiki/concepts/B.md', content: article('B', '# B\n'), reason: 'r' },
      ],
    });
    await writer.apply(plan);
    expect(vault.snapshot()).not.toEqual(snapshot);
    const undone = await writer.undo();
    expect(undone.planId).toBe(plan.id);
    expect(vault.snapshot()).toEqual(snapshot);
    await expect(writer.undo()).rejects.toMatchObject({ kind: 'nothing_to_undo' });
  });

  it('undoes several plans newest first', async () => {
    const { vault, writer } = setup();
    const s0 = vault.snapshot();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'one', files: [{ path: 'wiki/concepts/A.md', content: article('A', '# A\n'), reason: 'r' }] }));
    const s1 = vault.snapshot();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'two', files: [{ path: 'wiki/concepts/A.md', content: article('A', '# A\n\n2\n'), reason: 'r' }] }));
    expect((await writer.history()).map((h) => h.title)).toEqual(['two', 'one']);
    await writer.undo();
    expect(vault.snapshot()).toEqual(s1);
    await writer.undo();
    expect(vault.snapshot()).toEqual(s0);
  });

  it('refuses to undo over later edits unless forced', async () => {
    const { vault, writer } = setup();
    const s0 = vault.snapshot();
    await writer.apply(await writer.plan({ operation: 'compile', title: 'one', files: [{ path: 'wiki/concepts/A.md', content: article('A', '# A\n'), reason: 'r' }] }));
    await vault.write('wiki/concepts/A.md', 'edited by a person');
    await expect(writer.undo()).rejects.toMatchObject({ kind: 'conflict', paths: ['wiki/concepts/A.md'] });
    expect(vault.snapshot()['wiki/concepts/A.md']).toBe('edited by a person');
    await writer.undo({ force: true });
    expect(vault.snapshot()).toEqual(s0);
  });
});

describe('renderArticle / readArticle', () => {
  it('writes the contract frontmatter in order and reads it back', () => {
    const text = renderArticle(
      { title: 'Dropck', summary: 'Drop check\nin Rust.', type: 'concept', sources: ['raw/Rust book.md'], sourceHashes: { 'raw/Rust book.md': 'abc' }, aliases: ['drop check'], tags: ['rust'], updated: '2026-11-26' },
      '# Dropck\n\nBody.',
    );
    expect(text.split('\n').slice(0, 17)).toEqual([
      '---',
      'title: Dropck',
      'summary: Drop check in Rust.',
      'type: concept',
      'sources:',
      '  - "[[raw/Rust book]]"',
      'source_hashes:',
      '  raw/Rust book.md: abc',
      'aliases:',
      '  - drop check',
      'tags:',
      '  - rust',
      'scriptorium: generated',
      expect.stringMatching(/^body_hash: [0-9a-f]{16}$/) as unknown as string,
      expect.stringMatching(/^fields_hash: [0-9a-f]{16}$/) as unknown as string,
      'updated: 2026-11-26',
      '---',
    ]);
    const info = readArticle(text);
    expect(info).toMatchObject({ title: 'Dropck', type: 'concept', sources: ['raw/Rust book.md'], sourceHashes: { 'raw/Rust book.md': 'abc' }, aliases: ['drop check'], ownership: 'generated' });
    expect(readArticle(text.replace('Body.', 'Body!')).ownership).toBe('edited');
    expect(readArticle(`${text}\n\n`).ownership).toBe('generated');
  });
});

describe('A wiki made elsewhere', () => {
  it('the index adopts notes without contract frontmatter, and lint holds the index to the same list', async () => {
    const { vault, writer } = setup({
      'wiki/concepts/Typed.md': article('Typed', '# Typed\n'),
      'wiki/concepts/By hand.md': '# Hand-written\n\nA person wrote this page. It has two sentences.\n',
      'wiki/Notes from an agent.md': '---\ndescription: What a coding agent left here.\n---\n\n## Findings\n\n- one\n',
      'wiki/topics/Plain.md': 'Just text without a heading, longer than nothing.\n',
      'wiki/.trash/Hidden.md': '# Hidden\n',
    });
    const plan = await writer.planIndexRebuild();
    await writer.apply(plan);
    const index = vault.snapshot()['wiki/index.md'];
    expect(index).toContain('4 articles');
    expect(index).toContain('- [[wiki/concepts/By hand|Hand-written]] — A person wrote this page.');
    expect(index).toContain('## Other notes (2)');
    expect(index).toContain('- [[wiki/Notes from an agent|Notes from an agent]] — What a coding agent left here.');
    expect(index).toContain('- [[wiki/topics/Plain|Plain]] — Just text without a heading, longer than nothing.');
    expect(index).not.toContain('Hidden');
    const linted = await new StructuralLinter({ vault: new MemoryVault(vault.snapshot()), layout: new LintLayout({}) }).run();
    expect(linted.findings.filter((f) => f.kind === 'index-drift')).toEqual([]);
    // A compile touching the hand-written page proposes a reviewed merge, never a silent rewrite.
    const merge = await writer.plan({ operation: 'compile', title: 't', files: [{ path: 'wiki/concepts/By hand.md', content: article('By hand', '# By hand\n\nNew.\n'), reason: 'merge' }] });
    expect(merge.changes.find((c) => c.path === 'wiki/concepts/By hand.md')?.needsReview).toBe(true);
  });
});
