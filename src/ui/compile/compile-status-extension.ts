import { StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state';
import { showPanel, ViewPlugin, type EditorView, type Panel, type ViewUpdate } from '@codemirror/view';
import { editorInfoField } from 'obsidian';
import type { NoteStatus } from '../../core/compile/note-status';
import { t } from '../../i18n/plugin';

/** What the editor badge needs; all of it cheap (compile state and the note's text, never the model). */
export interface CompileStatusSource {
  status(path: string, text: string): Promise<NoteStatus | null>;
  /** Subscribes to compile-state changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  compile(path: string): void;
  open(path: string): void;
}

const setStatus = StateEffect.define<NoteStatus | null>();

const statusField = StateField.define<NoteStatus | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setStatus)) return e.value;
    return value;
  },
});

function samePanel(a: NoteStatus | null, b: NoteStatus | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function panel(source: CompileStatusSource, status: NoteStatus, path: () => string | undefined): Panel {
  const dom = createDiv({ cls: `scriptorium-compile-badge scriptorium-compile-${status.kind}` });
  dom.createSpan({ cls: 'scriptorium-compile-badge-label', text: status.label });
  for (const link of status.links.slice(0, 8)) {
    const a = dom.createEl('a', { cls: 'scriptorium-compile-badge-link', text: link.title, href: '#' });
    a.addEventListener('click', (event) => {
      event.preventDefault();
      source.open(link.path);
    });
  }
  if (status.links.length > 8) dom.createSpan({ cls: 'scriptorium-muted', text: t('badge.more', { count: status.links.length - 8 }) });
  if (status.canCompile) {
    const button = dom.createEl('button', { cls: 'scriptorium-compile-badge-button', text: t('compile.confirm.button') });
    button.addEventListener('click', () => {
      const p = path();
      if (p) source.compile(p);
    });
  }
  return { top: true, dom };
}

/**
 * A panel above the note: on a raw note its compile status (never compiled, compiled with links to
 * its summary and concepts, changed since) with a one-click compile; on a generated article
 * whether a person edited it. Recomputed shortly after typing stops and whenever compile state changes.
 */
export function compileStatusExtension(source: CompileStatusSource, options: { pathOf?: (state: EditorState) => string | undefined } = {}): Extension {
  const pathOf = options.pathOf ?? ((state: EditorState) => state.field(editorInfoField, false)?.file?.path);
  // Every open editor asks for its status at start-up and after each compile-state change. Asked
  // all at once, each would read the compile state from disk before the first read is cached; one
  // at a time, the first reads it and the rest are answered from the source's cache.
  let queue: Promise<unknown> = Promise.resolve();
  const statusOf = (path: string, text: string): Promise<NoteStatus | null> => {
    const next = queue.then(() => source.status(path, text));
    queue = next.catch(() => undefined);
    return next;
  };
  const updater = ViewPlugin.fromClass(
    class {
      private timer: number | undefined;
      private readonly unsubscribe: () => void;
      private generation = 0;

      constructor(private readonly view: EditorView) {
        this.unsubscribe = source.onChange(() => this.schedule(0));
        this.schedule(0);
      }

      update(update: ViewUpdate): void {
        if (update.docChanged) this.schedule(600);
      }

      private path(): string | undefined {
        return pathOf(this.view.state);
      }

      private schedule(delay: number): void {
        if (this.timer !== undefined) window.clearTimeout(this.timer);
        this.timer = window.setTimeout(() => void this.refresh(), delay);
      }

      private async refresh(): Promise<void> {
        this.timer = undefined;
        const path = this.path();
        const generation = ++this.generation;
        const status = path ? await statusOf(path, this.view.state.doc.toString()).catch(() => null) : null;
        // A newer refresh (or a closed editor) wins over this one.
        if (generation !== this.generation || !this.view.dom.isConnected) return;
        if (samePanel(status, this.view.state.field(statusField))) return;
        this.view.dispatch({ effects: setStatus.of(status) });
      }

      destroy(): void {
        if (this.timer !== undefined) window.clearTimeout(this.timer);
        this.generation++;
        this.unsubscribe();
      }
    },
  );
  return [
    statusField,
    updater,
    showPanel.compute([statusField], (state) => {
      const status = state.field(statusField);
      return status ? () => panel(source, status, () => pathOf(state)) : null;
    }),
  ];
}
