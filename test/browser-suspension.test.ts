import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn as signInAs, useChromium } from './support/browser.js';
import { mailsOf, submit } from './support/ladder.js';
import { shoot as judgeAndShoot } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// Stopping the clock as people see it, in a real browser (Debian chromium) on a phone (390 px) and
// a desktop (1280 px): the officer's form to stop and to start the clock on the dossier page, the
// complainant's page while the clock stands still, and the worklist row "opgeschort". axe finds
// nothing, no page scrolls sideways, and the words say what happens next and by when.
// examples/sociaal-team-gemeente.yaml, Thursday 5 November 2026.
const SHOTS = 'test-results/screenshots/suspension';
const chromium = useChromium();
let rt: TestRuntime;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-11-05T09:00:00+01:00');
});
afterAll(async () => {
  await rt?.stop();
});

/** Signs in as `role` through the sign-in page (test/support/browser.ts). */
const signIn = (page: Page, role: string) => signInAs(page, rt.url, rt.officers[role] ?? '');

/** The part people look at, at both widths (test/support/page-judge.ts; the whole page is judged by axe). */
const shoot = (page: Page, name: string, what: string, part = 'main') => judgeAndShoot(page, SHOTS, name, what, part);

describe('browser: stopping the clock', () => {
  it('the officer stops the clock, the complainant reads why and until when, the worklist says "opgeschort", the officer starts it again', async () => {
    const s = await submit(rt);
    const page = await (await chromium().newContext()).newPage();
    await signIn(page, 'coordinator');

    // The dossier page offers the form to stop the clock, with the regulation's grounds.
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Zet de termijn stil' }) });
    await expect.poll(() => form.count()).toBe(1);
    await shoot(page, 'officer-suspend-form', 'the dossier page with the form to stop the clock', 'form:has(#ground)');
    const suspendText = await form.innerText();
    expect(suspendText).toContain('Bemiddeling op verzoek van de klager');
    // What the officer must know before writing: who reads the reason, which ground needs consent.
    expect(suspendText).toContain('De klager leest deze reden in de brief.');
    expect(suspendText).toContain('nodig bij: Bemiddeling op verzoek van de klager');
    expect(suspendText).toContain('De termijn telt niet mee vanaf morgen');

    // Stopped for mediation, with the complainant's consent.
    await form.getByLabel('Waarom staat de termijn stil?').selectOption('bemiddeling');
    await form.getByLabel('Reden', { exact: true }).fill('U praat eerst met een bemiddelaar.');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: 'Zet de termijn stil' }).click();
    await rt.advance('PT0S');
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    const body = await page.locator('main').innerText();
    expect(body).toContain('De termijn staat stil sinds');
    expect(body).toContain('klachtflow berekent de nieuwe einddatum en stuurt de klager een brief met de nieuwe data.');
    await shoot(page, 'officer-resume-form', 'the dossier page while the clock stands still', 'main');

    // The worklist row says "opgeschort", never late.
    await page.goto(`${rt.url}/medewerkers/werklijst`);
    const row = page.locator('li', { hasText: s.reference });
    expect(await row.innerText()).toContain('opgeschort');
    await shoot(
      page,
      'worklist-opgeschort',
      'the worklist with a dossier whose clock stands still',
      `li:has-text('${s.reference}')`,
    );

    // The complainant's page: that the clock stands still, why, and what starts it again.
    const own = await (await chromium().newContext()).newPage();
    await own.goto(s.body.statusUrl);
    await expect.poll(async () => (await own.locator('main').innerText()).includes('staat stil')).toBe(true);
    await shoot(own, 'complainant-stilstand', "the complainant's page while the clock stands still");
    const ownText = await own.locator('main').innerText();
    // The ground said to them (the example's toComplainant), not the officers' third person.
    expect(ownText).toContain('De reden: u heeft om bemiddeling gevraagd.');
    expect(ownText).not.toMatch(/\bklager\b/);
    expect(ownText).toContain('als de bemiddeling klaar is');
    // Awb 4:15 lid 1: stopped on Thursday 5 November, the time stops counting the day after.
    expect(ownText).toContain('Op donderdag 5 november 2026 hebben wij de termijn');
    expect(ownText).toContain('Vanaf vrijdag 6 november 2026 telt de tijd niet mee.');
    expect(ownText).toContain('U krijgt dan een brief met de nieuwe data.');
    // Mediation is not theirs to end by adding information: no such pointer.
    expect(ownText).not.toContain('Wat kunt u doen?');

    // Started again from the dossier page.
    await rt.advance('P3D');
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    const resume = page.locator('form', { has: page.getByRole('button', { name: 'Laat de termijn weer lopen' }) });
    await resume.getByRole('button', { name: 'Laat de termijn weer lopen' }).click();
    await rt.advance('PT0S');
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    expect(await page.locator('main').innerText()).not.toContain('De termijn staat stil sinds');

    // The two letters as the local SES mailbox has them: from the day after, until the day before
    // it ran again (Sunday 8 November), and the new dates through the Atw (both ends fell on a Saturday).
    const mails = await mailsOf(rt, s.reference);
    const stopped = mails.find((m) => m.subject.includes('staat stil'))?.text ?? '';
    expect(stopped).toContain('vandaag stilgezet');
    expect(stopped).toContain('Vanaf vrijdag 6 november 2026 telt de tijd niet mee.');
    expect(stopped).not.toContain('vanaf vandaag stil');
    expect(stopped).toContain('U praat eerst met een bemiddelaar.');
    expect(stopped).toContain('De reden: u heeft om bemiddeling gevraagd.');
    expect(stopped).not.toMatch(/\bklager\b/);
    const running = mails.find((m) => m.subject.includes('loopt weer'))?.text ?? '';
    expect(running).toContain('De termijn stond stil van vrijdag 6 november 2026 tot en met zaterdag 7 november 2026.');
    expect(running).toMatch(/uiterlijk maandag 7 december 2026/i);
    expect(running).toMatch(/uiterlijk maandag 21 december 2026/i);
    expect(running).toContain('Wij gaan nu verder met uw klacht.');
  });

  it('asked for missing information, the complainant reads what to do to start the clock again', async () => {
    const s = await submit(rt);
    const asked = await rt.call('POST', `/dossiers/${s.id}/missing-information`, {
      token: rt.officers.coordinator,
      body: { note: 'een kopie van de brief van 12 oktober' },
    });
    expect(asked.status, asked.text).toBe(200);
    await rt.advance('PT0S');
    const own = await (await chromium().newContext()).newPage();
    await own.goto(s.body.statusUrl);
    await expect.poll(async () => (await own.locator('main').innerText()).includes('staat stil')).toBe(true);
    await shoot(own, 'complainant-aanvulling', "the complainant's page while it waits for their addition");
    const text = await own.locator('main').innerText();
    expect(text).toContain('als wij uw aanvulling hebben ontvangen');
    expect(text).toContain('Dan loopt de termijn meteen weer.');
    // The link goes to the form on the same page.
    await own.getByRole('link', { name: 'Informatie toevoegen' }).click();
    await expect.poll(() => own.evaluate(() => (globalThis as any).location.hash)).toBe('#informatie');
  });
});
