import { tr } from '../../../i18n';
import { basenameNoExt, hashText, headingKey, type NoteLink } from '../../markdown';
import type { ChangePlan, WikiWriter } from '../../plan';
import type { Clock, ProgressReporter, VaultPort } from '../../ports';
import { outlineArticle, sectionsToSplit } from '../checks/oversized-article';
import { brokenTarget, closestNames } from '../checks/broken-link';
import { boundedDistance } from '../closest-name';
import { LintError } from '../lint-error';
import type { Finding } from '../types';
import type { ResolvedNoteLink, WikiSnapshot } from '../wiki-snapshot';
import type { CompileSources, PlannedFix } from './compile-port';
import type { CompileFix, LintFix, RelinkFix, SplitFix } from './lint-fix';
import { splitArticleFiles } from './split-article';
import { readArticle } from '../../plan/article';

export interface LintFixerOptions {
  vault: VaultPort;
  writer: WikiWriter;
  /** The compiler, for compile fixes; without it those fixes cannot be planned here. */
  compile?: CompileSources;
  /** Dates new articles (split fixes). Default: the system clock. */
  clock?: Clock;
}

function id(prefix: string, ...parts: string[]): string {
  return `${prefix}-${hashText(parts.join('\u0000')).slice(0, 10)}`;
}

function titleOf(wiki: WikiSnapshot, path: string): string {
  return wiki.notes.get(path)?.title ?? basenameNoExt(path);
}

/** The closest heading of a note to a heading that does not exist, if one is close. */
function closestHeading(headings: readonly string[], wanted: string): string | null {
  const key = headingKey(wanted);
  const max = Math.min(4, Math.floor(key.length / 3));
  let best: string | null = null;
  let bestDistance = max + 1;
  for (const h of headings) {
    const d = boundedDistance(key, headingKey(h), max);
    if (d < bestDistance) {
      bestDistance = d;
      best = h;
    }
  }
  return best;
}

/** Rebuilds a link with a new target or subpath, keeping its form (embed, wikilink or markdown, alias, escaped pipe). */
function rewriteLink(link: NoteLink, target: string, sub: { heading?: string; blockId?: string }, alias: string | undefined): string {
  const subpath = sub.blockId !== undefined ? `#^${sub.blockId}` : sub.heading !== undefined ? `#${sub.heading}` : '';
  const bang = link.embed ? '!' : '';
  if (link.kind === 'markdown') {
    const text = link.raw.slice(bang.length + 1, link.raw.indexOf(']('));
    const dest = `${target}${subpath}`.split(' ').join('%20');
    return `${bang}[${text}](${dest})`;
  }
  const pipe = link.raw.includes('\\|') ? '\\|' : '|';
  return `${bang}[[${target}${subpath}${alias ? `${pipe}${alias}` : ''}]]`;
}

/**
 * Proposes fixes for a lint result and turns a chosen fix into a change plan against the vault
 * as it is now. Every fix goes through the WikiWriter, so it is previewed, confined to the wiki,
 * applied all-or-nothing and undoable, and a person's edits become reviewed merges.
 */
export class LintFixer {
  private readonly vault: VaultPort;
  private readonly writer: WikiWriter;
  private readonly compile: CompileSources | undefined;
  private readonly clock: Clock;

