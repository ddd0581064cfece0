import { describeNoteStatus } from '../../../src/core/compile';
import { hashText } from '../../../src/core/markdown';
import { renderArticle } from '../../../src/core/plan';

const base = { rawFolder: 'raw', wikiFolder: 'wiki' };

describe('describeNoteStatus', () => {
  it('tells never compiled, compiled and changed apart for raw notes', () => {
    expect(describeNoteStatus({ ...base, path: 'raw/a.md', text: 'x' })).toMatchObject({ kind: 'source-never', canCompile: true });
    const compiled = { hash: hashText('x'), summary: 'wiki/sources/a.md', concepts: ['wiki/concepts/B.md'], compiledAt: 1 };
    expect(describeNoteStatus({ ...base, path: 'raw/a.md', text: 'x', compiled })).toMatchObject({
      kind: 'source-compiled',
      label: 'Compiled into a summary and 1 concept',
      links: [
        { path: 'wiki/sources/a.md', title: 'a' },
        { path: 'wiki/concepts/B.md', title: 'B' },
      ],
      canCompile: false,
    });
    expect(describeNoteStatus({ ...base, path: 'raw/a.md', text: 'y', compiled })).toMatchObject({ kind: 'source-changed', canCompile: true });
  });

  it('says whether a generated article was edited or locked, and ignores other notes', () => {
    const article = renderArticle({ title: 'B', summary: 's', type: 'concept', updated: '2026-01-01' }, '# B\n');
    expect(describeNoteStatus({ ...base, path: 'wiki/concepts/B.md', text: article })?.kind).toBe('article-generated');
    expect(describeNoteStatus({ ...base, path: 'wiki/concepts/B.md', text: article.replace('# B', '# B\n\nmine') })?.kind).toBe('article-edited');
    expect(describeNoteStatus({ ...base, path: 'wiki/concepts/B.md', text: article.replace('scriptorium: generated', 'scriptorium: locked') })?.kind).toBe('article-locked');
    expect(describeNoteStatus({ ...base, path: 'wiki/Mine.md', text: '# Mine' })).toBeNull();
    expect(describeNoteStatus({ ...base, path: 'notes/other.md', text: 'x' })).toBeNull();
  });
});
