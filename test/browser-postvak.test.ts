import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { axeViolations } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// The officer's postvak in a real browser (Debian chromium), without JavaScript: mail that came in
// through the local SMTP server is registered as a complaint from the page, and the dossier page
// shows the missing field and sends the asking letter.
let rt: TestRuntime;
const chromium = useChromium();

beforeAll(async () => {
  rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00', undefined, { smtpPort: 0 });
});
afterAll(async () => {
  await rt?.stop();
});

async function accessible(page: Page) {
  expect(await axeViolations(page)).toEqual([]);
}

describe('browser: the postvak', () => {
  it('registers a held mail from the page and asks for the missing address with a letter', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: rt.smtp?.port, secure: false, ignoreTLS: true });
    await t.sendMail({
      from: '"Els de Boer" <els@example.nl>',
      to: 'klacht@swtdordrecht.nl',
      subject: 'Klacht over de wachttijd',
      text: 'Ik wacht al drie maanden op een gesprek.',
      headers: { 'X-Spam-Flag': 'YES' },
    });
    t.close();

    // Axe needs JavaScript to run; the page itself needs none (checked in the second context).
    const withJs = await chromium().newContext();
    await withJs.addCookies([{ name: 'kf_officer', value: rt.officers.manager ?? '', url: `${rt.url}/medewerkers` }]);
    const axePage = await withJs.newPage();
    await axePage.goto(`${rt.url}/medewerkers/postvak`);
    await accessible(axePage);
    await withJs.close();

    const context = await chromium().newContext({ javaScriptEnabled: false });
    await context.addCookies([{ name: 'kf_officer', value: rt.officers.manager ?? '', url: `${rt.url}/medewerkers` }]);
    const page = await context.newPage();
    await page.goto(`${rt.url}/medewerkers/werklijst`);
    await page.getByRole('link', { name: /Postvak/ }).click();
    // The click returns once the new page is committed, not parsed: main read whole needs its load
    // (KLACHTFLOW_BROWSER_SLOW in test/support/browser.ts).
    await page.waitForLoadState('load');
    expect(await page.locator('main').textContent()).toContain('Klacht over de wachttijd');
    expect(await page.locator('main').textContent()).toContain('De mail lijkt spam');
    await page.getByText('Vastleggen als klacht', { exact: true }).click();
    await page.getByRole('button', { name: 'Leg vast als klacht' }).click();
    await rt.advance('PT0S');
    await page.reload();
    expect(await page.title()).toMatch(/^Dossier KL-2026-/);
    expect(await page.locator('main').textContent()).toContain('Gegevens ontbreken');
    await page.getByRole('button', { name: 'Vraag de klager per brief om deze gegevens' }).click();
    await page.waitForLoadState('load');
    await rt.advance('PT0S');
    const letter = (await rt.mail()).find((m) => m.subject.includes('Wij missen nog gegevens'));
    expect(letter?.to).toEqual(['els@example.nl']);
    expect(await page.locator('main').textContent()).toContain('Gevraagd op');
    await context.close();
  }, 60_000);
});
