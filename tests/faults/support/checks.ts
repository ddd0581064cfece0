import { entrySize, sameEntry, type Entry, type Tree } from './world';

/** Paths are relative to the world's root: the vault is "vault/", its neighbours "outside/…". */
export const WIKI = 'vault/wiki/';
export const STATE = 'vault/.obsidian/plugins/scriptorium/';

export interface GuardResult {
  /** Paths outside the wiki folder (and outside the plugin's state folder) that were written, created or removed. */
  writes: string[];
  /** Bytes of files that existed outside the wiki before and were changed or removed. */
  bytesLost: number;
}

/**
 * Everything outside the wiki folder must be exactly as it was: raw notes, a person's own notes,
 * other plugins, the configuration, and every file beside the vault. Only the plugin's own state
 * folder (journal, lock, compile state) may change.
 */
export function guardOutsideWiki(before: Tree, now: Tree, wiki = WIKI): GuardResult {
  const writes: string[] = [];
  let bytesLost = 0;
  for (const p of new Set([...before.keys(), ...now.keys()])) {
    if (p.startsWith(wiki) || p.startsWith(STATE)) continue;
    if (sameEntry(before.get(p), now.get(p))) continue;
    writes.push(p);
    bytesLost += entrySize(before.get(p));
  }
  return { writes: writes.sort(), bytesLost };
}

export interface WikiState {
  /** Every wiki file holds its "before" bytes (or is absent, as before). */
  atBefore: boolean;
  /** Every wiki file holds its "after" bytes. */
  atAfter: boolean;
  /** Files at neither their before nor their after bytes (temporary files apart). */
  neither: string[];
  /** Temporary files (`*.tmp`) in the wiki: not part of either state, reported on their own. */
  temps: string[];
  /** Files at their before bytes where before and after differ. */
  before: string[];
  /** Files at their after bytes where before and after differ. */
  after: string[];
}

/** Where each file of the wiki stands between two known states of it. */
export function wikiState(now: Tree, before: Tree, after: Tree, wiki = WIKI): WikiState {
  return treeState(now, before, after, (p) => p.startsWith(wiki));
}

/**
 * Where each file that `within` selects stands between two known states of it: the wiki for a
 * compile, the whole vault but the plugin's state folder for "Download images" (raw notes, new
 * images, the wiki's log).
 */
export function treeState(now: Tree, before: Tree, after: Tree, within: (path: string) => boolean): WikiState {
  const paths = new Set([...before.keys(), ...after.keys(), ...now.keys()].filter(within));
  const state: WikiState = { atBefore: true, atAfter: true, neither: [], temps: [], before: [], after: [] };
  for (const p of [...paths].sort()) {
    const n = now.get(p);
    if (/\.tmp$/i.test(p) && !before.has(p) && !after.has(p)) {
      state.temps.push(p);
      continue;
    }
    const isBefore = sameEntry(n, before.get(p));
    const isAfter = sameEntry(n, after.get(p));
    if (!isBefore) state.atBefore = false;
    if (!isAfter) state.atAfter = false;
    if (!isBefore && !isAfter) state.neither.push(p);
    else if (isBefore && !isAfter) state.before.push(p);
    else if (isAfter && !isBefore) state.after.push(p);
  }
  return state;
}

/** One line describing a mixed state, for failure reports. */
export function describeMix(s: WikiState): string {
  const short = (ps: string[]) => ps.map((p) => p.replace(/^vault\//, '')).join(', ');
  return `${s.after.length} files at "after" (${short(s.after)}), ${s.before.length} at "before" (${short(s.before)})${s.neither.length ? `, ${s.neither.length} at neither (${short(s.neither)})` : ''}`;
}

/** Temporary files anywhere in the vault (plugin state folder included). */
export function strayTemps(now: Tree): string[] {
  return [...now.keys()].filter((p) => p.startsWith('vault/') && /\.tmp$/i.test(p));
}

export function text(e: Entry | undefined): string | undefined {
  return e === undefined ? undefined : e.kind === 'file' ? e.bytes.toString('utf8') : `-> ${e.target}`;
}

/** A Node stack trace printed to a person. */
export function hasStackTrace(output: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?\s*(\n|$)/.test(output);
}

/**
 * Problems with what a failing command told the person: it must say, in a sentence, what
 * happened, what state the wiki is in and what to do, without a stack trace or the name of an
 * internal temporary file. `cause` adds the words the cause needs ("disk is full" for ENOSPC).
 */
export function messageProblems(output: string, cause: 'enospc' | 'eio' | 'any'): string[] {
  const problems: string[] = [];
  const said = output.trim();
  if (said === '') return ['the command failed without a word'];
  if (hasStackTrace(said)) problems.push('prints a stack trace');
  if (/\.tmp\b/.test(said)) problems.push('names an internal temporary file');
  if (said.split(/\s+/).length < 6) problems.push(`says too little to act on: "${said}"`);
  if (cause === 'enospc') {
    if (!/disk is full|disk full|(no|not enough|out of) (free )?(disk )?space/i.test(said)) problems.push('does not say the disk is full');
    if (!/free (up )?(some )?(disk )?space|make (some )?room|try again|run [^\n]* again|retry/i.test(said)) problems.push('does not say what to do (free some space, try again)');
  }
  if (cause === 'eio') {
    if (!/try again|run [^\n]* again|retry|check the (disk|drive|folder)/i.test(said)) problems.push('does not say what to do (try again, check the disk)');
  }
  if (cause !== 'any' && !/nothing (was|has been) (written|changed)|unchanged|restor(e|ed|es|ing)\b|left in place|journal keeps|rolled back|undone|as it was|recover|will be (finished|restored|rolled back)|applied|(were|was|files) written/i.test(said)) {
    problems.push('does not say what state the wiki was left in');
  }
  return problems.map((p) => `${p} — said: ${JSON.stringify(said.slice(0, 400))}`);
}
