import { flagInt, flagString, UsageError } from '../args';
import type { CliCommand } from '../command';
import { createTranslator, type Translate } from '../../i18n';
import { en } from '../../i18n/en';
import { openVaultIndex } from './index-vault';
import type { ReadOptions } from '../../core/search';
import { VaultIndex } from '../../core/search';

/** `path/to/Note.md:12:5` → path, first line, line count. Obsidian forbids ':' in file names. */
export function parseLocation(spec: string, t: Translate = createTranslator('en')): { path: string; line?: number; count?: number } {
  const m = /^(.+?)(?::(\d+))?(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new UsageError(t('cli.get.badLocation', { spec }));
  return { path: m[1], line: m[2] === undefined ? undefined : Number(m[2]), count: m[3] === undefined ? undefined : Number(m[3]) };
}

export const getCommand: CliCommand = {
  name: 'get',
  summary: 'Print a note (or some of its lines, or one heading) with line numbers',
  operands: 'PATH[:LINE[:COUNT]]',
  options: [
    { name: 'heading', type: 'string', value: 'H', description: en['cli.option.get.onlyHeading'], descriptionKey: 'cli.option.get.onlyHeading' },
    { name: 'max-chars', type: 'string', value: 'N', default: '12000', description: en['cli.option.get.maxChars'], descriptionKey: 'cli.option.get.maxChars' },
  ],
  details: (t) => t('cli.details.get'),
  async run(ctx) {
    const spec = ctx.args.positional.join(' ');
    if (!spec.trim()) throw new UsageError(ctx.t('cli.get.noPath'));
    const { path, line, count } = parseLocation(spec, ctx.t);
    if (line !== undefined && line < 1) throw new UsageError(ctx.t('cli.get.lineFromOne'));
    if (count !== undefined && count < 1) throw new UsageError(ctx.t('cli.get.countTooSmall'));
    const options: ReadOptions = { maxChars: flagInt(ctx.args, 'max-chars', 12_000), heading: flagString(ctx.args, 'heading') };
    if (line !== undefined) options.lines = [line, count === undefined ? Number.MAX_SAFE_INTEGER : line + count - 1];
    let result;
    try {
      // A path needs no index; only a title or alias does, so the index is opened only then.
      result = await new VaultIndex({ vault: ctx.vault, state: ctx.state }).read(path, options);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('no note')) throw error;
      const { index } = await openVaultIndex(ctx);
      try {
        result = await index.read(path, options);
      } catch (again) {
        // The index's own sentence is English (the research agent's model reads it); a person gets theirs.
        if (again instanceof Error && again.message.includes('no note')) throw new Error(ctx.t('cli.get.noSuchNote', { path }));
        throw again;
      }
    }
    // The index ends a cut text with a line for the research agent's model, in English; a person reads it in theirs.
    const cut = (text: string) =>
      text.replace(/^… lines (\d+)–(\d+) not shown \(read them with lines \[\d+, \d+\]\)$/m, (_, from: string, to: string) => ctx.t('cli.get.notShown', { from, to }));
    ctx.print(result, () => cut(result.text.replace(/\n$/, '')));
    return 0;
  },
};
