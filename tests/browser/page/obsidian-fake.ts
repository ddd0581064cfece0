/**
 * The `obsidian` module as the browser suite's page sees it: the test fake (obsidian-test-mocks)
 * for everything, with the few pieces that the fake leaves out and a real browser needs put back
 * the way Obsidian does them — modals that open on the page and close on Escape, a suggest modal
 * that lists results and moves with the arrows, key scopes that run their handlers, settings rows
 * with Obsidian's class names and fields that listen to typing, notices on screen, icons, and a
 * `requestUrl` that goes through Node (as Obsidian's goes through Electron), so CORS does not apply.
 */
import {
  AbstractTextComponent,
  ButtonComponent,
  DropdownComponent,
  Notice as FakeNotice,
  Setting as FakeSetting,
  ToggleComponent,
} from 'obsidian-test-mocks/obsidian';
import type { App, Instruction, Modifier, RequestUrlParam, RequestUrlResponse, RequestUrlResponsePromise, KeymapEventHandler, KeymapEventListener } from 'obsidian';

export * from 'obsidian-test-mocks/obsidian';

// ── keys ─────────────────────────────────────────────────────────────────────────────────────

interface Handler {
  modifiers: string | null;
  key: string | null;
  func: KeymapEventListener;
}

const isMac = navigator.platform.startsWith('Mac');

function modifiersOf(evt: KeyboardEvent): string {
  const mods: string[] = [];
  if (isMac ? evt.metaKey : evt.ctrlKey) mods.push('Mod');
  if (isMac && evt.ctrlKey) mods.push('Ctrl');
  if (!isMac && evt.metaKey) mods.push('Meta');
  if (evt.altKey) mods.push('Alt');
  if (evt.shiftKey) mods.push('Shift');
  return mods.sort().join(',');
}

/** Obsidian's key scope: a handler runs only when the modifiers match exactly; false prevents the default. */
export class Scope {
  private readonly handlers: Handler[] = [];
  constructor(readonly parent?: Scope) {}

  register(modifiers: Modifier[] | null, key: string | null, func: KeymapEventListener): KeymapEventHandler {
    const handler: Handler = { modifiers: modifiers ? [...modifiers].sort().join(',') : null, key, func };
    this.handlers.push(handler);
    return handler as unknown as KeymapEventHandler;
  }

  unregister(handler: KeymapEventHandler): void {
    const i = this.handlers.indexOf(handler as unknown as Handler);
    if (i >= 0) this.handlers.splice(i, 1);
  }

  /** Returns true when a handler took the key. */
  handle(evt: KeyboardEvent): boolean {
    const mods = modifiersOf(evt);
    for (const h of this.handlers) {
      if (h.key !== null && h.key.toLowerCase() !== evt.key.toLowerCase()) continue;
      if (h.modifiers !== null && h.modifiers !== mods) continue;
      const result: unknown = h.func(evt, { modifiers: mods, key: evt.key, vkey: evt.key });
      if (result === false) evt.preventDefault();
      return true;
    }
    return this.parent?.handle(evt) ?? false;
  }
}

/** The open modals' scopes, innermost last: keys go to the top one, as in Obsidian's keymap. */
const scopes: Scope[] = [];
window.addEventListener(
  'keydown',
  (evt) => {
    const top = scopes[scopes.length - 1];
    if (top && !evt.isComposing) top.handle(evt);
  },
  true,
);

// ── modals ───────────────────────────────────────────────────────────────────────────────────

export class Modal {
  readonly app: App;
  readonly containerEl: HTMLElement;
  readonly modalEl: HTMLElement;
  readonly titleEl: HTMLElement;
  readonly contentEl: HTMLElement;
  readonly scope = new Scope();
  shouldRestoreSelection = true;
  private isOpen = false;
  private closeCallback: (() => unknown) | null = null;

  constructor(app: App) {
    this.app = app;
    this.containerEl = createDiv({ cls: 'modal-container mod-dim' });
    this.containerEl.createDiv({ cls: 'modal-bg' });
    this.modalEl = this.containerEl.createDiv({ cls: 'modal' });
    const close = this.modalEl.createDiv({ cls: 'modal-close-button', attr: { 'aria-label': 'Close' } });
    close.addEventListener('click', () => this.close());
    const header = this.modalEl.createDiv({ cls: 'modal-header' });
    this.titleEl = header.createDiv({ cls: 'modal-title' });
    this.contentEl = this.modalEl.createDiv({ cls: 'modal-content' });
    this.scope.register([], 'Escape', () => {
      this.close();
      return false;
    });
  }

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    document.body.appendChild(this.containerEl);
    scopes.push(this.scope);
    void this.onOpen();
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    const i = scopes.indexOf(this.scope);
    if (i >= 0) scopes.splice(i, 1);
    this.containerEl.detach();
    this.onClose();
    this.closeCallback?.();
  }

  onOpen(): Promise<void> | void {}
  onClose(): void {}

  setTitle(title: string): this {
    this.titleEl.setText(title);
    return this;
  }

  setContent(content: string | DocumentFragment): this {
    if (typeof content === 'string') this.contentEl.setText(content);
    else this.contentEl.appendChild(content);
    return this;
  }

  setCloseCallback(callback: () => unknown): this {
    this.closeCallback = callback;
    return this;
  }
}

