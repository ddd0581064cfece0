import { NoteGraph } from '../../../src/core/ask';
import type { LinkLookup } from '../../../src/core/ports';
import { MemoryVault } from '../../support/memory-vault';

const NOTES = {
  'wiki/concepts/Ownership.md': '---\naliases: [Borrowing]\n---\n# Ownership\n',
  'wiki/concepts/Moves.md': 'See [[Borrowing]] and [[Ownership|Borrowing]] and [[Note]].\n',
  'raw/Note.md': 'raw\n',
  'wiki/sources/Note.md': 'source\n',
};

describe('NoteGraph link tools', () => {
  it('follow links as Obsidian does: [[Alias]] reaches nothing, a duplicate name goes to the shortest path', async () => {
    const graph = new NoteGraph({ vault: new MemoryVault(NOTES) });
    const { out } = await graph.linksOf('wiki/concepts/Moves.md');
    expect(out.map((l) => [l.raw, l.path])).toEqual([
      ['[[Borrowing]]', null],
      ['[[Ownership|Borrowing]]', 'wiki/concepts/Ownership.md'],
      ['[[Note]]', 'raw/Note.md'],
    ]);
    expect((await graph.linksOf('wiki/concepts/Ownership.md')).back).toEqual(['wiki/concepts/Moves.md']);
    // Finding a note by a name the model gives is a look-up, not a link: an alias finds its note.
    expect(await graph.resolve('Borrowing')).toBe('wiki/concepts/Ownership.md');
  });

  it("ask the vault's own link index when it has one (Obsidian's metadataCache in the plugin)", async () => {
    const asked: string[] = [];
    const links: LinkLookup = {
      resolve: (linkpath, source) => {
        asked.push(`${source} -> ${linkpath}`);
        return linkpath === 'Note' ? 'wiki/sources/Note.md' : null;
      },
    };
    const vault = Object.assign(new MemoryVault(NOTES), { links });
    const graph = new NoteGraph({ vault });
    const { out } = await graph.linksOf('wiki/concepts/Moves.md');
    expect(out.map((l) => l.path)).toEqual([null, null, 'wiki/sources/Note.md']);
    expect(asked).toContain('wiki/concepts/Moves.md -> Note');
  });
});
