import type { App } from 'obsidian';
import { limitsPassed, type CompileEstimate } from '../../core/compile';
import { ConfirmModal, type ConfirmContent } from '../confirm-modal';
import { t } from '../../i18n/plugin';
import { joinSentences } from '../../i18n';

/**
 * Before a compile that costs something: how many notes, model calls and tokens, and which limit
 * the run passes (one huge note can cost thousands of calls). Resolves true to go ahead.
 */
export function confirmCompile(app: App, e: CompileEstimate): Promise<boolean> {
  return new ConfirmModal(app, compileConfirmContent(e)).ask();
}

/** What the dialog says for an estimate. */
export function compileConfirmContent(e: CompileEstimate): ConfirmContent {
  const over = limitsPassed(e);
  const largest = e.largest && e.toCompile.length > 1 && e.largest.modelCalls > 1 ? t('compile.confirm.largest', { path: e.largest.path, count: e.largest.modelCalls }) : '';
  const tokens = { prompt: e.promptTokens.toLocaleString(), completion: e.completionTokens.toLocaleString() };
  const estimate = e.modelCalls === 1 ? t('compile.confirm.body.one', tokens) : t('compile.confirm.body.other', { count: e.modelCalls, ...tokens });
  const notes = `${e.problems.slice(0, 3).map((p) => p.subject).join(t('core.plan.listSeparator'))}${e.problems.length > 3 ? `${t('core.plan.listSeparator')}…` : ''}`;
  return {
    title: e.toCompile.length === 1 ? t('compile.confirm.title.one') : t('compile.confirm.title.other', { count: e.toCompile.length }),
    body: joinSentences([estimate, largest, t('compile.confirm.preview')]),
    notes: [
      over.length ? t('compile.confirm.large', { limits: over.join(t('compile.confirm.limitsSeparator')) }) : '',
      e.upToDate.length === 0 ? '' : e.upToDate.length === 1 ? t('compile.confirm.upToDate.one') : t('compile.confirm.upToDate.other', { count: e.upToDate.length }),
      e.problems.length === 0 ? '' : e.problems.length === 1 ? t('compile.confirm.problems.one', { notes }) : t('compile.confirm.problems.other', { count: e.problems.length, notes }),
    ],
    confirmText: t('compile.confirm.button'),
  };
}
