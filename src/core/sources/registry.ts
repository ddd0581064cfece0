import { extname } from '../markdown/paths';
import type { VaultFileStat } from '../ports/vault';
import { imageReader } from './image-reader';
import { noteReader } from './note-reader';
import type { SourceKind, SourceReader } from './types';

/**
 * Every kind of source Scriptorium compiles, one reader each. To add a kind, write its reader in
 * this folder and list it here (docs/adding-a-source-kind.md). Order matters only for folder
 * kinds: the first that claims a folder reads it as one source.
 */
export const SOURCE_READERS: readonly SourceReader[] = [
  noteReader,
  imageReader,
];

const byExtension = new Map<string, SourceReader>();
for (const reader of SOURCE_READERS) for (const ext of reader.extensions) byExtension.set(ext, reader);

/** The reader for a file, by its extension; undefined for a kind Scriptorium does not compile. */
export function readerForFile(path: string): SourceReader | undefined {
  return byExtension.get(extname(path).toLowerCase());
}

export function readerForKind(kind: SourceKind): SourceReader | undefined {
  return SOURCE_READERS.find((r) => r.kind === kind);
}

/** Every extension some reader takes, for messages ("Supported: .md, .pdf, …"). */
export function supportedExtensions(): string[] {
  return [...byExtension.keys()].sort();
}

/** One thing to compile: a file, or a folder a folder kind claims (a repository). */
export interface SourceUnit {
  path: string;
  kind: SourceKind;
  reader: SourceReader;
}

/** A file under the folders asked for that no reader takes, with why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/**
 * The sources among `files` under `folder` ('' = the whole vault): folders claimed by a folder
 * kind become one unit each (their files are not compiled one by one), every other file with a
 * reader is a unit of its own, and files no reader takes are listed as skipped.
 */
export function sourceUnits(files: readonly VaultFileStat[], folder: string, exclude: (path: string) => boolean = () => false): { units: SourceUnit[]; skipped: SkippedFile[] } {
  const prefix = folder === '' ? '' : `${folder}/`;
  const inside = files.filter((f) => (f.path.startsWith(prefix) || f.path === folder) && !exclude(f.path));
  const folderReaders = SOURCE_READERS.filter((r) => r.claimsFolder !== undefined);
  const itself = folder === '' ? undefined : folderReaders.find((r) => r.claimsFolder?.(folder, files));
  if (itself) return { units: [{ path: folder, kind: itself.kind, reader: itself }], skipped: [] };
  const claimed: SourceUnit[] = [];
  if (folderReaders.length) {
    // Every folder that holds one of the files, shallowest first, so a repository's sub-folders
    // (a vendored package with its own manifest) stay part of it.
    const folders = new Set<string>();
    for (const f of inside) {
      let i = f.path.lastIndexOf('/');
      while (i > prefix.length - 1 && i > 0) {
        folders.add(f.path.slice(0, i));
        i = f.path.lastIndexOf('/', i - 1);
      }
    }
    const ordered = [...folders].filter((d) => d.length >= prefix.length).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    for (const dir of ordered) {
      if (claimed.some((c) => dir.startsWith(`${c.path}/`))) continue;
      const reader = folderReaders.find((r) => r.claimsFolder?.(dir, files));
      if (reader) claimed.push({ path: dir, kind: reader.kind, reader });
    }
  }
  const units: SourceUnit[] = [...claimed];
  const skipped: SkippedFile[] = [];
  for (const f of inside) {
    if (claimed.some((c) => f.path.startsWith(`${c.path}/`))) continue;
    const reader = readerForFile(f.path);
    if (reader) units.push({ path: f.path, kind: reader.kind, reader });
    else skipped.push({ path: f.path, reason: unsupportedReason(f.path) });
  }
  units.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { units, skipped };
}

/** Why a file is not compiled, in a sentence. */
export function unsupportedReason(path: string): string {
  const ext = extname(path).toLowerCase();
  return `${ext ? `"${ext}" files are` : 'Files without an extension are'} not a kind Scriptorium compiles (it reads ${supportedExtensions().join(', ')}, and code repositories as folders).`;
}
