import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AnswerNotSavedError, checkCitations, NoteGraph, ResearchAgent, SavedAnswer, saveRefusal, type AskResult } from '../../core/ask';
import { Compiler, costConfirmation, type CompileRun } from '../../core/compile';
import { HealthCheck, type Finding } from '../../core/lint';
import { LlmError, type LlmClient } from '../../core/llm';
import { PlanError, unifiedDiff } from '../../core/plan';
import { systemClock } from '../../core/ports';
import type { ReadOptions } from '../../core/search';
import { version as VERSION } from '../../../package.json';
import { UsageError } from '../args';
import { askJson } from '../commands/ask';
import { parseLocation } from '../commands/get';
import { cliSourceEngines } from '../source-engines';
import { capList, capText, TRUNCATED } from './bounded';
import type { McpSdk } from './sdk';
import { VaultServices } from './vault-services';

/** The longest question save_answer takes (it names the note). */
export const MAX_QUESTION = 1000;
/** The longest answer save_answer takes: a written answer is a few thousand characters; this is a wiki, not a file store. */
export const MAX_ANSWER = 1_000_000;
/** Control characters other than tab, newline and carriage return: no markdown note holds them. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The names of the tools that write; refused unless the server was started with --allow-writes. */
export const WRITING_TOOLS = ['compile', 'save_answer', 'undo'] as const;

/** Exactly the documented search fields, in the CLI's `--json` order. */
function shape(r: { path: string; title: string; heading: string | null; line: number; endLine: number; score: number; snippet: string }) {
  return { path: r.path, title: r.title, heading: r.heading, line: r.line, endLine: r.endLine, score: Math.round(r.score * 1000) / 1000, snippet: r.snippet };
}

function jsonFinding(f: Finding) {
  return { kind: f.kind, path: f.path, line: f.line, target: f.target, message: f.message };
}

