/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import type { ChangePlan, FileChange } from '../../src/core/plan';
import { PlanPreviewModal } from '../../src/ui/plan-preview-modal';

beforeAll(() => setup());

function planOf(changes: FileChange[]): ChangePlan {
  return { id: 'lint-1', operation: 'lint', title: 'Fix', createdAt: 0, changes, problems: [], usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
}

/** Opens the preview, opens every file's "Show changes" and returns each diff's text. */
function diffsShown(changes: FileChange[]): string[] {
  const modal = new PlanPreviewModal(App.createConfigured__().asOriginalType__(), planOf(changes));
  void modal.ask();
  const out: string[] = [];
  for (const details of Array.from(modal.contentEl.querySelectorAll('details'))) {
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    out.push(details.querySelector('.scriptorium-diff')?.textContent ?? '');
  }
  modal.close();
  return out;
}

describe('PlanPreviewModal: changes a line diff cannot show', () => {
  it('says "Line endings only" and "Final newline only" instead of an empty diff', () => {
    const lf = '# A\n\nBody.\n';
    const shown = diffsShown([
      { path: 'wiki/a.md', action: 'modify', before: lf.replace(/\n/g, '\r\n'), after: lf, reason: 'normalise' },
      { path: 'wiki/b.md', action: 'modify', before: lf, after: lf.slice(0, -1), reason: 'trim' },
    ]);
    expect(shown).toEqual(['Line endings only (CRLF → LF).', 'Final newline only (removed).']);
  });

  it('summarises a rewrite too large to diff', () => {
    const lines = (word: string): string => Array.from({ length: 1500 }, (_, i) => `${word} ${i}`).join('\n');
    const [shown] = diffsShown([{ path: 'wiki/a.md', action: 'modify', before: lines('old'), after: lines('new'), reason: 'rewrite' }]);
    expect(shown).toBe('Replaced 1,500 lines with 1,500 lines (too different to show line by line).');
  });

  it('still says "No changes." when nothing changed at all', () => {
    expect(diffsShown([{ path: 'wiki/a.md', action: 'modify', before: 'x\n', after: 'x\n', reason: 'same' }])).toEqual(['No changes.']);
  });
});
