import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, useChromium } from './support/browser.js';
import { dossier, submit, walk } from './support/ladder.js';
import { readable, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// The complainant answers, on a phone in a real browser (Debian chromium), whether they are
// satisfied with how their closed complaint was handled: one question with nothing chosen, an
// optional remark, an error beside the question when nothing is chosen (remark kept), their answer
// shown after, and axe clean with no sideways scroll throughout. No JavaScript needed.
const SHOTS = 'test-results/screenshots/workplace';
const PHONE = VIEWPORTS[0];

const chromium = useChromium();
let rt: TestRuntime;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt?.stop();
});

describe('browser: the complainant says whether they are satisfied, on a phone', () => {
  it('asks after closure only, refuses no choice beside the question, records and shows the answer', async () => {
    const open = await submit(rt);
    const closed = await submit(rt);
    await walk(rt, closed.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]);
    const context = await chromium().newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.setViewportSize(PHONE);

    // Open: nothing to judge yet.
    await page.goto(`${rt.url}/klacht/${open.id}/${open.token}`);
    expect(await page.locator('input[name="tevreden"]').count()).toBe(0);

    await page.goto(`${rt.url}/klacht/${closed.id}/${closed.token}`);
    const question = page.getByRole('group', { name: 'Bent u tevreden over hoe wij uw klacht behandelden?' });
    await expect.poll(() => question.count()).toBe(1);
    expect(await page.locator('input[name="tevreden"]:checked').count()).toBe(0);
    expect(await page.getByLabel('Wilt u er iets over zeggen? (niet verplicht)').count()).toBe(1);
    await readable(page, 'closed complaint with the question');
    await screenshot(page, `${SHOTS}/satisfaction-question-phone.png`, { fullPage: true });

    // Sent without a choice: the page again, the error beside the question and in the summary, the remark kept.
    await page
      .getByLabel('Wilt u er iets over zeggen? (niet verplicht)')
      .fill('De klachtenfunctionaris luisterde goed.');
    await page.getByRole('button', { name: 'Verstuur uw antwoord' }).click();
    // The click returns once the answer's page is committed, not parsed: the reads below (innerText,
    // count, the page judged whole) need it all (KLACHTFLOW_BROWSER_SLOW in test/support/browser.ts).
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Fout: /);
    expect(await page.locator('#tevreden-error').innerText()).toBe(
      'Kies ja of nee. Wilt u niets zeggen? Dan hoeft u niets te sturen.',
    );
    expect(await page.locator('#fouten a[href="#tevreden"]').count()).toBe(1);
    expect(await page.getByLabel('Wilt u er iets over zeggen? (niet verplicht)').inputValue()).toBe(
      'De klachtenfunctionaris luisterde goed.',
    );
    expect((await dossier(rt, closed.id)).complainantSatisfaction).toBeNull();
    await readable(page, 'the question with an error');
    await screenshot(page, `${SHOTS}/satisfaction-error-phone.png`, { fullPage: true });

    // Answered: stored as the complainant's own, and the page says what they said.
    await page.getByLabel('Ja, ik ben tevreden').check();
    await page.getByRole('button', { name: 'Verstuur uw antwoord' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('status').innerText()).toContain('Dank u wel voor uw antwoord');
    const main = await page.locator('main').innerText();
    expect(main).toMatch(/U zei op [a-z]+dag \d+ [a-z]+ 2026: ik ben tevreden\./);
    expect(main).toContain('De klachtenfunctionaris luisterde goed.');
    expect((await dossier(rt, closed.id)).complainantSatisfaction).toMatchObject({
      satisfied: true,
      remark: 'De klachtenfunctionaris luisterde goed.',
    });
    await readable(page, 'the answer given');
    await screenshot(page, `${SHOTS}/satisfaction-answered-phone.png`, { fullPage: true });

    // Changed (folded under the answer, starting from it): the latest counts.
    await page.getByText('Uw antwoord veranderen').click();
    expect(await page.locator('input[name="tevreden"]:checked').getAttribute('value')).toBe('ja');
    await page.getByLabel('Nee, ik ben niet tevreden').check();
    await page.getByRole('button', { name: 'Verstuur uw antwoord' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toContain('ik ben niet tevreden.');
    expect((await dossier(rt, closed.id)).complainantSatisfaction).toMatchObject({ satisfied: false, answers: 2 });
    await context.close();
  }, 120_000);
});
