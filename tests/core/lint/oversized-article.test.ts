import { HealthCheck, LintFixer, LintLayout, StructuralLinter, type SplitFix } from '../../../src/core/lint';
import { outlineArticle } from '../../../src/core/lint/checks/oversized-article';
import { firstSentence } from '../../../src/core/lint/fixes/split-article';
import { hashText, parseNote } from '../../../src/core/markdown';
import { readArticle, renderArticle, WikiWriter } from '../../../src/core/plan';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

const clock = { now: () => Date.UTC(2026, 0, 20, 12) };
const HUB = 'wiki/concepts/Bread.md';
const RAW = '# Bread\n\nAll about bread.\n';

/** A paragraph of `n` words whose every sentence is unique to (section, paragraph). */
function paragraph(tag: string, n: number): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(i % 12 === 11 ? `${tag}w${i}.` : `${tag}w${i}`);
  return `${words.join(' ')} end of ${tag}.`;
}

function hubBody(): string {
  return [
    `Bread is a staple food. ${paragraph('lead', 60)}`,
    '',
    '## History',
    '',
    `Bread has been baked for millennia. ${paragraph('hist1', 300)}`,
    '',
    paragraph('hist2', 300),
    '',
    '### Ancient Egypt',
    '',
    paragraph('egypt', 200),
    '',
    '## Short note',
    '',
    'A small section that stays in place.',
    '',
    '## Leavening',
    '',
    `Leavening makes bread rise. ${paragraph('leav1', 400)}`,
    '',
    '```',
    '## not a heading, inside code',
    '```',
    '',
    '## Baking: ovens [[Oven]]',
    '',
    `Ovens differ widely! ${paragraph('oven', 1200)}`,
    '',
  ].join('\n');
}

function files(over: Partial<{ body: string; scriptorium: string }> = {}): Record<string, string> {
  let hub = renderArticle(
    { title: 'Bread', summary: 'Bread and how it is made.', type: 'concept', sources: ['raw/Bread.md'], sourceHashes: { 'raw/Bread.md': hashText(RAW) }, tags: ['food'], updated: '2026-01-01' },
    over.body ?? hubBody(),
  );
  if (over.scriptorium) hub = hub.replace('scriptorium: generated', `scriptorium: ${over.scriptorium}`);
  return {
    'raw/Bread.md': RAW,
    'wiki/sources/Bread.md': renderArticle({ title: 'Bread (source)', summary: 's', type: 'source', sources: ['raw/Bread.md'], updated: '2026-01-01' }, 'See [[Bread]].\n'),
    'wiki/concepts/Oven.md': renderArticle({ title: 'Oven', summary: 's', type: 'concept', updated: '2026-01-01' }, 'See [[Bread#Leavening]] and [[wiki/sources/Bread]].\n'),
    [HUB]: hub,
  };
}

function setup(over: Parameters<typeof files>[0] = {}, splitArticleWords?: number) {
  const vault = new MemoryVault(files(over));
  const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock, wikiFolder: 'wiki', rawFolder: 'raw' });
  const layout = new LintLayout(splitArticleWords === undefined ? {} : { splitArticleWords });
  const check = new HealthCheck({ vault, writer, layout, clock });
  return { vault, writer, check, layout };
}

/** Paragraphs of prose (not headings, not blank) of a body. */
function paragraphs(body: string): string[] {
  return body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '' && !/^#{1,6}\s/.test(p));
}

