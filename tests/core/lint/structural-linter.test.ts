import { LintLayout, StructuralLinter, WikiSnapshot, type Finding } from '../../../src/core/lint';
import { hashText } from '../../../src/core/markdown';
import { MemoryVault } from '../../support/memory-vault';
import { fixtureFiles, fixtureVault } from './fixture';

const layout = new LintLayout();

function brief(f: Finding): string {
  return `${f.kind} | ${f.path} | ${f.line ?? '-'} | ${f.target ?? '-'}`;
}

async function lint(files: Record<string, string>) {
  return new StructuralLinter({ vault: new MemoryVault(files), layout }).run();
}

describe('StructuralLinter', () => {
  describe('run on the fixture wiki', () => {
    it('finds exactly the planted problems (a link by alias among them, as Obsidian shows it unresolved), and nothing on valid links with display text, headings, block refs, case differences or a duplicate name in the same folder', async () => {
      const result = await new StructuralLinter({ vault: fixtureVault(), layout }).run();
      expect(result.findings.map(brief)).toEqual([
        'broken-link | wiki/concepts/Ownership.md | 23 | Ownership#^nope',
        'broken-link | wiki/sources/Async Rust.md | 18 | Ownershp',
        'broken-link | wiki/sources/Async Rust.md | 19 | missing-chart.png',
        'broken-link | wiki/sources/Borrow checker.md | 18 | Ownership#Move semantic',
        'broken-link | wiki/sources/Rust ownership.md | 18 | Borrowing',
        'missing-article | wiki/sources/Borrow checker.md | 19 | Lifetime elision',
        'missing-source | wiki/sources/Async Rust.md | 7 | raw/Deleted talk',
        'stale | wiki/sources/Borrow checker.md | 8 | raw/Borrow checker.md',
        'uncompiled | raw/Lifetimes.md | - | -',
        'index-drift | wiki/index.md | - | wiki/concepts/Traits.md',
        'index-drift | wiki/index.md | 20 | Green threads',
        'duplicate-title | wiki/concepts/Memory safety.md | - | Memory safety',
        'orphan | wiki/concepts/Pinning.md | - | -',
        'empty-article | wiki/concepts/Send and Sync.md | - | -',
        'missing-summary | wiki/concepts/Traits.md | - | -',
        'human-edited | wiki/sources/Async Rust.md | - | -',
      ]);
      expect(result.counts).toEqual({
        total: 16,
        'broken-link': 5,
        'missing-article': 1,
        'missing-source': 1,
        stale: 1,
        uncompiled: 1,
        'index-drift': 2,
        'duplicate-title': 1,
        orphan: 1,
        'empty-article': 1,
        'missing-summary': 1,
        'human-edited': 1,
      });
    });

    it('reports a link by alias as broken and names the link Obsidian follows, [[Note|Alias]]', async () => {
      const result = await new StructuralLinter({ vault: fixtureVault(), layout }).run();
      const byAlias = result.findings.find((f) => f.target === 'Borrowing');
      expect(byAlias?.kind).toBe('broken-link');
      expect(byAlias?.message).toBe(
        'Link [[Borrowing]] points to no note: "Borrowing" is an alias of wiki/concepts/Ownership.md, and Obsidian does not follow aliases in links. Did you mean [[Ownership|Borrowing]]?',
      );
      expect(byAlias?.related).toEqual(['wiki/concepts/Ownership.md']);
    });

    it('names the closest existing title for a misspelt link', async () => {
      const result = await new StructuralLinter({ vault: fixtureVault(), layout }).run();
      const typo = result.findings.find((f) => f.target === 'Ownershp');
      expect(typo?.message).toContain('Did you mean [[Ownership]]?');
      expect(typo?.related).toEqual(['wiki/concepts/Ownership.md']);
    });

    it('lists every referrer of a missing article and both holders of a duplicate title', async () => {
      const result = await new StructuralLinter({ vault: fixtureVault(), layout }).run();
      expect(result.findings.find((f) => f.kind === 'missing-article')?.related).toEqual(['wiki/sources/Rust ownership.md']);
      expect(result.findings.find((f) => f.kind === 'duplicate-title')?.related).toEqual(['wiki/concepts/Safety guarantees.md']);
    });

    it('reports nothing once the planted problems are repaired', async () => {
      const files = fixtureFiles();
      const fixed = await lint(files);
      expect(fixed.findings.length).toBeGreaterThan(0);
      // Repair just the stale source: the stale finding goes and nothing else changes.
      const borrow = 'wiki/sources/Borrow checker.md';
      files[borrow] = files[borrow].replace(/raw\/Borrow checker\.md: \w+/, `raw/Borrow checker.md: ${hashText(files['raw/Borrow checker.md'])}`);
      const after = await lint(files);
      expect(after.findings.filter((f) => f.kind === 'stale')).toEqual([]);
      expect(after.counts.total).toBe(fixed.counts.total - 1);
    });
  });

  describe('run on small vaults', () => {
    it('reports nothing for an empty vault', async () => {
      expect((await lint({})).findings).toEqual([]);
    });

    it('groups a missing target across case and .md differences, but only counts distinct notes', async () => {
      const article = (body: string) => `---\nsummary: s\n---\n${body}\n`;
      const once = await lint({ 'wiki/a.md': article('[[Gap]] and [[gap]]'), 'wiki/index.md': '[[a]]' });
      expect(once.findings.filter((f) => f.kind !== 'orphan').map(brief)).toEqual([
        'broken-link | wiki/a.md | 4 | Gap',
        'broken-link | wiki/a.md | 4 | gap',
      ]);
      const twice = await lint({ 'wiki/a.md': article('[[Gap]]'), 'wiki/b.md': article('[[gap.md]] [[a]]'), 'wiki/index.md': '[[a]] [[b]]' });
      expect(twice.findings.filter((f) => f.kind !== 'orphan').map(brief)).toEqual(['missing-article | wiki/a.md | 4 | Gap']);
    });

    it('reports a missing index once rather than every article', async () => {
      const article = '---\ntype: concept\nsummary: s\n---\nText [[A]] [[B]]\n';
      const result = await lint({ 'wiki/concepts/A.md': article, 'wiki/concepts/B.md': article, 'wiki/concepts/Untyped.md': 'A person’s note' });
      expect(result.findings.filter((f) => f.kind === 'index-drift').map((f) => f.message)).toEqual([
        // The untyped note is part of the wiki too (a page written by hand is catalogued).
        'wiki/index.md does not exist; 3 articles are not catalogued.',
      ]);
    });

    it('reads broken frontmatter as a missing summary with the reason', async () => {
      const result = await lint({ 'wiki/a.md': '---\nsummary: [unclosed\n---\nText\n', 'wiki/index.md': '[[a]]' });
      const f = result.findings.find((x) => x.kind === 'missing-summary');
      expect(f?.message).toMatch(/^Frontmatter is not valid YAML/);
    });

    it('follows the configured folders', async () => {
      const custom = new LintLayout({ rawFolder: 'Sources/Inbox', wikiFolder: 'Knowledge' });
      const vault = new MemoryVault({ 'Sources/Inbox/x.md': 'hi', 'raw/y.md': 'not raw here', 'Knowledge/index.md': '' });
      const result = await new StructuralLinter({ vault, layout: custom }).run();
      expect(result.findings.map(brief)).toEqual(['uncompiled | Sources/Inbox/x.md | - | -']);
    });

    it('stops when asked to', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(new StructuralLinter({ vault: fixtureVault(), layout }).run({ signal: controller.signal })).rejects.toThrow(/stopped/);
    });

    it('reports reading progress with counts', async () => {
      const updates: { done: number; total?: number; message?: string }[] = [];
      await new StructuralLinter({ vault: fixtureVault(), layout }).run({ progress: (u) => updates.push(u) });
      const md = Object.keys(fixtureFiles()).filter((p) => p.endsWith('.md')).length;
      const reading = updates.filter((u) => u.message === 'Reading notes');
      expect(reading[reading.length - 1]).toMatchObject({ done: md, total: md });
      expect(updates[updates.length - 1]).toEqual({ done: 12, total: 12, message: 'Checking' });
    });
  });

  describe('check', () => {
    it('runs over a snapshot in memory with the same result as reading the vault', async () => {
      const files = fixtureFiles();
      const fromVault = await lint(files);
      const fromTexts = StructuralLinter.check(WikiSnapshot.fromTexts(layout, files));
      expect(fromTexts.findings).toEqual(fromVault.findings);
    });
  });
});

describe('StructuralLinter on a vault that changes while it reads', () => {
  it('skips a note deleted between listing and reading, and fails clearly when a note cannot be read', async () => {
    class Shifting extends MemoryVault {
      override async read(path: string): Promise<string> {
        if (path === 'wiki/gone.md') await this.delete(path);
        if (path === 'wiki/locked.md') throw new Error('EACCES');
        return super.read(path);
      }
    }
    const layout = new LintLayout();
    const article = '---\ntype: concept\nsummary: s\n---\nText [[b]]\n';
    const vault = new Shifting({ 'wiki/gone.md': article, 'wiki/b.md': article, 'wiki/index.md': '[[b]]' });
    const result = await new StructuralLinter({ vault, layout }).run();
    expect(result.snapshot.notes.has('wiki/gone.md')).toBe(false);
    expect(result.findings.map((f) => f.path)).not.toContain('wiki/gone.md');

    await vault.write('wiki/locked.md', article);
    await expect(new StructuralLinter({ vault, layout }).run()).rejects.toThrow('Health check: could not read the vault: EACCES');
  });
});
