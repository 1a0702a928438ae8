/**
 * A reference (KL-2026-0001) is read, typed and said over the phone as one thing: it must not
 * break over two lines. Review of session 11 at 390 px: the complainant's page headed "Uw klacht
 * KL-2026-" with "0001" on the next line (Chromium breaks after a hyphen), the same in the dossier's
 * heading. PEOPLE.md: the reference number is what the complainant names when they get in touch.
 *
 * The judge: Chromium at 390 and 1280 px; every occurrence of a reference in the page's text, as a
 * Range, has its characters on one line (one line box top).
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

/** Each reference on the page with the number of lines it takes. */
function referenceLines(page: Page): Promise<{ text: string; lines: number }[]> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const out: { text: string; lines: number }[] = [];
    const walker = doc.createTreeWalker(doc.querySelector('main'), 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of (n.textContent as string).matchAll(/KL-\d{4}-\d{4}/g)) {
        const range = doc.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, (m.index ?? 0) + m[0].length);
        const tops = new Set(
          [...range.getClientRects()].filter((r: any) => r.width > 0).map((r: any) => Math.round(r.top)),
        );
        out.push({
          text: `${m[0]} in ${n.parentElement?.tagName}.${n.parentElement?.className}: ${(n.textContent as string).slice(0, 60)}`,
          lines: tops.size,
        });
      }
    }
    return out;
  });
}

describe('browser: a reference stays on one line', () => {
  it("on the complainant's page and the officer's dossier, at 390 and 1280 px", async () => {
    const rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/klacht/${s.id}/${s.token}`);
      const found = await referenceLines(page);
      expect(found.length, `${v.width} px: a reference on the page`).toBeGreaterThan(0);
      expect(
        found.filter((f) => f.lines !== 1),
        `${v.width} px, complainant's page`,
      ).toEqual([]);
    }
    await shoot(page, SHOTS, 'reference-complainant-page', "ons-welzijn: the complainant's page");
    await signIn(page, rt.url, rt.officers.officer ?? '');
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
      expect(
        (await referenceLines(page)).filter((f) => f.lines !== 1),
        `${v.width} px, dossier`,
      ).toEqual([]);
      await page.goto(`${rt.url}/medewerkers/werklijst`);
      expect(
        (await referenceLines(page)).filter((f) => f.lines !== 1),
        `${v.width} px, worklist`,
      ).toEqual([]);
    }
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    await shoot(page, SHOTS, 'reference-dossier', 'ons-welzijn: the dossier', 'h1');
    await page.context().close();
  });
});
