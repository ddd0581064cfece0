/**
 * What the browser suite checks, at each viewport: the real chat view, search modal, search view,
 * change-plan preview and settings tab, driven with real keys and clicks, against the loopback model server.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ModelServer, ROOT, type Viewport } from './harness';

export const SCREENSHOTS = path.join(ROOT, 'tests/browser/screenshots');

export interface CheckContext {
  page: Page;
  viewport: Viewport;
  /** A model server of this check's own, CORS allowed unless the check says otherwise. */
  model: ModelServer;
  pageUrl: string;
}

export interface Check {
  name: string;
  run(ctx: CheckContext): Promise<void>;
}

export class CheckFailure extends Error {}

function fail(message: string): never {
  throw new CheckFailure(message);
}

function expectThat(ok: boolean, message: string): void {
  if (!ok) fail(message);
}

async function until(page: Page, what: string, condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await condition()) return;
    await page.waitForTimeout(25);
  }
  fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

async function screenshot(ctx: CheckContext, view: string): Promise<void> {
  await ctx.page.screenshot({ path: path.join(SCREENSHOTS, `${view}-${ctx.viewport.name}.png`) });
}

/**
 * Elements inside `selector` that stick out to the right of the box that should hold them (the
 * nearest clipping ancestor, the root, or the window), and scroll boxes that scroll sideways.
 */
async function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel);
    if (!root) return [`nothing matches ${sel}`];
    const name = (el: Element): string => {
      const cls = [...el.classList].slice(0, 2).join('.');
      const text = (el.textContent ?? '').trim().slice(0, 40);
      return `<${el.tagName.toLowerCase()}${cls ? `.${cls}` : ''}> "${text}"`;
    };
    const clips = (el: Element): boolean => getComputedStyle(el).overflowX !== 'visible';
    const found: string[] = [];
    const windowRight = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > windowRight + 1) found.push(`the page is ${document.documentElement.scrollWidth - windowRight}px wider than the window`);
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      // A diff is code: it may scroll sideways in its own box, as code blocks do.
      const scrollRegion = el.matches('.scriptorium-diff');
      if (clips(el) && !scrollRegion && el.scrollWidth > el.clientWidth + 1) {
        // Name the text that reaches furthest right: it is what needs to wrap.
        let widest: { right: number; text: string; parent: Element | null } | null = null;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          let inner = node.parentElement;
          while (inner && inner !== el && !clips(inner)) inner = inner.parentElement;
          if (inner !== el) continue; // inside a scroll box of its own
          range.selectNodeContents(node);
          const right = range.getBoundingClientRect().right;
          if (!widest || right > widest.right) widest = { right, text: (node.textContent ?? '').trim().slice(0, 50), parent: node.parentElement };
        }
        found.push(`${name(el)} scrolls sideways: ${el.scrollWidth}px of content in ${el.clientWidth}px${widest?.parent ? `; furthest right: "${widest.text}" in <${widest.parent.tagName.toLowerCase()}.${[...widest.parent.classList].join('.')}>` : ''}`);
      }
      if (el === root) continue;
      let box: Element | null = el.parentElement;
      while (box && box !== root && !clips(box)) box = box.parentElement;
      const limit = Math.min((box ?? root).getBoundingClientRect().right, windowRight);
      const inClip = box !== null && box !== root && clips(box);
      if (!inClip && rect.right > limit + 1) found.push(`${name(el)} sticks out ${Math.round(rect.right - limit)}px to the right`);
    }
    return found.slice(0, 8);
  }, selector);
}

async function expectNoOverflow(page: Page, selector: string): Promise<void> {
  const found = await overflowing(page, selector);
  expectThat(found.length === 0, `content overflows horizontally:\n      ${found.join('\n      ')}`);
}

// ── chat ───────────────────────────────────────────────────────────────────────────────────────

