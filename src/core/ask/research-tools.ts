import { tr } from '../../i18n';
import { s, toolParameters, validate, type Schema } from '../llm/schema';
import type { ToolSpec } from '../llm/types';
import { listHeadings } from '../markdown/sections';
import { basenameNoExt, extname, resolveVaultPath } from '../markdown/paths';
import type { VaultPort } from '../ports/vault';
import { isMeaningSearch, type MeaningSearch } from '../search/hybrid-search';
import type { VaultSearch } from '../search/types';
import type { NoteGraph } from './note-graph';
import type { AskStep } from './types';

export interface ResearchToolsOptions {
  search: VaultSearch;
  vault: VaultPort;
  graph: NoteGraph;
  /** The wiki folder; its `index.md` is what the `index` tool reads. Default "wiki". */
  wikiFolder?: string;
  /** Cap on the characters one `read` returns. Default 8 000 (about 2 000 tokens). */
  maxReadChars?: number;
}

/** What one tool call gives back: text for the model and a line for the trace. */
export interface ToolOutcome {
  content: string;
  step: AskStep;
}

type Args = Record<string, unknown>;

/** A tool call the model got wrong; the message goes back to it so it can correct itself. */
class ToolInputError extends Error {}

const SEARCH_LIMIT_MAX = 20;
const LIST_MAX_ENTRIES = 200;
const LINKS_MAX = 100;

/** A text argument; blank reads as absent. */
const textArg = (description: string) =>
  s.coerce(s.optional(s.string({ description })), (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value));

/** A whole-number argument; "8" reads as 8, blank as absent. */
const intArg = (description: string) => s.coerce(s.optional(s.number({ integer: true, fromString: true, description })), (value) => (value === '' ? undefined : value));

/** Each tool's arguments: one definition gives the schema the model sees and the check of what it sends. */
const TOOL_ARGS = {
  search: s.object({
    query: s.string({ nonEmpty: true, description: 'Keywords to search for.' }),
    folder: textArg('Only notes under this folder, e.g. "wiki" or "raw".'),
    limit: intArg(`Most results (1–${SEARCH_LIMIT_MAX}, default 8).`),
  }),
  read: s.object({
    path: s.string({ nonEmpty: true, description: 'Vault path of the note, e.g. "wiki/concepts/Dropck.md" (a note name also works).' }),
    heading: textArg('Read only this heading’s section.'),
    start_line: intArg('First line to read (1-based).'),
    end_line: intArg('Last line to read (inclusive).'),
  }),
  list: s.object({ folder: textArg('Vault folder, e.g. "wiki/concepts".') }),
  links: s.object({ path: s.string({ nonEmpty: true, description: 'Vault path or name of the note.' }) }),
  index: s.object({}),
};

/** Arguments of the tools offered when the vault has passage vectors (search by meaning). */
const MEANING_ARGS = {
  search: s.object({
    query: s.string({ nonEmpty: true, description: 'Keywords, or a description of what you look for.' }),
    folder: textArg('Only notes under this folder, e.g. "wiki" or "raw".'),
    limit: intArg(`Most results (1–${SEARCH_LIMIT_MAX}, default 8).`),
    mode: s.coerce(
      s.optional(s.enumOf(['lexical', 'semantic', 'hybrid'] as const, { description: '"hybrid" (default): words and meaning; "lexical": exact words only; "semantic": by meaning only, for notes that say it in other words.' })),
      (value) => (value === '' ? undefined : value),
    ),
  }),
  related: s.object({
    path: s.string({ nonEmpty: true, description: 'Vault path or name of the note.' }),
    limit: intArg('Most notes (1–20, default 8).'),
  }),
};

/** The search tool as offered when the vault has passage vectors: it takes a `mode`. */
const MEANING_SEARCH_SPEC: ToolSpec = {
  name: 'search',
  description:
    'Searches every note in the vault (raw sources and wiki articles) by words and by meaning. Returns the best-matching passages with path, heading, line range and a snippet. Short keyword queries work; so does a description of what you look for.',
  parameters: toolParameters(MEANING_ARGS.search),
};

/** Offered when the vault has passage vectors. */
const RELATED_SPEC: ToolSpec = {
  name: 'related',
  description: 'Lists the notes closest in meaning to a note (from stored vectors), each with the passage that makes it related. Finds notes that should link to each other.',
  parameters: toolParameters(MEANING_ARGS.related),
};

