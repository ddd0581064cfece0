import { hashText } from '../markdown/hash';
import { sanitizeFileName } from '../markdown/paths';
import { isoDate, readArticle, renderArticle } from '../plan/article';
import type { ChangePlan } from '../plan/types';
import type { WikiWriter } from '../plan/wiki-writer';
import type { Clock } from '../ports/clock';
import type { VaultPort } from '../ports/vault';
import type { AskResult } from './types';

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

/**
 * Files an answer back into the wiki as an `output` article: the question, the answer, its
 * verified sources, and contract frontmatter whose `sources` are the raw notes behind the answer
 * (cited directly, or through the wiki articles it cites) so lint can tell when it goes stale.
 * Returns a change plan; the caller previews or applies it through the same writer.
 */
export class SavedAnswer {
  private readonly o: SaveAnswerOptions;

  constructor(options: SaveAnswerOptions) {
    this.o = options;
  }

  /** Where the answer goes: `wiki/outputs/<question>.md`, or a numbered name when that is someone else's note. */
  async pathFor(question: string): Promise<string> {
    const folder = `${this.o.writer.wikiFolder}/outputs`;
    const name = sanitizeFileName(cap(oneLine(question).replace(/[?？]+$/, ''), 100));
    for (let n = 1; n < 100; n++) {
      const path = `${folder}/${name}${n === 1 ? '' : ` ${n}`}.md`;
      if ((await this.o.vault.stat(path)) === null) return path;
      // The same question saved again replaces the earlier answer, unless a person made it theirs.
      const existing = readArticle(await this.o.vault.read(path));
      if (existing.ownership === 'generated' && existing.type === 'output' && oneLine(existing.title ?? '') === cap(oneLine(question), TITLE_MAX)) return path;
    }
    return `${folder}/${name} ${hashText(question).slice(0, 6)}.md`;
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
    const lines = ['## Question', '', result.question.trim(), '', '## Answer', '', result.answer.trim()];
    if (result.incomplete) lines.push('', '> [!warning] Incomplete answer', '> The answer was cut short before it was saved.');
    lines.push('', '## Sources', '');
    if (valid.length === 0) lines.push('No verified sources.');
    for (const c of valid) lines.push(`- ${c.link}`);
    if (invalid.length > 0) {
      lines.push('', '> [!warning] Unverified links', `> These links in the answer did not resolve in the vault when it was saved: ${invalid.map((c) => `\`${c.link}\``).join(', ')}`);
    }
    return renderArticle(
      {
        title: cap(oneLine(result.question), TITLE_MAX),
        summary: answerSummary(result.answer) || cap(oneLine(result.question), SUMMARY_MAX),
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

  /** The change plan that writes the note, the index entry and the log entry. */
  async plan(result: AskResult): Promise<ChangePlan> {
    if (result.answer.trim() === '') throw new Error('Save to wiki: the answer is empty.');
    const path = await this.pathFor(result.question);
    return this.o.writer.plan({
      operation: 'save-answer',
      title: cap(oneLine(result.question), TITLE_MAX),
      files: [{ path, content: await this.render(result), reason: 'answer saved from chat' }],
      logDetails: [`${result.citations.filter((c) => c.valid).length} verified sources, ${result.usage.totalTokens} tokens`],
      usage: result.usage,
    });
  }
}
