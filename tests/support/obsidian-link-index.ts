/**
 * A small stand-in for Obsidian's `metadataCache.getFirstLinkpathDest`, written from its documented
 * and observed behaviour (see docs/decisions.md, "Links resolve as Obsidian resolves them"), for
 * tests where the `obsidian-test-mocks` fake falls short: its version matches names case-sensitively,
 * takes the first file in listing order for a duplicate name, and knows no relative paths.
 *
 * Obsidian's rules, in order: the link path as a vault path (a leading `/` ignored) or relative to
 * the linking note's folder (`./x`, `../x`), with `.md` optional, case-insensitively; else a file
 * name (a markdown note without `.md`, any other file with its extension), a link path with
 * folders matching the end of the path; a duplicate name goes to the file in the linking note's
 * own folder, else to the shortest path. Aliases play no part.
 */

interface FileLike {
  path: string;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** `a/./b/../c` → `a/c`; null when `..` climbs out of the vault. */
function normalise(path: string): string | null {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

export function obsidianLinkpathDest<F extends FileLike>(files: readonly F[], linkpath: string, sourcePath: string): F | null {
  const wanted = linkpath.normalize('NFC');
  const lower = (s: string) => s.normalize('NFC').toLowerCase();
  const byPath = new Map(files.map((f) => [lower(f.path), f]));
  const here = folderOf(sourcePath);
  const asPaths = [normalise(wanted), wanted.startsWith('./') || wanted.startsWith('../') ? normalise(`${here}/${wanted}`) : null].filter((p): p is string => !!p);
  for (const p of asPaths) {
    const hit = byPath.get(lower(p)) ?? byPath.get(lower(`${p}.md`));
    if (hit) return hit;
  }
  const tail = lower(normalise(wanted) ?? wanted);
  const candidates = files.filter((f) => {
    const p = lower(f.path);
    const name = p.slice(p.lastIndexOf('/') + 1);
    const stem = name.endsWith('.md') ? name.slice(0, -3) : name;
    const last = tail.slice(tail.lastIndexOf('/') + 1);
    if (last !== name && last !== stem) return false;
    return !tail.includes('/') || p.endsWith(`/${tail}`) || p.endsWith(`/${tail}.md`);
  });
  candidates.sort((a, b) => {
    const own = Number(folderOf(b.path) === here) - Number(folderOf(a.path) === here);
    return own || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  });
  return candidates[0] ?? null;
}
