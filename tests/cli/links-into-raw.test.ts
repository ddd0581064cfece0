import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsStateStore, FsVault } from '../../src/cli/fs-vault';
import { PlanError, renderArticle, WikiWriter } from '../../src/core/plan';
import { tree } from '../support/cli-io';

const clock = { now: () => Date.UTC(2026, 10, 26, 12) };
const article = (title: string) => renderArticle({ title, summary: `About ${title}.`, type: 'concept', updated: '2026-11-26' }, `# ${title}\n`);

function vaultWith(setup: (root: string) => void) {
  const root = mkdtempSync(path.join(tmpdir(), 'scriptorium-links-'));
  mkdirSync(path.join(root, 'raw'));
  writeFileSync(path.join(root, 'raw', 'Levain.md'), 'my raw note\n');
  setup(root);
  const vault = new FsVault(root);
  const writer = new WikiWriter({ vault, state: new FsStateStore(root), clock });
  return { root, vault, writer };
}

describe('links that lead a wiki path into the raw folder', () => {
  it('a wiki folder that is a link to raw/ gets nothing written: every file is refused in the plan', async () => {
    const { root, writer } = vaultWith((r) => symlinkSync(path.join(r, 'raw'), path.join(r, 'wiki'), 'dir'));
    const before = tree(path.join(root, 'raw'));
    const plan = await writer.plan({ operation: 'compile', title: 'c', files: [{ path: 'wiki/concepts/A.md', content: article('A'), reason: 'r' }] });
    expect(plan.changes).toEqual([]);
    expect(plan.problems[0].message).toMatch(/"wiki\/concepts\/A\.md" is a link to "raw\/concepts\/A\.md": "raw\/concepts\/A\.md" is outside the wiki folder.*does not write through it/);
    await writer.apply(plan);
    expect(tree(path.join(root, 'raw'))).toEqual(before);
  });

  it('a log that is a link to a raw note is never appended to', async () => {
    const { root, writer } = vaultWith((r) => {
      mkdirSync(path.join(r, 'wiki'));
      symlinkSync(path.join('..', 'raw', 'Levain.md'), path.join(r, 'wiki', 'log.md'));
    });
    const plan = await writer.plan({ operation: 'compile', title: 'c', files: [{ path: 'wiki/concepts/A.md', content: article('A'), reason: 'r' }] });
    const error = await writer.apply(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toMatch(/"wiki\/log\.md" is a link to "raw\/Levain\.md".*Nothing was changed/);
    expect(readFileSync(path.join(root, 'raw', 'Levain.md'), 'utf8')).toBe('my raw note\n');
    expect(tree(path.join(root, 'wiki'))).toEqual({ 'log.md': 'my raw note\n' });
  });

  it('a link that stays inside the wiki is written through as before', async () => {
    const { root, writer } = vaultWith((r) => {
      mkdirSync(path.join(r, 'wiki', 'real'), { recursive: true });
      symlinkSync(path.join(r, 'wiki', 'real'), path.join(r, 'wiki', 'concepts'), 'dir');
    });
    await writer.apply(await writer.plan({ operation: 'compile', title: 'c', files: [{ path: 'wiki/concepts/A.md', content: article('A'), reason: 'r' }] }));
    expect(readFileSync(path.join(root, 'wiki', 'real', 'A.md'), 'utf8')).toContain('# A');
  });
});
