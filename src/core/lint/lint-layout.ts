import { joinPath, normalizeVaultPath } from '../markdown';
import type { NoteRole } from './wiki-snapshot';

export interface LintLayoutOptions {
  /** The user's sources. Default "raw". */
  rawFolder?: string;
  /** What Scriptorium writes. Default "wiki". */
  wikiFolder?: string;
  /** Concept articles longer than this many words are reported as oversized; 0 = never. Default 2500. */
  splitArticleWords?: number;
  /** Where notes' images are kept; images there belong to their notes. Default "<raw>/assets". */
  attachmentsFolder?: string;
}

/**
 * Where things live, as the health checks need to know it: the raw and wiki folders and the
 * wiki's index, log, sources, concepts and outputs, all derived from the two folder settings.
 */
export class LintLayout {
  readonly rawFolder: string;
  readonly wikiFolder: string;
  readonly indexPath: string;
  readonly logPath: string;
  readonly sourcesFolder: string;
  readonly conceptsFolder: string;
  readonly outputsFolder: string;
  /** Words past which a concept article is reported as oversized (0: never). */
  readonly splitArticleWords: number;
  readonly attachmentsFolder: string;

  constructor(options: LintLayoutOptions = {}) {
    this.rawFolder = normalizeVaultPath(options.rawFolder ?? 'raw');
    this.attachmentsFolder = normalizeVaultPath(options.attachmentsFolder ?? joinPath(this.rawFolder, 'assets'));
    this.wikiFolder = normalizeVaultPath(options.wikiFolder ?? 'wiki');
    this.indexPath = joinPath(this.wikiFolder, 'index.md');
    this.logPath = joinPath(this.wikiFolder, 'log.md');
    this.sourcesFolder = joinPath(this.wikiFolder, 'sources');
    this.conceptsFolder = joinPath(this.wikiFolder, 'concepts');
    this.outputsFolder = joinPath(this.wikiFolder, 'outputs');
    const words = options.splitArticleWords ?? 2500;
    this.splitArticleWords = Number.isFinite(words) && words > 0 ? Math.round(words) : 0;
  }

  isRaw(path: string): boolean {
    return inFolder(this.rawFolder, path);
  }

  isWiki(path: string): boolean {
    return inFolder(this.wikiFolder, path);
  }

  /** The article type a note has when its frontmatter does not say. */
  defaultTypeOf(path: string): string | undefined {
    if (inFolder(this.sourcesFolder, path)) return 'source';
    if (inFolder(this.conceptsFolder, path)) return 'concept';
    if (inFolder(this.outputsFolder, path)) return 'output';
    return undefined;
  }

  roleOf(path: string, type: string | undefined): NoteRole {
    if (this.isRaw(path)) return 'raw';
    if (!this.isWiki(path)) return 'other';
    if (path === this.indexPath) return 'index';
    if (path === this.logPath) return 'log';
    return type === 'report' ? 'report' : 'article';
  }
}

function inFolder(folder: string, path: string): boolean {
  return folder === '' || path.startsWith(`${folder}/`);
}
