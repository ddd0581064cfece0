/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import type { CompileEstimate } from '../../../src/core/compile';
import { ConfirmModal } from '../../../src/ui/confirm-modal';
import { compileConfirmContent } from '../../../src/ui/compile/confirm-compile-modal';

beforeAll(() => setup());

/** The dialog's text, as a person sees it. */
async function shown(e: CompileEstimate): Promise<string> {
  const modal = new ConfirmModal(App.createConfigured__().asOriginalType__(), compileConfirmContent(e));
  const answer = modal.ask();
  const text = `${compileConfirmContent(e).title}\n${modal.contentEl.textContent ?? ''}`;
  modal.close();
  await expect(answer).resolves.toBe(false);
  return text;
}

describe('the compile confirmation', () => {
  it('says the model calls and tokens, and which limit one huge note passes', async () => {
    const huge: CompileEstimate = { total: 1, toCompile: ['raw/Huge.md'], upToDate: [], problems: [], skipped: [], images: 0, modelCalls: 3270, promptTokens: 13_080_000, completionTokens: 2_289_000, largest: { path: 'raw/Huge.md', modelCalls: 3270, promptTokens: 13_080_000 } };
    const text = await shown(huge);
    expect(text).toContain('Compile 1 note?');
    expect(text).toMatch(/About 3270 model calls, 13.080.000 prompt/);
    expect(text).toMatch(/This run is large: more than 25 model calls and more than 150,000 prompt tokens\./);
  });

  it('names the notes that cannot be compiled and stays quiet about limits not passed', async () => {
    const e: CompileEstimate = { total: 3, toCompile: ['raw/A.md', 'raw/B.md'], upToDate: [], skipped: [], images: 0, problems: [{ subject: 'raw/Big.md', message: 'over the limit' }], modelCalls: 2, promptTokens: 900, completionTokens: 1400 };
    const text = await shown(e);
    expect(text).toContain('1 note cannot be compiled (raw/Big.md)');
    expect(text).not.toContain('This run is large');
  });
});
