/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App, Notice, Plugin as MockPlugin } from 'obsidian-test-mocks/obsidian';
import type { App as AppOriginal, Command, Plugin, PluginManifest } from 'obsidian';
import { LlmError } from '../../src/core/llm';
import { TaskRunner, type Task } from '../../src/ui/task-runner';

beforeAll(() => setup());

const manifest: PluginManifest = { id: 'scriptorium', name: 'Scriptorium', version: '0.1.0', minAppVersion: '1.11.4', description: 'Test.', author: 'Test' };

let notices: { message: string; notice: Notice }[];
let hidden: Notice[];

beforeEach(() => {
  notices = [];
  hidden = [];
  jest.spyOn(Notice.prototype, 'constructor__').mockImplementation(function (this: Notice, message: unknown) {
    notices.push({ message: String(message), notice: this });
  });
  jest.spyOn(Notice.prototype, 'hide').mockImplementation(function (this: Notice) {
    hidden.push(this);
  });
});

afterEach(() => jest.restoreAllMocks());

function runner(surface: 'status-bar' | 'notice') {
  const app = App.createConfigured__();
  // The fake's Plugin type does not resolve under the linter; it is the real API's shape.
  const PluginClass = MockPlugin as unknown as new (app: AppOriginal, manifest: PluginManifest) => Plugin;
  const plugin = new PluginClass(app.asOriginalType__(), manifest);
  const tasks = new TaskRunner({ plugin, surface });
  const internals = plugin as unknown as { commands__: Map<string, Command>; statusBarItems__: HTMLElement[] };
  const bar = () => internals.statusBarItems__.find((el) => el.hasClass('scriptorium-task-progress'));
  const stopCommand = () => internals.commands__.get('stop-running-task');
  return { plugin, tasks, bar, stopCommand, statusBarItems: () => internals.statusBarItems__ };
}

/** A task that waits until the test lets it finish (or it is stopped). */
function controllable() {
  let finish!: (value: string) => void;
  let started!: (task: Task) => void;
  const startedP = new Promise<Task>((r) => (started = r));
  const work = (task: Task) =>
    new Promise<string>((resolve, reject) => {
      finish = resolve;
      task.signal.addEventListener('abort', () => reject(new LlmError('aborted', 'The request was stopped.')));
      started(task);
    });
  return { work, started: startedP, finish: (v: string) => finish(v) };
}

