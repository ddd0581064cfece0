/**
 * The test fake's `Scope` records a key binding but drops its function, so a modal's keys cannot
 * be pressed. This keeps the functions too (the fake still records the binding) and presses a key
 * the way Obsidian's keymap does: the handler whose modifiers match exactly, false = handled.
 */
import { Scope } from 'obsidian-test-mocks/obsidian';
import type { KeymapEventListener, Modifier } from 'obsidian';

interface Binding {
  scope: unknown;
  modifiers: string | null;
  key: string | null;
  func: KeymapEventListener;
}

export function recordScopeKeys() {
  const bindings: Binding[] = [];
  const original = Reflect.get(Scope.prototype, 'register') as (this: Scope, ...args: Parameters<Scope['register']>) => ReturnType<Scope['register']>;
  const spy = jest.spyOn(Scope.prototype, 'register').mockImplementation(function (this: Scope, modifiers: Modifier[] | null, key: string | null, func: KeymapEventListener) {
    bindings.push({ scope: this, modifiers: modifiers ? [...modifiers].sort().join(',') : null, key, func });
    return original.call(this, modifiers, key, func);
  });
  return {
    /**
     * Presses `key` with `modifiers` (e.g. ['Mod']) in `scope`, with `target` as the focused
     * element; returns true when a binding took it.
     */
    press(scope: unknown, modifiers: Modifier[], key: string, target?: HTMLElement): boolean {
      const mods = [...modifiers].sort().join(',');
      const binding = bindings.find((b) => b.scope === scope && (b.key === null || b.key === key) && (b.modifiers === null || b.modifiers === mods));
      if (!binding) return false;
      const evt = new KeyboardEvent('keydown', { key, ctrlKey: modifiers.includes('Mod') || modifiers.includes('Ctrl'), shiftKey: modifiers.includes('Shift'), altKey: modifiers.includes('Alt'), cancelable: true });
      if (target) Object.defineProperty(evt, 'target', { value: target });
      return binding.func(evt, { modifiers: mods, key, vkey: key }) === false;
    },
    restore: () => spy.mockRestore(),
  };
}
