/**
 * The contract between the vault index and its users (the search view, the chat agent's tools,
 * compile's candidate lookup, the CLI). Implemented by `VaultIndex` in this folder.
 */
export interface SearchOptions {
  /** Most results returned. Default 10. */
  limit?: number;
  /** Only notes under this folder (vault-relative, no trailing slash), e.g. "wiki" or "raw". */
  folder?: string;
  /** One result per note (its best passage) instead of one per passage. Default false. */
  notes?: boolean;
  /**
   * Complete the last word as a prefix when it has 3+ characters and no space after it: for search
   * as you type only (the search modal and view). The agent, the CLI and other callers give finished
   * queries and search whole words. Default false.
   */
  prefix?: boolean;
  /**
   * 'lexical': words only (BM25 over passages); 'semantic': by meaning only (the passages' vectors);
   * 'hybrid': both, fused by reciprocal rank. Default: hybrid once vectors exist, else lexical. A
   * search by meaning whose embedding endpoint fails answers lexically instead of failing.
   * Only `HybridSearch` reads it; `VaultIndex` alone is always lexical.
   */
  mode?: SearchMode;
}

/** How a search ranks: see `SearchOptions.mode`. */
export type SearchMode = 'lexical' | 'semantic' | 'hybrid';

export interface SearchResult {
  /** Vault-relative path as Obsidian shows it, e.g. "raw/Some note.md". */
  path: string;
  /** The note's title (frontmatter title, else a leading `# H1` that is its only H1, else the file name without extension). */
  title: string;
  /** The heading of the section the passage is in, or null for the text before the first heading. */
  heading: string | null;
  /**
   * 1-based first and last line of the passage in the file: a whole section, or, in a section
   * longer than about 150 words, the paragraphs of it that matched.
   */
  line: number;
  endLine: number;
  /** 0–1, best result of the query is 1. */
  score: number;
  /** A short excerpt with matched terms wrapped in `**`…`**`. */
  snippet: string;
}

export interface ReadOptions {
  /** Read only this heading's section ("Heading" or "Parent#Heading"). */
  heading?: string;
  /** Read only these 1-based lines, inclusive. */
  lines?: [number, number];
  /** Cap on returned characters; the text ends with a marker saying what was left out. Default 12 000. */
  maxChars?: number;
}

export interface ReadResult {
  path: string;
  /** Line-numbered text: each line as `<n>: <text>` (right-aligned numbers). */
  text: string;
  startLine: number;
  endLine: number;
  totalLines: number;
  truncated: boolean;
}

/** What the chat agent and other services need from the index. */
export interface VaultSearch {
  search(query: string, options?: SearchOptions): Promise<SearchResult[]>;
  read(path: string, options?: ReadOptions): Promise<ReadResult>;
}
