import type { Translate } from '../i18n';

/** The keys of a counted thing: its text for one, and for any other number (with `{count}`). */
const COUNTED = {
  source: ['cli.count.sourceOne', 'cli.count.sources'],
  modelCall: ['cli.count.modelCallOne', 'cli.count.modelCalls'],
  image: ['cli.count.imageOne', 'cli.count.images'],
  problem: ['cli.count.problemOne', 'cli.count.problems'],
  change: ['cli.count.changeOne', 'cli.count.changes'],
  file: ['cli.count.fileOne', 'cli.count.files'],
  note: ['cli.count.noteOne', 'cli.count.notes'],
  call: ['cli.count.callOne', 'cli.count.calls'],
  article: ['cli.count.articleOne', 'cli.count.articles'],
  webCall: ['cli.count.webCallOne', 'cli.count.webCalls'],
  step: ['cli.count.stepOne', 'cli.count.steps'],
  remoteImage: ['cli.count.remoteImageOne', 'cli.count.remoteImages'],
} as const;

/** "1 source", "3 sources" ("3 个来源"): a number with its noun, for lines that list measures. */
export function counted(t: Translate, n: number, what: keyof typeof COUNTED): string {
  return n === 1 ? t(COUNTED[what][0]) : t(COUNTED[what][1], { count: n });
}
