import { joinSentences, tr } from '../../i18n';
import { isoDate, renderArticle, articleLink } from '../plan';
import { joinPath } from '../markdown';
import type { TokenUsage } from '../llm/types';
import type { LintFix } from './fixes/lint-fix';
import { kindLabel } from './kind-labels';
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
  return line === null ? link : tr('core.lint.report.atLine', { place: link, line });
}

function notesCount(count: number): string {
  return count === 1 ? tr('core.lint.report.notesOne') : tr('core.lint.report.notes', { count });
}

/** The report's opening sentence: problems found (or none), and the informational findings. */
function headline(problems: number, info: number, notesChecked: number): string {
  const notes = notesCount(notesChecked);
  if (problems === 0) {
    if (info === 0) return tr('core.lint.report.noProblems', { notes });
    return info === 1 ? tr('core.lint.report.noProblemsInfoOne', { notes }) : tr('core.lint.report.noProblemsInfo', { notes, info });
  }
  if (info === 0) return problems === 1 ? tr('core.lint.report.problemOne', { notes }) : tr('core.lint.report.problems', { count: problems, notes });
  return problems === 1 ? tr('core.lint.report.problemOneInfo', { notes, info }) : tr('core.lint.report.problemsInfo', { count: problems, notes, info });
}

/**
 * The health report: a note in the wiki's outputs folder, one section per kind with a link to
 * every place involved, and the fixes that can be applied. Reports are `type: report`, which the
 * checks skip, so an old report's links never become findings.
 */
export function renderLintReport(input: LintReportInput): { path: string; content: string; title: string } {
  const date = isoDate(input.checkedAt);
  // The file name stays the same in every language (it is a path); the title shown follows the interface language.
  const fileName = `Health report ${date}`;
  const title = tr('core.lint.report.title', { date });
  const counts = countFindings(input.findings);
  const info = input.findings.filter((f) => INFO_KINDS.has(f.kind)).length;
  const problems = counts.total - info;
  const lines: string[] = [`# ${title}`, ''];
  lines.push(headline(problems, info, input.notesChecked));
  if (input.deep) {
    const u = input.deep.usage;
    const usage = { tokens: u.totalTokens, prompt: u.promptTokens, completion: u.completionTokens };
    const calls = input.deep.calls === 1 ? tr('core.lint.report.modelChecksOne', usage) : tr('core.lint.report.modelChecks', { calls: input.deep.calls, ...usage });
    lines.push('', joinSentences([calls, input.deep.failed > 0 ? tr('core.lint.report.leftOut', { count: input.deep.failed }) : '']));
  }
  const present = KIND_ORDER.filter((k) => (counts[k] ?? 0) > 0);
  if (present.length > 0) {
    lines.push('', `| ${tr('core.lint.report.checkColumn')} | ${tr('core.lint.report.findingsColumn')} |`, '| --- | ---: |');
    for (const k of present) lines.push(`| ${kindLabel(k)} | ${counts[k]} |`);
  }
  if (input.fixes.length > 0) {
    lines.push('', `## ${tr('core.lint.report.fixesTitle', { count: input.fixes.length })}`, '');
    lines.push(tr('core.lint.report.fixesIntro'), '');
    const separator = tr('core.lint.listSeparator');
    for (const fix of input.fixes) {
      if (fix.kind === 'compile' && input.canCompile === false) {
        // Without a compiler here, the fix is an action list rather than a button that would fail.
        lines.push(`- ${tr('core.lint.report.compileByHand', { fix: quoteLinks(fix.label), sources: fix.sources.map((p) => place(p, null)).join(separator) })}`);
        continue;
      }
      const link = input.fixLink?.(fix) ?? null;
      lines.push(`- ${link ? tr('core.lint.report.apply', { fix: quoteLinks(fix.label), link }) : tr('core.lint.report.fixId', { fix: quoteLinks(fix.label), id: fix.id })}`);
    }
  }
  for (const kind of present) {
    const items = input.findings.filter((f) => f.kind === kind);
    lines.push('', `## ${tr('core.lint.report.sectionTitle', { kind: kindLabel(kind), count: items.length })}`, '');
    for (const f of items) {
      const related = (f.related ?? []).map((p) => place(p, null));
      const seeAlso = related.length > 0 ? tr('core.lint.report.seeAlso', { notes: related.join(tr('core.lint.listSeparator')) }) : '';
      const finding = { place: place(f.path, f.line), message: joinSentences([quoteLinks(f.message), seeAlso]) };
      const line = f.target !== null && !f.message.includes(f.target) ? tr('core.lint.report.findingTarget', { ...finding, target: `\`${f.target}\`` }) : tr('core.lint.report.finding', finding);
      lines.push(`- ${line}`);
    }
  }
  const body = `${lines.join('\n')}\n`;
  const kinds = present
    .filter((k) => !INFO_KINDS.has(k))
    .map((k) => tr('core.lint.report.kindCount', { count: counts[k] ?? 0, kind: kindLabel(k).toLowerCase() }))
    .join(tr('core.lint.listSeparator'));
  const summary =
    problems === 0
      ? tr('core.lint.report.noProblems', { notes: notesCount(input.notesChecked) })
      : problems === 1
        ? tr('core.lint.report.summaryProblemOne', { kinds })
        : tr('core.lint.report.summaryProblems', { count: problems, kinds });
  const content = renderArticle({ title, summary, type: 'report', tags: ['scriptorium/health'], updated: date }, body);
  return { path: joinPath(input.layout.outputsFolder, `${fileName}.md`), content, title };
}
