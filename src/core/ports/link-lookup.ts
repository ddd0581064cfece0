/**
 * How links reach files, answered the way Obsidian answers it. In the plugin this is Obsidian's
 * own link index (`metadataCache.getFirstLinkpathDest`), so health checks and the research tools
 * call a link broken exactly when Obsidian shows it unresolved; the CLI and tests use the pure
 * `LinkResolver`, which follows the same rules: an exact vault path (or one relative to the
 * linking note), then a file name, a duplicate name going to the one in the linking note's folder,
 * else to the shortest path. An alias is never a link destination (Obsidian writes
 * `[[Note|Alias]]`).
 */
export interface LinkLookup {
  /**
   * The vault path a link path (the part before `#`, without `|display`) reaches from the note
   * at `sourcePath`, or null when Obsidian would show the link unresolved. '' means the linking
   * note itself.
   */
  resolve(linkpath: string, sourcePath: string): string | null;
}
