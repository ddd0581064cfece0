/**
 * `npm run test:ui`: the UI in a real browser. Builds the page, starts its server and headless
 * Chromium, and runs every check at both viewports (a 300 px sidebar, a phone), each on a fresh
 * page with a model server of its own. Screenshots go to tests/browser/screenshots/ (git-ignored).
 * Exits 1 when a check fails, 2 when the suite could not start.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { CHECKS, CheckFailure, SCREENSHOTS } from './checks';
import { buildPage, CHROMIUM, launchBrowser, ModelServer, newPage, startPageServer, VIEWPORTS } from './harness';

const CHECK_TIMEOUT_MS = 30_000;

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new CheckFailure(`${what} took longer than ${ms / 1000} s`)), ms).unref());
}

async function main(): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    console.error(`No Chromium at ${CHROMIUM}. Install Debian's package (apt-get install -y chromium), or set SCRIPTORIUM_CHROMIUM to a Chromium binary.`);
    return 2;
  }
  const filter = process.argv[2];
  const started = Date.now();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const bundle = await buildPage();
  const site = await startPageServer(bundle);
  const { browser, close } = await launchBrowser();
  const failures: string[] = [];
  let passed = 0;
  try {
    for (const viewport of VIEWPORTS) {
      for (const check of CHECKS) {
        const title = `${viewport.name} (${viewport.width}×${viewport.height}) · ${check.name}`;
        if (filter && !title.includes(filter)) continue;
        const model = await new ModelServer().start();
        const { page, context, errors } = await newPage(browser, site.url, viewport);
        const t0 = Date.now();
        try {
          await Promise.race([check.run({ page, viewport, model, pageUrl: site.url }), timeout(CHECK_TIMEOUT_MS, 'the check')]);
          if (errors.length > 0) throw new CheckFailure(`the page threw: ${errors.join(' | ')}`);
          passed++;
          console.log(`  ✓ ${title} (${Date.now() - t0} ms)`);
        } catch (error) {
          const message = error instanceof CheckFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
          failures.push(`${title}\n    ${message}`);
          console.log(`  ✗ ${title}\n    ${message}`);
        } finally {
          await context.close();
          await model.stop();
        }
      }
    }
  } finally {
    await close();
    await site.stop();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nui: ${passed} passed, ${failures.length} failed in ${seconds} s; screenshots in tests/browser/screenshots/`);
  if (failures.length > 0) console.log(`\nFailed:\n  ${failures.map((f) => f.split('\n')[0]).join('\n  ')}`);
  return failures.length > 0 ? 1 : passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The browser suite could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
