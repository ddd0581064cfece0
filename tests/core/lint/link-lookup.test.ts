import type { MetadataCache, TFile } from 'obsidian';
import { LintLayout, StructuralLinter, type Finding } from '../../../src/core/lint';
import { MetadataCacheLinks } from '../../../src/obsidian/metadata-links';
import { MemoryVault } from '../../support/memory-vault';
import { obsidianLinkpathDest } from '../../support/obsidian-link-index';
import { fixtureFiles } from './fixture';

const layout = new LintLayout();
const brief = (f: Finding) => `${f.kind} | ${f.path} | ${f.line ?? '-'} | ${f.target ?? '-'}`;

/** The plugin's side: links resolved by a metadataCache (here a fake with Obsidian's documented rules). */
function withMetadataCache(vault: MemoryVault): MemoryVault & { links: MetadataCacheLinks } {
  const cache: Pick<MetadataCache, 'getFirstLinkpathDest'> = {
    getFirstLinkpathDest: (linkpath, sourcePath) => {
      const files = Object.keys(fixtureFiles()).map((path) => ({ path }));
      return obsidianLinkpathDest(files, linkpath, sourcePath) as unknown as TFile | null;
    },
  };
  return Object.assign(vault, { links: new MetadataCacheLinks(cache) });
}

describe('health checks resolve links through the vault’s link index', () => {
  it('find the same problems with the CLI’s resolver and through a metadataCache, [[Alias]] broken in both', async () => {
    const cli = await new StructuralLinter({ vault: new MemoryVault(fixtureFiles()), layout }).run();
    const plugin = await new StructuralLinter({ vault: withMetadataCache(new MemoryVault(fixtureFiles())), layout }).run();
    expect(plugin.findings.map(brief)).toEqual(cli.findings.map(brief));
    expect(plugin.findings.find((f) => f.target === 'Borrowing')?.message).toContain('Did you mean [[Ownership|Borrowing]]?');
  });

  it('follow the link index rather than their own rules when it has one', async () => {
    const vault = Object.assign(new MemoryVault(fixtureFiles()), { links: { resolve: () => null } });
    const result = await new StructuralLinter({ vault, layout }).run();
    // Every link is unresolved by that index, so the valid link [[ownership]] (case differs) is reported too.
    expect(result.findings.filter((f) => f.target?.toLowerCase() === 'ownership').map((f) => f.kind)).not.toEqual([]);
  });
});