async function openChat(ctx: CheckContext): Promise<void> {
  await ctx.page.evaluate((o) => window.suite.openChat(o), { baseURL: ctx.model.baseURL, phone: ctx.viewport.phone });
}

const answerText = (page: Page, nth = -1): Promise<string> =>
  page.evaluate((i) => {
    const all = [...document.querySelectorAll('.scriptorium-chat-answer')];
    return all.at(i)?.textContent ?? '';
  }, nth);

const sendLabel = (page: Page): Promise<string> => page.locator('.scriptorium-chat-send').innerText();

async function ask(ctx: CheckContext, question: string): Promise<void> {
  const input = ctx.page.locator('textarea.scriptorium-chat-input');
  await input.click();
  await ctx.page.keyboard.type(question);
  await ctx.page.keyboard.press('Enter');
}

async function waitIdle(ctx: CheckContext, what: string, timeoutMs = 10_000): Promise<void> {
  await until(ctx.page, what, async () => (await sendLabel(ctx.page)) === 'Send' && (await ctx.page.locator('.is-pending').count()) === 0, timeoutMs);
}

const LONG_ANSWER = [
  'Bulk fermentation is finished when the dough has grown by about half, is domed and jiggly, and shows bubbles on its sides [[wiki/concepts/Fermentation#Signs of a finished bulk]].',
  '',
  'Temperature sets the pace: every 2 °C warmer shortens it by about a quarter, so a dough at 26 °C is ready in roughly four and a half hours [[wiki/concepts/Fermentation#Temperature]].',
  '',
  '- A starter used at its peak ferments fastest [[raw/Starter#Peak]].',
  '- Wetter doughs ferment faster and open the crumb [[raw/Hydration#Higher hydration]].',
  '- An autolyse before adding the starter gives the gluten a head start [[raw/Autolyse]].',
  '',
  'See https://example.org/a/very/long/address/that/does/not/wrap/by/itself/because/it/has/no/spaces/anywhere/in/it and [[wiki/concepts/Supercalifragilisticexpialidocious-long-concept-name-without-any-spaces-at-all]].',
].join('\n');

