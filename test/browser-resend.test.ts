import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn as signInAs, useChromium } from './support/browser.js';
import { shoot as judgeAndShoot } from './support/page-judge.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// The form that sends a bounced letter again (#15's leftover), as an officer uses it in a real
// browser (Debian chromium) on a phone (390 px) and a desktop (1280 px): the letter that did not
// arrive, the form for the address the complainant gave, an address refused beside its field, and
// the letter sent again. axe finds nothing, nothing scrolls sideways, no English on the page.
// The acknowledgement bounces through SES's mailbox simulator, as in AWS. ONS welzijn.
const SHOTS = 'test-results/screenshots/resend';
const BOUNCE = 'bounce@simulator.amazonses.com';
const NEW = 'sanne.devries@example.nl';
const chromium = useChromium();
let rt: TestRuntime;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt?.stop();
});

/** Signs in as `role` through the sign-in page (test/support/browser.ts). */
const signIn = (page: Page, role: string) => signInAs(page, rt.url, rt.officers[role] ?? '');

/** The part people look at, at both widths (test/support/page-judge.ts; the whole page is judged by axe). */
const shoot = (page: Page, name: string, what: string, part: string) => judgeAndShoot(page, SHOTS, name, what, part);

describe('browser: a bounced letter sent again', () => {
  it('the officer reads which letter did not arrive, corrects the address and sends it again', async () => {
    const r = await rt.call('POST', '/complaints', {
      body: { ...SANNE, complainant: { ...SANNE.complainant, email: BOUNCE } },
    });
    expect(r.status, r.text).toBe(201);
    await rt.advance('PT0S');
    await rt.mail(); // the local SES endpoint's bounce event reaches the dossier with the rest
    const { id, reference } = r.json;

    const page = await (await chromium().newContext()).newPage();
    await signIn(page, 'officer');
    await page.goto(`${rt.url}/medewerkers/dossiers/${id}`);
    const section = 'section[aria-labelledby="undelivered"]';
    await expect.poll(() => page.locator(section).count()).toBe(1);
    const said = await page.locator(section).innerText();
    expect(said).toContain('Wij hebben uw klacht ontvangen');
    expect(said).toContain(BOUNCE);
    expect(said).toContain('niet aangekomen');
    await shoot(page, 'form', 'the letter that did not arrive, with the form', section);

    // An address that is none: refused beside its field, as typed, with the page title saying so.
    const form = page.locator(section).locator('form');
    await form.getByLabel('Ander e-mailadres van de klager').fill('sanne@');
    await form.getByRole('button', { name: 'Verstuur de brief opnieuw' }).click();
    // The click returns once the answer's page is committed, not parsed: the counts below (the form
    // gone, one error) would hold on a page cut short (KLACHTFLOW_BROWSER_SLOW in test/support/browser.ts).
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator(`${section} .kf-error`).count()).toBe(1);
    const field = page.locator(section).getByLabel('Ander e-mailadres van de klager');
    expect(await field.inputValue()).toBe('sanne@');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`${section} .kf-error`).innerText()).toContain('Vul een geldig e-mailadres in');
    // The error summary above, linking to the field, and the title says so (STYLE: forms).
    expect(await page.title()).toMatch(/^Fout:/);
    const summary = page.locator('a[href="#opnieuw-0"]');
    expect(await summary.innerText()).toContain('Vul een geldig e-mailadres in');
    await shoot(page, 'refused', 'the address refused beside its field', section);

    // The address the complainant gave: the letter goes once more, to that address only.
    await field.fill(NEW);
    await page.locator(section).getByRole('button', { name: 'Verstuur de brief opnieuw' }).click();
    await page.waitForLoadState('load');
    await rt.advance('PT0S');
    await expect
      .poll(async () => (await page.locator('main').innerText()).includes(`Opnieuw verstuurd naar ${NEW}`))
      .toBe(true);
    expect(await page.locator('main').innerText()).toContain(
      'Het nieuwe e-mailadres is vastgelegd en de brief is opnieuw verstuurd.',
    );
    // Sent again, it does not go a third time (the API answers 409): the form is gone.
    expect(await page.locator(section).locator('form').count()).toBe(0);
    expect(await page.locator(section).innerText()).not.toContain('vraag een ander e-mailadres');
    await shoot(page, 'sent', 'the dossier after the letter went again', section);
    const again = (await rt.mail()).filter((m) => m.to.includes(NEW) && m.subject.includes(`[${reference}]`));
    expect(again.map((m) => m.subject)).toEqual([`[${reference}] Wij hebben uw klacht ontvangen`]);
  });
});
