import { mentionAtCaret, rankMentionCandidates } from '../../../src/core/ask';

describe('mentionAtCaret', () => {
  it('finds the unfinished [[ before the caret', () => {
    expect(mentionAtCaret('what about [[Dro', 16)).toEqual({ start: 11, query: 'Dro' });
    expect(mentionAtCaret('[[', 2)).toEqual({ start: 0, query: '' });
  });

  it('is null once the link is closed, across lines, or without [[', () => {
    expect(mentionAtCaret('see [[Dropck]] now', 18)).toBeNull();
    expect(mentionAtCaret('[[Dro\nck', 8)).toBeNull();
    expect(mentionAtCaret('plain text', 5)).toBeNull();
  });
});

describe('rankMentionCandidates', () => {
  const paths = ['wiki/concepts/Dropck.md', 'raw/Drop glue.md', 'raw/About dropping.md', 'wiki/dropck/notes.md', 'img/drop.png', 'raw/Other.md'];

  it('ranks name prefix, then name contains, then path contains; notes before other files', () => {
    expect(rankMentionCandidates(paths, 'drop')).toEqual(['raw/Drop glue.md', 'wiki/concepts/Dropck.md', 'raw/About dropping.md', 'wiki/dropck/notes.md', 'img/drop.png']);
  });

  it('respects the limit and lists everything for an empty query', () => {
    expect(rankMentionCandidates(paths, '', 2)).toHaveLength(2);
    expect(rankMentionCandidates(paths, 'zzz')).toEqual([]);
  });
});
