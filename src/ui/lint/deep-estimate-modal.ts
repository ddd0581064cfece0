import { Modal, type App } from 'obsidian';
import type { DeepEstimate } from '../../core/lint';

/** Before the model checks: how many calls and roughly how many tokens. Resolves true to go ahead. */
export class DeepEstimateModal extends Modal {
  private readonly estimate: DeepEstimate;
  private resolve: ((ok: boolean) => void) | null = null;
  private closing = false;

  constructor(app: App, estimate: DeepEstimate) {
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
    this.setTitle(`Run ${e.calls} model call${e.calls === 1 ? '' : 's'}?`);
    const { contentEl } = this;
    contentEl.createEl('p', {
      text: `The model reads ${e.articles} article${e.articles === 1 ? '' : 's'}, grouped by shared concepts, looking for contradictions, claims without a source, gaps, articles worth writing and questions worth asking. About ${e.promptTokens.toLocaleString()} prompt tokens and at most ${e.maxCompletionTokens.toLocaleString()} completion tokens (a rough estimate).`,
    });
    if (e.articlesLeftOut > 0) {
      contentEl.createEl('p', { cls: 'scriptorium-muted', text: `${e.articlesLeftOut} article${e.articlesLeftOut === 1 ? ' is' : 's are'} left out to keep the cost bounded.` });
    }
    const buttons = contentEl.createDiv({ cls: 'modal-button-container' });
    buttons.createEl('button', { text: 'Cancel' }).addEventListener('click', () => this.finish(false));
    buttons.createEl('button', { cls: 'mod-cta', text: 'Run model checks' }).addEventListener('click', () => this.finish(true));
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
