/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { EditorView } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { describeNoteStatus, type CompiledSource } from '../../../src/core/compile';
import { hashText } from '../../../src/core/markdown';
import { compileStatusExtension, type CompileStatusSource } from '../../../src/ui/compile/compile-status-extension';

beforeAll(() => setup());

/** The badge's inputs as plain data: a compile-state record that the test changes. */
function source(path: string) {
  const listeners = new Set<() => void>();
  const state: { compiled?: CompiledSource } = {};
  const compiled: string[] = [];
  const opened: string[] = [];
  const src: CompileStatusSource = {
    status: (p, text) => Promise.resolve(describeNoteStatus({ path: p, text, rawFolder: 'raw', wikiFolder: 'wiki', compiled: state.compiled })),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    compile: (p) => compiled.push(p),
    open: (p) => opened.push(p),
  };
  const view = new EditorView({ state: EditorState.create({ doc: 'A note about **Levain**.', extensions: compileStatusExtension(src, { pathOf: () => path }) }), parent: document.body });
  return { view, state, compiled, opened, emit: () => listeners.forEach((l) => l()) };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

function badge(view: EditorView): HTMLElement | null {
  return view.dom.querySelector('.scriptorium-compile-badge');
}

describe('compileStatusExtension', () => {
  it('shows "not compiled yet" with a compile button on a raw note', async () => {
    const s = source('raw/Levain.md');
    await settle();
    expect(badge(s.view)?.textContent).toContain('Not compiled yet');
    badge(s.view)?.querySelector('button')?.click();
    expect(s.compiled).toEqual(['raw/Levain.md']);
    s.view.destroy();
  });

  it('updates when compile state changes, with links to the outputs', async () => {
    const s = source('raw/Levain.md');
    await settle();
    s.state.compiled = { hash: hashText(s.view.state.doc.toString()), summary: 'wiki/sources/Levain.md', concepts: ['wiki/concepts/Levain.md'], compiledAt: 1 };
    s.emit();
    await settle();
    expect(badge(s.view)?.textContent).toContain('Compiled into a summary and 1 concept');
    expect(badge(s.view)?.querySelector('button')).toBeNull();
    const links = Array.from(badge(s.view)?.querySelectorAll('a') ?? []);
    links[1].click();
    expect(s.opened).toEqual(['wiki/concepts/Levain.md']);
    s.view.destroy();
  });

  it('shows nothing on notes compile does not concern', async () => {
    const s = source('notes/Other.md');
    await settle();
    expect(badge(s.view)).toBeNull();
    s.view.destroy();
  });
});