/** The read-only tools the research agent may call. None writes, none reaches the network. */
export const RESEARCH_TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: 'search',
    description:
      'Full-text search over every note in the vault (raw sources and wiki articles). Returns the best-matching sections with path, heading, line range and a snippet. Use several short keyword queries rather than one long sentence.',
    parameters: toolParameters(TOOL_ARGS.search),
  },
  {
    name: 'read',
    description:
      'Reads a note, one heading’s section of it, or a range of its lines. Text comes back with line numbers and is capped in size; when it was cut, a marker says which lines remain so you can read them next.',
    parameters: toolParameters(TOOL_ARGS.read),
  },
  {
    name: 'list',
    description: 'Lists the files and subfolders of a folder of the vault (the vault root when no folder is given).',
    parameters: toolParameters(TOOL_ARGS.list),
  },
  {
    name: 'links',
    description: 'Lists the notes a note links to and the notes that link to it (backlinks).',
    parameters: toolParameters(TOOL_ARGS.links),
  },
  {
    name: 'index',
    description: 'Reads the wiki index: the catalog of every wiki article with a one-line summary. A good first step for broad questions.',
    parameters: toolParameters(TOOL_ARGS.index),
  },
];

/** Checks a tool's arguments against its definition; what is wrong goes back to the model. */
function readArgs<T>(schema: Schema<T>, args: Args): T {
  const result = validate(schema, args);
  if (!result.ok) throw new ToolInputError(`${result.errors.join('; ')}.`);
  return result.value;
}

