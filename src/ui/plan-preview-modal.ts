import { Modal, type App } from 'obsidian';
import { describeBinary, describeDiff, type ChangePlan, type FileChange } from '../core/plan';
import type { MessageKey } from '../i18n';
import { onEnter } from './confirm-modal';
import { t } from '../i18n/plugin';

const ACTION_LABEL = { create: 'plan.action.create', modify: 'plan.action.modify', delete: 'plan.action.delete' } as const satisfies Record<FileChange['action'], MessageKey>;
const COUNT_LABEL = { create: 'plan.count.create', modify: 'plan.count.modify', delete: 'plan.count.delete' } as const satisfies Record<FileChange['action'], MessageKey>;

/**
 * Shows a change plan before it is applied: every file with its reason and a diff, a tick per file
 * (merges into articles a person edited start unticked), the problems met, and the token usage.
 * Resolves with the ticked paths, or null when the user cancels or closes it.
 */
export class PlanPreviewModal extends Modal {
  private readonly plan: ChangePlan;
  private readonly selected: Set<string>;
  private resolve: ((paths: string[] | null) => void) | null = null;
  private applyButton: HTMLButtonElement | null = null;
  private closing = false;

  constructor(app: App, plan: ChangePlan) {
    super(app);
    this.plan = plan;
    this.selected = new Set(plan.changes.filter((c) => !c.needsReview && !c.derived).map((c) => c.path));
    // Enter applies the ticked files, as the Apply button does; with nothing ticked it does nothing.
    onEnter(this.scope, () => {
      if (this.selected.size > 0) this.finish([...this.selected]);
    });
  }

