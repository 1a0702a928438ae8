/**
 * The routes that start informally say, after the form, that the acknowledgement is on its way,
 * and it comes (test/acknowledgement-every-variant.test.ts reads every route's mailbox). Found in
 * the review of session 11: SO! Trainingsbureau's "Ongenoegen bespreken met uw mentor" and SWT
 * Dordrecht's "Klacht bespreken met de medewerker" sent no e-mail at all after the form (SWT under
 * the Awb, 9:6: "bevestigt de ontvangst van het klaagschrift schriftelijk"), and the form's e-mail
 * field promised only "onze brieven".
 *
 * The judges: Chromium at 390 and 1280 px (axe, no sideways scroll), the mailbox, and the form's
 * own e-mail hint.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

for (const [preset, variant] of [
  ['so-trainingsbureau', 'klantsignaal-mentor'],
  ['swt-dordrecht', 'medewerker'],
] as const) {
  describe(`browser: ${preset}, the form to the informal route "${variant}"`, () => {
    it('promises the confirmation by e-mail, says it is on its way, and it comes the same day', async () => {
      const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
      await page.goto(`${rt.url}/klacht-indienen`);
      expect(await page.locator('#email-hint').innerText()).toContain('bevestiging');
      await page.locator('#role').check();
      await page.locator(`input[name="variant"][value="${variant}"]`).check();
      await page.locator('#name').fill('Sanne de Wit');
      await page.locator('#email').fill('sanne@example.nl');
      await page.locator('#street').fill('Dorpsstraat 1');
      await page.locator('#postcode').fill('1234 AB');
      await page.locator('#city').fill('Dordrecht');
      await page.locator('#description').fill('Mijn afspraak werd drie keer verzet.');
      await page.locator('#consent').check();
      await page.getByRole('button', { name: /^Verstuur (uw|je) klacht$/ }).click();
      await page.waitForURL(/\/klacht\/[^/]+\/[^/]+\?nieuw=1$/);
      const main = await page.locator('main').innerText();
      const letters = await page.locator('h2:text-matches("^Brieven aan (u|jou)$") ~ details summary').allInnerTexts();
      // On its way (said so) or already among their letters: one or the other, truthfully.
      const sentAlready = letters.some((l) => /ontvangen/i.test(l));
      if (!sentAlready) expect(main).toMatch(/Wij sturen (u|je) nu een ontvangstbevestiging/);
      await shoot(page, SHOTS, `acknowledgement-${preset}-${variant}`, `${preset}: the confirmation`);
      await page.context().close();
      let mail: { to: string[]; subject: string; sentAt: string } | undefined;
      for (let i = 0; i < 100 && !mail; i++) {
        mail = (await rt.mail()).find(
          (m: { to: string[]; subject: string }) =>
            m.to.includes('sanne@example.nl') && /Wij hebben (uw|je) klacht ontvangen/.test(m.subject),
        );
        if (!mail) await new Promise((r) => setTimeout(r, 100));
      }
      expect(mail, 'the acknowledgement in the mailbox').toBeDefined();
      expect(mail?.sentAt.slice(0, 10)).toBe('2026-09-03');
    });
  });
}
