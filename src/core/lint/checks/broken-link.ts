import { joinSentences, tr } from '../../../i18n';
import { basenameNoExt, extname, type NoteLink } from '../../markdown';
import { ClosestName } from '../closest-name';
import type { StructuralCheck } from '../structural-check';
import type { Finding } from '../types';
import type { ResolvedNoteLink, WikiSnapshot } from '../wiki-snapshot';
import { linksToCheck, missingTargets, targetKey } from './link-checks';

/** Broken links per run that get a "did you mean" suggestion (and a relink fix), in path order. */
export const SUGGESTION_LIMIT = 200;

/** The suggestion index over article names, built once per snapshot. */
export function closestNames(wiki: WikiSnapshot): ClosestName {
  return wiki.memo('closest-names', () => new ClosestName(wiki.notesWithRole('article')));
}

/** What a broken-link finding names as its target: the link target, plus the missing `#heading` or `#^block`. */
export function brokenTarget(r: ResolvedNoteLink): string {
  const { link } = r;
  if (r.path === null) return link.target;
  return link.blockId !== undefined ? `${link.target}#^${link.blockId}` : `${link.target}#${link.heading ?? ''}`;
}

/**
 * The link that reaches the note owning the alias a link was written with, showing the alias:
 * `[[Alias#H]]` → `[[Note#H|Alias]]` (by name when the name reaches it from here, else by path).
 */
export function aliasLinkSuggestion(wiki: WikiSnapshot, link: NoteLink, owner: string, fromPath: string): string {
  const name = basenameNoExt(owner);
  const target = wiki.resolver.resolve(name, fromPath) === owner ? name : owner.replace(/\.md$/i, '');
  const sub = link.blockId !== undefined ? `#^${link.blockId}` : link.heading !== undefined ? `#${link.heading}` : '';
  return `${link.embed ? '!' : ''}[[${target}${sub}|${link.alias ?? link.target}]]`;
}

/**
 * A wikilink, embed or markdown link in an article that resolves nowhere, or whose `#heading` or
 * `#^block` does not exist in the note it reaches. Targets referenced from two or more notes are
 * reported once as missing-article instead.
 */
export const brokenLinkCheck: StructuralCheck = {
  kinds: ['broken-link'],
  get description() {
    return tr('core.lint.check.brokenLink');
  },
  run(wiki) {
    const missing = missingTargets(wiki);
    const names = closestNames(wiki);
    const out: Finding[] = [];
    const unresolved = linksToCheck(wiki)
      .filter((r) => r.path === null || !r.subpathFound)
      .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.link.line - b.link.line || a.link.column - b.link.column));
    let suggestions = 0;
    for (const r of unresolved) {
      const { link } = r;
      if (r.path === null) {
        // `[[Alias]]`: Obsidian does not link by alias, so the link is broken; name the link that works.
        const owner = link.kind === 'wikilink' ? wiki.aliasOwner(link.target, r.from) : null;
        if (owner !== null) {
          out.push({
            kind: 'broken-link',
            path: r.from,
            line: link.line,
            target: link.target,
            message: tr(link.embed ? 'core.lint.finding.embedToAlias' : 'core.lint.finding.linkToAlias', { link: link.raw, target: link.target, owner, suggestion: aliasLinkSuggestion(wiki, link, owner, r.from) }),
            related: [owner],
          });
          continue;
        }
        if (missing.has(targetKey(link.target)) && !link.embed) continue;
        const ext = extname(link.target);
        // Suggestions are bounded per run: a vault with thousands of broken links needs more than typo fixes.
        const match = (ext === '' || ext === '.md') && suggestions < SUGGESTION_LIMIT ? names.find(link.target) : null;
        if (ext === '' || ext === '.md') suggestions++;
        const hint = match ? tr('core.lint.finding.didYouMean', { name: match.name }) : '';
        out.push({
          kind: 'broken-link',
          path: r.from,
          line: link.line,
          target: link.target,
          message: joinSentences([tr(link.embed ? 'core.lint.finding.embedNowhere' : 'core.lint.finding.linkNowhere', { link: link.raw }), hint]),
          ...(match ? { related: [match.path] } : {}),
        });
      } else {
        out.push({
          kind: 'broken-link',
          path: r.from,
          line: link.line,
          target: brokenTarget(r),
          message:
            link.blockId !== undefined
              ? tr(link.embed ? 'core.lint.finding.embedNoBlock' : 'core.lint.finding.linkNoBlock', { link: link.raw, path: r.path, block: link.blockId })
              : tr(link.embed ? 'core.lint.finding.embedNoHeading' : 'core.lint.finding.linkNoHeading', { link: link.raw, path: r.path, heading: link.heading ?? '' }),
          related: [r.path],
        });
      }
    }
    return out;
  },
};
