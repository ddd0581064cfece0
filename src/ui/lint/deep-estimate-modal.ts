import type { App } from 'obsidian';
import type { DeepEstimate } from '../../core/lint';
import { ConfirmModal } from '../confirm-modal';
import { t } from '../../i18n/plugin';

/** Before the model checks: how many calls and roughly how many tokens. Resolves true to go ahead. */
export function confirmDeepChecks(app: App, e: DeepEstimate): Promise<boolean> {
  return new ConfirmModal(app, {
    title: e.calls === 1 ? t('lint.deep.title.one') : t('lint.deep.title.other', { count: e.calls }),
    body: t(e.articles === 1 ? 'lint.deep.body.one' : 'lint.deep.body.other', { count: e.articles, prompt: e.promptTokens.toLocaleString(), completion: e.maxCompletionTokens.toLocaleString() }),
    notes: [e.articlesLeftOut === 0 ? '' : e.articlesLeftOut === 1 ? t('lint.deep.leftOut.one') : t('lint.deep.leftOut.other', { count: e.articlesLeftOut })],
    confirmText: t('lint.deep.button'),
  }).ask();
}
