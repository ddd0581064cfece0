import { Modal, type App, type Scope } from 'obsidian';
import { t } from '../i18n/plugin';

export interface ConfirmContent {
  title: string;
  /** What will happen and roughly what it costs. */
  body: string;
  /** Secondary remarks (skipped items, limits), shown muted. */
  notes?: string[];
  confirmText: string;
}

/**
 * Asks before work that costs money or time (a bulk compile, deep checks). Resolves true to go
 * ahead; closing the dialog any other way is a no.
 */
export class ConfirmModal extends Modal {
  private readonly content: ConfirmContent;
  private resolve: ((ok: boolean) => void) | null = null;
  private closing = false;

  constructor(app: App, content: ConfirmContent) {
    super(app);
    this.content = content;
    onEnter(this.scope, () => this.finish(true));
  }

  ask(): Promise<boolean> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.open();
    });
  }

  override onOpen(): void {
    const { contentEl } = this;
    this.setTitle(this.content.title);
    contentEl.createEl('p', { text: this.content.body });
    const notes = this.content.notes?.filter(Boolean) ?? [];
    if (notes.length) contentEl.createEl('p', { cls: 'scriptorium-muted', text: notes.join(' ') });
    const buttons = contentEl.createDiv({ cls: 'modal-button-container' });
    buttons.createEl('button', { text: t('common.cancel') }).addEventListener('click', () => this.finish(false));
    buttons.createEl('button', { cls: 'mod-cta', text: this.content.confirmText }).addEventListener('click', () => this.finish(true));
  }

  override onClose(): void {
    this.closing = true;
    this.contentEl.empty();
    this.finish(false);
  }

  private finish(ok: boolean): void {
    const resolve = this.resolve;
    this.resolve = null;
    if (resolve) resolve(ok);
    if (!this.closing) this.close();
  }
}

/**
 * Binds Enter (without modifiers) on a dialog's scope to its main action, as Obsidian's own dialogs
 * do. A focused button, link, disclosure or text area keeps Enter for itself (Tab to Cancel, then
 * Enter, cancels); so does an input method composing text. Checked by node name, not instanceof,
 * which fails for elements of a popout window.
 */
export function onEnter(scope: Scope, confirm: () => void): void {
  scope.register([], 'Enter', (evt) => {
    const target = evt.target as { nodeName?: string } | null;
    if (evt.isComposing || OWN_ENTER.has(target?.nodeName?.toUpperCase() ?? '')) return true;
    confirm();
    return false;
  });
}

const OWN_ENTER = new Set(['BUTTON', 'A', 'SUMMARY', 'TEXTAREA', 'SELECT']);

/** "1 note", "3 notes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
