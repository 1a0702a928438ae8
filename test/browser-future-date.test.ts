/**
 * A date in the future on the form gets a message that says what to do. It said "Deze datum ligt
 * in de toekomst." (review of session 11): what is wrong, not what to fill in. PEOPLE.md: "A message
 * says what to do: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.'"; the form's own
 * hint writes a date as "20 8 2026".
 *
 * The judge: the form in Chromium at 390 and 1280 px: the error beside "Wanneer gebeurde het?" and in
 * the summary asks for a date of today or earlier, with today's date as the example, in the form's
 * own way of writing dates.
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

describe('browser: the form, a day that has not come yet', () => {
  it('says to fill in today or earlier, with an example', async () => {
    const rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await page.goto(`${rt.url}/klacht-indienen`);
    await page.locator('#role').check();
    await page.locator('#name').fill('Sanne de Wit');
    await page.locator('#email').fill('sanne@example.nl');
    await page.locator('#description').fill('Mijn afspraak werd drie keer verzet.');
    await page.locator('#incident-day').fill('20');
    await page.locator('#incident-month').fill('9');
    await page.locator('#incident-year').fill('2026');
    await page.locator('#consent').check();
    await page.getByRole('button', { name: 'Verstuur uw klacht' }).click();
    const error = await page.locator('#incident-day-error').innerText();
    expect(error).toContain('Vul een datum in van vandaag of eerder, bijvoorbeeld 3 9 2026.');
    expect(await page.locator('.kf-summary').innerText()).toContain('Vul een datum in van vandaag of eerder');
    await shoot(
      page,
      SHOTS,
      'future-date-form',
      'ons-welzijn: the form with a future date',
      'fieldset:has(#incident-day)',
    );
    await page.context().close();
  });
});
