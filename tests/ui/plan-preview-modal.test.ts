/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import type { ChangePlan } from '../../src/core/plan';
import { PlanPreviewModal } from '../../src/ui/plan-preview-modal';
import { recordScopeKeys } from './scope-keys';

beforeAll(() => setup());

const plan: ChangePlan = {
  id: 'compile-1',
  operation: 'compile',
  title: 'Compile 2 sources',
  createdAt: 0,
  changes: [
    { path: 'wiki/concepts/New.md', action: 'create', before: null, after: '# New\n', reason: 'new concept from raw/a.md' },
    { path: 'wiki/concepts/Edited.md', action: 'modify', before: '# Edited\nmine\n', after: '# Edited\nmine\nmore\n', reason: 'merge raw/b.md', needsReview: true },
    { path: 'wiki/index.md', action: 'create', before: null, after: '# Index\n', reason: 'rebuild the index', derived: 'index' },
  ],
  problems: [{ subject: 'raw/Broken.md', message: 'Frontmatter is not valid YAML' }],
  usage: { promptTokens: 1200, completionTokens: 300, totalTokens: 1500 },
};

function open(): { modal: PlanPreviewModal; result: Promise<string[] | null>; el: HTMLElement } {
  const app = App.createConfigured__();
  const modal = new PlanPreviewModal(app.asOriginalType__(), plan);
  const result = modal.ask();
  return { modal, result, el: modal.contentEl };
}

function boxes(el: HTMLElement): HTMLInputElement[] {
  return Array.from(el.querySelectorAll('input[type="checkbox"]'));
}

function button(el: HTMLElement, text: RegExp): HTMLButtonElement {
  const found = Array.from(el.querySelectorAll('button')).find((b) => text.test(b.textContent ?? ''));
  if (!found) throw new Error(`no button ${String(text)}`);
  return found;
}

describe('PlanPreviewModal', () => {
  it('lists every file, ticks all but the ones needing review, and shows problems and usage', async () => {
    const { el, modal, result } = open();
    expect(el.textContent).toContain('wiki/concepts/New.md');
    expect(el.textContent).toContain('Needs review: merge raw/b.md');
    expect(el.textContent).toContain('raw/Broken.md: Frontmatter is not valid YAML');
    expect(el.textContent).toMatch(/1 needs your review/);
    expect(el.textContent).toMatch(/1,200 prompt \+ 300 completion tokens/);
    expect(boxes(el).map((b) => [b.checked, b.disabled])).toEqual([
      [true, false],
      [false, false],
      [true, true],
    ]);
    expect(button(el, /Apply 1 file/)).toBeDefined();
    modal.close();
    await expect(result).resolves.toBeNull();
  });

  it('resolves with the ticked paths when applied', async () => {
    const { el, result } = open();
    const [first, second] = boxes(el);
    second.checked = true;
    second.dispatchEvent(new Event('change'));
    first.checked = false;
    first.dispatchEvent(new Event('change'));
    button(el, /Apply 1 file/).click();
    await expect(result).resolves.toEqual(['wiki/concepts/Edited.md']);
  });

  it('shows a diff of a file when opened', () => {
    const { el } = open();
    const details = el.querySelectorAll('details')[1];
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    const lines = Array.from(details.querySelectorAll('.scriptorium-diff-line')).map((l) => l.textContent);
    expect(lines).toEqual(['  # Edited', '  mine', '+ more']);
  });

  it('resolves null as soon as Cancel is clicked', async () => {
    const { el, result } = open();
    button(el, /Cancel/).click();
    // Raced against a value that is ready right away: a click that did nothing would leave `result` pending.
    await expect(Promise.race([result, Promise.resolve('pending')])).resolves.toBeNull();
  });

  it('disables Apply when nothing is ticked', () => {
    const { el } = open();
    const [first] = boxes(el);
    first.checked = false;
    first.dispatchEvent(new Event('change'));
    expect(button(el, /Nothing selected/).disabled).toBe(true);
  });
});

describe('PlanPreviewModal keys', () => {
  let keys: ReturnType<typeof recordScopeKeys>;
  beforeEach(() => (keys = recordScopeKeys()));
  afterEach(() => keys.restore());
  const now = <T>(p: Promise<T>) => Promise.race([p, Promise.resolve('pending' as const)]);

  it('applies the ticked files on Enter', async () => {
    const { modal, result } = open();
    expect(keys.press(modal.scope, [], 'Enter')).toBe(true);
    await expect(now(result)).resolves.toEqual(['wiki/concepts/New.md']);
  });

  it('does nothing on Enter when nothing is ticked, and leaves Enter to a focused disclosure', async () => {
    const { modal, result, el } = open();
    expect(keys.press(modal.scope, [], 'Enter', el.querySelector('summary') as HTMLElement)).toBe(false);
    await expect(now(result)).resolves.toBe('pending');
    const [first] = boxes(el);
    first.checked = false;
    first.dispatchEvent(new Event('change'));
    keys.press(modal.scope, [], 'Enter');
    await expect(now(result)).resolves.toBe('pending');
  });
});
