import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * Browser parts no test looks at, switched off: each browser context opens a window of its own,
 * and each window preloaded the omnibox's popup (a WebUI page, `chrome://omnibox-popup.top-chrome`,
 * in a renderer of its own) and chromium kept a spare renderer ready beside it. Two of every three
 * renderers, about 0.7 of the 1.1 CPU seconds a context cost chromium (2026-12-04, #19); the
 * pages the tests judge run in their own renderer as before. test/browser-launch.test.ts holds
 * each context to one renderer.
 */
export const UNUSED_FEATURES: readonly string[] = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
  'SpareRendererForSitePerProcess',
];

/** Merges every --disable-features into one: chromium reads only the last, and Playwright passes its own. */
const LAUNCHER = fileURLToPath(new URL('./chromium.sh', import.meta.url));

/**
 * Debian's chromium, headless, as every browser test drives it. Never a browser download
 * (`npx playwright install` cannot reach its host here); `.ci/run` installs the Debian package.
 * Started through test/support/chromium.sh, which keeps Playwright's disabled features beside
 * UNUSED_FEATURES (test/browser-launch.test.ts).
 */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: LAUNCHER,
    env: { ...process.env, KLACHTFLOW_CHROMIUM: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-features=${UNUSED_FEATURES.join(',')}`,
    ],
  });
  if (SLOW_RATE > 1) {
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (...args: Parameters<Browser['newContext']>): Promise<BrowserContext> =>
      slowPages(await newContext(...args), SLOW_RATE);
  }
  return browser;
}

/**
 * KLACHTFLOW_BROWSER_SLOW=<rate> (e.g. 6): every page the browser tests open is slowed down, so
 * that a test which reads a page before it is there fails here most runs instead of once in six
 * on CI's loaded 2 cores (#19). Chromium parses an answer as it streams in, and a click that submits a
 * form or follows a link returns once the new page is committed, not loaded: its title and the top
 * of its body can be read while the rest is not yet in the document (test/browser-form-error-order
 * at 0e64fa1 on CI: the last fields the error summary links to were missing). A one-shot read
 * (`page.title()` aside: `page.evaluate`, `$$eval`, `content()`, `innerText()`, `textContent()`,
 * `locator.count()`, `allInnerTexts()`, `isVisible()`, axe) after such a click needs
 * `page.waitForLoadState('load')` first, or an auto-waiting assertion (`expect(locator).toHaveText`,
 * `expect.poll`). `page.goto`, `reload` and `waitForURL` wait for the load themselves.
 *
 * The switch makes each page's renderer <rate> times slower (Emulation.setCPUThrottlingRate) and
 * streams every answer at 72/<rate> KB a second after 20 ms (Network.emulateNetworkConditions: a
 * 12 KB form page takes about a second at 6). browser-form-error-order as it was before 182a8de
 * (2026-12-05, load 1.4-9.3): CPU throttling alone, 3 runs passed; with the streaming, 5 runs of 5
 * failed (13 of 20 tests, CI's own message among them), the file as fixed passed (2 runs);
 * browser-report-late before f6a7b8e failed 3 runs of 3 and passed unslowed. test/browser-launch
 * holds the switch to that. Run one browser file at a time with it (the machine is shared):
 * `KLACHTFLOW_BROWSER_SLOW=6 npx vitest run test/browser-x.test.ts`. Unset or 1: nothing slowed.
 */
export const SLOW_RATE = Number(process.env.KLACHTFLOW_BROWSER_SLOW ?? 1) || 1;
const SLOW_LATENCY_MS = 20;
const SLOW_BYTES_PER_S = 72 * 1024;

/** Slows every page `context` opens from now on by `rate` (KLACHTFLOW_BROWSER_SLOW); returns `context`. */
export function slowPages(context: BrowserContext, rate: number): BrowserContext {
  const throttled = new WeakMap<Page, Promise<unknown>>();
  const throttle = (page: Page) => {
    let done = throttled.get(page);
    if (!done) {
      done = context.newCDPSession(page).then((cdp) =>
        Promise.all([
          cdp.send('Emulation.setCPUThrottlingRate', { rate }),
          cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: SLOW_LATENCY_MS,
            downloadThroughput: SLOW_BYTES_PER_S / rate,
            uploadThroughput: -1,
          }),
        ]),
      );
      throttled.set(page, done);
    }
    return done;
  };
  const newPage = context.newPage.bind(context);
  // Awaited before the test gets the page: its first navigation is slowed too.
  context.newPage = async () => {
    const page = await newPage();
    await throttle(page);
    return page;
  };
  // Pages a page opens itself (a link with target=_blank), as soon as they appear.
  context.on('page', (page) => void throttle(page).catch(() => {}));
  return context;
}

let shared: Promise<Browser> | undefined;

/**
 * One chromium per test worker, shared by the browser test files that run in it one after the
 * other (vitest.config.ts: the worker is shared, `isolate: false`), instead of one launched and
 * closed per file. Each file works in browser contexts of its own (cookies, storage and pages
 * apart) and closes them at its end (`useChromium`). Playwright ends chromium when the worker exits.
 */
export function sharedChromium(): Promise<Browser> {
  if (!shared) {
    const launched = launchChromium();
    shared = launched;
    launched.then(
      (b) =>
        b.on('disconnected', () => {
          if (shared === launched) shared = undefined;
        }),
      () => {
        if (shared === launched) shared = undefined;
      },
    );
  }
  return shared;
}

/**
 * The shared chromium for the test file that calls this (at its top level): ready in its
 * beforeAll, and every context the file opened closed in its afterAll.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await sharedChromium();
  });
  afterAll(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  return () => {
    if (!browser) throw new Error('useChromium: chromium is not ready (use it inside a test or hook)');
    return browser;
  };
}

/**
 * Signs in on the officers' pages as a person does: the sign-in page, the role's code typed,
 * the button pressed, until the worklist shows. Cookies of an earlier sign-in are dropped first.
 */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${base}/medewerkers`);
  await page.getByLabel('Uw toegangscode').fill(token);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await expect.poll(() => page.title()).toMatch(/^Werklijst/);
  // The worklist whole, not only its title: callers read it at once (KLACHTFLOW_BROWSER_SLOW).
  await page.waitForLoadState('load');
}

/**
 * Screenshots (test-results/screenshots) are for people to look at: no judge reads them. CI throws
 * its clone away with them, so under CI (`CI` set, as .ci/run sets it) none are taken unless
 * KLACHTFLOW_SCREENSHOTS=1; elsewhere they are, unless KLACHTFLOW_SCREENSHOTS=0 (#19: about 150 a
 * run, a fifth of a second of chromium's CPU each).
 */
export const SCREENSHOTS = process.env.KLACHTFLOW_SCREENSHOTS
  ? process.env.KLACHTFLOW_SCREENSHOTS === '1'
  : !process.env.CI;

/**
 * The page (`fullPage` as Playwright's) or a part of it into `path`, when screenshots are taken
 * (SCREENSHOTS). A part is brought into view and awaited visible either way, as its screenshot
 * does: what the test checks next sees the page as it did with the screenshot.
 */
export async function screenshot(
  target: Page | Locator,
  path: string,
  opts: { fullPage?: boolean } = {},
): Promise<void> {
  if (SCREENSHOTS) {
    await target.screenshot({ path, ...opts });
    return;
  }
  if ('goto' in target) return;
  await target.scrollIntoViewIfNeeded();
}
