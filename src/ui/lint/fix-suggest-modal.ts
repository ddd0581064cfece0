import { FuzzySuggestModal, type App } from 'obsidian';
import type { LintFix } from '../../core/lint';
import { t } from '../../i18n/plugin';

/** Picks one of the fixes the last health check proposed. */
export class FixSuggestModal extends FuzzySuggestModal<LintFix> {
  private readonly fixes: LintFix[];
  private readonly onChoose: (fix: LintFix) => void;

  constructor(app: App, fixes: LintFix[], onChoose: (fix: LintFix) => void) {
    super(app);
    this.fixes = fixes;
    this.onChoose = onChoose;
    this.setPlaceholder(t('lint.fix.placeholder'));
  }

  override getItems(): LintFix[] {
    return this.fixes;
  }

  override getItemText(fix: LintFix): string {
    return fix.label;
  }

  override onChooseItem(fix: LintFix): void {
    this.onChoose(fix);
  }
}
