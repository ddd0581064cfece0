/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import { ConfirmModal, plural } from '../../src/ui/confirm-modal';
import { recordScopeKeys } from './scope-keys';

beforeAll(() => setup());

function modal() {
  const m = new ConfirmModal(App.createConfigured__().asOriginalType__(), {
    title: 'Compile 3 notes?',
    body: 'About 1,200 prompt tokens.',
    notes: ['', '2 unchanged notes are skipped.'],
    confirmText: 'Compile',
  });
  const answer = m.ask();
  const buttons = [...m.contentEl.querySelectorAll('button')];
  return { m, answer, buttons };
}

describe('ConfirmModal', () => {
  it('shows the cost and the non-empty notes, and resolves true on confirm', async () => {
    const { m, answer, buttons } = modal();
    expect(m.contentEl.textContent).toContain('About 1,200 prompt tokens.');
    expect(m.contentEl.querySelector('.scriptorium-muted')?.textContent).toBe('2 unchanged notes are skipped.');
    expect(buttons.map((b) => b.textContent)).toEqual(['Cancel', 'Compile']);
    buttons[1].click();
    await expect(answer).resolves.toBe(true);
  });

  it('resolves false on cancel', async () => {
    const { answer, buttons } = modal();
    buttons[0].click();
    await expect(answer).resolves.toBe(false);
  });

  it('resolves false when dismissed', async () => {
    const { m, answer } = modal();
    m.close();
    await expect(answer).resolves.toBe(false);
  });
});

describe('ConfirmModal keys', () => {
  let keys: ReturnType<typeof recordScopeKeys>;
  beforeEach(() => (keys = recordScopeKeys()));
  afterEach(() => keys.restore());
  const now = <T>(p: Promise<T>) => Promise.race([p, Promise.resolve('pending' as const)]);

  it('confirms on Enter', async () => {
    const { m, answer } = modal();
    expect(keys.press(m.scope, [], 'Enter')).toBe(true);
    await expect(now(answer)).resolves.toBe(true);
  });

  it('leaves Enter to a focused button: Tab to Cancel, then Enter, cancels', async () => {
    const { m, answer, buttons } = modal();
    expect(keys.press(m.scope, [], 'Enter', buttons[0])).toBe(false);
    await expect(now(answer)).resolves.toBe('pending');
    buttons[0].click();
    await expect(now(answer)).resolves.toBe(false);
  });
});

describe('plural', () => {
  it('says one and many', () => {
    expect([plural(1, 'note'), plural(2, 'note'), plural(0, 'entry', 'entries')]).toEqual(['1 note', '2 notes', '0 entries']);
  });
});