  constructor(options: LintFixerOptions) {
    this.vault = options.vault;
    this.writer = options.writer;
    this.compile = options.compile;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /** Whether compile fixes can be planned (a compiler was given). */
  get canCompile(): boolean {
    return this.compile !== undefined;
  }

  /** The fixes for these findings, in report order; findings with no safe automatic fix get none. */
  static propose(findings: readonly Finding[], wiki: WikiSnapshot): LintFix[] {
    const fixes: LintFix[] = [];
    if (findings.some((f) => f.kind === 'index-drift')) {
      fixes.push({ id: 'rebuild-index', kind: 'rebuild-index', label: tr('core.lint.fix.rebuildIndex', { path: wiki.layout.indexPath }) });
    }
    for (const f of findings) {
      if (f.kind !== 'broken-link' || f.line === null) continue;
      const fix = LintFixer.relinkFor(f, wiki);
      if (fix) fixes.push(fix);
    }
    for (const f of findings) {
      if (f.kind !== 'missing-article' || f.target === null) continue;
      const referrers = [f.path, ...(f.related ?? [])];
      const sources = new Set<string>();
      for (const p of referrers) {
        for (const s of LintFixer.rawSourcesOf(wiki, p)) sources.add(s);
      }
      if (sources.size === 0) continue;
      const list = [...sources].sort();
      const fix: CompileFix = {
        id: id('create', f.target.toLowerCase(), ...list),
        kind: 'compile',
        reason: 'missing-article',
        sources: list,
        concept: f.target,
        label: list.length === 1 ? tr('core.lint.fix.createOne', { concept: f.target, source: list[0] }) : tr('core.lint.fix.create', { concept: f.target, count: list.length }),
      };
      fixes.push(fix);
    }
    const stale = [...new Set(findings.filter((f) => f.kind === 'stale' && f.target !== null).map((f) => f.target as string))].sort();
    if (stale.length > 0) {
      fixes.push({
        id: id('recompile', ...stale),
        kind: 'compile',
        reason: 'stale',
        sources: stale,
        label: stale.length === 1 ? tr('core.lint.fix.recompileOne', { source: stale[0] }) : tr('core.lint.fix.recompile', { count: stale.length }),
      });
    }
    const uncompiled = findings.filter((f) => f.kind === 'uncompiled').map((f) => f.path).sort();
    if (uncompiled.length > 0) {
      fixes.push({
        id: id('compile', ...uncompiled),
        kind: 'compile',
        reason: 'uncompiled',
        sources: uncompiled,
        label: uncompiled.length === 1 ? tr('core.lint.fix.compileOne', { source: uncompiled[0] }) : tr('core.lint.fix.compile', { count: uncompiled.length }),
      });
    }
    for (const f of findings) {
      if (f.kind !== 'oversized-article') continue;
      const fix = LintFixer.splitFor(f.path, wiki);
      if (fix) fixes.push(fix);
    }
    return fixes;
  }

  private static splitFor(path: string, wiki: WikiSnapshot): SplitFix | null {
    const note = wiki.notes.get(path);
    const threshold = wiki.layout.splitArticleWords;
    if (!note || threshold <= 0 || readArticle(note.text).ownership !== 'generated') return null;
    const sections = sectionsToSplit(outlineArticle(note.body), threshold).map((s) => s.title);
    if (sections.length === 0) return null;
    const shown = sections
      .slice(0, 3)
      .map((title) => tr('core.lint.quoted', { title }))
      .join(tr('core.lint.listSeparator'));
    const label =
      sections.length === 1
        ? tr('core.lint.fix.splitOne', { title: note.title, sections: shown })
        : sections.length <= 3
          ? tr('core.lint.fix.split', { title: note.title, count: sections.length, sections: shown })
          : tr('core.lint.fix.splitMore', { title: note.title, count: sections.length, sections: shown, more: sections.length - 3 });
    return {
      id: id('split', path, hashText(note.text)),
      kind: 'split',
      path,
      sections,
      label,
    };
  }

  private static rawSourcesOf(wiki: WikiSnapshot, path: string): string[] {
    const note = wiki.notes.get(path);
    if (!note) return [];
    const list = note.frontmatter.sources;
    const entries = Array.isArray(list) ? list : [list];
    const out: string[] = [];
    for (const e of entries) {
      const raw = typeof e === 'string' ? wiki.resolveSource(e, path) : null;
      if (raw !== null) out.push(raw);
    }
    return out;
  }

  private static relinkFor(f: Finding, wiki: WikiSnapshot): RelinkFix | null {
    const r: ResolvedNoteLink | undefined = wiki
      .links()
      .find((x) => x.from === f.path && x.link.line === f.line && (x.path === null || !x.subpathFound) && brokenTarget(x) === f.target);
    if (!r) return null;
    const { link } = r;
    let to: string;
    let what: string;
    if (r.path === null) {
      // Only links the check found a suggestion for (suggestions are bounded per run).
      if (!f.related?.length) return null;
      const match = closestNames(wiki).find(link.target);
      if (!match) return null;
      // Link by the matched name when it reaches the note from here; else by path, showing the name.
      const byName = wiki.resolver.resolve(match.name, f.path) === match.path;
      const target = byName ? match.name : basenameNoExt(match.path);
      const reaches = byName || wiki.resolver.resolve(target, f.path) === match.path;
      const finalTarget = reaches ? target : match.path.replace(/\.md$/i, '');
      const alias = link.alias ?? (finalTarget === match.name ? undefined : match.name);
      to = rewriteLink(link, link.kind === 'markdown' ? match.path : finalTarget, { heading: link.heading, blockId: link.blockId }, alias);
      what = titleOf(wiki, match.path);
    } else if (link.heading !== undefined && link.blockId === undefined) {
      const parts = link.heading.split('#');
      const heading = closestHeading(wiki.headings(r.path) ?? [], parts[parts.length - 1]);
      if (heading === null) return null;
      to = rewriteLink(link, link.target, { heading }, link.alias);
      what = `${titleOf(wiki, r.path)} › ${heading}`;
    } else {
      return null;
    }
    return {
      id: id('relink', f.path, String(f.line), link.raw, to),
      kind: 'relink',
      path: f.path,
      line: link.line,
      from: link.raw,
      to,
      label: tr('core.lint.fix.relink', { from: link.raw, to, what, title: titleOf(wiki, f.path) }),
    };
  }

  /** The change plan that carries out a fix, made against the vault as it is now, and how to apply it. */
  async plan(fix: LintFix, options: { signal?: AbortSignal; progress?: ProgressReporter } = {}): Promise<PlannedFix> {
    switch (fix.kind) {
      case 'rebuild-index':
        return this.written(await this.writer.planIndexRebuild());
      case 'relink':
        return this.written(await this.planRelink(fix));
      case 'compile':
        if (!this.compile) {
          throw new LintError(tr('core.lint.error.noCompiler', { sources: fix.sources.join(tr('core.lint.listSeparator')) }));
        }
        return this.compile({ sources: fix.sources, concept: fix.concept, signal: options.signal, progress: options.progress });
      case 'split':
        return this.written(await this.planSplit(fix));
    }
  }

  private async planSplit(fix: SplitFix): Promise<ChangePlan> {
    if ((await this.vault.stat(fix.path)) === null) {
      throw new LintError(tr('core.lint.error.splitGone', { path: fix.path }));
    }
    const text = await this.vault.read(fix.path);
    const split = await splitArticleFiles(fix.path, text, fix.sections, {
      now: this.clock.now(),
      exists: async (path) => (await this.vault.stat(path)) !== null,
    });
    return this.writer.plan({
      operation: 'lint-fix',
      title: split.title,
      files: split.files,
      logDetails: split.created.map((path) => tr('core.lint.plan.splitCreated', { path })),
    });
  }

  private written(plan: ChangePlan): PlannedFix {
    return { plan, apply: (opts) => this.writer.apply(plan, opts) };
  }

  private async planRelink(fix: RelinkFix): Promise<ChangePlan> {
    if ((await this.vault.stat(fix.path)) === null) {
      throw new LintError(tr('core.lint.error.relinkGone', { path: fix.path }));
    }
    const text = await this.vault.read(fix.path);
    // Line numbers count '\n'-separated lines (a '\r' before it stays part of the line), as extractLinks does.
    let start = 0;
    for (let n = 1; n < fix.line && start !== -1; n++) {
      const nl = text.indexOf('\n', start);
      start = nl === -1 ? -1 : nl + 1;
    }
    const end = start === -1 ? -1 : text.indexOf('\n', start);
    const line = start === -1 ? '' : text.slice(start, end === -1 ? text.length : end);
    const at = line.indexOf(fix.from);
    if (at === -1) {
      throw new LintError(tr('core.lint.error.relinkMoved', { line: fix.line, path: fix.path, link: fix.from }));
    }
    const offset = start + at;
    const after = text.slice(0, offset) + fix.to + text.slice(offset + fix.from.length);
    return this.writer.plan({
      operation: 'lint-fix',
      title: tr('core.lint.plan.relink', { from: fix.from, to: fix.to }),
      files: [{ path: fix.path, content: after, reason: tr('core.lint.plan.relinkReason', { from: fix.from, line: fix.line, to: fix.to }) }],
    });
  }
}