const chatChecks: Check[] = [
  {
    name: 'chat: Enter sends, Shift+Enter makes a new line',
    async run(ctx) {
      await openChat(ctx);
      ctx.model.inner.script(
        { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'bulk fermentation temperature' } }] },
        { kind: 'text', content: LONG_ANSWER, chunkDelayMs: 2 },
      );
      const input = ctx.page.locator('textarea.scriptorium-chat-input');
      await input.click();
      await ctx.page.keyboard.type('When is bulk fermentation done?');
      await ctx.page.keyboard.press('Shift+Enter');
      await ctx.page.keyboard.type('And how does temperature change it?');
      const value = await input.inputValue();
      expectThat(value === 'When is bulk fermentation done?\nAnd how does temperature change it?', `Shift+Enter should add a new line; the input holds ${JSON.stringify(value)}`);
      expectThat(ctx.model.inner.chatRequests().length === 0, 'Shift+Enter sent the question');
      await ctx.page.keyboard.press('Enter');
      await until(ctx.page, 'the question to reach the model server', () => Promise.resolve(ctx.model.inner.chatRequests().length > 0));
      expectThat((await input.inputValue()) === '', 'Enter sent the question but left it in the input');
      await waitIdle(ctx, 'the answer');
      const text = await answerText(ctx.page);
      expectThat(text.includes('Bulk fermentation is finished'), `the answer is not shown; the answer block holds ${JSON.stringify(text.slice(0, 80))}`);
      expectThat(ctx.model.preflights.length > 0, 'the page reached the model server without a CORS preflight: the two are not on different origins');
      const fallbacks = await ctx.page.evaluate(() => window.suite.fallbacks);
      expectThat(fallbacks.length === 0, `a server that allows the page's origin was answered through the fallback (${fallbacks.join('; ')})`);
      const trace = await ctx.page.locator('details.scriptorium-chat-trace summary').innerText();
      expectThat(trace.startsWith('1 research step'), `the trace should show the search the model made; it says ${JSON.stringify(trace)}`);
      await screenshot(ctx, 'chat');
    },
  },
  {
    name: 'chat: an answer with a long address and a long note name wraps: nothing overflows',
    async run(ctx) {
      await openChat(ctx);
      ctx.model.inner.script({ kind: 'text', content: LONG_ANSWER, chunkDelayMs: 1 });
      await ask(ctx, 'When is bulk fermentation done?');
      await waitIdle(ctx, 'the answer');
      await expectNoOverflow(ctx.page, '.workspace-leaf-content');
    },
  },
  {
    name: 'chat: stays pinned to the bottom while an answer streams',
    async run(ctx) {
      await openChat(ctx);
      // Two earlier turns fill the view; the third answer streams in slowly.
      for (const q of ['First question?', 'Second question?']) {
        ctx.model.inner.script({ kind: 'text', content: LONG_ANSWER, chunkDelayMs: 1 });
        await ask(ctx, q);
        await waitIdle(ctx, `the answer to "${q}"`);
      }
      ctx.model.inner.script(
        { kind: 'tools', calls: [{ name: 'search', arguments: { query: 'fermentation' } }] },
        { kind: 'text', content: `${LONG_ANSWER}\n\n${LONG_ANSWER}`, chunkDelayMs: 25 },
      );
      await ask(ctx, 'Third question?');
      const gaps: number[] = [];
      const statuses = new Set<string>();
      const end = Date.now() + 15_000;
      while (Date.now() < end) {
        const sample = await ctx.page.evaluate(() => {
          const el = document.querySelector('.scriptorium-chat-messages');
          const pending = document.querySelector('.is-pending .scriptorium-chat-answer');
          if (!el) return null;
          return {
            gap: el.scrollHeight - el.scrollTop - el.clientHeight,
            answer: pending?.textContent?.length ?? -1,
            status: document.querySelector('.is-pending .scriptorium-chat-status')?.textContent ?? '',
          };
        });
        if (!sample || sample.answer < 0) {
          if (gaps.length > 0) break;
        } else if (sample.answer > 0) {
          gaps.push(sample.gap);
          statuses.add(sample.status);
        }
        await ctx.page.waitForTimeout(60);
      }
      await waitIdle(ctx, 'the third answer');
      expectThat(gaps.length >= 3, `the answer did not stream (only ${gaps.length} samples with text)`);
      const worst = Math.max(...gaps);
      await screenshot(ctx, 'chat-streamed');
      expectThat(worst <= 4, `while the answer streamed, its end sat up to ${Math.round(worst)}px below the bottom of the view (samples: ${gaps.map((g) => Math.round(g)).join(', ')} px); the chat should follow the answer while the user is at the bottom`);
      const researching = [...statuses].filter((s) => /^Researching|^Thinking/.test(s));
      expectThat(researching.length === 0, `while the answer streamed the status said ${researching.map((s) => JSON.stringify(s)).join(', ')}; it should say the answer is being written`);
    },
  },
  {
    name: 'chat: Stop cancels the HTTP request',
    async run(ctx) {
      await openChat(ctx);
      ctx.model.inner.script({ kind: 'text', content: `${LONG_ANSWER}\n\n${LONG_ANSWER}\n\n${LONG_ANSWER}`, chunkDelayMs: 60 });
      await ask(ctx, 'Tell me everything about fermentation.');
      await until(ctx.page, 'the answer to start streaming', async () => (await answerText(ctx.page)).length > 20);
      expectThat((await sendLabel(ctx.page)) === 'Stop', 'the send button does not offer Stop while answering');
      await ctx.page.locator('.scriptorium-chat-send').click();
      const connection = ctx.model.connections[ctx.model.connections.length - 1];
      const closed = await Promise.race([connection.done.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000))]);
      expectThat(closed, 'after Stop the model server still had the connection open 5 s later');
      expectThat(connection.closedEarly, 'the model server finished the reply: Stop did not close the connection');
      await waitIdle(ctx, 'the chat to be ready again');
      const warning = await ctx.page.locator('.scriptorium-chat-warning').allInnerTexts();
      expectThat(warning.some((w) => w.includes('Stopped')), `no "Stopped" note under the cut answer (saw ${JSON.stringify(warning)})`);
    },
  },
  {
    name: 'chat: a server that blocks the page by CORS still answers, through Obsidian\'s network layer',
    async run(ctx) {
      ctx.model.allowCors = false;
      await openChat(ctx);
      ctx.model.inner.script({ kind: 'text', content: 'Bulk fermentation is done when the dough has grown by half [[wiki/concepts/Fermentation#Signs of a finished bulk]].' });
      await ask(ctx, 'When is bulk fermentation done?');
      await waitIdle(ctx, 'the answer through the fallback', 15_000);
      const text = await answerText(ctx.page);
      expectThat(text.includes('grown by half'), `no answer after the CORS block; the answer block holds ${JSON.stringify(text.slice(0, 120))}`);
      expectThat(ctx.model.preflights.length > 0, 'the page never tried the model server directly, so CORS was not exercised');
      const fallbacks = await ctx.page.evaluate(() => window.suite.fallbacks.length);
      expectThat(fallbacks > 0, 'the answer arrived without the fallback being reported');
    },
  },
];

