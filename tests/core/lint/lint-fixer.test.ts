import { HealthCheck, LintFixer, LintLayout, StructuralLinter, type RelinkFix } from '../../../src/core/lint';
import { WikiWriter } from '../../../src/core/plan';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';
import { fixtureFiles } from './fixture';

const layout = new LintLayout();
const clock = { now: () => Date.UTC(2026, 0, 20, 12) };

function setup(files: Record<string, string> = fixtureFiles()) {
  const vault = new MemoryVault(files);
  const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
  const fixer = new LintFixer({ vault, writer });
  const lint = () => new StructuralLinter({ vault, layout }).run();
  return { vault, writer, fixer, lint };
}

function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.filter((line, i) => line !== a[i]);
}

describe('LintFixer', () => {
  describe('propose', () => {
    it('proposes an index rebuild, relinks to close names, and compile actions for missing, stale and new sources', async () => {
      const { lint } = setup();
      const result = await lint();
      const fixes = LintFixer.propose(result.findings, result.snapshot);
      expect(fixes.map((f) => f.label)).toEqual([
        'Rebuild wiki/index.md from the articles',
        'Relink [[Ownershp]] to [[Ownership]] (Ownership) in Async Rust',
        'Relink [[Ownership#Move semantic]] to [[Ownership#Move semantics]] (Ownership › Move semantics) in Borrow checker',
        'Relink [[Borrowing]] to [[Ownership|Borrowing]] (Ownership) in Rust ownership',
        'Create an article for "Lifetime elision" by compiling 2 sources',
        'Recompile raw/Borrow checker.md',
        'Compile raw/Lifetimes.md',
      ]);
      const create = fixes.find((f) => f.kind === 'compile' && f.reason === 'missing-article');
      expect(create).toMatchObject({ sources: ['raw/Borrow checker.md', 'raw/Rust ownership.md'], concept: 'Lifetime elision' });
    });

    it('gives the same ids on the next run, so a report’s fix links stay valid', async () => {
      const a = await setup().lint();
      const b = await setup().lint();
      expect(LintFixer.propose(a.findings, a.snapshot).map((f) => f.id)).toEqual(LintFixer.propose(b.findings, b.snapshot).map((f) => f.id));
    });

    it('proposes no relink when no name is close', async () => {
      const { lint } = setup({ 'wiki/a.md': '---\ntype: concept\nsummary: s\n---\n[[Completely unrelated words]] [[b]]\n', 'wiki/b.md': '---\ntype: concept\nsummary: s\n---\n[[a]]\n' });
      const result = await lint();
      expect(result.findings.map((f) => f.kind)).toContain('broken-link');
      expect(LintFixer.propose(result.findings, result.snapshot).filter((f) => f.kind === 'relink')).toEqual([]);
    });
  });

  describe('plan', () => {
    it('relinks one link: only that line and the body hash change, the log records it, and undo restores every byte', async () => {
      const { vault, writer, fixer, lint } = setup();
      const original = vault.snapshot();
      const result = await lint();
      const fix = LintFixer.propose(result.findings, result.snapshot).find((f): f is RelinkFix => f.kind === 'relink' && f.path.endsWith('Borrow checker.md'));
      expect(fix).toBeDefined();
      const planned = await fixer.plan(fix as RelinkFix);
      const plan = planned.plan;
      expect(plan.operation).toBe('lint-fix');
      expect(plan.changes.filter((c) => !c.derived).map((c) => c.path)).toEqual(['wiki/sources/Borrow checker.md']);

      await planned.apply();
      const after = vault.snapshot();
      const path = 'wiki/sources/Borrow checker.md';
      const lines = changedLines(original[path], after[path]);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^body_hash: /);
      expect(lines[1]).toBe('Rules are listed in [[Ownership#Move semantics]].');
      // Nothing else was touched but the log, which gained one entry.
      const touched = Object.keys(after).filter((p) => after[p] !== original[p]);
      expect(touched.sort()).toEqual(['wiki/log.md', path]);
      expect(after['wiki/log.md']).toContain('lint-fix | Relink [[Ownership#Move semantic]] to [[Ownership#Move semantics]]');
      // The finding is gone, and the article does not look edited by a person.
      const relinted = await lint();
      expect(relinted.findings.filter((f) => f.path === path && f.kind === 'broken-link')).toEqual([]);
      expect(relinted.findings.filter((f) => f.path === path && f.kind === 'human-edited')).toEqual([]);

      await writer.undo();
      expect(vault.snapshot()).toEqual(original);
    });

    it('turns a relink in a note a person edited into a change awaiting review', async () => {
      const { fixer, lint } = setup();
      const result = await lint();
      const fix = LintFixer.propose(result.findings, result.snapshot).find((f) => f.kind === 'relink' && f.path.endsWith('Async Rust.md'));
      const { plan } = await fixer.plan(fix as RelinkFix);
      expect(plan.changes.find((c) => c.path === 'wiki/sources/Async Rust.md')?.needsReview).toBe(true);
    });

    it('refuses a relink when the line changed since the check, and writes nothing', async () => {
      const { vault, fixer, lint } = setup();
      const result = await lint();
      const fix = LintFixer.propose(result.findings, result.snapshot).find((f): f is RelinkFix => f.kind === 'relink') as RelinkFix;
      const text = await vault.read(fix.path);
      await vault.write(fix.path, text.replace(fix.from, 'a person rewrote this'));
      const before = vault.snapshot();
      await expect(fixer.plan(fix)).rejects.toThrow(/no longer holds .* Run the health checks again/);
      expect(vault.snapshot()).toEqual(before);
    });

    it('rebuilds the index so that index drift is gone, and undo brings the old index back', async () => {
      const { vault, writer, fixer, lint } = setup();
      const original = vault.snapshot();
      const result = await lint();
      const fix = LintFixer.propose(result.findings, result.snapshot).find((f) => f.kind === 'rebuild-index');
      const planned = await fixer.plan(fix!);
      expect(planned.plan.changes.map((c) => c.path)).toEqual(['wiki/index.md']);
      // The fixture's index was written by hand, so the rebuild awaits review: tick it explicitly.
      await planned.apply({ selectedPaths: ['wiki/index.md'] });
      const after = await lint();
      expect(after.findings.filter((f) => f.kind === 'index-drift')).toEqual([]);
      const touched = Object.keys(vault.snapshot()).filter((p) => vault.snapshot()[p] !== original[p]);
      expect(touched).toEqual(['wiki/index.md']);
      await writer.undo();
      expect(vault.snapshot()).toEqual(original);
    });

    it('explains what to compile when no compiler is available', async () => {
      const { fixer, lint } = setup();
      const result = await lint();
      const fix = LintFixer.propose(result.findings, result.snapshot).find((f) => f.kind === 'compile' && f.reason === 'stale');
      await expect(fixer.plan(fix!)).rejects.toThrow('Compile is not available here; compile raw/Borrow checker.md to fix this.');
    });

    it('hands compile fixes to the compiler it was given', async () => {
      const vault = new MemoryVault(fixtureFiles());
      const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock });
      const requests: { sources: string[]; concept?: string }[] = [];
      const check = new HealthCheck({
        vault,
        writer,
        layout,
        clock,
        compile: async (request) => {
          requests.push({ sources: request.sources, concept: request.concept });
          const plan = await writer.plan({ operation: 'compile', title: 'Compile', files: [] });
          return { plan, apply: (o) => writer.apply(plan, o) };
        },
      });
      const result = await check.run();
      const create = result.fixes.find((f) => f.kind === 'compile' && f.reason === 'missing-article');
      await check.fixer.plan(create!);
      expect(requests).toEqual([{ sources: ['raw/Borrow checker.md', 'raw/Rust ownership.md'], concept: 'Lifetime elision' }]);
    });
  });
});
