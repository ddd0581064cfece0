import type { App } from 'obsidian';
import type { DeepEstimate } from '../../core/lint';
import { ConfirmModal, plural } from '../confirm-modal';

/** Before the model checks: how many calls and roughly how many tokens. Resolves true to go ahead. */
export function confirmDeepChecks(app: App, e: DeepEstimate): Promise<boolean> {
  return new ConfirmModal(app, {
    title: `Run ${plural(e.calls, 'model call')}?`,
    body: `The model reads ${plural(e.articles, 'article')}, grouped by shared concepts, looking for contradictions, claims without a source, gaps, articles worth writing and questions worth asking. About ${e.promptTokens.toLocaleString()} prompt tokens and at most ${e.maxCompletionTokens.toLocaleString()} completion tokens (a rough estimate).`,
    notes: [e.articlesLeftOut > 0 ? `${plural(e.articlesLeftOut, 'article')} ${e.articlesLeftOut === 1 ? 'is' : 'are'} left out to keep the cost bounded.` : ''],
    confirmText: 'Run model checks',
  }).ask();
}
