import { renderWikiIndex } from '../../../src/core/plan';
import { VaultIndex } from '../../../src/core/search';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

/** A small vault: two raw sources, their compiled wiki articles, an index. */
export function researchVault(extra: Record<string, string> = {}): MemoryVault {
  return new MemoryVault({
    'raw/Rust book.md': '# The Rust book\n\n## Ownership\n\nEvery value has a single owner. When the owner goes out of scope the value is dropped.\n\n## Borrowing\n\nReferences borrow values without taking ownership.\n',
    'raw/Nomicon.md': '# The Rustonomicon\n\n## Drop check\n\nThe drop checker (dropck) makes sure a destructor cannot observe dangling references.\n',
    'wiki/concepts/Dropck.md':
      '---\ntitle: Dropck\nsummary: How the compiler checks destructors.\ntype: concept\nsources:\n  - "[[raw/Nomicon]]"\nscriptorium: generated\n---\n# Dropck\n\nDropck is the drop checker. See [[wiki/concepts/Ownership]].\n\n## Soundness\n\nDropck rejects a destructor that could read borrowed data after it was freed [[raw/Nomicon#Drop check]].\n',
    'wiki/concepts/Ownership.md':
      '---\ntitle: Ownership\nsummary: Each value has one owner.\ntype: concept\nsources:\n  - "[[raw/Rust book]]"\nscriptorium: generated\n---\n# Ownership\n\nEach value has exactly one owner; see [[wiki/concepts/Dropck]] for destructors.\n',
    'wiki/index.md': renderWikiIndex([
      { path: 'wiki/concepts/Dropck.md', title: 'Dropck', summary: 'How the compiler checks destructors.', type: 'concept' },
      { path: 'wiki/concepts/Ownership.md', title: 'Ownership', summary: 'Each value has one owner.', type: 'concept' },
    ]),
    ...extra,
  });
}

export async function indexOf(vault: MemoryVault): Promise<VaultIndex> {
  const index = new VaultIndex({ vault, state: new MemoryStateStore() });
  await index.sync();
  return index;
}
