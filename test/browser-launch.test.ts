/**
 * The chromium every browser test drives (test/support/browser.ts), judged by chromium's own
 * account of its processes (DevTools' SystemInfo.getProcessInfo) and its command line: a browser
 * context costs the renderer of its pages and nothing more, and whatever Playwright switches off
 * stays off (#19: the suite opens about 80 contexts a run).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, slowPages, UNUSED_FEATURES } from './support/browser.js';

// A chromium of this file's own: the worker's shared one may still be ending another file's renderers.
let ours: Browser;
const opened: Browser[] = [];
beforeAll(async () => {
  ours = await launchChromium();
  opened.push(ours);
});
afterAll(async () => {
  for (const b of opened) await b.close();
});

/** Chromium's processes by type, as it reports them itself. */
async function processes(browser: Browser): Promise<{ type: string; id: number }[]> {
  const session = await browser.newBrowserCDPSession();
  const info = (await session.send('SystemInfo.getProcessInfo' as never)) as {
    processInfo: { type: string; id: number }[];
  };
  await session.detach();
  return info.processInfo;
}

/** The features the browser process switches off: the last --disable-features, the only one chromium reads. */
async function disabledFeatures(browser: Browser): Promise<string[]> {
  const pid = (await processes(browser)).find((p) => p.type === 'browser')?.id;
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const last = argv.findLast((a) => a.startsWith('--disable-features='));
  return (last?.slice('--disable-features='.length) ?? '').split(',').filter(Boolean);
}

describe('browser launch', () => {
  it('gives each browser context one renderer, its page’s: no omnibox popup, no spare renderer', async () => {
    const browser = ours;
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.setContent(
        `<!doctype html><html lang="nl"><title>Proef ${i}</title><main><p>Pagina ${i}</p></main></html>`,
      );
      expect(await page.locator('main').textContent()).toBe(`Pagina ${i}`);
    }
    // Each context opens a window of its own, which preloaded the omnibox's popup (a WebUI page
    // in a renderer of its own) and kept a spare renderer ready: two of every three renderers,
    // about 0.7 of the 1.1 CPU seconds a context cost (2026-12-04).
    const session = await browser.newBrowserCDPSession();
    const { targetInfos } = (await session.send('Target.getTargets' as never)) as {
      targetInfos: { type: string; url: string }[];
    };
    await session.detach();
    expect(targetInfos.filter((t) => t.type !== 'page' && t.type !== 'tab').map((t) => `${t.type} ${t.url}`)).toEqual(
      [],
    );
    expect((await processes(browser)).filter((p) => p.type === 'renderer')).toHaveLength(3);
  });

  it('keeps every feature Playwright switches off switched off, beside the tests’ own', async () => {
    const plain = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox'],
    });
    opened.push(plain);
    const playwrights = await disabledFeatures(plain);
    // Playwright's list is long (automation and Google's network calls); a few known ones guard
    // against reading the wrong flag.
    expect(playwrights).toEqual(expect.arrayContaining(['HttpsUpgrades', 'ThirdPartyStoragePartitioning']));
    const disabled = await disabledFeatures(ours);
    expect(disabled).toEqual(expect.arrayContaining([...playwrights, ...UNUSED_FEATURES]));
  });
});

describe('KLACHTFLOW_BROWSER_SLOW', () => {
  // The switch that makes a test which reads a page before it is there fail on every run (#19):
  // a page committed is read before its end has arrived, as on CI's loaded cores once in six.
  it('lets a test read a page whose end has not arrived yet', async () => {
    const fillers = '<p>Een regel die de pagina langer maakt, zoals de velden van een formulier.</p>'.repeat(800);
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><html lang="nl"><title>Proef</title><main>${fillers}<p id="einde">Einde</p></main></html>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const context = slowPages(await ours.newContext(), 6);
    try {
      const page = await context.newPage();
      // About 64 KB at 12 KB a second: the end comes some five seconds after the start, so a read at
      // once finds it missing even on loaded cores (16 KB left about a second; the review, session 18).
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { waitUntil: 'commit' });
      const end = () => page.evaluate(() => Boolean((globalThis as any).document.getElementById('einde')));
      expect(await end(), 'the end read at once').toBe(false);
      await page.waitForLoadState('load');
      expect(await end(), 'the end after the load').toBe(true);
    } finally {
      await context.close();
      server.close();
    }
  });
});
