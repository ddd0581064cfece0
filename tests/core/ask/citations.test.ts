import { checkCitations, NoteGraph } from '../../../src/core/ask';
import { MemoryVault } from '../../support/memory-vault';

const vault = new MemoryVault({
  'wiki/concepts/Dropck.md': '---\ntitle: Dropck\naliases: [Drop check]\n---\n# Dropck\n\nIntro.\n\n## Soundness\n\nText. ^proof\n',
  'raw/Rust book.md': '# The book\n\n## Ownership\n\nOwnership text.\n',
  'wiki/index.md': '# Index\n',
});

describe('checkCitations', () => {
  it('accepts links whose note and heading exist, by path and by name (an alias shown as display text), as Obsidian resolves them', async () => {
    const answer = 'Dropck is sound [[wiki/concepts/Dropck#Soundness]]; see [[Rust book#Ownership]] and [[Dropck|Drop check]] and [[wiki/concepts/Dropck#^proof]].';
    const citations = await checkCitations(answer, new NoteGraph({ vault }));
    expect(citations).toEqual([
      { link: '[[wiki/concepts/Dropck#Soundness]]', path: 'wiki/concepts/Dropck.md', heading: 'Soundness', valid: true },
      { link: '[[Rust book#Ownership]]', path: 'raw/Rust book.md', heading: 'Ownership', valid: true },
      { link: '[[Dropck|Drop check]]', path: 'wiki/concepts/Dropck.md', heading: null, valid: true },
      { link: '[[wiki/concepts/Dropck#^proof]]', path: 'wiki/concepts/Dropck.md', heading: '^proof', valid: true },
    ]);
  });

  it('flags a link by alias as unverified: Obsidian does not follow it, so the citation would open nothing', async () => {
    const citations = await checkCitations('See [[Drop check]].', new NoteGraph({ vault }));
    expect(citations).toEqual([{ link: '[[Drop check]]', path: null, heading: null, valid: false }]);
  });

  it('flags a missing note, a missing heading and a missing block as unverified', async () => {
    const answer = 'See [[wiki/concepts/Borrowck]], [[wiki/concepts/Dropck#Variance]], [[Dropck#^nope]] and [[#Local]].';
    const citations = await checkCitations(answer, new NoteGraph({ vault }));
    expect(citations.map((c) => [c.link, c.path, c.valid])).toEqual([
      ['[[wiki/concepts/Borrowck]]', null, false],
      ['[[wiki/concepts/Dropck#Variance]]', 'wiki/concepts/Dropck.md', false],
      ['[[Dropck#^nope]]', 'wiki/concepts/Dropck.md', false],
      ['[[#Local]]', null, false],
    ]);
  });

  it('reports a repeated link once and ignores links inside code', async () => {
    const answer = 'A [[raw/Rust book]] B [[raw/Rust book]] `[[raw/Fake]]`\n\n```\n[[raw/Fake2]]\n```\n';
    const citations = await checkCitations(answer, new NoteGraph({ vault }));
    expect(citations.map((c) => c.link)).toEqual(['[[raw/Rust book]]']);
  });
});