describe('TaskRunner', () => {
  it('runs one task at a time: a second is refused with a notice that says how to stop the first', async () => {
    const { tasks } = runner('status-bar');
    const first = controllable();
    const running = tasks.run('the compile', first.work);
    await first.started;
    expect(tasks.current).toBe('the compile');
    let secondRan = false;
    const second = await tasks.run('the health check', () => {
      secondRan = true;
      return Promise.resolve();
    });
    expect(second).toEqual({ status: 'busy' });
    expect(secondRan).toBe(false);
    expect(notices.map((n) => n.message)).toContain(
      'Scriptorium: the compile is still running. Wait for it to finish, or stop it first (click its progress in the status bar, or run "Stop the running task").',
    );
    first.finish('done');
    expect(await running).toEqual({ status: 'done', value: 'done' });
    expect(tasks.current).toBeNull();
    // Free again.
    expect(await tasks.run('the health check', () => Promise.resolve(7))).toEqual({ status: 'done', value: 7 });
  });

  it('shows progress in the status bar on desktop, hides it when done, and a click on it stops the task', async () => {
    const { tasks, bar } = runner('status-bar');
    expect(bar()?.hasClass('scriptorium-is-hidden')).toBe(true);
    const job = controllable();
    const running = tasks.run('the compile', job.work);
    const task = await job.started;
    task.progress('Scriptorium: compiling 1/3');
    expect(bar()?.hasClass('scriptorium-is-hidden')).toBe(false);
    expect(bar()?.getText()).toBe('Scriptorium: compiling 1/3');
    task.progress(null); // a dialog is open
    expect(bar()?.hasClass('scriptorium-is-hidden')).toBe(true);
    task.progress('Scriptorium: compiling 2/3');
    bar()?.click();
    expect(task.signal.aborted).toBe(true);
    expect(bar()?.getText()).toBe('Scriptorium: stopping the compile…');
    // Progress the task reports while it winds down does not replace "stopping".
    task.progress('Scriptorium: compiling 3/3');
    expect(bar()?.getText()).toBe('Scriptorium: stopping the compile…');
    const outcome = await running;
    expect(outcome.status).toBe('stopped');
    expect(notices.map((n) => n.message)).toContain('Scriptorium: the compile stopped; nothing was written.');
    expect(bar()?.hasClass('scriptorium-is-hidden')).toBe(true);
  });

  it('offers "Stop the running task" only while a task runs, and it stops that task', async () => {
    const { tasks, stopCommand } = runner('status-bar');
    expect(stopCommand()?.name).toBe('Stop the running task');
    expect(stopCommand()?.checkCallback?.(true)).toBe(false);
    const job = controllable();
    const running = tasks.run('the health check', job.work);
    const task = await job.started;
    expect(stopCommand()?.checkCallback?.(true)).toBe(true);
    stopCommand()?.checkCallback?.(false);
    expect(task.signal.aborted).toBe(true);
    expect((await running).status).toBe('stopped');
    expect(stopCommand()?.checkCallback?.(true)).toBe(false);
  });

  it('on mobile, with no status bar, shows progress in a notice whose Stop button stops the task', async () => {
    const { tasks, statusBarItems } = runner('notice');
    expect(statusBarItems()).toHaveLength(0);
    const job = controllable();
    const running = tasks.run('the slide deck', job.work);
    const task = await job.started;
    task.progress('Scriptorium: Drafting slides…');
    const shown = notices.find((n) => n.notice.messageEl.textContent?.includes('Drafting slides'));
    expect(shown).toBeDefined();
    task.progress('Scriptorium: Drafting slides… 2/3');
    // One notice, updated in place.
    expect(notices.filter((n) => n.notice.messageEl.querySelector('.scriptorium-task-stop'))).toHaveLength(1);
    expect(shown?.notice.messageEl.querySelector('.scriptorium-task-text')?.textContent).toBe('Scriptorium: Drafting slides… 2/3');
    const stop = shown?.notice.messageEl.querySelector('button');
    expect(stop?.textContent).toBe('Stop');
    stop?.click();
    expect(task.signal.aborted).toBe(true);
    expect((await running).status).toBe('stopped');
    expect(hidden).toContain(shown?.notice);
    expect(notices.map((n) => n.message)).toContain('Scriptorium: the slide deck stopped; nothing was written.');
  });

  it('on mobile, a second task is refused with a notice that points at the Stop button', async () => {
    const { tasks } = runner('notice');
    const job = controllable();
    const running = tasks.run('the compile', job.work);
    await job.started;
    expect(await tasks.run('the undo', () => Promise.resolve())).toEqual({ status: 'busy' });
    expect(notices.map((n) => n.message).join('\n')).toContain('tap Stop on its notice, or run "Stop the running task"');
    job.finish('ok');
    await running;
  });

  it('tells a failure from a stop, and lets the feature word it', async () => {
    const { tasks } = runner('status-bar');
    const failed = await tasks.run('the chart', () => Promise.reject(new Error('the model answered with no data')));
    expect(failed.status).toBe('failed');
    expect(notices.map((n) => n.message)).toContain('Scriptorium: the chart failed: the model answered with no data');
    const heard: [string, boolean][] = [];
    const outcome = await tasks.run('the chart', () => Promise.reject(new Error('quota exceeded')), {
      onError: (error, stopped) => heard.push([(error as Error).message, stopped]),
    });
    expect(outcome.status).toBe('failed');
    expect(heard).toEqual([['quota exceeded', false]]);
    expect(tasks.current).toBeNull();
  });

  it('stops the running task when the plugin unloads', async () => {
    const { plugin, tasks } = runner('status-bar');
    plugin.load();
    const job = controllable();
    const running = tasks.run('the compile', job.work);
    const task = await job.started;
    plugin.unload();
    expect(task.signal.aborted).toBe(true);
    expect((await running).status).toBe('stopped');
  });
});
