import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, useChromium } from './support/browser.js';
import { walk } from './support/ladder.js';
import { readable } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// One complainant's whole path on a phone (390 px), in a real browser, through ONS welzijn's
// ladder as its document has it: the form, the confirmation, the acknowledgement in the mailbox,
// their page, the findings letter, the way on (the manager), the manager's letter, and the closure
// when they let their term to go on pass. Every page is judged (axe, no sideways scroll, no
// English) and shot; every letter they get is kept beside the shots to be read as they read it.
const SHOTS = 'test-results/screenshots/complainant-walk';
const EMAIL = 'fatima@example.nl';
// The worker's shared chromium (test/support/browser.ts); this file's contexts close at its end.
const chromium = useChromium();
let rt: TestRuntime;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt?.stop();
});

async function shot(page: Page, name: string, what: string) {
  await screenshot(page, `${SHOTS}/${name}-390.png`, { fullPage: true });
  await readable(page, what);
}

/** The letters to the complainant, in order, as the mailbox has them. */
async function letters(): Promise<{ subject: string; text: string }[]> {
  return (await rt.mail()).filter((m) => m.to.includes(EMAIL));
}

describe("browser: a complainant's whole path on a phone (ONS welzijn)", () => {
  it('form, confirmation, acknowledgement, page, findings, the manager, closure', async () => {
    const context = await chromium().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${rt.url}/klacht-indienen`);
    await page.getByLabel('Ik ben cliënt').check();
    await page.getByLabel('Uw naam', { exact: true }).fill('Fatima el Amrani');
    await page.getByLabel('E-mailadres (niet verplicht)').fill(EMAIL);
    await page
      .getByLabel('Wat is er gebeurd?')
      .fill('Mijn schuldhulpverlener heeft mijn brieven van de gemeente niet op tijd doorgestuurd.');
    await page.getByLabel('Dag', { exact: true }).first().fill('20');
    await page.getByLabel('Maand', { exact: true }).first().fill('8');
    await page.getByLabel('Jaar', { exact: true }).first().fill('2026');
    await page.getByLabel(/toestemming/).check();
    await shot(page, '1-form', 'the form, filled in');
    await page.getByRole('button', { name: 'Verstuur uw klacht' }).click();
    await expect.poll(() => page.title()).toMatch(/^Uw klacht is ontvangen/);
    await shot(page, '2-confirmation', 'the confirmation');
    const statusUrl = await page
      .getByRole('link', { name: /klacht\// })
      .first()
      .getAttribute('href')
      .catch(() => null);
    const id = /\/klacht\/([0-9a-z]{26})\//.exec(page.url())?.[1] ?? '';
    await rt.advance('PT0S');

    const own = await (await chromium().newContext({ viewport: { width: 390, height: 844 } })).newPage();
    const link =
      statusUrl ?? (await letters()).map((l) => /https?:\/\/\S+\/klacht\/\S+/.exec(l.text)?.[0]).find(Boolean);
    await own.goto(link?.startsWith('http') ? link : `${rt.url}${link}`);
    await shot(own, '3-page-received', 'their page after the acknowledgement');

    await rt.advance('P2D');
    await walk(rt, id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'not-resolved'],
      ['findings', 'sent', 'Wij hebben uitgezocht wat er gebeurde. De brieven lagen twee weken op kantoor.'],
    ]);
    await own.reload();
    await shot(own, '4-page-findings', 'their page after the findings');
    // The ways on are buttons of their own: on a phone they must not touch (a tap hits the one meant).
    const ways = own.getByRole('button', { name: /^Verder naar/ });
    expect(await ways.count()).toBe(2);
    const [a, b] = [await ways.nth(0).boundingBox(), await ways.nth(1).boundingBox()];
    expect((b?.y ?? 0) - ((a?.y ?? 0) + (a?.height ?? 0))).toBeGreaterThanOrEqual(8);

    // The way on: they ask for the manager on their page.
    await own.getByRole('button', { name: /manager/ }).click();
    await rt.advance('PT0S');
    await own.reload();
    await shot(own, '5-page-manager', 'their page at the manager');
    // ONS sends no letter when the manager begins, and its document sets the manager no term ("zo
    // snel mogelijk"): the page says so and who to ask, and promises no message that will not come.
    const atManager = await own.locator('main').innerText();
    expect(atManager).toContain(
      'De stap "De manager zoekt een oplossing" is nu aan de beurt. De regeling noemt voor deze stap geen vaste termijn.',
    );
    expect(atManager).toContain('Vragen hierover? Mail bestuurssecretariaat@ons-welzijn.nl.');
    expect(atManager).not.toContain('U krijgt bericht');
    await walk(rt, id, [['manager-handling', 'not-resolved']]);
    await own.reload();
    await shot(own, '6-page-manager-done', 'their page after the manager');

    // They let their term to go on pass (Monday 19 October): the complaint closes.
    await rt.advance('P50D');
    await own.reload();
    await shot(own, '7-page-closed', 'their page after closure');
    // The same address as after asking for the manager (?bericht=verder): closed, that is no longer so.
    const closedText = await own.locator('main').innerText();
    expect(closedText).toContain('Uw klacht is afgesloten op maandag 19 oktober 2026.');
    expect(closedText).not.toContain('Uw klacht gaat naar de volgende stap');

    const all = await letters();
    writeFileSync(`${SHOTS}/letters.txt`, all.map((l, i) => `===== ${i + 1}. ${l.subject}\n${l.text}\n`).join('\n'));
    expect(all.map((l) => l.subject.replace(/^\[[^\]]+\]\s*/, ''))).toEqual([
      'Wij hebben uw klacht ontvangen',
      'Wij nemen uw klacht in behandeling',
      'Onze bevindingen over uw klacht',
      'Wat u nu kunt doen met uw klacht',
      'Herinnering: wilt u verder met uw klacht?',
      'Uw klacht is afgesloten',
    ]);
    for (const l of all) {
      const lines = l.text.split('\n').map((x) => x.trim());
      // Said to them, never of them ("Geen antwoord van de klager binnen de termijn").
      expect(
        lines.filter((x) => /\bklager\b/i.test(x)),
        l.subject,
      ).toEqual([]);
      // Each thing said once: a list of what comes next is not there twice.
      const headings = lines.filter((x) => x.endsWith(':') && !x.startsWith('-') && !/^\s/.test(x));
      expect(
        headings.filter((h, i) => headings.indexOf(h) !== i),
        `${l.subject}\n${l.text}`,
      ).toEqual([]);
      // "Uitkomst: Bevindingen en oplossingen verstuurd" tells the reader of that letter nothing.
      expect(
        lines.filter((x) => /^(De )?uitkomst: .*verstuurd\.$/i.test(x)),
        l.subject,
      ).toEqual([]);
      // "Komt u er daar niet uit?" points back to the rungs just named, so it comes after them.
      const there = lines.findIndex((x) => x.startsWith('Komt u er daar niet uit?'));
      const options = lines.findIndex((x) => x.startsWith('Bent u het niet eens met de uitkomst?'));
      if (there >= 0) expect(options, `${l.subject}\n${l.text}`).toBeGreaterThanOrEqual(0);
      if (there >= 0) expect(there, `${l.subject}\n${l.text}`).toBeGreaterThan(options);
    }
    // ONS works under the Wmo: the acknowledgement tells them of free, independent help (Wmo 2015
    // art. 2.2.4, PEOPLE.md "What complainants must be told").
    expect(all[0]?.text).toContain('Een onafhankelijke cliëntondersteuner helpt u, los van ons.');
    expect(all[0]?.text).toContain('Vraag ernaar bij uw gemeente.');
    // The closure says why, and where they can still go.
    const closing = all.at(-1)?.text ?? '';
    expect(closing).toContain('U heeft ons niet laten weten of u verder wilt met uw klacht.');
    expect(closing).toContain('Externe klachtencommissie');
  });
});
