/**
 * The confirmation page after sending the form says what happens next and by when, truthfully
 * (PEOPLE.md, "Confirmation page": what happens next and by when, a date; confirm by e-mail).
 * Seen in the review of session 9 at 390 px: right after sending a complaint to ONS welzijn the
 * page said "Uiterlijk donderdag 10 september 2026: "Ontvangstbevestiging"" under "Waar staat uw
 * klacht nu?" and first under "Wat komt er, en wanneer", as if the complainant waited a week for it,
 * while klachtflow sends the acknowledgement at once (it was in the mailbox a moment later); SWT
 * Dordrecht's e-mail variant said "De stap "Ontvangstbevestiging" is nu aan de beurt. Deze stap
 * heeft geen eigen termijn."
 *
 * The judges: the page in a real browser, the mailbox (the acknowledgement is really sent, on the
 * day of receipt), and the dates the regulation's own text gives for what follows: ONS welzijn
 * "Als eerste zal de klachtenfunctionaris onderzoeken of de klacht ontvankelijk is ... binnen twee
 * weken", SWT Dordrecht none of its own, so Awb 9:8's four weeks for the manager's decision.
 */
import type { Page } from 'playwright-core';
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

async function sendForm(page: Page, url: string, variant?: string) {
  await page.goto(`${url}/klacht-indienen`);
  await page.locator('#role').check();
  if (variant) await page.locator(`#variant-${variant}`).check();
  await page.locator('#name').fill('Sanne de Wit');
  await page.locator('#email').fill('sanne@example.nl');
  await page.locator('#street').fill('Dorpsstraat 1');
  await page.locator('#postcode').fill('1234 AB');
  await page.locator('#city').fill('Oss');
  await page.locator('#description').fill('Mijn afspraak werd drie keer verzet.');
  await page.locator('#consent').check();
  await page.getByRole('button', { name: 'Verstuur uw klacht' }).click();
  await page.waitForURL(/\/klacht\/[^/]+\/[^/]+\?nieuw=1$/);
}

/** The acknowledgement in the mailbox, waited for a bounded while (the ladder's first task runs in this process). */
async function acknowledgement(rt: TestRuntime) {
  for (let i = 0; i < 100; i++) {
    const found = (await rt.mail()).find((m) => m.to.includes('sanne@example.nl') && /ontvangen/i.test(m.subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

for (const [preset, variant, followsOn, followsTitle] of [
  ['ons-welzijn', undefined, 'donderdag 17 september 2026', 'Kunnen wij uw klacht behandelen?'],
  ['swt-dordrecht', 'email', 'donderdag 1 oktober 2026', 'Wie is nodig en hoe gaat de behandeling'],
] as const) {
  describe(`browser: ${preset}, the confirmation after sending the form`, () => {
    it('says the acknowledgement is being sent, not that it is awaited, and by when what follows happens', async () => {
      const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
      await sendForm(page, rt.url, variant);
      expect(await page.title()).toContain('Uw klacht is ontvangen');
      const status = await page.locator('h2:has-text("Waar staat uw klacht nu?") + p').first().innerText();
      const coming = await page.locator('h3:has-text("Wat komt er, en wanneer") + ul > li').allInnerTexts();
      const letters = await page.locator('h2:has-text("Brieven aan u") ~ details summary').allInnerTexts();
      await shoot(page, SHOTS, `confirmation-${preset}`, `${preset}: the confirmation`);
      await page.context().close();

      // Sent at once, on the day of receipt: not something to wait a week for.
      const mail = await acknowledgement(rt);
      expect(mail, 'the acknowledgement in the mailbox').toBeDefined();
      expect(mail?.sentAt.slice(0, 10)).toBe('2026-09-03');

      const lines = [status, ...coming];
      for (const line of lines) {
        expect(line, 'the acknowledgement as a wait with a date').not.toMatch(
          /[Uu]iterlijk[^.]*"Ontvangstbevestiging"/,
        );
        expect(line, 'the acknowledgement as a step to wait for').not.toMatch(
          /"Ontvangstbevestiging" is nu aan de beurt/,
        );
      }
      // Either it is on its way (said so), or it was sent before the page was read (then it is
      // among their letters): one or the other, truthfully.
      const sentAlready = letters.some((l) => /ontvangen/i.test(l));
      if (!sentAlready) expect(status).toContain('Wij sturen u nu een ontvangstbevestiging.');
      // What follows, with the date the regulation (or the Awb) gives it.
      expect(status.toLowerCase()).toContain(`uiterlijk ${followsOn}`);
      expect(status).toContain(`"${followsTitle}"`);
    });
  });
}
