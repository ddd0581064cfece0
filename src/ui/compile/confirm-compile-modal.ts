import type { App } from 'obsidian';
import { limitsPassed, type CompileEstimate } from '../../core/compile';
import { ConfirmModal, plural, type ConfirmContent } from '../confirm-modal';

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
  const largest = e.largest && e.toCompile.length > 1 && e.largest.modelCalls > 1 ? ` ${e.largest.path} alone needs about ${plural(e.largest.modelCalls, 'call')}.` : '';
  return {
    title: `Compile ${plural(e.toCompile.length, 'note')}?`,
    body: `About ${plural(e.modelCalls, 'model call')}, ${e.promptTokens.toLocaleString()} prompt and ${e.completionTokens.toLocaleString()} completion tokens (a rough estimate).${largest} You will see the changes before anything is written.`,
    notes: [
      over.length ? `This run is large: ${over.join(' and ')}.` : '',
      e.upToDate.length ? `${plural(e.upToDate.length, 'unchanged note')} ${e.upToDate.length === 1 ? 'is' : 'are'} skipped.` : '',
      e.problems.length ? `${plural(e.problems.length, 'note')} cannot be compiled (${e.problems.slice(0, 3).map((p) => p.subject).join(', ')}${e.problems.length > 3 ? ', …' : ''}): empty, binary, unreadable, or over the size limit in these settings.` : '',
    ],
    confirmText: 'Compile',
  };
}
