/**
 * A right-to-left override (U+202E) a complainant types is kept as typed, and shown neutralised.
 * Found in the review of session 11: "Factuur \u202Egnp.exe" was stored and shown as typed, so the
 * officer's dossier and the complainant's page read "Factuur exe.png", the text after the control
 * reversed (the same trick the e-mail intake already takes out of attachment names). A page people
 * read may not let the text they are shown differ from what it says.
 *
 * The judges: the API's dossier (the text stored as typed, every character), and Chromium at 390
 * and 1280 px: the text the officer and the complainant see holds no bidirectional control, and
 * "gnp.exe" is drawn left to right in that order.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { signIn, useChromium } from './support/browser.js';
import { submit } from './support/ladder.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

const TYPED = 'Factuur \u202Egnp.exe ontvangen van \u2067 de medewerker.';
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/** Whether "gnp.exe" is drawn with its g left of its e (not reversed). */
function drawnInOrder(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const walker = doc.createTreeWalker(doc.querySelector('main'), 4);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent as string;
      const i = text.indexOf('gnp.exe');
      if (i < 0) continue;
      const at = (k: number) => {
        const r = doc.createRange();
        r.setStart(n, k);
        r.setEnd(n, k + 1);
        return r.getBoundingClientRect().left;
      };
      return at(i) < at(i + 6);
    }
    return false;
  });
}

describe('browser: a bidirectional control in what a complainant typed', () => {
  it('is stored as typed and shown neutralised to the officer and the complainant', async () => {
    const rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt, { description: TYPED });
    const stored = await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.officer });
    expect(stored.json.received.description).toBe(TYPED);

    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/klacht/${s.id}/${s.token}`);
      expect(await page.locator('main').innerText()).not.toMatch(BIDI);
      expect(await drawnInOrder(page), `${v.width} px, complainant's page`).toBe(true);
    }
    await shoot(page, SHOTS, 'bidi-complainant-page', "ons-welzijn: the complainant's page");
    await signIn(page, rt.url, rt.officers.officer ?? '');
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
      expect(await page.locator('main').innerText()).not.toMatch(BIDI);
      expect(await drawnInOrder(page), `${v.width} px, dossier`).toBe(true);
    }
    await shoot(page, SHOTS, 'bidi-dossier', 'ons-welzijn: the dossier');
    await page.context().close();
  });
});
