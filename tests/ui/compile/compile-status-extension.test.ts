/** @jest-environment jsdom */
import '../chat-env';
import { setup } from 'obsidian-test-mocks/setup';
import { EditorView } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { CompileState, describeNoteStatus, type CompiledSource } from '../../../src/core/compile';
import { MemoryStateStore } from '../../support/memory-vault';
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

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 5));
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

  it('reads the compile state once for all the editors open at start-up, and once per change', async () => {
    /** The plugin folder on a disk that takes a moment to answer, counting reads of the compile state. */
    class CountingState extends MemoryStateStore {
      reads = 0;
      override async get(key: string): Promise<string | null> {
        if (key === CompileState.KEY) this.reads++;
        await new Promise((r) => setTimeout(r, 15));
        return super.get(key);
      }
    }
    const state = new CountingState();
    const compileState = new CompileState({ state });
    const src: CompileStatusSource = {
      status: async (p, text) => describeNoteStatus({ path: p, text, rawFolder: 'raw', wikiFolder: 'wiki', compiled: await compileState.get(p) }),
      onChange: (l) => compileState.onChange(l),
      compile: () => undefined,
      open: () => undefined,
    };
    // One extension for the whole app, as registerEditorExtension installs it in every editor.
    const extension = compileStatusExtension(src, { pathOf: (s) => `raw/${s.doc.line(1).text}.md` });
    const views = ['A', 'B', 'C', 'D', 'E'].map((name) => new EditorView({ state: EditorState.create({ doc: name, extensions: extension }), parent: document.body }));
    await settle(30);
    expect(views.map((v) => badge(v)?.textContent)).toEqual(Array(5).fill(expect.stringContaining('Not compiled yet')));
    expect(state.reads).toBe(1);
    compileState.reload();
    await settle(30);
    expect(state.reads).toBe(2);
    for (const v of views) v.destroy();
  });
});
