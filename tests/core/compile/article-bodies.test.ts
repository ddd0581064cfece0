import { withoutSource } from '../../../src/core/compile/article-bodies';

const cites = {
  mine: ['wiki/sources/B', 'raw/B'],
  isCitation: (t: string) => t.startsWith('wiki/sources/') || !t.startsWith('wiki/'),
};

describe('withoutSource', () => {
  it('removes the Sources line and what cites only that source, keeping shared, uncited text and code', () => {
    const body = [
      '# Levain',
      '',
      'Uncited text from the source that created the article.',
      '',
      'What B adds, with a link to [[wiki/concepts/Wild yeast|Wild yeast]]. [[wiki/sources/B|B]]',
      '',
      'A and B agree on this [[wiki/sources/A|A]] [[wiki/sources/B|B]].',
      '',
      '- an item from A [[wiki/sources/A|A]]',
      '- an item from B [[wiki/sources/B#Key points|B]]',
      '',
      '```',
      'code mentioning [[wiki/sources/B]]',
      '',
      'still code',
      '```',
      '',
      '## Sources',
      '',
      '- [[wiki/sources/A|A]]',
      '- [[wiki/sources/B|B]]',
      '',
    ].join('\n');
    const out = withoutSource(body, 'Levain', cites);
    expect(out.removed).toBe(2);
    expect(out.shared).toBe(1);
    expect(out.body).toBe(
      [
        '# Levain',
        '',
        'Uncited text from the source that created the article.',
        '',
        'A and B agree on this [[wiki/sources/A|A]] [[wiki/sources/B|B]].',
        '',
        '- an item from A [[wiki/sources/A|A]]',
        '',
        '```',
        'code mentioning [[wiki/sources/B]]',
        '',
        'still code',
        '```',
        '',
        '## Sources',
        '',
        '- [[wiki/sources/A|A]]',
        '',
      ].join('\n'),
    );
  });
});
