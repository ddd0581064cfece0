/**
 * "Tidy this article": the model reorganises a grown concept article (related paragraphs grouped
 * under clear `##` headings, repeated statements merged, every citation and link kept) and returns
 * the whole new body. Before it enters a change plan, `checkLoss` must find nothing of the old text
 * lost; a tidy that drops text is refused and the article left as it was. A locked article is
 * refused before the model is asked; a person-edited one is proposed for review (the writer leaves
 * it unticked). See docs/compile.md ("Tidy this article").
 */
import { tr } from '../../i18n';
import type { LlmClient } from '../llm';
import { s, replyShape } from '../llm/schema';
import type { ChatMessage, TokenUsage } from '../llm/types';
import { normalizeVaultPath } from '../markdown';
import { isoDate, readArticle, restampArticle, type ChangePlan, type WikiWriter } from '../plan';
import type { Clock } from '../ports/clock';
import type { VaultPort } from '../ports/vault';
import { cleanModelBody, conceptBody, splitConceptBody } from './article-bodies';
import { checkLoss, describeLosses } from './loss-check';

export interface TidyOptions {
  vault: VaultPort;
  writer: WikiWriter;
  llm: LlmClient;
  clock: Clock;
  /** The wiki folder ("wiki"): only notes in its `concepts` folder are tidied. */
  wikiFolder: string;
  signal?: AbortSignal;
}

export type TidyResult =
  | { status: 'planned'; path: string; plan: ChangePlan; summary: string; usage: TokenUsage }
  | { status: 'refused'; path: string; message: string; usage?: TokenUsage };

/** The first words of the tidy prompt's system message (test models recognise it by them). */
export const TIDY_SYSTEM_START = 'You tidy the wiki article';

const TIDY_REPLY = replyShape(
  'tidied_article',
  s.object({
    body: s.string({ nonEmpty: true, description: 'The whole reorganised article body in Markdown, without the title line and without the Sources section.' }),
  }),
  (v) => v,
);

export function tidyMessages(title: string, prose: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        `${TIDY_SYSTEM_START} "${title}". Reorganise it so it reads well: group related paragraphs under clear \`##\` headings, put them in a sensible order, and merge statements that are repeated.`,
        'Keep every fact, every sentence\'s meaning, every heading\'s content, every [[wikilink]], every [^footnote] and every link exactly as written; do not add facts. Do not write the title line or a Sources section.',
        'Reply with JSON: {"body": "<the whole reorganised article body in Markdown>"}.',
      ].join('\n'),
    },
    { role: 'user', content: `<article>\n${prose}\n</article>` },
  ];
}

/** Plans a tidy of the concept article at `path` (nothing is written; apply the plan with the writer). */
export async function planTidy(options: TidyOptions, path: string): Promise<TidyResult> {
  const target = normalizeVaultPath(path);
  const folder = `${normalizeVaultPath(options.wikiFolder)}/concepts/`;
  if (!target.startsWith(folder) || !target.toLowerCase().endsWith('.md')) {
    return { status: 'refused', path: target, message: tr('core.compile.tidy.notConcept', { path: target, folder }) };
  }
  if ((await options.vault.stat(target)) === null) {
    return { status: 'refused', path: target, message: tr('core.compile.tidy.missing', { path: target }) };
  }
  const before = await options.vault.read(target);
  const info = readArticle(before);
  if (info.ownership === 'locked') {
    return { status: 'refused', path: target, message: tr('core.compile.tidy.locked', { path: target }) };
  }
  const title = info.title ?? target.replace(/^.*\//, '').replace(/\.md$/i, '');
  const { prose, sourceLines } = splitConceptBody(info.body);
  if (!prose.trim()) return { status: 'refused', path: target, message: tr('core.compile.tidy.empty', { path: target }) };
  const { value, usage } = await options.llm.json({ messages: tidyMessages(title, prose), temperature: 0.2, ...(options.signal ? { signal: options.signal } : {}) }, TIDY_REPLY);
  const newProse = cleanModelBody(value.body);
  const losses = checkLoss(prose, newProse);
  if (losses.length > 0) {
    return {
      status: 'refused',
      path: target,
      message: tr('core.compile.tidy.dropped', { path: target, losses: describeLosses(losses) }),
      usage,
    };
  }
  const body = sourceLines.length ? conceptBody(title, newProse, sourceLines) : `# ${title}\n\n${newProse.trim()}\n`;
  const head = before.slice(0, before.length - info.body.length);
  const joined = `${head}${body}`;
  // A generated article is re-stamped (still generated); a person's text keeps its stamp, so the
  // writer proposes the change for review.
  const after = info.ownership === 'generated' ? restampArticle(joined, isoDate(options.clock.now())) : joined;
  if (after === before) return { status: 'refused', path: target, message: tr('core.compile.tidy.unchanged', { path: target }), usage };
  const reason = tr('core.compile.tidy.reason', { path: target });
  const plan = await options.writer.plan({ operation: 'compile', title: tr('core.compile.tidy.title', { title }), files: [{ path: target, content: after, basedOn: before, reason }], usage });
  return { status: 'planned', path: target, plan, summary: tr('core.compile.tidy.summary', { path: target }), usage };
}
