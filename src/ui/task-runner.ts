import { Notice, type Plugin } from 'obsidian';
import { LlmError } from '../core/llm';
import { t } from '../i18n/plugin';
import { failureText } from './failure-text';

/** What a running task gets: the stop signal and a line of progress. */
export interface Task {
  /** Aborted when the person stops the task (status bar, the notice's Stop button, or the command). */
  readonly signal: AbortSignal;
  /** Shows one line of progress; null hides it (while a dialog is open, say). */
  readonly progress: (text: string | null) => void;
}

/** How a task ended. `busy`: it did not start because another task was running (a notice said so). */
export type TaskOutcome<T> = { status: 'done'; value: T } | { status: 'busy' } | { status: 'stopped'; error: unknown } | { status: 'failed'; error: unknown };

export interface RunOptions {
  /**
   * Tells the person what went wrong; `stopped` is true when they stopped the task. Default: a
   * notice naming the task and the error's message.
   */
  onError?: (error: unknown, stopped: boolean) => void;
}

export interface TaskRunnerOptions {
  /** For the status bar item, the stop command and unload. */
  plugin: Plugin;
  /**
   * Where progress shows: the status bar (desktop; click it to stop) or a notice with a Stop
   * button (mobile, which has no status bar).
   */
  surface: 'status-bar' | 'notice';
}

/** Did the task end because it was stopped? (The model client reports its abort as an LlmError.) */
function isStop(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (error instanceof LlmError && error.kind === 'aborted') return true;
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * One task at a time, with progress and stop, for every feature that works for a while and then
 * writes (compile, undo, renders, health checks and their fixes). A second task while one runs is
 * refused with a notice that says how to stop the first. Built once by the composition root.
 */
export class TaskRunner {
  private readonly plugin: Plugin;
  private readonly surface: 'status-bar' | 'notice';
  private running: { label: string; controller: AbortController } | null = null;
  private bar: HTMLElement | null = null;
  private notice: { notice: Notice; text: HTMLElement } | null = null;

  constructor(options: TaskRunnerOptions) {
    this.plugin = options.plugin;
    this.surface = options.surface;
    if (this.surface === 'status-bar') {
      const bar = this.plugin.addStatusBarItem();
      bar.addClass('scriptorium-task-progress', 'scriptorium-is-hidden');
      bar.setAttr('aria-label', t('task.clickToStop'));
      this.plugin.registerDomEvent(bar, 'click', () => this.stop());
      this.bar = bar;
    }
    this.plugin.addCommand({
      id: 'stop-running-task',
      name: t('command.stopRunningTask'),
      checkCallback: (checking) => {
        if (!this.running) return false;
        if (!checking) this.stop();
        return true;
      },
    });
    this.plugin.register(() => {
      this.stop();
      this.show(null);
    });
  }

  /** What is running now ("the compile"), or null. */
  get current(): string | null {
    return this.running?.label ?? null;
  }

  /** Stops the running task; false when there is none. */
  stop(): boolean {
    if (!this.running || this.running.controller.signal.aborted) return !!this.running;
    this.running.controller.abort();
    this.show(t('task.stopping', { task: this.running.label }));
    return true;
  }

  /**
   * Runs `work` as the one task, with `label` naming it in messages ("the compile"). Never
   * throws: a failure or a stop is told through `onError` (or a default notice) and returned.
   */
  async run<T>(label: string, work: (task: Task) => Promise<T>, options: RunOptions = {}): Promise<TaskOutcome<T>> {
    if (this.running) {
      const busy = { task: this.running.label, command: t('command.stopRunningTask') };
      new Notice(this.surface === 'status-bar' ? t('task.busy.statusBar', busy) : t('task.busy.notice', busy), 8000);
      return { status: 'busy' };
    }
    const controller = new AbortController();
    const running = { label, controller };
    this.running = running;
    const task: Task = {
      signal: controller.signal,
      progress: (text) => {
        if (this.running === running && !controller.signal.aborted) this.show(text);
      },
    };
    try {
      return { status: 'done', value: await work(task) };
    } catch (error) {
      const stopped = isStop(error, controller.signal);
      if (options.onError) options.onError(error, stopped);
      else if (stopped) new Notice(t('task.stopped', { task: label }));
      else new Notice(t('task.failed', { task: label, error: failureText(error) }), 10000);
      return stopped ? { status: 'stopped', error } : { status: 'failed', error };
    } finally {
      this.running = null;
      this.show(null);
    }
  }

  /** Shows (or with null, hides) the progress line on this platform's surface. */
  private show(text: string | null): void {
    if (this.bar) {
      this.bar.toggleClass('scriptorium-is-hidden', text === null);
      this.bar.setText(text ?? '');
      return;
    }
    if (text === null) {
      this.notice?.notice.hide();
      this.notice = null;
      return;
    }
    if (!this.notice) {
      const notice = new Notice('', 0);
      notice.messageEl.empty();
      const text = notice.messageEl.createSpan({ cls: 'scriptorium-task-text' });
      const stop = notice.messageEl.createEl('button', { text: t('task.stop'), cls: 'scriptorium-task-stop' });
      stop.addEventListener('click', () => this.stop());
      this.notice = { notice, text };
    }
    this.notice.text.setText(text);
  }
}
