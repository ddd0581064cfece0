import { Modal, type App } from 'obsidian';
import type { CompileEstimate } from '../../core/compile';

/** Before a bulk compile: how many notes and roughly how many tokens. Resolves true to go ahead. */
export class ConfirmCompileModal extends Modal {
  private readonly estimate: CompileEstimate;
  private resolve: ((ok: boolean) => void) | null = null;
  private closing = false;

  constructor(app: App, estimate: CompileEstimate) {
    super(app);
    this.estimate = estimate;
  }

  ask(): Promise<boolean> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.open();
    });
  }

  override onOpen(): void {
    const e = this.estimate;
    const n = e.toCompile.length;
    this.setTitle(`Compile ${n} note${n === 1 ? '' : 's'}?`);
    const { contentEl } = this;
    contentEl.createEl('p', {
      text: `About ${e.promptTokens.toLocaleString()} prompt and ${e.completionTokens.toLocaleString()} completion tokens (a rough estimate). You will see the changes before anything is written.`,
    });
    const notes: string[] = [];
    if (e.upToDate.length) notes.push(`${e.upToDate.length} unchanged note${e.upToDate.length === 1 ? ' is' : 's are'} skipped.`);
    if (e.problems.length) notes.push(`${e.problems.length} note${e.problems.length === 1 ? '' : 's'} cannot be compiled (empty, binary or broken properties).`);
    if (notes.length) contentEl.createEl('p', { cls: 'scriptorium-muted', text: notes.join(' ') });
    const buttons = contentEl.createDiv({ cls: 'modal-button-container' });
    buttons.createEl('button', { text: 'Cancel' }).addEventListener('click', () => this.finish(false));
    buttons.createEl('button', { cls: 'mod-cta', text: 'Compile' }).addEventListener('click', () => this.finish(true));
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
