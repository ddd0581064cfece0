import { tr } from '../../i18n';
import { hashBytes, hashText } from '../markdown/hash';
import { extname } from '../markdown/paths';
import type { VaultFileStat } from '../ports/vault';
import { datasetReader } from './dataset-reader';
import { imageReader } from './image-reader';
import { noteReader } from './note-reader';
import { pdfReader } from './pdf-reader';
import { repositoryReader } from './repository-reader';
import type { SourceKind, SourceReadContext, SourceReader } from './types';
import { webPageReader } from './web-page-reader';

/**
 * Every kind of source Scriptorium compiles, one reader each. To add a kind, write its reader in
 * this folder and list it here (docs/adding-a-source-kind.md). Order matters only for folder
 * kinds: the first that claims a folder reads it as one source.
 */
export const SOURCE_READERS: readonly SourceReader[] = [
  noteReader,
  imageReader,
  datasetReader,
  pdfReader,
  repositoryReader,
  webPageReader,
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

/**
 * One thing to compile: a file, or a folder a folder kind claims (a repository). A folder source
 * is known everywhere (compile state, summaries' `sources`, lint) by its anchor file — its README,
 * else its first file — so every link to it opens something; `folder` is what the reader reads.
 */
export interface SourceUnit {
  path: string;
  kind: SourceKind;
  reader: SourceReader;
  folder?: string;
}

/** The file a folder source is known by: a README directly in it, else its first file. */
export function anchorOf(folder: string, files: readonly VaultFileStat[]): string | undefined {
  const direct = files.filter((f) => f.path.startsWith(`${folder}/`) && !f.path.slice(folder.length + 1).includes('/')).map((f) => f.path).sort();
  const name = (p: string) => p.slice(p.lastIndexOf('/') + 1).toLowerCase();
  return direct.find((p) => /^readme(\.md)?$/.test(name(p))) ?? direct.find((p) => name(p).startsWith('readme')) ?? direct[0];
}

function folderUnit(folder: string, reader: SourceReader, files: readonly VaultFileStat[]): SourceUnit | undefined {
  const anchor = anchorOf(folder, files);
  return anchor ? { path: anchor, kind: reader.kind, reader, folder } : undefined;
}

/**
 * The source a file belongs to: the folder source (repository) holding it, when one within
 * `root` claims it, else the file's own kind; undefined when no reader takes it.
 */
export function unitFor(path: string, files: readonly VaultFileStat[], root: string): SourceUnit | undefined {
  const folderReaders = SOURCE_READERS.filter((r) => r.claimsFolder !== undefined);
  const prefix = root === '' ? '' : `${root}/`;
  if (folderReaders.length && path.startsWith(prefix)) {
    const parts = path.slice(prefix.length).split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = prefix + parts.slice(0, i).join('/');
      const reader = folderReaders.find((r) => r.claimsFolder?.(dir, files));
      if (reader) return folderUnit(dir, reader, files);
    }
  }
  const reader = readerForFile(path);
  return reader ? { path, kind: reader.kind, reader } : undefined;
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
  if (itself) {
    const unit = folderUnit(folder, itself, files);
    return { units: unit ? [unit] : [], skipped: [] };
  }
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
      if (claimed.some((c) => dir.startsWith(`${c.folder}/`))) continue;
      const reader = folderReaders.find((r) => r.claimsFolder?.(dir, files));
      const unit = reader && folderUnit(dir, reader, files);
      if (unit) claimed.push(unit);
    }
  }
  const units: SourceUnit[] = [...claimed];
  const skipped: SkippedFile[] = [];
  for (const f of inside) {
    if (claimed.some((c) => f.path.startsWith(`${c.folder}/`))) continue;
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
  const extensions = supportedExtensions().join(tr('core.plan.listSeparator'));
  return ext ? tr('core.sources.unsupported', { ext, extensions }) : tr('core.sources.unsupportedNoExtension', { extensions });
}

/** Kinds whose hash is the hash of the file's bytes, so it can be had without parsing the file. */
const BYTE_HASHED: ReadonlySet<SourceKind> = new Set(['pdf', 'image', 'dataset']);

/**
 * A source's current hash, what its summary's `source_hashes` is compared with (stale checks,
 * the editor badge): cheap for files hashed by their bytes, a full read otherwise. Undefined
 * when it cannot be read now.
 */
export async function currentHash(unit: SourceUnit, ctx: SourceReadContext): Promise<string | undefined> {
  try {
    if (BYTE_HASHED.has(unit.kind)) return hashBytes(await ctx.vault.readBinary(unit.path));
    if (unit.kind === 'note' || unit.kind === 'web-page') return hashText(await ctx.vault.read(unit.path));
    const doc = await unit.reader.read(unit.folder ?? unit.path, ctx);
    return doc.hash;
  } catch {
    return undefined;
  }
}