/** Obsidian's suggest modal: results as you type, ↑/↓ move, Enter chooses, a click chooses. */
export abstract class SuggestModal<T> extends Modal {
  limit = 100;
  emptyStateText = 'No results found.';
  readonly inputEl: HTMLInputElement;
  readonly resultContainerEl: HTMLElement;
  private readonly instructionsEl: HTMLElement;
  private items: T[] = [];
  private itemEls: HTMLElement[] = [];
  private selected = 0;
  private generation = 0;

  constructor(app: App) {
    super(app);
    this.modalEl.addClass('prompt');
    this.modalEl.empty();
    this.containerEl.removeClass('mod-dim');
    const inputContainer = this.modalEl.createDiv({ cls: 'prompt-input-container' });
    this.inputEl = inputContainer.createEl('input', { cls: 'prompt-input', attr: { type: 'text', enterkeyhint: 'done' } });
    this.resultContainerEl = this.modalEl.createDiv({ cls: 'prompt-results' });
    this.instructionsEl = this.modalEl.createDiv({ cls: 'prompt-instructions' });
    this.inputEl.addEventListener('input', () => void this.updateSuggestions());
    this.scope.register([], 'ArrowDown', (evt) => {
      evt.preventDefault();
      this.select(this.selected + 1);
      return false;
    });
    this.scope.register([], 'ArrowUp', (evt) => {
      evt.preventDefault();
      this.select(this.selected - 1);
      return false;
    });
    this.scope.register([], 'Enter', (evt) => {
      this.selectActiveSuggestion(evt);
      return false;
    });
  }

  override open(): void {
    super.open();
    this.inputEl.focus();
    void this.updateSuggestions();
  }

  setPlaceholder(placeholder: string): void {
    this.inputEl.placeholder = placeholder;
  }

  setInstructions(instructions: Instruction[]): void {
    this.instructionsEl.empty();
    for (const i of instructions) {
      const el = this.instructionsEl.createDiv({ cls: 'prompt-instruction' });
      el.createSpan({ cls: 'prompt-instruction-command', text: i.command });
      el.createSpan({ text: i.purpose });
    }
  }

  abstract getSuggestions(query: string): T[] | Promise<T[]>;
  abstract renderSuggestion(value: T, el: HTMLElement): void;
  abstract onChooseSuggestion(item: T, evt: MouseEvent | KeyboardEvent): void;

  onNoSuggestion(): void {}

  selectSuggestion(value: T, evt: MouseEvent | KeyboardEvent): void {
    this.close();
    this.onChooseSuggestion(value, evt);
  }

  /** Obsidian's internal list, which plugins reach for as `chooser`; the same selection as the keys move. */
  readonly chooser = ((modal: SuggestModal<T>) => ({
    useSelectedItem: (evt: MouseEvent | KeyboardEvent): boolean => {
      const had = modal.items[modal.selected] !== undefined;
      modal.selectActiveSuggestion(evt);
      return had;
    },
    setSelectedItem: (i: number): void => modal.select(i),
    get selectedItem(): number {
      return modal.selected;
    },
  }))(this);

  selectActiveSuggestion(evt: MouseEvent | KeyboardEvent): void {
    const item = this.items[this.selected];
    if (item !== undefined) this.selectSuggestion(item, evt);
  }

  private async updateSuggestions(): Promise<void> {
    const generation = ++this.generation;
    const found = await this.getSuggestions(this.inputEl.value);
    if (generation !== this.generation) return;
    this.items = found.slice(0, this.limit);
    this.itemEls = [];
    this.resultContainerEl.empty();
    if (this.items.length === 0) {
      this.onNoSuggestion();
      this.resultContainerEl.createDiv({ cls: 'suggestion-empty', text: this.emptyStateText });
    }
    this.items.forEach((item, i) => {
      const el = this.resultContainerEl.createDiv({ cls: 'suggestion-item' });
      this.renderSuggestion(item, el);
      el.addEventListener('mousemove', () => this.select(i));
      el.addEventListener('click', (evt) => this.selectSuggestion(item, evt));
      this.itemEls.push(el);
    });
    this.select(0);
  }

  private select(i: number): void {
    const n = this.itemEls.length;
    if (n === 0) return;
    this.selected = ((i % n) + n) % n;
    this.itemEls.forEach((el, j) => el.toggleClass('is-selected', j === this.selected));
    this.itemEls[this.selected].scrollIntoView({ block: 'nearest' });
  }
}

// ── settings rows and their fields ───────────────────────────────────────────────────────────