// ── search ─────────────────────────────────────────────────────────────────────────────────────

async function openSearch(ctx: CheckContext, query: string): Promise<void> {
  await ctx.page.evaluate((phone) => window.suite.openSearch(phone), ctx.viewport.phone);
  await ctx.page.keyboard.type(query);
  await until(ctx.page, 'search results', async () => (await ctx.page.locator('.suggestion-item').count()) > 1);
}

const selectedPath = (page: Page): Promise<string> => page.locator('.suggestion-item.is-selected .scriptorium-search-path').innerText();
const opened = (page: Page) => page.evaluate(() => window.suite.opened);
const modalOpen = async (page: Page): Promise<boolean> => (await page.locator('.modal-container').count()) > 0;

const searchChecks: Check[] = [
  {
    name: 'search: results as you type, with the matched words highlighted, and nothing overflows',
    async run(ctx) {
      await openSearch(ctx, 'fermentation temperature');
      const marks = await ctx.page.locator('.suggestion-item .scriptorium-search-match').allInnerTexts();
      expectThat(marks.length > 0, 'no highlighted words in the result snippets');
      expectThat(marks.every((m) => /ferment|temperatur/i.test(m)), `highlighted words that were not searched for: ${JSON.stringify(marks)}`);
      const style = await ctx.page.locator('.scriptorium-search-match').first().evaluate((el) => {
        const s = getComputedStyle(el);
        return { bg: s.backgroundColor, weight: s.fontWeight, color: s.color, parent: getComputedStyle(el.parentElement as Element).color };
      });
      expectThat(style.bg !== 'rgba(0, 0, 0, 0)' || Number(style.weight) >= 600 || style.color !== style.parent, `the highlighted words look like the rest of the snippet (${JSON.stringify(style)})`);
      await screenshot(ctx, 'search');
      await expectNoOverflow(ctx.page, '.modal');
    },
  },
  {
    name: 'search: ↓ ↑ move the selection and Enter opens the chosen note',
    async run(ctx) {
      await openSearch(ctx, 'fermentation');
      const first = await selectedPath(ctx.page);
      await ctx.page.keyboard.press('ArrowDown');
      const second = await selectedPath(ctx.page);
      expectThat(second !== first, '↓ did not move the selection');
      await ctx.page.keyboard.press('ArrowUp');
      expectThat((await selectedPath(ctx.page)) === first, '↑ did not move the selection back');
      await ctx.page.keyboard.press('ArrowDown');
      await ctx.page.keyboard.press('Enter');
      await until(ctx.page, 'the note to open', async () => (await opened(ctx.page)).length > 0, 3000);
      const [hit] = await opened(ctx.page);
      expectThat(hit.path === second && !hit.newTab, `Enter opened ${JSON.stringify(hit)}, expected ${second} in the same tab`);
      expectThat(!(await modalOpen(ctx.page)), 'the search stayed open after Enter');
    },
  },
  {
    name: 'search: Mod+Enter opens the chosen note in a new tab',
    async run(ctx) {
      await openSearch(ctx, 'fermentation');
      const first = await selectedPath(ctx.page);
      await ctx.page.keyboard.press('ControlOrMeta+Enter');
      await ctx.page.waitForTimeout(300);
      const hits = await opened(ctx.page);
      expectThat(hits.length === 1, `Mod+Enter did nothing (the search is ${(await modalOpen(ctx.page)) ? 'still open' : 'closed'}, no note opened); bind it on the modal's scope`);
      expectThat(hits[0].path === first && hits[0].newTab, `Mod+Enter opened ${JSON.stringify(hits[0])}, expected ${first} in a new tab`);
    },
  },
  {
    name: 'search: Escape closes it',
    async run(ctx) {
      await openSearch(ctx, 'starter');
      await ctx.page.keyboard.press('Escape');
      expectThat(!(await modalOpen(ctx.page)), 'Escape left the search open');
      expectThat((await opened(ctx.page)).length === 0, 'Escape opened a note');
    },
  },
];