describe('oversized-article', () => {
  it('reports a concept article over the threshold once, with its words and sections, as information', async () => {
    const { check } = setup();
    const result = await check.run();
    const found = result.findings.filter((f) => f.kind === 'oversized-article');
    expect(found).toHaveLength(1);
    const words = outlineArticle(parseNote(files()[HUB]).body).words;
    expect(words).toBeGreaterThan(2500);
    expect(found[0]).toMatchObject({ path: HUB, line: null, target: 'Bread' });
    expect(found[0].message).toBe(`${HUB} has ${words.toLocaleString('en-US')} words in 4 sections; splitting it along its sections would keep it readable.`);
    const fix = result.fixes.find((f) => f.kind === 'split') as SplitFix;
    expect(fix.sections).toEqual(['History', 'Leavening', 'Baking: ovens [[Oven]]']);
    expect(fix.label).toBe('Split Bread into 3 sub-articles ("History", "Leavening", "Baking: ovens [[Oven]]")');
  });

  it('stays quiet under the threshold and when the setting is 0', async () => {
    for (const words of [0, 100_000]) {
      const result = await setup({}, words).check.run();
      expect(result.findings.filter((f) => f.kind === 'oversized-article')).toEqual([]);
      expect(result.fixes.filter((f) => f.kind === 'split')).toEqual([]);
    }
  });

  it('reports a locked or person-edited article without a split fix, saying why', async () => {
    const locked = await setup({ scriptorium: 'locked' }).check.run();
    expect(locked.findings.find((f) => f.kind === 'oversized-article')?.message).toMatch(/it is locked, so it is never split automatically/);
    expect(locked.fixes.filter((f) => f.kind === 'split')).toEqual([]);

    const edited = setup();
    const before = await edited.vault.read(HUB);
    await edited.vault.write(HUB, `${before}\nA person's own line.\n`);
    const result = await edited.check.run();
    expect(result.findings.find((f) => f.kind === 'oversized-article')?.message).toMatch(/a person edited it, so it is not split automatically/);
    expect(result.fixes.filter((f) => f.kind === 'split')).toEqual([]);
  });

  it('refuses to plan a split of an article a person edited after the check, and writes nothing', async () => {
    const { vault, check } = setup();
    const result = await check.run();
    const fix = result.fixes.find((f) => f.kind === 'split') as SplitFix;
    const before = vault.snapshot();
    await vault.write(HUB, `${before[HUB]}\nEdited meanwhile.\n`);
    await expect(check.fixer.plan(fix)).rejects.toThrow(/Cannot split wiki\/concepts\/Bread\.md automatically: a person edited it/);
    await vault.write(HUB, before[HUB].replace('scriptorium: generated', 'scriptorium: locked'));
    await expect(check.fixer.plan(fix)).rejects.toThrow(/marked `scriptorium: locked`/);
    expect(Object.keys(vault.snapshot()).sort()).toEqual(Object.keys(before).sort());
  });

  it('splits into linked sub-articles without losing a paragraph, lists them in the index, and undo restores every byte', async () => {
    const { vault, writer, check, layout } = setup();
    const original = vault.snapshot();
    const result = await check.run();
    const fix = result.fixes.find((f) => f.kind === 'split') as SplitFix;
    const planned = await check.fixer.plan(fix);
    const created = ['wiki/concepts/Bread — History.md', 'wiki/concepts/Bread — Leavening.md', 'wiki/concepts/Bread — Baking ovens Oven.md'];
    expect(planned.plan.changes.filter((c) => c.action === 'create' && c.path.startsWith('wiki/concepts/')).map((c) => c.path)).toEqual(created);
    expect(planned.plan.changes.filter((c) => c.needsReview).map((c) => c.reason)).toEqual([]);
    await planned.apply();

    const parent = await vault.read(HUB);
    const parentInfo = readArticle(parent);
    expect(parentInfo.ownership).toBe('generated');
    expect(parentInfo.body).toContain('## History\n\nMain article: [[Bread — History]]. Bread has been baked for millennia.\n\n## Short note');
    expect(parentInfo.body).toContain('Main article: [[Bread — Leavening]]. Leavening makes bread rise.');
    expect(parentInfo.body).toContain('Main article: [[Bread — Baking ovens Oven]]. Ovens differ widely!');
    // The lead, the small section and the frontmatter stay as they were.
    expect(parentInfo.body.startsWith('Bread is a staple food.')).toBe(true);
    expect(parentInfo.body).toContain('## Short note\n\nA small section that stays in place.\n');
    expect(parentInfo.summary).toBe('Bread and how it is made.');

    const subs = await Promise.all(created.map(async (p) => readArticle(await vault.read(p))));
    expect(subs.map((s) => s.title)).toEqual(['Bread — History', 'Bread — Leavening', 'Bread — Baking: ovens Oven']);
    for (const sub of subs) {
      expect(sub).toMatchObject({ type: 'concept', ownership: 'generated', sources: ['raw/Bread.md'], sourceHashes: { 'raw/Bread.md': hashText(RAW) }, tags: ['food'] });
      expect(sub.body.startsWith('Part of [[Bread]].\n\n')).toBe(true);
    }
    expect(subs[0].summary).toBe('Bread has been baked for millennia.');
    expect(subs[0].body).toContain('\n## Ancient Egypt\n');
    expect(subs[1].body).toContain('```\n## not a heading, inside code\n```');

    // Every paragraph of the original is in the parent or a sub-article.
    const now = [parentInfo.body, ...subs.map((s) => s.body)].join('\n\n');
    for (const p of paragraphs(parseNote(original[HUB]).body)) expect(now).toContain(p);

    const index = await vault.read('wiki/index.md');
    for (const p of created) expect(index).toContain(`[[${p.replace(/\.md$/, '')}|`);

    // Links both ways, nothing broken, and the hub is no longer oversized.
    const after = await new StructuralLinter({ vault, layout }).run();
    expect(after.findings.filter((f) => f.kind !== 'uncompiled')).toEqual([]);

    await writer.undo();
    expect(vault.snapshot()).toEqual(original);
  });

  it('gives each sub-article its own file when two sections share a title, and refuses a name already taken', async () => {
    const body = ['Lead.', '', '## Notes', '', paragraph('a', 1400), '', '## Notes', '', paragraph('b', 1400), ''].join('\n');
    const { vault, check } = setup({ body });
    const fix = (await check.run()).fixes.find((f) => f.kind === 'split') as SplitFix;
    expect(fix.sections).toEqual(['Notes', 'Notes']);
    const planned = await check.fixer.plan(fix);
    expect(planned.plan.changes.filter((c) => c.action === 'create' && c.path.startsWith('wiki/concepts/')).map((c) => c.path)).toEqual(['wiki/concepts/Bread — Notes.md', 'wiki/concepts/Bread — Notes (2).md']);

    await vault.write('wiki/concepts/Bread — Notes.md', 'mine\n');
    await expect(check.fixer.plan(fix)).rejects.toThrow('Cannot split wiki/concepts/Bread.md: wiki/concepts/Bread — Notes.md already exists');
  });

  it('proposes the same fix id on the next run', async () => {
    const a = await setup().check.run();
    const b = await setup().check.run();
    expect(LintFixer.propose(a.findings, a.snapshot).map((f) => f.id)).toEqual(LintFixer.propose(b.findings, b.snapshot).map((f) => f.id));
  });
});

describe('firstSentence', () => {
  it('takes the first sentence of the prose after the heading, without footnote references or block ids', () => {
    expect(firstSentence('## T\n\n### Sub\n\nOne fact[^1] here. Two.\n')).toBe('One fact here.');
    expect(firstSentence('## T\n\n- a list item without a stop ^block-1\n')).toBe('a list item without a stop');
    expect(firstSentence('## T\n\n```\ncode.\n```\n')).toBe('');
  });
});
