/**
 * The error summary above the complaint form lists the problems in the order of the fields they
 * link to, top to bottom (GOV.UK error summary; NL Design System: the summary leads through the
 * form). Seen walking the complainant's way at 390 px: an empty form sent to ONS welzijn listed
 * "Vul uw naam in." above "Kies wie de klacht indient.", though the question who complains is the
 * first on the form: the order the API's checks happened to report them in.
 *
 * The judge is the page in a real browser: the place of each link's target in the document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();

// ONS welzijn (one way in), SO! Trainingsbureau (two: mentor or complaints officer).
for (const preset of ['ons-welzijn', 'so-trainingsbureau']) {
  describe(`browser: ${preset}, the complaint form sent empty`, () => {
    let rt: TestRuntime;
    beforeAll(async () => {
      rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
    });
    afterAll(async () => rt?.stop());

    it('lists the problems in the order of their fields on the page', async () => {
      const context = await chromium().newContext({ viewport: VIEWPORTS[0] });
      const page = await context.newPage();
      await page.goto(`${rt.url}/klacht-indienen`);
      await page.getByRole('button', { name: 'Verstuur uw klacht' }).click();
      expect(await page.title()).toMatch(/^Fout: /);
      const targets = await page.$$eval('#fouten a', (links) =>
        links.map((a) => (a.getAttribute('href') ?? '').slice(1)),
      );
      expect(targets.length).toBeGreaterThan(1);
      // Where each target stands in the document: its index among all elements.
      const places = await page.evaluate((ids) => {
        const all = [...(globalThis as any).document.querySelectorAll('*')];
        return ids.map((id: string) => all.indexOf((globalThis as any).document.getElementById(id))) as number[];
      }, targets);
      expect(
        places.every((p) => p >= 0),
        `${targets.join(', ')} all on the page`,
      ).toBe(true);
      const sorted = [...places].sort((a, b) => a - b);
      expect(targets, 'the summary in the order of the form').toEqual(sorted.map((p) => targets[places.indexOf(p)]));
      await shoot(page, SHOTS, `form-error-order-${preset}`, `${preset}: the form with its errors`, '#fouten');
      await context.close();
    });
  });
}