function parseArgs(raw: string): Args {
  const text = raw.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ToolInputError(`the arguments are not valid JSON (${error instanceof Error ? error.message : String(error)}). Send a JSON object.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ToolInputError('the arguments must be a JSON object.');
  return value as Args;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `wiki/concepts/Dropck.md` + heading → `[[wiki/concepts/Dropck#Heading]]`, the citation form we ask for. */
export function citationLink(path: string, heading?: string | null): string {
  const target = extname(path) === '.md' ? path.slice(0, -3) : path;
  return `[[${target}${heading ? `#${heading}` : ''}]]`;
}

/**
 * Runs the agent's tool calls. Arguments are parsed and checked here; every problem becomes a
 * message the model reads (and a flagged step in the trace), never an exception in the loop.
 */
export class ResearchTools {
  private readonly search: VaultSearch;
  private readonly vault: VaultPort;
  private readonly graph: NoteGraph;
  private readonly wikiFolder: string;
  private readonly maxReadChars: number;

  constructor(options: ResearchToolsOptions) {
    this.search = options.search;
    this.vault = options.vault;
    this.graph = options.graph;
    this.wikiFolder = options.wikiFolder ?? 'wiki';
    this.maxReadChars = options.maxReadChars ?? 8_000;
  }

  get specs(): readonly ToolSpec[] {
    if (!this.meaning()) return RESEARCH_TOOL_SPECS;
    return [...RESEARCH_TOOL_SPECS.map((t) => (t.name === 'search' ? MEANING_SEARCH_SPEC : t)), RELATED_SPEC];
  }

  /** The search, when it can search by meaning now (a `HybridSearch` whose vault has vectors). */
  private meaning(): MeaningSearch | null {
    return isMeaningSearch(this.search) && this.search.meaningReady() ? this.search : null;
  }

  async run(name: string, rawArgs: string): Promise<ToolOutcome> {
    let args: Args = {};
    try {
      args = parseArgs(rawArgs);
      switch (name) {
        case 'search':
          return await this.runSearch(args);
        case 'read':
          return await this.runRead(args);
        case 'list':
          return await this.runList(args);
        case 'links':
          return await this.runLinks(args);
        case 'index':
          return await this.runIndex();
        case 'related':
          if (this.meaning()) return await this.runRelated(args);
          throw new ToolInputError(`there is no tool "${name}". The tools are: ${this.specs.map((t) => t.name).join(', ')}.`);
        default:
          throw new ToolInputError(`there is no tool "${name}". The tools are: ${RESEARCH_TOOL_SPECS.map((t) => t.name).join(', ')}.`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const shownArgs = Object.keys(args).length > 0 || rawArgs.trim() === '' ? args : { raw: rawArgs.slice(0, 200) };
      return { content: `Error: ${message}`, step: { tool: name, args: shownArgs, resultSummary: `error: ${message}`, error: true } };
    }
  }

  private async runSearch(args: Args): Promise<ToolOutcome> {
    const meaning = this.meaning();
    const given: { query: string; folder?: string; limit?: number; mode?: 'lexical' | 'semantic' | 'hybrid' } = meaning ? readArgs(MEANING_ARGS.search, args) : readArgs(TOOL_ARGS.search, args);
    const query = given.query;
    const folder = given.folder?.replace(/^\/+|\/+$/g, '');
    const limit = Math.min(SEARCH_LIMIT_MAX, Math.max(1, given.limit ?? 8));
    const mode = given.mode;
    // The model's query is finished: whole words, no completion of its last word.
    const results = await this.search.search(query, { limit, prefix: false, ...(folder ? { folder } : {}), ...(mode ? { mode } : {}) });
    const step: AskStep = { tool: 'search', args: { query, ...(folder ? { folder } : {}), limit, ...(mode ? { mode } : {}) }, resultSummary: results.length === 1 ? tr('core.ask.step.resultsOne') : tr('core.ask.step.results', { count: results.length }) };
    if (results.length === 0) {
      return { content: `No results for "${query}"${folder ? ` in ${folder}/` : ''}. Try other or fewer keywords.`, step };
    }
    const lines = results.map((r, i) => {
      const where = r.heading ? ` § ${r.heading}` : '';
      return `${i + 1}. ${r.path}${where} (lines ${r.line}–${r.endLine}; cite as ${citationLink(r.path, r.heading)})\n   ${r.snippet.replace(/\s+/g, ' ').trim()}`;
    });
    return { content: lines.join('\n'), step };
  }

  /** A path the model gave (maybe without `.md`, maybe a bare note name) → a readable vault path. */
  private async notePath(given: string): Promise<string> {
    const cleaned = resolveVaultPath(given.replace(/^\[\[|\]\]$/g, '').split('#')[0]);
    if (cleaned === null || cleaned === '') throw new ToolInputError(`"${given}" is not a path inside the vault.`);
    if (cleaned.split('/').some((s) => s.startsWith('.'))) throw new ToolInputError(`"${given}" is not a note of the vault.`);
    const found = await this.graph.resolve(cleaned);
    if (found === null) {
      const name = basenameNoExt(cleaned).toLowerCase();
      const close = (await this.graph.allPaths()).filter((p) => p.toLowerCase().includes(name)).slice(0, 5);
      throw new ToolInputError(`no note "${given}"${close.length > 0 ? `. Did you mean: ${close.join(', ')}?` : '. Use search or list to find notes.'}`);
    }
    if (found.startsWith(`${this.vault.configDir}/`)) throw new ToolInputError(`"${given}" is not a note of the vault.`);
    return found;
  }

  private async runRead(args: Args): Promise<ToolOutcome> {
    const given = readArgs(TOOL_ARGS.read, args);
    const path = await this.notePath(given.path);
    const heading = given.heading?.replace(/^#+\s*/, '');
    const start = given.start_line;
    const end = given.end_line;
    if ((start !== undefined && start < 1) || (end !== undefined && end < 1)) throw new ToolInputError('line numbers start at 1.');
    if (start !== undefined && end !== undefined && end < start) throw new ToolInputError('"end_line" is before "start_line".');
    const shownArgs: Args = { path, ...(heading ? { heading } : {}), ...(start !== undefined ? { start_line: start } : {}), ...(end !== undefined ? { end_line: end } : {}) };
    let result;
    try {
      result = await this.search.read(path, {
        maxChars: this.maxReadChars,
        ...(heading ? { heading } : {}),
        ...(start !== undefined || end !== undefined ? { lines: [start ?? 1, end ?? Number.MAX_SAFE_INTEGER] as [number, number] } : {}),
      });
    } catch (error) {
      if (heading) {
        const text = await this.graph.textOf(path);
        const headings = text === undefined ? [] : listHeadings(text).map((h) => h.heading);
        if (text !== undefined && !headings.some((h) => h.toLowerCase() === heading.toLowerCase().split('#').pop())) {
          throw new ToolInputError(`"${path}" has no heading "${heading}". Its headings: ${headings.slice(0, 40).join(' | ') || '(none)'}.`);
        }
      }
      throw error;
    }
    let text = result.text;
    let truncated = result.truncated;
    // The index caps and marks its own output; this is a second guard so that whatever it
    // returns, the model never gets more than the cap.
    if (text.length > this.maxReadChars + 400) {
      const cut = text.lastIndexOf('\n', this.maxReadChars);
      text = `${text.slice(0, cut > 0 ? cut : this.maxReadChars)}\n[truncated at ${this.maxReadChars} characters; read from a later start_line to see the rest]`;
      truncated = true;
    }
    const range = `lines ${result.startLine}–${result.endLine} of ${result.totalLines}`;
    const header = `${path}${heading ? ` § ${heading}` : ''} (${range}${truncated ? ', truncated' : ''}; cite as ${citationLink(path, heading)})`;
    return {
      content: `${header}\n${text}`,
      step: {
        tool: 'read',
        args: shownArgs,
        resultSummary: tr(truncated ? 'core.ask.step.readTruncated' : 'core.ask.step.read', { path, start: result.startLine, end: result.endLine, total: result.totalLines }),
      },
    };
  }

  private async runList(args: Args): Promise<ToolOutcome> {
    const given = readArgs(TOOL_ARGS.list, args).folder ?? '';
    const folder = resolveVaultPath(given.replace(/\/+$/, ''));
    if (folder === null) throw new ToolInputError(`"${given}" is not a folder inside the vault.`);
    const prefix = folder === '' ? '' : `${folder}/`;
    const files: string[] = [];
    const folders = new Map<string, number>();
    for (const path of await this.graph.allPaths()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) files.push(rest);
      else folders.set(rest.slice(0, slash), (folders.get(rest.slice(0, slash)) ?? 0) + 1);
    }
    if (files.length === 0 && folders.size === 0) throw new ToolInputError(`there is no folder "${given}" (or it is empty).`);
    const entries = [
      ...[...folders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `${prefix}${name}/ (${plural(n, 'file')})`),
      ...files.sort((a, b) => a.localeCompare(b)).map((f) => `${prefix}${f}`),
    ];
    const shown = entries.slice(0, LIST_MAX_ENTRIES);
    const more = entries.length - shown.length;
    return {
      content: `${folder || '(vault root)'}: ${plural(folders.size, 'folder')}, ${plural(files.length, 'file')}\n${shown.join('\n')}${more > 0 ? `\n[… ${more} more entries not shown]` : ''}`,
      step: {
        tool: 'list',
        args: { folder: folder },
        resultSummary: tr('core.ask.step.list', {
          folders: folders.size === 1 ? tr('core.ask.step.foldersOne') : tr('core.ask.step.folders', { count: folders.size }),
          files: files.length === 1 ? tr('core.ask.step.filesOne') : tr('core.ask.step.files', { count: files.length }),
        }),
      },
    };
  }

  private async runLinks(args: Args): Promise<ToolOutcome> {
    const path = await this.notePath(readArgs(TOOL_ARGS.links, args).path);
    const { out, back } = await this.graph.linksOf(path);
    const outLines = out.slice(0, LINKS_MAX).map((l) => `- ${l.raw} → ${l.path ?? '(no such note)'}`);
    const backLines = back.slice(0, LINKS_MAX).map((p) => `- ${p}`);
    const content = [
      `${path} links to ${plural(out.length, 'note')}:`,
      ...(outLines.length > 0 ? outLines : ['(none)']),
      ...(out.length > LINKS_MAX ? [`[… ${out.length - LINKS_MAX} more]`] : []),
      `Linked from ${plural(back.length, 'note')}:`,
      ...(backLines.length > 0 ? backLines : ['(none)']),
      ...(back.length > LINKS_MAX ? [`[… ${back.length - LINKS_MAX} more]`] : []),
    ].join('\n');
    return { content, step: { tool: 'links', args: { path }, resultSummary: tr('core.ask.step.links', { out: out.length, back: back.length }) } };
  }

  private async runRelated(args: Args): Promise<ToolOutcome> {
    const given = readArgs(MEANING_ARGS.related, args);
    const path = await this.notePath(given.path);
    const limit = Math.min(SEARCH_LIMIT_MAX, Math.max(1, given.limit ?? 8));
    const related = await this.meaning()!.related(path, limit);
    const step: AskStep = { tool: 'related', args: { path, limit }, resultSummary: related.length === 1 ? tr('core.ask.step.notesOne') : tr('core.ask.step.notes', { count: related.length }) };
    if (related.length === 0) return { content: `No related notes for ${path} (it may not have vectors yet).`, step };
    const lines = related.map((r, i) => {
      const where = r.heading ? ` § ${r.heading}` : '';
      const from = r.from.heading ? `its section "${r.from.heading}"` : `its lines ${r.from.line}–${r.from.endLine}`;
      return `${i + 1}. ${r.path}${where} (lines ${r.line}–${r.endLine}; similarity ${r.score.toFixed(2)}, closest to ${from}; cite as ${citationLink(r.path, r.heading)})\n   ${r.snippet}`;
    });
    return { content: `Notes related to ${path}:\n${lines.join('\n')}`, step };
  }

  private async runIndex(): Promise<ToolOutcome> {
    const path = `${this.wikiFolder}/index.md`;
    if ((await this.vault.stat(path)) === null) {
      return {
        content: `There is no wiki index yet (${path}). Use list and search instead.`,
        step: { tool: 'index', args: {}, resultSummary: tr('core.ask.step.noIndex') },
      };
    }
    const outcome = await this.runRead({ path });
    return { content: outcome.content, step: { ...outcome.step, tool: 'index', args: {} } };
  }
}