// ── search view ────────────────────────────────────────────────────────────────────────────────

const passageRows = '.scriptorium-search-view-passage';

const searchViewChecks: Check[] = [
  {
    name: 'search view: results grouped by note as you type, help under "?", arrows and Enter open a passage, nothing overflows',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openSearchView(phone), ctx.viewport.phone);
      const status = ctx.page.locator('.scriptorium-search-view-status');
      expectThat((await status.innerText()).startsWith('Type to search'), `before typing the view says ${JSON.stringify(await status.innerText())}`);
      // Typed into the focused box: the view searches once typing pauses, the last word completing.
      await ctx.page.keyboard.type('fermentation temper');
      await until(ctx.page, 'results in the search view', async () => (await ctx.page.locator(passageRows).count()) > 0);
      const notes = await ctx.page.locator('.scriptorium-search-view-note-path').allInnerTexts();
      expectThat(notes[0] === 'wiki/concepts/Fermentation.md', `the best note should be wiki/concepts/Fermentation.md; the view lists ${JSON.stringify(notes)}`);
      const marks = await ctx.page.locator(`${passageRows} .scriptorium-search-match`).allInnerTexts();
      expectThat(marks.some((m) => /^temperature$/i.test(m)), `the completed word is not highlighted (marks: ${JSON.stringify(marks)})`);
      expectThat(marks.every((m) => /ferment|temperatur/i.test(m)), `highlighted words that were not searched for: ${JSON.stringify(marks)}`);
      const count = await status.innerText();
      expectThat(/^\d+ passages? in \d+ notes?\./.test(count), `no result count: ${JSON.stringify(count)}`);

      const folders = await ctx.page.locator('select.scriptorium-search-view-folder option').allInnerTexts();
      expectThat(folders.includes('wiki/concepts/'), `the folder filter does not offer wiki/concepts/ (${JSON.stringify(folders)})`);
      await screenshot(ctx, 'search-view');
      await expectNoOverflow(ctx.page, '.workspace-leaf-content');

      await ctx.page.locator('.scriptorium-search-view-help-toggle').click();
      const syntax = await ctx.page.locator('.scriptorium-search-view-syntax dt').allInnerTexts();
      expectThat(syntax.some((s) => s.startsWith('tag:')) && syntax.some((s) => s.startsWith('folder:')), `the help lists no tag:/folder: syntax (${JSON.stringify(syntax)})`);
      await screenshot(ctx, 'search-view-help');
      await expectNoOverflow(ctx.page, '.workspace-leaf-content');
      await ctx.page.locator('.scriptorium-search-view-help-toggle').click();
      await ctx.page.locator('.scriptorium-search-view-input input').focus();
      await ctx.page.keyboard.press('ArrowDown');
      await ctx.page.keyboard.press('ArrowDown');
      const chosen = ctx.page.locator(`${passageRows}.is-selected .scriptorium-search-view-passage-heading`);
      expectThat((await chosen.count()) === 1, '↓ did not select a passage');
      const heading = await chosen.innerText();
      const inView = await ctx.page.locator(`${passageRows}.is-selected`).evaluate((el) => {
        const box = el.getBoundingClientRect();
        const list = (el.closest('.view-content') ?? document.body).getBoundingClientRect();
        return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
      });
      expectThat(inView, 'the selected passage is scrolled out of view');
      await ctx.page.keyboard.press('Enter');
      await until(ctx.page, 'the passage to open', async () => (await opened(ctx.page)).length > 0, 3000);
      const [hit] = await opened(ctx.page);
      expectThat(hit.path === 'wiki/concepts/Fermentation.md' && (hit.heading ?? 'Beginning') === heading && !hit.newTab, `Enter opened ${JSON.stringify(hit)}, expected the passage "${heading}" of wiki/concepts/Fermentation.md in the same tab`);
    },
  },
  {
    name: 'search view: the folder filter narrows the results, and a query of only exclusions says what it lacks',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openSearchView(phone), ctx.viewport.phone);
      await ctx.page.keyboard.type('starter');
      await until(ctx.page, 'results', async () => (await ctx.page.locator(passageRows).count()) > 0);
      await ctx.page.locator('select.scriptorium-search-view-folder').selectOption('raw');
      await until(ctx.page, 'only notes under raw/', async () => {
        const paths = await ctx.page.locator('.scriptorium-search-view-note-path').allInnerTexts();
        return paths.length > 0 && paths.every((p) => p.startsWith('raw/'));
      });
      await ctx.page.locator('select.scriptorium-search-view-folder').selectOption('');
      await ctx.page.locator('.scriptorium-search-view-input input').fill('-starter');
      const status = ctx.page.locator('.scriptorium-search-view-status');
      await until(ctx.page, 'the message for a query with nothing to search for', async () => (await status.innerText()).startsWith('Nothing to search for'));
      const colour = await status.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el.parentElement as Element).color]);
      expectThat(colour[0] !== colour[1], 'the message for a bad query looks like ordinary text');
      expectThat((await ctx.page.locator(passageRows).count()) === 0, 'results stayed on screen under the message');
    },
  },
];

