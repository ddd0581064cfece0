import type { MetadataCache } from 'obsidian';
import type { LinkLookup } from '../core/ports/link-lookup';

/**
 * Links resolved by Obsidian itself: `metadataCache.getFirstLinkpathDest` (since 0.12.5), the
 * call Obsidian's own link rendering uses. Health checks and the research tools in the plugin go
 * through this, so a link they call broken is exactly one Obsidian shows unresolved (an alias is
 * not a destination; a duplicate name reaches the file Obsidian opens).
 */
export class MetadataCacheLinks implements LinkLookup {
  private readonly cache: Pick<MetadataCache, 'getFirstLinkpathDest'>;

  constructor(cache: Pick<MetadataCache, 'getFirstLinkpathDest'>) {
    this.cache = cache;
  }

  resolve(linkpath: string, sourcePath: string): string | null {
    const path = linkpath.trim();
    // `[[#Heading]]`: a link into the linking note itself.
    if (path === '') return sourcePath;
    return this.cache.getFirstLinkpathDest(path, sourcePath)?.path ?? null;
  }
}