/** A settings row with Obsidian's class names and order: name and description, then the control. */
export class Setting extends FakeSetting {
  constructor(containerEl: HTMLElement) {
    super(containerEl);
    this.settingEl.addClass('setting-item');
    this.infoEl.addClass('setting-item-info');
    this.nameEl.addClass('setting-item-name');
    this.descEl.addClass('setting-item-description');
    this.controlEl.addClass('setting-item-control');
    this.settingEl.appendChild(this.controlEl);
  }
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Runs `before` ahead of a method of the fake's prototype, then the method itself. */
function extend<T>(proto: object, name: string, before: (self: T, arg: unknown) => void): void {
  const table = proto as Record<string, Method>;
  const original = table[name];
  table[name] = function (this: unknown, ...args: unknown[]) {
    before(this as T, args[0]);
    return original.apply(this, args);
  };
}

/** The fake's fields only change through setValue; in a browser, typing and choosing must reach onChange too. */
function wireFields(): void {
  extend<{ inputEl: HTMLInputElement | HTMLTextAreaElement; value: string }>(AbstractTextComponent.prototype, 'onChange', (self, callback) => {
    self.inputEl.addEventListener('input', () => {
      self.value = self.inputEl.value;
      void (callback as (value: string) => unknown)(self.inputEl.value);
    });
  });
  extend<{ selectEl: HTMLSelectElement }>(DropdownComponent.prototype, 'onChange', (self, callback) => {
    self.selectEl.addClass('dropdown');
    self.selectEl.addEventListener('change', () => void (callback as (value: string) => unknown)(self.selectEl.value));
  });
  const wired = new WeakSet<HTMLElement>();
  extend<{ toggleEl: HTMLElement; value: boolean; onClick(): void }>(ToggleComponent.prototype, 'setValue', (self, value) => {
    const el = self.toggleEl;
    el.addClass('checkbox-container');
    if (!wired.has(el)) {
      wired.add(el);
      el.addEventListener('click', () => {
        self.onClick();
        el.toggleClass('is-enabled', self.value);
      });
    }
    el.toggleClass('is-enabled', value === true);
  });
  extend<{ buttonEl: HTMLButtonElement }>(ButtonComponent.prototype, 'onClick', (self, callback) => {
    self.buttonEl.addEventListener('click', (evt) => void (callback as (evt: MouseEvent) => unknown)(evt));
  });
}
wireFields();

// ── notices, icons, network ──────────────────────────────────────────────────────────────────

/** A notice on screen, as Obsidian shows them (top right), gone after its duration. */
export class Notice extends FakeNotice {
  constructor(message: string | DocumentFragment, duration?: number) {
    super(message, duration);
    const container = document.body.querySelector('.notice-container') ?? document.body.createDiv({ cls: 'notice-container' });
    const el = container.createDiv({ cls: 'notice' });
    el.appendChild(this.messageEl);
    if (duration !== 0) window.setTimeout(() => el.detach(), duration ?? 5000);
  }
}

const ICONS: Record<string, string> = {
  plus: 'M12 5v14M5 12h14',
  history: 'M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l4 2',
  copy: 'M8 8h12v12H8zM4 16V4h12',
  'refresh-cw': 'M21 12a9 9 0 0 1-15.5 6.2L3 16M3 12a9 9 0 0 1 15.5-6.2L21 8M21 3v5h-5M3 21v-5h5',
  'book-plus': 'M4 19.5V4.5A2.5 2.5 0 0 1 6.5 2H20v20H6.5A2.5 2.5 0 0 1 4 19.5zM12 7v6M9 10h6',
  x: 'M18 6 6 18M6 6l12 12',
};

export function setIcon(parent: HTMLElement, iconId: string): void {
  parent.empty();
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `svg-icon lucide-${iconId}`);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[iconId] ?? 'M5 5h14v14H5z');
  svg.appendChild(path);
  parent.appendChild(svg);
}

/** What the Node side of the suite answers for `requestUrl` (see harness.ts). */
export interface NodeResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

declare global {
  interface Window {
    /** Exposed by the suite with page.exposeFunction: performs the request from Node. */
    nodeRequest?: (request: { url: string; method: string; headers: Record<string, string>; body: string | null }) => Promise<NodeResponse>;
  }
}

/** Obsidian's network layer: the request is made outside the page, so CORS does not apply. */
export function requestUrl(request: RequestUrlParam | string): RequestUrlResponsePromise {
  const param = typeof request === 'string' ? { url: request } : request;
  const body = param.body === undefined ? null : typeof param.body === 'string' ? param.body : new TextDecoder().decode(param.body);
  const call = async (): Promise<RequestUrlResponse> => {
    if (!window.nodeRequest) throw new Error('The suite did not expose nodeRequest.');
    const r = await window.nodeRequest({ url: param.url, method: param.method ?? 'GET', headers: param.headers ?? {}, body });
    if (param.throw !== false && r.status >= 400) throw new Error(`Request failed, status ${r.status}`);
    const bytes = new TextEncoder().encode(r.text);
    return {
      status: r.status,
      headers: r.headers,
      arrayBuffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      text: r.text,
      get json(): unknown {
        return JSON.parse(r.text) as unknown;
      },
    };
  };
  return call() as RequestUrlResponsePromise;
}