/** One sentence for an agent, whatever failed. */
export function describeError(error: unknown): string {
  if (error instanceof LlmError) return `${error.message} (${error.hint})`;
  if (error instanceof AnswerNotSavedError) return `The answer was not saved: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A path an agent gave, as a vault path, refused when it would leave the vault or enter a hidden
 * folder (the configuration folder holds the plugin's settings, endpoint key included).
 */
export function vaultPath(given: string): string {
  const p = given.trim().replace(/\\/g, '/');
  if (p === '') throw new UsageError('Give a vault-relative path, such as "raw/Some note.md".');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('~')) {
    throw new UsageError(`"${given}" is not a vault path: give it relative to the vault, such as "raw/Some note.md"; nothing outside the vault can be read.`);
  }
  const segments = p.split('/');
  if (segments.some((s) => s === '..')) throw new UsageError(`"${given}" is outside the vault; Scriptorium only reads and writes inside it.`);
  if (segments.some((s) => s.startsWith('.') && s !== '.')) throw new UsageError(`"${given}" is in a hidden folder of the vault, which this server does not read.`);
  return segments.filter((s) => s !== '.').join('/');
}

/** The longest glob `multi_get` takes. */
export const MAX_GLOB = 500;

type GlobToken = { kind: 'char'; char: string } | { kind: 'one' | 'star' | 'any' | 'folders' };

/**
 * `**` any folders, `*` any name part, `?` one character; matched against the whole vault path,
 * ignoring case. Matched by walking the path once per pattern token (the set of positions reached
 * so far), never by backtracking: a glob of many stars costs its length times the path's, where a
 * regular expression would take exponential time and stop the server.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  if (pattern.length > MAX_GLOB) throw new UsageError(`The glob is ${pattern.length} characters long; give one of at most ${MAX_GLOB}.`);
  const p = vaultPath(pattern).toLowerCase();
  const tokens: GlobToken[] = [];
  const push = (token: GlobToken) => {
    const last = tokens[tokens.length - 1];
    // Runs of stars mean what one star means; the widest of them wins.
    if (last && token.kind !== 'char' && token.kind !== 'one' && last.kind !== 'char' && last.kind !== 'one') {
      if (token.kind === last.kind || last.kind === 'any') return;
      if (token.kind === 'any' && last.kind === 'star') {
        tokens[tokens.length - 1] = token;
        return;
      }
    }
    tokens.push(token);
  };
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*' && p[i + 1] === '*') {
      i++;
      while (p[i + 1] === '*') i++;
      if (p[i + 1] === '/') {
        i++;
        push({ kind: 'folders' });
      } else push({ kind: 'any' });
    } else if (ch === '*') push({ kind: 'star' });
    else if (ch === '?') push({ kind: 'one' });
    else tokens.push({ kind: 'char', char: ch });
  }
  return (given) => {
    const path = given.toLowerCase();
    const n = path.length;
    let at = new Uint8Array(n + 1);
    let next = new Uint8Array(n + 1);
    at[0] = 1;
    for (const token of tokens) {
      next.fill(0);
      let any = false;
      switch (token.kind) {
        case 'char':
        case 'one':
          for (let i = 0; i < n; i++) {
            if (at[i] && (token.kind === 'char' ? path[i] === token.char : path[i] !== '/')) next[i + 1] = 1;
          }
          break;
        case 'star': // [^/]*
          for (let i = 0; i <= n; i++) next[i] = at[i] || (i > 0 && next[i - 1] && path[i - 1] !== '/') ? 1 : 0;
          break;
        case 'any': // .*
          for (let i = 0; i <= n; i++) next[i] = at[i] || (i > 0 && next[i - 1]) ? 1 : 0;
          break;
        case 'folders': {
          // (?:.*/)? : stay, or go past any later slash.
          let seen = false;
          for (let i = 0; i <= n; i++) {
            next[i] = at[i] || (seen && path[i - 1] === '/') ? 1 : 0;
            if (at[i]) seen = true;
          }
          break;
        }
      }
      for (let i = 0; i <= n && !any; i++) any = next[i] === 1;
      if (!any) return false;
      [at, next] = [next, at];
    }
    return at[n] === 1;
  };
}

/** The largest file `get` and `multi_get` read: a note is text, and the whole of it is read to be cut. */
export const MAX_READ_BYTES = 100 * 1024 * 1024;

/**
 * Why a vault file is not one to read as text (null when it is, or when it is not there: the read
 * then says so): larger than {@link MAX_READ_BYTES}, or binary (a NUL byte in its first 8 KB: an
 * image, a PDF, an archive), which would reach the agent as noise and, at gigabytes, fill memory.
 */
async function unreadable(vault: VaultServices['ctx']['vault'], path: string): Promise<string | null> {
  const st = await vault.stat(path).catch(() => null);
  if (!st) return null;
  if (st.size > MAX_READ_BYTES) return `"${path}" is ${Math.round(st.size / 1024 / 1024)} MB, larger than the ${MAX_READ_BYTES / 1024 / 1024} MB this server reads; search for the passages you need in it.`;
  if (/\.md$/i.test(path)) return null;
  for await (const chunk of vault.readStream(path, 8192)) {
    if (chunk.includes(0)) return `"${path}" is a binary file (an image, a PDF, an archive…), not a note; search finds the text of sources that were compiled.`;
    break;
  }
  return null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The per-call signal: the client's cancellation, or the server stopping. */
function callSignal(services: VaultServices, signal: AbortSignal): AbortSignal {
  return AbortSignal.any([services.ctx.signal, signal]);
}

/**
 * One MCP server (one session) over the shared services: ten tools and the wiki's index and log
 * as resources. Every tool reuses the core exactly as the CLI command of the same name does.
 */
export function createMcpServer(services: VaultServices, sdk: McpSdk): McpServer {
  const { ctx, index, settings, options } = services;
  const { z } = sdk;
  const max = options.maxChars;
  const server = new sdk.McpServer(
    { name: 'scriptorium', version: VERSION },
    {
      instructions: [
        `Scriptorium: a markdown vault (raw notes in "${settings.rawFolder}/", the compiled wiki in "${settings.wikiFolder}/").`,
        `Read ${settings.wikiFolder}/index.md first for what the wiki covers; search for passages, get to read them with line numbers.`,
        options.allowWrites ? 'Writing tools are enabled: every write is a change plan that undo reverts.' : 'This server is read-only: compile (apply), save_answer and undo are refused.',
      ].join(' '),
    },
  );

  const ok = (text: string): CallToolResult => ({ content: [{ type: 'text', text: capText(text, max, 'ask for a smaller range or fewer results').text }] });
  // An error can repeat what it was given (a name, a heading): it is capped like any result.
  const fail = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text: capText(text, max, 'give shorter arguments').text }] });
  const guarded = async (work: () => Promise<CallToolResult>): Promise<CallToolResult> => {
    try {
      // The first calls after start wait for the index to be loaded.
      await services.ready;
      return await work();
    } catch (error) {
      return fail(describeError(error));
    }
  };
  const refuseWrite = (tool: string): CallToolResult | null =>
    options.allowWrites ? null : fail(`${tool} writes to the vault, and this server was started read-only; restart it with \`scriptorium mcp --allow-writes\` to allow writes.`);

  server.registerTool(
    'search',
    {
      description: 'Full-text search of the vault; returns passages (path, heading, line range, score, snippet) to read next with get.',
      inputSchema: {
        query: z.string().min(1).describe('Words (all, else any), "a phrase", -word, -"phrase", path:text, tag:name, folder:name'),
        limit: z.number().int().min(1).max(100).default(10).describe('Results to return (default 10)'),
        folder: z.string().optional().describe('Only notes under this folder, e.g. "wiki" or "raw"'),
        tag: z.string().optional().describe('Only notes with this tag (without #)'),
        notes: z.boolean().default(false).describe('One result per note (its best passage) instead of one per section'),
        mode: z.enum(['lexical', 'semantic', 'hybrid']).optional().describe('By words, by meaning, or both (default: hybrid when passage vectors are stored, else lexical)'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query, limit, folder, tag, notes, mode }) =>
      guarded(async () => {
        if (mode && mode !== 'lexical' && services.search === index) {
          return fail(`mode "${mode}" needs an embedding endpoint: start the server with SCRIPTORIUM_EMBED_MODEL (and SCRIPTORIUM_EMBED_BASE_URL) set, or turn on search by meaning in the plugin; or search without mode.`);
        }
        const full = tag ? `${query} tag:${tag.replace(/^#/, '')}` : query;
        const results = (await services.search.search(full, { limit, notes, folder: folder ? vaultPath(folder) : undefined, prefix: false, ...(mode ? { mode } : {}) })).map(shape);
        // A long query is echoed by its start, so that the results (and valid JSON) fit a small cap.
        const echo = full.length > 300 ? `${full.slice(0, 300)}…` : full;
        return ok(capList({ query: echo, results }, 'results', max, 'lower limit, or narrow with folder or tag'));
      }),
  );

  server.registerTool(
    'get',
    {
      description: 'Read a note with line numbers: all of it, a line range, or one heading\'s section (path, title or alias).',
      inputSchema: {
        path: z.string().min(1).describe('Vault path ("raw/Note.md", ".md" optional), a title or an alias; "path:LINE:COUNT" also works'),
        line: z.number().int().min(1).optional().describe('First line to read (1-based)'),
        count: z.number().int().min(1).optional().describe('Lines to read from line (default: to the end)'),
        heading: z.string().optional().describe('Only this heading\'s section, "Heading" or "Parent#Heading"'),
        max_chars: z.number().int().min(200).optional().describe(`Cap on characters returned (default and most: ${max})`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path, line, count, heading, max_chars }) =>
      guarded(async () => {
        const spec = parseLocation(path);
        const first = line ?? spec.line;
        const lines = count ?? spec.count;
        // "path:LINE:COUNT" is not checked by the schema as line and count are.
        if (first !== undefined && (first < 1 || !Number.isSafeInteger(first))) return fail(`The first line to read must be a whole number from 1, not ${spec.line}.`);
        if (lines !== undefined && (lines < 1 || !Number.isSafeInteger(lines))) return fail(`The count of lines to read must be a whole number from 1, not ${spec.count}.`);
        const read: ReadOptions = { maxChars: Math.min(max_chars ?? max, max) - 200, heading };
        if (first !== undefined) read.lines = [first, lines === undefined ? Number.MAX_SAFE_INTEGER : first + lines - 1];
        const target = vaultPath(spec.path);
        const refused = await unreadable(ctx.vault, target);
        if (refused) return fail(refused);
        const result = await index.read(target, read);
        const head = `${result.path} (lines ${result.startLine}–${result.endLine} of ${result.totalLines})`;
        const marker = result.truncated ? `[${TRUNCATED}: read the rest with line ${result.endLine + 1}, or ask for one heading]\n` : '';
        return ok(`${head}\n${result.text}${marker}`);
      }),
  );

  server.registerTool(
    'multi_get',
    {
      description: 'Read several notes at once, by paths or a glob ("wiki/concepts/*.md"), line-numbered, within one total size cap.',
      inputSchema: {
        paths: z.array(z.string().min(1)).max(200).optional().describe('Vault paths, titles or aliases'),
        glob: z.string().optional().describe('A glob over note paths: ** any folders, * any name part, ? one character'),
        max_chars: z.number().int().min(200).optional().describe(`Total characters for all notes (default and most: ${max})`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ paths, glob, max_chars }) =>
      guarded(async () => {
        if ((paths?.length ?? 0) === 0 && !glob) return fail('Give paths, a glob, or both.');
        const wanted = [...(paths ?? []).map(vaultPath)];
        if (glob) {
          const match = globMatcher(glob);
          wanted.push(...index.paths().filter(match));
        }
        const unique = [...new Set(wanted)];
        if (unique.length === 0) return ok(`No note matches ${glob ? `the glob "${glob}"` : 'those paths'}.`);
        const limit = Math.min(max_chars ?? max, max);
        let budget = limit - 300;
        const parts: { path: string; text: string }[] = [];
        const left: string[] = [];
        for (const p of unique) {
          if (budget < 200) {
            left.push(p);
            continue;
          }
          let text: string;
          try {
            const refused = await unreadable(ctx.vault, p);
            if (refused) throw new Error(refused);
            const r = await index.read(p, { maxChars: budget });
            text = `=== ${r.path} (lines ${r.startLine}–${r.endLine} of ${r.totalLines}) ===\n${r.text}`;
          } catch (error) {
            text = `=== ${p} ===\n(${describeError(error)})\n`;
          }
          parts.push({ path: p, text });
          budget -= text.length + 1;
        }
        // The notes left out are named, as many as fit in a quarter of the result.
        const marker = () => {
          if (left.length === 0) return '';
          const names: string[] = [];
          let room = limit / 4;
          for (const name of left) {
            if (name.length + 2 > room) break;
            names.push(name);
            room -= name.length + 2;
          }
          const shown = names.length > 0 ? ` (${names.join(', ')}${names.length < left.length ? ', …' : ''})` : '';
          return `\n[${TRUNCATED}: ${plural(left.length, 'more note')} not shown${shown}; ask for fewer paths or a narrower glob]\n`;
        };
        const text = () => parts.map((part) => part.text).join('\n') + marker();
        // The whole, marker included, fits the cap: notes move from the end to the ones left out until it does.
        while (parts.length > 1 && text().length > limit) left.unshift(parts.pop()!.path);
        return ok(text());
      }),
  );

  server.registerTool(
    'links',
    {
      description: 'A note\'s outgoing links (resolved to paths, or null when missing) and its backlinks.',
      inputSchema: { path: z.string().min(1).describe('Vault path, title or alias of the note') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path }, extra) =>
      guarded(async () => {
        const given = vaultPath(path);
        const signal = callSignal(services, extra.signal);
        const found = (await ctx.vault.stat(given)) !== null ? given : await services.links.resolve(given.replace(/\.md$/i, ''), signal);
        if (!found) return fail(`No note "${path}" in the vault; search for it first.`);
        const { out, back } = await services.links.linksOf(found, signal);
        const value = { path: found, out: out.map((l) => ({ link: l.raw, path: l.path, heading: l.heading ?? null })), backlinks: back };
        return ok(capList(value, 'backlinks', max, 'search with path: or folder: to see fewer notes', ['out']));
      }),
  );

  server.registerTool(
    'status',
    {
      description: 'The vault at a glance: index and wiki counts, last compile, uncompiled and stale sources, whether a model endpoint is set.',
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (_args, extra) =>
      guarded(async () => {
        const signal = callSignal(services, extra.signal);
        // Kept while the watcher has told no change: a listing costs seconds on a very large vault.
        const files = await services.sources.listing();
        const under = (folder: string) => files.filter((f) => f.path.startsWith(`${folder}/`));
        const wiki = under(settings.wikiFolder).filter((f) => f.path.endsWith('.md'));
        const writer = await services.writer();
        const history = await writer.history();
        const compile = history.find((h) => h.operation === 'compile');
        // Only the uncompiled and stale checks, kept until the vault changes (not the whole health check).
        const findings = await services.sources.findings(files, signal);
        const list = (kind: string) => {
          const found = findings.filter((f) => f.kind === kind).map((f) => (kind === 'stale' ? (f.target ?? f.path) : f.path));
          const unique = [...new Set(found)];
          return { count: unique.length, paths: unique.slice(0, 20), ...(unique.length > 20 ? { more: unique.length - 20 } : {}) };
        };
        const endpoint = await ctx.endpoint();
        const s = index.stats();
        const value = {
          vault: ctx.vaultDir,
          index: { notes: s.notes, sections: s.sections, terms: s.terms, pending: s.pending, fromCache: s.fromCache, syncedAt: s.syncedAt ? new Date(s.syncedAt).toISOString() : null },
          wiki: {
            folder: settings.wikiFolder,
            notes: wiki.length,
            sources: wiki.filter((f) => f.path.startsWith(`${settings.wikiFolder}/sources/`)).length,
            concepts: wiki.filter((f) => f.path.startsWith(`${settings.wikiFolder}/concepts/`)).length,
            outputs: wiki.filter((f) => f.path.startsWith(`${settings.wikiFolder}/outputs/`)).length,
          },
          raw: { folder: settings.rawFolder, files: under(settings.rawFolder).length },
          lastCompile: compile ? { title: compile.title, at: new Date(compile.appliedAt).toISOString(), files: compile.paths.length } : null,
          uncompiled: list('uncompiled'),
          stale: list('stale'),
          endpoint: { configured: endpoint.baseURL !== '' && endpoint.model !== '', baseURL: endpoint.baseURL || null, model: endpoint.model || null, from: endpoint.sources.baseURL },
          writesAllowed: options.allowWrites,
        };
        return ok(JSON.stringify(value));
      }),
  );

  server.registerTool(
    'lint',
    {
      description: 'Structural health checks of the wiki (broken links, orphans, stale or uncompiled sources, …) as JSON findings.',
      inputSchema: { kind: z.string().optional().describe('Only findings of this kind, e.g. "broken-link" or "stale"') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ kind }, extra) =>
      guarded(async () => {
        const check = lintCheck(services, await services.writer());
        const structural = await check.structural({ signal: callSignal(services, extra.signal) });
        const result = check.combine(structural);
        const findings = result.findings.filter((f) => !kind || f.kind === kind).map(jsonFinding);
        const value = { findings, counts: result.counts, fixes: result.fixes.map((f) => ({ id: f.id, kind: f.kind, label: f.label })) };
        return ok(capList(value, 'findings', max, 'ask for one kind at a time', ['fixes']));
      }),
  );

  server.registerTool(
    'ask',
    {
      description: 'Ask the vault\'s research agent a question; it searches and reads notes and answers with [[links]] checked against the vault.',
      inputSchema: {
        question: z.string().min(1).describe('The question, in plain words'),
        max_steps: z.number().int().min(1).max(30).default(8).describe('Rounds of tool calls before the model must answer'),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ question, max_steps }, extra) =>
      guarded(async () => {
        const endpoint = await ctx.endpoint();
        if (!endpoint.baseURL || !endpoint.model) {
          return fail('No model endpoint is configured for this vault, so ask cannot run: set SCRIPTORIUM_BASE_URL and SCRIPTORIUM_MODEL (and SCRIPTORIUM_API_KEY) for the server, or configure the plugin. search and get work without one.');
        }
        const client = await ctx.llm();
        const agent = new ResearchAgent({ client, search: services.search, vault: ctx.vault, wikiFolder: settings.wikiFolder, rawFolder: settings.rawFolder, maxSteps: max_steps });
        const result = await agent.ask({ question, signal: callSignal(services, extra.signal) });
        const refusal = result.incomplete ? saveRefusal(result) : null;
        const json = {
          ...askJson(result),
          ...(refusal ? { incomplete: refusal.message } : {}),
          ...(result.limited ? { limited: result.limited === 'steps' ? 'The research reached max_steps before the model was done; the answer may be incomplete.' : 'The research used up its token budget; the answer may be incomplete.' } : {}),
        };
        return ok(JSON.stringify(json));
      }),
  );

  server.registerTool(
    'compile',
    {
      description: 'Compile raw notes into wiki articles: returns the change plan (a dry run) unless apply is true (needs --allow-writes).',
      inputSchema: {
        paths: z.array(z.string().min(1)).optional().describe(`Files or folders to compile (default: "${settings.rawFolder}")`),
        apply: z.boolean().default(false).describe('Write the plan (undoable with undo); false only shows it'),
        force: z.boolean().default(false).describe('Compile notes even when they are unchanged'),
        confirm_cost: z.boolean().default(false).describe('Run a large compile (many sources, calls or tokens) anyway'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ paths, apply, force, confirm_cost }, extra) =>
      guarded(async () => {
        if (apply) {
          const refused = refuseWrite('compile with apply');
          if (refused) return refused;
        }
        const signal = callSignal(services, extra.signal);
        const writer = await services.writer();
        let llm: LlmClient | undefined;
        const compiler = new Compiler({
          vault: ctx.vault,
          state: ctx.state,
          clock: systemClock,
          llm: () => {
            if (!llm) throw new UsageError('no model endpoint configured');
            return llm;
          },
          settings: { ...settings, vision: ctx.vision(settings) },
          writer,
          engines: cliSourceEngines(),
        });
        const targets = (paths ?? []).map(vaultPath);
        const estimate = await compiler.estimate(targets, { force });
        const costly = costConfirmation(estimate);
        if (costly && !confirm_cost) return fail(`${costly}; nothing was sent to the model. Call compile again with confirm_cost: true to run it, or give fewer paths.`);
        if (estimate.toCompile.length > 0) {
          const endpoint = await ctx.endpoint();
          if (!endpoint.baseURL || !endpoint.model) return fail(`${plural(estimate.toCompile.length, 'source')} need compiling, and no model endpoint is configured for this vault: set SCRIPTORIUM_BASE_URL and SCRIPTORIUM_MODEL for the server, or configure the plugin.`);
          llm = await ctx.llm();
        }
        const work = async () => {
          let run: CompileRun | undefined;
          for (let attempt = 1; ; attempt++) {
            try {
              run = await compiler.compile(targets, { signal, force });
              if (!apply) return { run, applied: undefined };
              return { run, applied: await compiler.apply(run, { signal }) };
            } catch (error) {
              // Another writer changed an article this run merges into: compile once more on the new text.
              if (error instanceof PlanError && error.kind === 'conflict' && attempt === 1) continue;
              throw error;
            }
          }
        };
        const { run, applied } = apply ? await services.exclusiveWrite(work) : await work();
        const value = {
          dryRun: !apply,
          estimate: { toCompile: estimate.toCompile, upToDate: estimate.upToDate.length, modelCalls: estimate.modelCalls, promptTokens: estimate.promptTokens },
          sources: run.sources.map((s) => ({ path: s.path, status: s.status, ...(s.error ? { error: s.error } : {}) })),
          problems: run.plan.problems,
          skipped: run.skipped,
          usage: run.usage,
          ...(applied ? { applied: { planId: applied.planId, paths: applied.paths, undo: 'call undo to revert this plan' } } : {}),
          changes: run.plan.changes.map((c) => ({ action: c.action, path: c.path, reason: c.reason, needsReview: c.needsReview ?? false, diff: unifiedDiff(c.path, c.before, c.after) })),
        };
        return ok(capList(value, 'changes', max, 'compile fewer paths at a time', ['sources', 'estimate.toCompile', 'skipped', 'problems', 'applied.paths']));
      }),
  );

  server.registerTool(
    'save_answer',
    {
      description: 'File an answer you wrote (markdown with [[links]] to its sources) into the wiki\'s outputs folder as an undoable change plan (needs --allow-writes).',
      inputSchema: {
        question: z.string().min(1).max(MAX_QUESTION).describe('The question the answer answers; it names the note'),
        answer: z.string().min(1).max(MAX_ANSWER).describe('The answer in markdown, citing vault notes as [[path#heading]] links'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ question, answer }, extra) =>
      guarded(async () => {
        const refused = refuseWrite('save_answer');
        if (refused) return refused;
        for (const [name, text] of [['question', question], ['answer', answer]] as const) {
          if (CONTROL.test(text)) return fail(`The answer was not saved: the ${name} holds control characters (such as NUL); send plain text.`);
        }
        const signal = callSignal(services, extra.signal);
        const citations = await checkCitations(answer, new NoteGraph({ vault: ctx.vault, signal }));
        const result: AskResult = { question, answer, citations, steps: [], usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, mode: 'tools' };
        const saved = await services.exclusiveWrite(async () => new SavedAnswer({ writer: await services.writer(), vault: ctx.vault, clock: systemClock }).save(result, { signal }));
        const value = {
          path: saved.path,
          written: saved.written,
          ...(saved.earlier.length > 0 ? { earlier: saved.earlier } : {}),
          citations: citations.map((c) => ({ link: c.link, path: c.path, heading: c.heading, valid: c.valid })),
          ...(saved.written ? { undo: 'call undo to remove it' } : { note: `${saved.path} already holds this same answer; nothing was written.` }),
        };
        return ok(JSON.stringify(value));
      }),
  );

  server.registerTool(
    'undo',
    {
      description: 'Undo the last applied change plan (compile, saved answer, render, lint fix), or list the plans that can be undone (needs --allow-writes).',
      inputSchema: {
        list: z.boolean().default(false).describe('Only list the plans that can be undone, newest first'),
        force: z.boolean().default(false).describe('Undo even when a file changed since the plan wrote it'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    ({ list, force }, extra) =>
      guarded(async () => {
        const writer = await services.writer();
        if (list) {
          const history = (await writer.history()).map((h) => ({ planId: h.planId, title: h.title, operation: h.operation ?? null, appliedAt: new Date(h.appliedAt).toISOString(), paths: h.paths }));
          return ok(capList({ plans: history }, 'plans', max, 'only the newest plans matter for undo'));
        }
        const refused = refuseWrite('undo');
        if (refused) return refused;
        try {
          const undone = await services.exclusiveWrite(() => writer.undo({ force, signal: callSignal(services, extra.signal) }));
          return ok(JSON.stringify({ undone: undone.title, planId: undone.planId, restored: undone.paths.filter((p) => !undone.removed?.includes(p)), removed: undone.removed ?? [] }));
        } catch (error) {
          if (error instanceof PlanError) return fail(`${error.message}${error.kind === 'conflict' ? ' Call undo with force: true to undo anyway.' : ''}`);
          throw error;
        }
      }),
  );

  for (const name of ['index.md', 'log.md']) {
    const path = `${settings.wikiFolder}/${name}`;
    server.registerResource(
      name === 'index.md' ? 'wiki-index' : 'wiki-log',
      `scriptorium://vault/${encodeURI(path)}`,
      {
        title: path,
        description: name === 'index.md' ? 'The wiki\'s index: every article with its one-line summary. Read it first.' : 'The wiki\'s log: what each compile, saved answer and fix changed, newest last.',
        mimeType: 'text/markdown',
      },
      async (uri) => {
        let text: string;
        try {
          text = await ctx.vault.read(path);
        } catch {
          text = `${path} does not exist yet: compile some raw notes first.`;
        }
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: capText(text, max, 'read parts of it with the get tool').text }] };
      },
    );
  }

  return server;
}

function lintCheck(services: VaultServices, writer: Awaited<ReturnType<VaultServices['writer']>>): HealthCheck {
  return new HealthCheck({ vault: services.ctx.vault, writer, layout: VaultServices.layout(services.settings), clock: systemClock });
}
