import type { App } from 'obsidian';
import type { CompileEstimate } from '../../core/compile';
import { ConfirmModal, plural } from '../confirm-modal';

/** Before a bulk compile: how many notes and roughly how many tokens. Resolves true to go ahead. */
export function confirmCompile(app: App, e: CompileEstimate): Promise<boolean> {
  return new ConfirmModal(app, {
    title: `Compile ${plural(e.toCompile.length, 'note')}?`,
    body: `About ${e.promptTokens.toLocaleString()} prompt and ${e.completionTokens.toLocaleString()} completion tokens (a rough estimate). You will see the changes before anything is written.`,
    notes: [
      e.upToDate.length ? `${plural(e.upToDate.length, 'unchanged note')} ${e.upToDate.length === 1 ? 'is' : 'are'} skipped.` : '',
      e.problems.length ? `${plural(e.problems.length, 'note')} cannot be compiled (empty, binary or broken properties).` : '',
    ],
    confirmText: 'Compile',
  }).ask();
}