  /** Opens the preview; resolves when it closes. */
  ask(): Promise<string[] | null> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.open();
    });
  }

  override onOpen(): void {
    const { plan, contentEl } = this;
    this.setTitle(plan.title);
    this.modalEl.addClass('scriptorium-plan-modal');
    const own = plan.changes.filter((c) => !c.derived);
    const review = own.filter((c) => c.needsReview).length;
    const counts = (['create', 'modify', 'delete'] as const)
      .map((a) => [a, own.filter((c) => c.action === a).length] as const)
      .filter(([, n]) => n > 0)
      .map(([a, n]) => t(COUNT_LABEL[a], { count: n }));
    const usage = plan.usage ? ` · ${t('plan.usage', { prompt: plan.usage.promptTokens.toLocaleString(), completion: plan.usage.completionTokens.toLocaleString() })}` : '';
    const images = plan.changes.filter((c) => c.derived === 'attachment').length;
    const attached = images ? ` · ${images === 1 ? t('plan.images.one') : t('plan.images.other', { count: images })}` : '';
    const files = own.length === 1 ? t('plan.files.one') : t('plan.files.other', { count: own.length });
    const reviews = review ? ` · ${review === 1 ? t('plan.review.one') : t('plan.review.other', { count: review })}` : '';
    contentEl.createDiv({
      cls: 'scriptorium-muted',
      text: `${counts.length ? t('plan.files.counts', { files, counts: counts.join(t('plan.count.separator')) }) : files}${reviews}${attached}${usage}`,
    });
    if (plan.problems.length > 0) {
      const box = contentEl.createDiv({ cls: 'scriptorium-plan-problems' });
      box.createDiv({ cls: 'scriptorium-error', text: plan.problems.length === 1 ? t('plan.problems.one') : t('plan.problems.other', { count: plan.problems.length }) });
      const list = box.createEl('ul');
      for (const p of plan.problems) list.createEl('li', { text: t('notice.item', { subject: p.subject, message: p.message }) });
    }
    const list = contentEl.createDiv({ cls: 'scriptorium-plan-files' });
    for (const change of plan.changes) this.renderChange(list, change);
    if (own.length === 0) list.createDiv({ cls: 'scriptorium-muted', text: t('plan.nothingToWrite') });

    const buttons = contentEl.createDiv({ cls: 'modal-button-container' });
    buttons.createEl('button', { text: t('common.cancel') }).addEventListener('click', () => this.finish(null));
    const apply = buttons.createEl('button', { cls: 'mod-cta' });
    apply.addEventListener('click', () => this.finish([...this.selected]));
    this.applyButton = apply;
    this.refreshApply();
  }

  private renderChange(parent: HTMLElement, change: FileChange): void {
    const row = parent.createDiv({ cls: 'scriptorium-plan-file' });
    if (change.needsReview) row.addClass('scriptorium-plan-review');
    const head = row.createDiv({ cls: 'scriptorium-plan-file-head' });
    const box = head.createEl('input', { type: 'checkbox' });
    box.setAttr('aria-label', t('plan.applyFileLabel', { path: change.path }));
    if (change.derived) {
      // Index and log follow from the other ticks; apply recomputes them. Images go with their notes.
      box.checked = true;
      box.disabled = true;
      if (change.derived === 'attachment') box.setAttr('title', t('plan.attachmentTitle'));
    } else {
      box.checked = this.selected.has(change.path);
      box.addEventListener('change', () => {
        if (box.checked) this.selected.add(change.path);
        else this.selected.delete(change.path);
        this.refreshApply();
      });
    }
    head.createSpan({ cls: `scriptorium-plan-action scriptorium-plan-${change.action}`, text: t(ACTION_LABEL[change.action]) });
    head.createSpan({ cls: 'scriptorium-plan-path', text: change.path });
    row.createDiv({ cls: 'scriptorium-muted', text: change.needsReview ? t('plan.needsReview', { reason: change.reason }) : change.reason });
    if (change.binary) {
      // Bytes have no line diff: one line says what the file is.
      const what = describeBinary(change.binary);
      row.createDiv({ cls: 'scriptorium-plan-binary', text: what.charAt(0).toUpperCase() + what.slice(1) });
      return;
    }
    const details = row.createEl('details', { cls: 'scriptorium-plan-diff' });
    details.createEl('summary', { text: t('plan.showChanges') });
    // Diffs are built on first open: a plan of a hundred files should open instantly.
    details.addEventListener('toggle', () => {
      if (details.open && details.childElementCount === 1) this.renderDiff(details, change);
    });
  }

  private renderDiff(parent: HTMLElement, change: FileChange): void {
    const pre = parent.createDiv({ cls: 'scriptorium-diff' });
    const { hunks, note } = describeDiff(change.before, change.after, 3);
    // Line endings, the final newline or a rewrite too large to diff: what hunks cannot show.
    if (note !== null) pre.createDiv({ cls: 'scriptorium-muted scriptorium-diff-note', text: note.charAt(0).toUpperCase() + note.slice(1) + '.' });
    for (const hunk of hunks) {
      pre.createDiv({ cls: 'scriptorium-diff-hunk', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
      for (const line of hunk.lines) {
        const sign = line.kind === 'add' ? '+' : line.kind === 'remove' ? '-' : ' ';
        pre.createDiv({ cls: `scriptorium-diff-line scriptorium-diff-${line.kind}`, text: `${sign} ${line.text}` });
      }
    }
    if (hunks.length === 0 && note === null) pre.createDiv({ cls: 'scriptorium-muted', text: t('plan.noChanges') });
  }

  private refreshApply(): void {
    if (!this.applyButton) return;
    const n = this.selected.size;
    this.applyButton.setText(n === 0 ? t('plan.nothingSelected') : n === 1 ? t('plan.apply.one') : t('plan.apply.other', { count: n }));
    this.applyButton.disabled = n === 0;
  }

  override onClose(): void {
    this.closing = true;
    this.contentEl.empty();
    this.finish(null);
  }

  private finish(value: string[] | null): void {
    const resolve = this.resolve;
    this.resolve = null;
    if (resolve) resolve(value);
    if (!this.closing) this.close();
  }
}
