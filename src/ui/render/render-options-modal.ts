import { Modal, Setting, type App } from 'obsidian';
import { MARP_THEMES, type MarpTheme } from '../../core/render';
import { t } from '../../i18n/plugin';

export interface SlideOptions {
  slides: number;
  theme: MarpTheme;
}

/**
 * Asks for the deck's length and theme before the model is called. Resolves with the choice, or
 * null when the user closes the dialog.
 */
export class SlideOptionsModal extends Modal {
  private choice: SlideOptions;
  private resolve: ((value: SlideOptions | null) => void) | null = null;

  constructor(app: App, initial: SlideOptions) {
    super(app);
    this.choice = { ...initial };
  }

  /** Opens the dialog; resolves when it closes. */
  ask(): Promise<SlideOptions | null> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.open();
    });
  }

  override onOpen(): void {
    this.setTitle(t('render.slides.title'));
    const { contentEl } = this;
    new Setting(contentEl)
      .setName(t('render.slides.count.name'))
      .setDesc(t('render.slides.count.desc'))
      .addSlider((slider) =>
        slider
          .setLimits(3, 20, 1)
          .setValue(this.choice.slides)
          .onChange((value) => (this.choice.slides = value)),
      );
    new Setting(contentEl).setName(t('render.slides.theme')).addDropdown((dropdown) => {
      for (const theme of MARP_THEMES) dropdown.addOption(theme, theme.charAt(0).toUpperCase() + theme.slice(1));
      dropdown.setValue(this.choice.theme).onChange((value) => (this.choice.theme = value as MarpTheme));
    });
    new Setting(contentEl).addButton((button) =>
      button
        .setButtonText(t('render.slides.title'))
        .setCta()
        .onClick(() => this.finish(this.choice)),
    );
  }

  override onClose(): void {
    this.contentEl.empty();
    this.finish(null);
  }

  private finish(value: SlideOptions | null): void {
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.(value);
    if (value) this.close();
  }
}
