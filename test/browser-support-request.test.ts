/**
 * A parent asks for free help on the form, and someone hears it (PEOPLE.md, "What complainants must
 * be told": Jeugdwet care, the AKJ offers a free, independent vertrouwenspersoon). Seen in the
 * review of session 11, walking SO! Trainingsbureau's form on a phone as a parent: the box "Ik wil
 * gratis hulp bij mijn klacht" was stored on the dossier and shown nowhere: not on the confirmation
 * the parent reads next, not in the officer's dossier. The one who asked for help heard nothing.
 *
 * Also from that walk, the form's own errors: three date fields (dag, maand, jaar) answered with
 * "Vul een datum in als JJJJ-MM-DD", and a story past the limit with zod's words "Te lang: verwacht
 * dat string <=50000 tekens heeft" (PEOPLE.md: a message says what to do).
 *
 * The judges: a real Chromium at 390 px (parent) and 1280 px (officer) with axe and screenshots;
 * what help to offer and how to reach it comes from the regulation's own text (its `support` and
 * `referrals`, quoted from the source document), not from this test.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegulation } from '../statemachines/load.js';
import { signIn, useChromium } from './support/browser.js';
import { pageWords, shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

async function fill(
  page: Page,
  url: string,
  opts: { support?: boolean; day?: string; story?: string; email?: string } = {},
) {
  await page.goto(`${url}/klacht-indienen`);
  await page.locator('#role-parent').check();
  await page.locator('#variant-klachtenfunctionaris').check();
  await page.locator('#name').fill('Fatma Yılmaz');
  await page.locator('#email').fill(opts.email ?? 'fatma@example.nl');
  await page.locator('#onBehalfOf').fill('Elif (13)');
  await page.locator('#description').fill(opts.story ?? 'Mijn dochter kreeg drie weken geen training. 😢');
  if (opts.day) {
    await page.locator('#incident-day').fill(opts.day);
    await page.locator('#incident-month').fill('2');
    await page.locator('#incident-year').fill('2026');
  }
  if (opts.support) await page.locator('#wantsSupport').check();
  await page.locator('#consent').check();
  await page.getByRole('button', { name: /^Verstuur (uw|je) klacht$/ }).click();
}

describe('browser: so-trainingsbureau, a parent asks for free help', () => {
  const reg = loadRegulation('so-trainingsbureau');
  const offered = reg.referrals.filter((r) => reg.eligibility.support.some((s) => s.referral === r.id));

  it('the confirmation says where the free help is, and the officer sees it was asked for', async () => {
    expect(offered.length, 'the regulation offers free help through a referral').toBeGreaterThan(0);
    const rt = await testRuntime('so-trainingsbureau', '2026-12-04T09:00:00+01:00');
    runtimes.push(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await fill(page, rt.url, { support: true });
    await page.waitForURL(/\/klacht\/[^/]+\/[^/]+\?nieuw=1$/);
    const link = page.url().replace(/\?nieuw=1$/, '');
    const help = page.locator('section#hulp');
    await expect.poll(() => help.count()).toBe(1);
    const text = await help.innerText();
    for (const r of offered) {
      expect(text).toContain(r.name);
      for (const v of [r.contact.phone, r.contact.email, r.contact.web]) if (v) expect(text).toContain(v);
    }
    // A link to call or mail them at once, from the phone the parent holds.
    if (offered[0]?.contact.phone)
      expect(await help.locator(`a[href="tel:${offered[0].contact.phone.replace(/[^+\d]/g, '')}"]`).count()).toBe(1);
    // Each way to reach the complaints officer said once on the page (it stood in "Waar staat uw
    // klacht nu?" and again under "Vragen over uw klacht?").
    const main = await page.locator('main').innerText();
    const handler = reg.roles.find((r) => r.kind === 'complaints-officer');
    for (const v of [handler?.contact?.phone, handler?.contact?.email])
      if (v) expect(main.split(v).length - 1, `${v} on the confirmation`).toBe(1);
    await shoot(
      page,
      SHOTS,
      'support-confirmation',
      'so-trainingsbureau: the confirmation of a parent who asked for help',
    );
    // SO! Trainingsbureau says "je" to parents and children ("Ben je als cliënt niet tevreden"):
    // so do the confirmation, the page to withdraw and the page for a lost link, every word.
    const saysU = async (what: string) =>
      expect(
        (await pageWords(page)).split('\n').filter((l) => /\b(u|uw)\b/i.test(l)),
        `${what}: "je", never "u"`,
      ).toEqual([]);
    await saysU('the confirmation');
    // Still there when they come back by their link.
    await page.goto(link);
    expect(await page.locator('section#hulp').count()).toBe(1);
    await saysU('their page');
    await page.goto(`${link}/intrekken`);
    await saysU('the page to withdraw');
    await shoot(page, SHOTS, 'address-withdraw', 'so-trainingsbureau: the page to withdraw');
    await page.goto(`${rt.url}/klacht/link-kwijt`);
    await saysU('the page for a lost link');
    await page.context().close();

    const officer = await (await chromium().newContext({ viewport: VIEWPORTS[1] })).newPage();
    await signIn(officer, rt.url, rt.officers['complaints-officer'] ?? '');
    const id = link.split('/klacht/')[1]?.split('/')[0];
    await officer.goto(`${rt.url}/medewerkers/dossiers/${id}`);
    const facts = await officer.locator('dl.kf-facts').innerText();
    expect(facts).toMatch(/Hulp gevraagd/);
    // What the officer types goes into a letter that says "je" (the regulation does): the field
    // for it says so, or their "u" stands in a "je" letter.
    const forLetter = await officer.locator('.kf-hint:has-text("Komt in de brief")').allInnerTexts();
    expect(forLetter.length).toBeGreaterThan(0);
    for (const hint of forLetter) expect(hint).toContain('Schrijf "je" tegen de klager');
    for (const r of offered) expect(facts).toContain(r.name);
    await shoot(
      officer,
      SHOTS,
      'support-dossier',
      'so-trainingsbureau: the dossier of a complaint that asked for help',
    );
    await officer.context().close();
  });

  it('without the box ticked, the page does not say they asked for help', async () => {
    const rt = await testRuntime('so-trainingsbureau', '2026-12-04T09:00:00+01:00');
    runtimes.push(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await fill(page, rt.url);
    await page.waitForURL(/\/klacht\/[^/]+\/[^/]+\?nieuw=1$/);
    expect(await page.locator('section#hulp').count()).toBe(0);
    await page.context().close();
  });

  it("the form's errors for a day that does not exist and a story too long say what to do, in the form's own terms", async () => {
    const rt = await testRuntime('so-trainingsbureau', '2026-12-04T09:00:00+01:00');
    runtimes.push(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await fill(page, rt.url, { day: '31', story: 'Het begon zo. '.repeat(3_600) });
    expect(await page.title()).toMatch(/^Fout:/);
    const date = await page
      .locator(
        '#incident-day-error, fieldset:has(#incident-day) .utrecht-form-field-error-message, fieldset:has(#incident-day) .kf-error',
      )
      .first()
      .innerText();
    // The form asks dag, maand and jaar in three fields: the message speaks of those, not of a format.
    expect(date).not.toMatch(/JJJJ|MM|DD/);
    expect(date).toMatch(/bestaat|bestaande/);
    const story = await page
      .locator('#description-error, .utrecht-form-field:has(#description) .kf-error')
      .first()
      .innerText();
    expect(story).not.toMatch(/string|<=|verwacht/);
    expect(story).toMatch(/te lang/i);
    // What to do with the rest: the regulation's complaints address, so nothing they wrote is lost.
    expect(story).toContain(reg.organisation.contact.email ?? '');
    await shoot(
      page,
      SHOTS,
      'form-errors-date-length',
      'so-trainingsbureau: the form with a day that does not exist and a long story',
    );
    await page.context().close();
  });

  it('an address pasted from a mail program with the name around it is taken as the address', async () => {
    // Seen in the same walk: '"Fatma Yılmaz" <fatma@example.nl>', as a phone's mail app copies
    // it, was refused with "Vul een geldig e-mailadres in"; the address in it is plain to see.
    const rt = await testRuntime('so-trainingsbureau', '2026-12-04T09:00:00+01:00');
    runtimes.push(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await fill(page, rt.url, { email: '"Fatma Yılmaz" <fatma@example.nl>' });
    await page.waitForURL(/\/klacht\/[^/]+\/[^/]+\?nieuw=1$/);
    const id = page.url().split('/klacht/')[1]?.split('/')[0] ?? '';
    const d = await rt.call('GET', `/dossiers/${id}`, { token: rt.officers['complaints-officer'] });
    expect(d.json.received.complainant.email).toBe('fatma@example.nl');
    await page.context().close();
  });
});