// ── change-plan preview ────────────────────────────────────────────────────────────────────────

const planResult = (page: Page) => page.evaluate(() => window.suite.planResult());

const previewChecks: Check[] = [
  {
    name: 'preview: lists the files and opens a diff',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openPreview(phone), ctx.viewport.phone);
      const paths = await ctx.page.locator('.scriptorium-plan-path').allInnerTexts();
      expectThat(paths.length === 4, `expected 4 files in the preview, saw ${JSON.stringify(paths)}`);
      await ctx.page.locator('details.scriptorium-plan-diff summary').nth(1).click();
      await until(ctx.page, 'the diff', async () => (await ctx.page.locator('.scriptorium-diff-line').count()) > 0, 3000);
      const added = await ctx.page.locator('.scriptorium-diff-add').count();
      expectThat(added > 0, 'the diff shows no added lines');
      await screenshot(ctx, 'preview');
    },
  },
  {
    name: 'preview: long paths and diff lines wrap: nothing overflows',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openPreview(phone), ctx.viewport.phone);
      await ctx.page.locator('details.scriptorium-plan-diff summary').nth(1).click();
      await until(ctx.page, 'the diff', async () => (await ctx.page.locator('.scriptorium-diff-line').count()) > 0, 3000);
      await expectNoOverflow(ctx.page, '.modal');
    },
  },
  {
    name: 'preview: Escape closes it and applies nothing',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openPreview(phone), ctx.viewport.phone);
      await ctx.page.keyboard.press('Escape');
      const result = await planResult(ctx.page);
      expectThat(result === null, `Escape should cancel; the preview resolved ${JSON.stringify(result)}`);
      expectThat(!(await modalOpen(ctx.page)), 'Escape left the preview open');
    },
  },
  {
    name: 'preview: Enter applies the ticked files',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openPreview(phone), ctx.viewport.phone);
      await ctx.page.keyboard.press('Enter');
      const result = await planResult(ctx.page);
      expectThat(Array.isArray(result), `Enter did not apply (the preview is ${result === 'open' ? 'still open' : `resolved ${JSON.stringify(result)}`})`);
      expectThat(JSON.stringify(result) === JSON.stringify(['wiki/sources/Starter.md', 'wiki/concepts/Supercalifragilisticexpialidocious-long-concept-name-without-any-spaces-at-all.md']), `Enter applied ${JSON.stringify(result)}`);
    },
  },
];

