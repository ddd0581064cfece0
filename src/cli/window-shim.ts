/**
 * Core code calls timers as `window.setTimeout` (Obsidian's popout windows need the timer of the
 * main window). Under Node there is no `window`; the global object has the same timers.
 * Imported first by the CLI entry point and by jest's setup.
 */
const host = globalThis as unknown as { window?: unknown };
host.window ??= globalThis;

export {};
