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

  it('gives a note inside a repository the repository\'s status, compared by the repository\'s hash', () => {
    const compiled = { hash: 'repo-hash-1', summary: 'wiki/sources/tool.md', concepts: [], compiledAt: 1 };
    const partOf = (hash?: string) => ({ folder: 'raw/tool', hash });
    // The README's own text hash never equals the repository's: without partOf it would look changed.
    expect(describeNoteStatus({ ...base, path: 'raw/tool/README.md', text: '# Tool', compiled, partOf: partOf('repo-hash-1') })).toMatchObject({
      kind: 'source-compiled',
      label: 'Part of the repository raw/tool: compiled into a summary and 0 concepts',
    });
    expect(describeNoteStatus({ ...base, path: 'raw/tool/docs/guide.md', text: 'x', compiled, partOf: partOf('repo-hash-2') })).toMatchObject({ kind: 'source-changed', canCompile: true });
    expect(describeNoteStatus({ ...base, path: 'raw/tool/docs/guide.md', text: 'x', partOf: partOf() })).toMatchObject({ kind: 'source-never', label: 'Part of the repository raw/tool: not compiled yet' });
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