// ── settings ───────────────────────────────────────────────────────────────────────────────────

const settingsChecks: Check[] = [
  {
    name: 'settings: every setting is shown, and nothing overflows',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openSettings(phone), ctx.viewport.phone);
      const names = await ctx.page.locator('.setting-item-name').allInnerTexts();
      for (const wanted of ['Provider', 'Base URL', 'Model']) expectThat(names.includes(wanted), `no "${wanted}" setting (saw ${JSON.stringify(names)})`);
      await screenshot(ctx, 'settings');
      await expectNoOverflow(ctx.page, '.vertical-tab-content');
    },
  },
  {
    name: 'settings: a typed model and base URL survive choosing "Custom"',
    async run(ctx) {
      await ctx.page.evaluate((phone) => window.suite.openSettings(phone), ctx.viewport.phone);
      const row = (name: string) => ctx.page.locator('.setting-item').filter({ has: ctx.page.locator('.setting-item-name', { hasText: new RegExp(`^${name}$`) }) });
      await row('Provider').locator('select').selectOption('ollama');
      await row('Model').locator('input').first().fill('qwen3:8b');
      await row('Base URL').locator('input').first().fill('http://192.168.1.20:11434/v1');
      await ctx.page.waitForTimeout(50);
      const typed = await ctx.page.evaluate(() => window.suite.settings?.());
      expectThat(typed?.model === 'qwen3:8b' && typed.baseURL === 'http://192.168.1.20:11434/v1', `typing did not save: model ${JSON.stringify(typed?.model)}, base URL ${JSON.stringify(typed?.baseURL)}`);
      await row('Provider').locator('select').selectOption('custom');
      await ctx.page.waitForTimeout(100);
      const saved = await ctx.page.evaluate(() => window.suite.settings?.());
      expectThat(saved?.model === 'qwen3:8b' && saved.baseURL === 'http://192.168.1.20:11434/v1', `choosing "Custom" lost the typed values: model ${JSON.stringify(saved?.model)}, base URL ${JSON.stringify(saved?.baseURL)}`);
      const shown = await row('Model').locator('input').first().inputValue();
      expectThat(shown === 'qwen3:8b', `the Model field shows ${JSON.stringify(shown)} after choosing "Custom"`);
    },
  },
];

export const CHECKS: Check[] = [...chatChecks, ...searchChecks, ...searchViewChecks, ...previewChecks, ...settingsChecks];
