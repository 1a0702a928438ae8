import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
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
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
