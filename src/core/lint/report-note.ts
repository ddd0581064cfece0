import { isoDate, renderArticle, articleLink } from '../plan';
import { joinPath } from '../markdown';
import type { TokenUsage } from '../llm/types';
import type { LintFix } from './fixes/lint-fix';
import { KIND_LABELS } from './kind-labels';
import type { LintLayout } from './lint-layout';
import { countFindings, INFO_KINDS, KIND_ORDER, type Finding } from './types';

export interface LintReportInput {
  layout: LintLayout;
  findings: readonly Finding[];
  fixes: readonly LintFix[];
  /** When the checks ran (ms since the epoch). */
  checkedAt: number;
  /** Markdown notes checked. */
  notesChecked: number;
  /** Whether the model checks ran, and what they cost. */
  deep?: { calls: number; usage: TokenUsage; failed: number };
  /**
   * A link that applies a fix (the plugin's `obsidian://` handler), or null where fixes are
   * applied another way (the CLI's `--fix ID`).
   */
  fixLink?: (fix: LintFix) => string | null;
  /** Whether compile fixes can run where the report will be read. Default true. */
  canCompile?: boolean;
}

/** `[[x]]` in a message would become a real (unresolved) link in the report; show it as code instead. */
function quoteLinks(message: string): string {
  return message.replace(/!?\[\[[^\]\n]*\]\]/g, (m) => `\`${m}\``);
}

function place(path: string, line: number | null): string {
  const title = path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
  const link = path.toLowerCase().endsWith('.md') ? articleLink(path, title) : `\`${path}\``;
  return line === null ? link : `${link} (line ${line})`;
}

/**
 * The health report: a note in the wiki's outputs folder, one section per kind with a link to
 * every place involved, and the fixes that can be applied. Reports are `type: report`, which the
 * checks skip, so an old report's links never become findings.
 */
export function renderLintReport(input: LintReportInput): { path: string; content: string; title: string } {
  const date = isoDate(input.checkedAt);
  const title = `Health report ${date}`;
  const counts = countFindings(input.findings);
  const info = input.findings.filter((f) => INFO_KINDS.has(f.kind)).length;
  const problems = counts.total - info;
  const lines: string[] = [`# ${title}`, ''];
  lines.push(
    problems === 0
      ? `No problems found in ${input.notesChecked} notes${info > 0 ? ` (${info} informational note${info === 1 ? '' : 's'})` : ''}.`
      : `${problems} problem${problems === 1 ? '' : 's'} found in ${input.notesChecked} notes${info > 0 ? `, and ${info} informational` : ''}.`,
  );
  if (input.deep) {
    const u = input.deep.usage;
    const failed = input.deep.failed > 0 ? ` ${input.deep.failed} of them gave no usable reply and were left out.` : '';
    lines.push('', `Model checks: ${input.deep.calls} call${input.deep.calls === 1 ? '' : 's'}, ${u.totalTokens} tokens (${u.promptTokens} in, ${u.completionTokens} out).${failed}`);
  }
  const present = KIND_ORDER.filter((k) => (counts[k] ?? 0) > 0);
  if (present.length > 0) {
    lines.push('', '| Check | Findings |', '| --- | ---: |');
    for (const k of present) lines.push(`| ${KIND_LABELS[k]} | ${counts[k]} |`);
  }
  if (input.fixes.length > 0) {
    lines.push('', `## Fixes (${input.fixes.length})`, '');
    lines.push('Each fix is shown as a change plan before anything is written, and can be undone.', '');
    for (const fix of input.fixes) {
      if (fix.kind === 'compile' && input.canCompile === false) {
        // Without a compiler here, the fix is an action list rather than a button that would fail.
        lines.push(`- ${quoteLinks(fix.label)}: compile ${fix.sources.map((p) => place(p, null)).join(', ')}.`);
        continue;
      }
      const link = input.fixLink?.(fix) ?? null;
      lines.push(`- ${quoteLinks(fix.label)} — ${link ? `[Apply](${link})` : `fix id \`${fix.id}\``}`);
    }
  }
  for (const kind of present) {
    const items = input.findings.filter((f) => f.kind === kind);
    lines.push('', `## ${KIND_LABELS[kind]} (${items.length})`, '');
    for (const f of items) {
      const related = (f.related ?? []).map((p) => place(p, null));
      const target = f.target !== null && !f.message.includes(f.target) ? ` \`${f.target}\`` : '';
      lines.push(`- ${place(f.path, f.line)}:${target} ${quoteLinks(f.message)}${related.length > 0 ? ` See also ${related.join(', ')}.` : ''}`);
    }
  }
  const body = `${lines.join('\n')}\n`;
  const summary =
    problems === 0
      ? `No problems found in ${input.notesChecked} notes.`
      : `${problems} problem${problems === 1 ? '' : 's'}: ${present.filter((k) => !INFO_KINDS.has(k)).map((k) => `${counts[k]} ${KIND_LABELS[k].toLowerCase()}`).join(', ')}.`;
  const content = renderArticle({ title, summary, type: 'report', tags: ['scriptorium/health'], updated: date }, body);
  return { path: joinPath(input.layout.outputsFolder, `${title}.md`), content, title };
}
