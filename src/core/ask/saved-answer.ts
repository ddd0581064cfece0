import { CATALOGUES, joinSentences, tr, type MessageKey } from '../../i18n';
import { hashText } from '../markdown/hash';
import { sanitizeFileName } from '../markdown/paths';
import { isoDate, readArticle, renderArticle } from '../plan/article';
import { PlanError } from '../plan/plan-error';
import type { AppliedPlan, ChangePlan } from '../plan/types';
import type { WikiWriter } from '../plan/wiki-writer';
import type { Clock } from '../ports/clock';
import type { VaultPort } from '../ports/vault';
import { inertMarkdown } from '../web/inert-markdown';
import type { AskResult, IncompleteReason } from './types';

export interface SaveAnswerOptions {
  writer: WikiWriter;
  vault: VaultPort;
  clock: Clock;
}

const TITLE_MAX = 150;
const SUMMARY_MAX = 200;

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cap(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** The answer's first sentence as plain text: links shown by their label, markup dropped. */
export function answerSummary(answer: string): string {
  const plain = answer
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, '$2')
    .replace(/\s*\[\[[^\]]*\]\]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/[*_`>]/g, '')
    .replace(/^\s*[-+]\s+/gm, '');
  const text = oneLine(plain);
  const end = text.search(/[.!?](\s|$)/);
  return cap(end === -1 ? text : text.slice(0, end + 1), SUMMARY_MAX);
}

/** Why an answer is not filed into the wiki. */
export type SaveRefusalReason = IncompleteReason | 'steps' | 'tokens' | 'empty' | 'unverified' | 'names';

export interface SaveRefusal {
  reason: SaveRefusalReason;
  /** What happened, as a sentence. */
  message: string;
  /** What the person can do about it, as a sentence. */
  advice: string;
}

/** Thrown by `SavedAnswer.plan`/`save` instead of writing an answer that must not be saved. */
export class AnswerNotSavedError extends Error {
  readonly reason: SaveRefusalReason;
  readonly advice: string;

  constructor(refusal: SaveRefusal) {
    super(joinSentences([refusal.message, refusal.advice]));
    this.name = 'AnswerNotSavedError';
    this.reason = refusal.reason;
    this.advice = refusal.advice;
  }
}

function sentence(s: string): string {
  const t = s.trim();
  return t === '' || /[.!?…。！？]$/.test(t) ? t : `${t}.`;
}

/**
 * Why `result` must not be saved, or null when it may be. A saved answer stands in the wiki as if
 * it were finished, so only a complete one is saved: not one that was stopped, cut off by the
 * network or an error, or forced to end by the step limit or token budget, and not one with no
 * verified content (empty, or every link it cites missing from the vault).
 */
export function saveRefusal(result: AskResult): SaveRefusal | null {
  const again = tr('core.ask.save.again');
  switch (result.incomplete) {
    case 'stopped':
      return { reason: 'stopped', message: tr('core.ask.save.stopped'), advice: again };
    case 'connection':
      return { reason: 'connection', message: tr('core.ask.save.connection'), advice: joinSentences([again, tr('core.ask.save.checkServer')]) };
    case 'error':
      return { reason: 'error', message: result.error !== undefined ? sentence(result.error) : tr('core.ask.save.failed'), advice: again };
    default:
      break;
  }
  if (result.answer.trim() === '') return { reason: 'empty', message: tr('core.ask.save.empty'), advice: tr('core.ask.save.rephrase') };
  if (result.limited === 'steps') return { reason: 'steps', message: tr('core.ask.save.steps'), advice: tr('core.ask.save.narrower') };
  if (result.limited === 'tokens') return { reason: 'tokens', message: tr('core.ask.save.tokens'), advice: tr('core.ask.save.narrower') };
  if (result.citations.length > 0 && !result.citations.some((c) => c.valid)) {
    const n = result.citations.length;
    return {
      reason: 'unverified',
      message: n === 1 ? tr('core.ask.save.unverifiedOne') : tr('core.ask.save.unverified', { count: n }),
      advice: tr('core.ask.save.unverifiedAdvice'),
    };
  }
  return null;
}

/** Where an answer will go, and what is already there. */
export interface AnswerPlacement {
  path: string;
  /** The file already holds this very answer (saved before): saving again changes nothing but its date. */
  same: boolean;
  /** Earlier saved answers to the same question that differ from this one: kept, never replaced. */
  earlier: string[];
}

/** What `SavedAnswer.save` did. */
export interface SavedAnswerOutcome {
  path: string;
  /** False when the same answer was already saved at `path` and nothing needed writing. */
  written: boolean;
  earlier: string[];
  applied: AppliedPlan | null;
}

const MAX_NUMBERED = 99;

/** The fixed text of a saved answer's note (its headings, callout titles and sentences), written in the interface language. */
const NOTE_TEXTS: readonly MessageKey[] = [
  'core.ask.note.question',
  'core.ask.note.answer',
  'core.ask.note.sources',
  'core.ask.note.noSources',
  'core.ask.note.unverifiedLinks',
  'core.ask.note.unverifiedLinksText',
  'core.ask.note.webSources',
  'core.ask.note.unreadPages',
  'core.ask.note.unreadPagesText',
];

/**
 * A note line with its fixed text, in whichever shipped language it was written, replaced by the
 * text's key: `## Question` and `## 问题` both read `## core.ask.note.question`. A text with a
 * placeholder is matched by what comes before it.
 */
function canonicalLine(line: string): string {
  const marker = /^(## |> \[!warning\] |> )?/.exec(line)?.[0] ?? '';
  const rest = line.slice(marker.length);
  for (const catalogue of Object.values(CATALOGUES)) {
    for (const key of NOTE_TEXTS) {
      const text = catalogue[key];
      const brace = text.indexOf('{');
      if (brace === -1 ? rest === text : rest.startsWith(text.slice(0, brace))) return `${marker}${key}${brace === -1 ? '' : rest.slice(brace)}`;
    }
  }
  return line;
}

/** Whether two saved answers' note bodies say the same, whatever language their fixed text was written in. */
function sameNoteText(a: string, b: string): boolean {
  if (a === b) return true;
  const canonical = (text: string) => text.split('\n').map(canonicalLine).join('\n');
  return canonical(a) === canonical(b);
}

/**
 * Files an answer back into the wiki as an `output` article: the question, the answer, its
 * verified sources, and contract frontmatter whose `sources` are the raw notes behind the answer
 * (cited directly, or through the wiki articles it cites) so lint can tell when it goes stale.
 * An incomplete answer is refused (`saveRefusal`), and a different note at the same name, even
 * another answer to the same question, is never replaced: the answer gets a numbered name.
 * `plan` returns a change plan for the caller to preview or apply; `save` applies it.
 */
export class SavedAnswer {
  private readonly o: SaveAnswerOptions;

  constructor(options: SaveAnswerOptions) {
    this.o = options;
  }

  /**
   * Where the answer goes: `wiki/outputs/<question>.md`, or `<question> (2).md`, `(3)`… when that
   * name holds anything else: a person's note, another question whose name is the same once
   * cleaned, or a different answer to the same question. With `content` (the rendered note), the
   * file that already holds that very answer is reused.
   */
  async place(question: string, content?: string): Promise<AnswerPlacement> {
    const folder = `${this.o.writer.wikiFolder}/outputs`;
    const name = sanitizeFileName(cap(oneLine(question).replace(/[?？]+$/, ''), 100));
    const title = cap(oneLine(question), TITLE_MAX);
    const body = content === undefined ? undefined : readArticle(content).body.trimEnd();
    const earlier: string[] = [];
    const candidates: string[] = [];
    for (let n = 1; n <= MAX_NUMBERED; n++) candidates.push(`${folder}/${name}${n === 1 ? '' : ` (${n})`}.md`);
    candidates.push(`${folder}/${name} ${hashText(`${question}\n${content ?? ''}`).slice(0, 8)}.md`);
    for (const path of candidates) {
      if ((await this.o.vault.stat(path)) === null) return { path, same: false, earlier };
      let existing;
      try {
        existing = readArticle(await this.o.vault.read(path));
      } catch {
        continue; // unreadable: certainly not ours to replace
      }
      const ours = existing.ownership === 'generated' && existing.type === 'output' && oneLine(existing.title ?? '') === title;
      if (!ours) continue;
      if (body !== undefined && sameNoteText(existing.body.trimEnd(), body)) return { path, same: true, earlier };
      earlier.push(path);
    }
    throw new AnswerNotSavedError({
      reason: 'names',
      message: tr('core.ask.save.names', { count: MAX_NUMBERED, name, folder }),
      advice: tr('core.ask.save.namesAdvice'),
    });
  }

  /** Where the answer to `question` would go if it differs from every earlier one. */
  async pathFor(question: string, content?: string): Promise<string> {
    return (await this.place(question, content)).path;
  }

  /** The note's full text. */
  async render(result: AskResult): Promise<string> {
    const raw = this.o.writer.rawFolder;
    const valid = result.citations.filter((c) => c.valid && c.path !== null);
    const invalid = result.citations.filter((c) => !c.valid);
    const rawSources = new Set<string>();
    for (const c of valid) {
      const path = c.path as string;
      if (path.startsWith(`${raw}/`)) {
        rawSources.add(path);
      } else if (path.endsWith('.md')) {
        try {
          for (const s of readArticle(await this.o.vault.read(path)).sources) rawSources.add(s);
        } catch {
          // A cited note that vanished since the answer: it simply adds no sources.
        }
      }
    }
    const sourceHashes: Record<string, string> = {};
    for (const s of rawSources) {
      try {
        sourceHashes[s] = hashText(await this.o.vault.read(s));
      } catch {
        rawSources.delete(s);
      }
    }
    // With the web in reach, a page may have got the model to repeat active markdown: made inert (vault links kept).
    const answer = result.webCitations ? inertMarkdown(result.answer.trim(), { keepWikilinks: true }) : result.answer.trim();
    const lines = [`## ${tr('core.ask.note.question')}`, '', result.question.trim(), '', `## ${tr('core.ask.note.answer')}`, '', answer];
    lines.push('', `## ${tr('core.ask.note.sources')}`, '');
    const web = result.webCitations ?? [];
    if (valid.length === 0 && !web.some((c) => c.valid)) lines.push(tr('core.ask.note.noSources'));
    for (const c of valid) lines.push(`- ${c.link}`);
    if (invalid.length > 0) {
      const links = invalid.map((c) => `\`${c.link}\``).join(', ');
      lines.push('', `> [!warning] ${tr('core.ask.note.unverifiedLinks')}`, `> ${tr('core.ask.note.unverifiedLinksText', { links })}`);
    }
    // Web pages the research read: kept as addresses, apart from the vault's notes.
    if (web.some((c) => c.valid)) lines.push('', `## ${tr('core.ask.note.webSources')}`, '', ...web.filter((c) => c.valid).map((c) => `- <${c.url}>`));
    const unread = web.filter((c) => !c.valid);
    if (unread.length > 0) {
      const urls = unread.map((c) => `\`${c.url}\``).join(', ');
      lines.push('', `> [!warning] ${tr('core.ask.note.unreadPages')}`, `> ${tr('core.ask.note.unreadPagesText', { urls })}`);
    }
    return renderArticle(
      {
        title: cap(oneLine(result.question), TITLE_MAX),
        summary: answerSummary(answer) || cap(oneLine(result.question), SUMMARY_MAX),
        type: 'output',
        sources: [...rawSources].sort(),
        sourceHashes,
        aliases: [],
        tags: ['answer'],
        updated: isoDate(this.o.clock.now()),
      },
      lines.join('\n'),
    );
  }

  /** The change plan that writes the note, the index entry and the log entry, and where the note goes. */
  async prepare(result: AskResult): Promise<{ plan: ChangePlan; placement: AnswerPlacement }> {
    const refusal = saveRefusal(result);
    if (refusal) throw new AnswerNotSavedError(refusal);
    const content = await this.render(result);
    const placement = await this.place(result.question, content);
    const plan = await this.o.writer.plan({
      operation: 'save-answer',
      title: cap(oneLine(result.question), TITLE_MAX),
      files: [{ path: placement.path, content, reason: placement.same ? tr('core.ask.save.reasonAgain') : tr('core.ask.save.reason') }],
      logDetails: [tr('core.ask.save.log', { count: result.citations.filter((c) => c.valid).length, tokens: result.usage.totalTokens })],
      usage: result.usage,
    });
    return { plan, placement };
  }

  /** The change plan that writes the note, the index entry and the log entry. Refuses an answer `saveRefusal` rejects. */
  async plan(result: AskResult): Promise<ChangePlan> {
    return (await this.prepare(result)).plan;
  }

  /**
   * Plans and applies the note (with its index and log entries). When another run took the name
   * between planning and applying, plans once more, so the answer gets the next free name.
   */
  async save(result: AskResult, options: { signal?: AbortSignal } = {}): Promise<SavedAnswerOutcome> {
    for (let attempt = 0; ; attempt++) {
      const { plan, placement } = await this.prepare(result);
      const note = plan.changes.find((c) => c.path === placement.path && !c.derived);
      if (!note) return { path: placement.path, written: false, earlier: placement.earlier, applied: null };
      try {
        const applied = await this.o.writer.apply(plan, { selectedPaths: [note.path], ...(options.signal ? { signal: options.signal } : {}) });
        return { path: placement.path, written: applied.paths.includes(note.path), earlier: placement.earlier, applied };
      } catch (error) {
        if (attempt === 0 && error instanceof PlanError && error.kind === 'conflict' && error.paths.includes(note.path)) continue;
        throw error;
      }
    }
  }
}
