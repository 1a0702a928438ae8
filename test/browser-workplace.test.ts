import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESET_IDS } from '../statemachines/load.js';
import { stepsInSpan } from '../statemachines/vocabulary.js';
import { screenshot, signIn as signInAs, useChromium } from './support/browser.js';
import { readable, VIEWPORTS } from './support/page-judge.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// The officers' workplace in a real browser (Debian chromium), each preset, on a phone (390 px)
// and a desktop (1280 px): the worklist puts the late complaint first and says since when, the
// dossier shows how to reach the complainant, an action shows the fresh state, nothing is chosen
// beforehand, no page scrolls sideways, no English word leaks, and axe finds nothing.
const SHOTS = 'test-results/screenshots/workplace';
const chromium = useChromium();
beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
});

/** Signs in as `role` through the sign-in page (test/support/browser.ts). */
const signIn = (page: Page, rt: TestRuntime, role: string) => signInAs(page, rt.url, rt.officers[role] ?? '');

/**
 * Moves the clock past the nearest open term of the organisation (a step's own term or the term for
 * the whole handling, Awb 9:11 / Wkkgz art. 17) until the worklist marks the dossier late (bounded).
 * A step with no term of its own is taken with its first outcome; a term whose step goes on by itself
 * when it passes (a window check) is passed too, on to the next term.
 */
async function makeLate(rt: TestRuntime, id: string): Promise<any> {
  const anyOfficer = Object.values(rt.officers)[0];
  for (let i = 0; i < 10; i++) {
    const list = (await rt.call('GET', '/dossiers?limit=50', { token: anyOfficer })).json.items;
    const item = list.find((x: any) => x.id === id);
    if (item?.lateSince) return item;
    const d = (await rt.call('GET', `/dossiers/${id}`, { token: anyOfficer })).json;
    if (d.status !== 'open') throw new Error(`dossier ${id} closed on the way to late (${d.result})`);
    if (!d.currentStep) {
      // Between steps (klachtflow takes one itself): let it.
      await rt.advance('PT1H');
      continue;
    }
    const due = d.deadlines
      .filter((x: any) => x.status === 'open' && x.kind !== 'complainant')
      .map((x: any) => x.dueAt as string)
      .sort()[0];
    if (!due) {
      // No term runs (a first contact without one): take the step, on to the step that has one.
      const token = rt.officers[d.currentStep?.assignee] ?? anyOfficer;
      const actions = (await rt.call('GET', `/dossiers/${id}`, { token })).json.availableActions;
      const action = actions.find((a: any) => a.type === 'outcome');
      if (!action) throw new Error(`nothing to do at ${d.currentStep?.id}`);
      const r = await rt.call('POST', `/dossiers/${id}/actions`, {
        token,
        body: { type: 'outcome', stepId: action.stepId, outcome: action.fields.outcome.options[0].value },
      });
      expect(r.status, r.text).toBe(200);
      await rt.advance('PT0S');
      continue;
    }
    await rt.call('POST', '/local/clock', { body: { to: new Date(Date.parse(due) + 3_600_000).toISOString() } });
    await rt.advance('PT0S');
  }
  throw new Error(`dossier ${id} did not become late`);
}

describe.each(PRESET_IDS)('browser: the officers’ workplace of %s', (preset) => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('late first with since when, contact details at the top, no default decision, fresh state after an action', async () => {
    const role = rt.regulation.eligibility.roles.some((r) => r.role === 'parent') ? 'parent' : 'client';
    // The way in whose first rung has a term an officer keeps: a step's own or one for the whole
    // handling (SO!: the complaint, not the signal; Ondersteuningsteam: the handler, not the talk
    // with the contact person, which has no term).
    const reg = rt.regulation;
    const variant = reg.intake.variants.find((v) => {
      const rung = reg.ladder.rungs.find((r) => r.id === v.startsAt);
      return (
        rung?.steps.some((s) => s.deadline && s.actor !== 'system' && s.onDeadline?.action !== 'proceed') ||
        reg.ladder.terms.some((t) => rung?.steps.some((s) => stepsInSpan(reg, t).includes(s.id)))
      );
    });
    const body = {
      ...SANNE,
      role,
      ...(variant ? { variant: variant.id } : {}),
      onBehalfOf: 'mijn zoon Daan, 14',
      respondent: { name: 'Jeroen Bakker' },
    };
    const late = await rt.call('POST', '/complaints', {
      body: { ...body, complainant: { ...SANNE.complainant, name: 'Piet Laat' } },
    });
    expect(late.status, late.text).toBe(201);
    await rt.advance('PT0S');
    const lateItem = await makeLate(rt, late.json.id);
    const fresh = await rt.call('POST', '/complaints', { body });
    expect(fresh.status, fresh.text).toBe(201);
    await rt.advance('PT0S');
    const added = await rt.call('POST', `/complaints/${fresh.json.id}/messages`, {
      token: fresh.json.accessToken,
      body: { text: 'Ik heb nog een e-mail van 21 augustus.' },
    });
    expect(added.status, added.text).toBe(200);
    const freshItem = (await rt.call('GET', '/dossiers', { token: Object.values(rt.officers)[0] })).json.items.find(
      (x: any) => x.id === fresh.json.id,
    );

    const context = await chromium().newContext();
    const page = await context.newPage();
    await signIn(page, rt, freshItem.assignee ?? lateItem.assignee);
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/medewerkers/werklijst`);
      const items = page.locator('main li.kf-item');
      const first = (await items.first().innerText()) ?? '';
      expect(first).toContain('Piet Laat');
      expect(first).toMatch(/Te laat, sinds [a-z]+dag \d+ [a-z]+ 2026 \(\d+ dag(en)?\)/);
      const all = await items.allInnerTexts();
      for (const item of all) expect(item).toMatch(/Nu: .+ Aan zet: .+\./s);
      const mine = all.find((x) => x.includes('Sanne de Vries')) ?? '';
      expect(mine).toMatch(/Nog \d+ dag(en)?|Vandaag/);
      expect(mine).toContain('Nieuw bericht');
      expect(await page.locator('main').innerText()).not.toContain('geen termijn');
      await readable(page, `${v.name} worklist`);
      await screenshot(page, `${SHOTS}/${preset}-worklist-${v.name}.png`, { fullPage: true });

      await page.goto(`${rt.url}/medewerkers/dossiers/${fresh.json.id}`);
      const facts = await page.locator('dl.kf-facts').innerText();
      for (const fact of ['0612345678', 'Dorpsstraat 1, 1234 AB Oss', 'mijn zoon Daan, 14', 'Jeroen Bakker'])
        expect(facts).toContain(fact);
      expect(facts).toMatch(/Wanneer gebeurd\s+donderdag 20 augustus 2026/);
      expect(facts).toMatch(/Binnengekomen\s+[a-z]+dag \d+ [a-z]+ 2026 om \d\d:\d\d, via het klachtformulier/);
      // What the complainant added, under the complaint, marked new (not only as a line of the history).
      const added = page.locator('main li.kf-item', { hasText: 'Ik heb nog een e-mail van 21 augustus.' });
      expect(await added.count()).toBe(1);
      expect(await added.innerText()).toMatch(/^De klager, [a-z]+dag \d+ [a-z]+ 2026 om \d\d:\d\d nieuw/);
      // No punctuation run together after a question (issue 17: "?: binnen", a subject "...?, aan").
      expect(await page.locator('main').innerText()).not.toMatch(/\?[,:;]/);
      // No decision is chosen beforehand, anywhere on the page.
      expect(await page.locator('input[type="radio"]:checked').count()).toBe(0);
      await readable(page, `${v.name} dossier`);
      await screenshot(page, `${SHOTS}/${preset}-dossier-${v.name}.png`, { fullPage: true });
    }

    // Sending the outcome form without a choice records nothing and says so beside the choices.
    const before = (await rt.call('GET', `/dossiers/${fresh.json.id}`, { token: Object.values(rt.officers)[0] })).json;
    const step = before.currentStep.id;
    await page.getByRole('button', { name: 'Leg de uitkomst vast' }).click();
    // The click returns once the answer's page is committed, not parsed: the one-shot reads below
    // (count, innerText, the page judged whole) need all of it (KLACHTFLOW_BROWSER_SLOW in
    // test/support/browser.ts).
    await page.waitForLoadState('load');
    expect(await page.locator('#outcome-error').innerText()).toBe('Kies een uitkomst.');
    expect(await page.title()).toMatch(/^Fout: /);
    const unchanged = (await rt.call('GET', `/dossiers/${fresh.json.id}`, { token: Object.values(rt.officers)[0] }))
      .json;
    expect(unchanged.timeline).toEqual(before.timeline);

    // The first outcome the regulation offers: the page that follows is the fresh state, without
    // the form that was just sent (a second send would be refused with 409).
    await page.locator('input[name="outcome"]').first().check();
    await page.getByRole('button', { name: 'Leg de uitkomst vast' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('status').innerText()).toContain('De uitkomst is vastgelegd');
    expect(await page.locator(`form input[name="stepId"][value="${step}"]`).count()).toBe(0);
    const after = (await rt.call('GET', `/dossiers/${fresh.json.id}`, { token: Object.values(rt.officers)[0] })).json;
    const main = await page.locator('main').innerText();
    if (after.status === 'closed') expect(main).toMatch(/Afgesloten op /);
    else if (!after.currentStep) expect(main).toContain('klachtflow zet de volgende stap.');
    else expect(await page.locator('h2', { hasText: /^Nu: / }).innerText()).toBe(`Nu: ${after.currentStep.title}`);
    await readable(page, 'dossier after an action');
    await context.close();
  }, 180_000);
});

describe('browser: every page people read, ONS welzijn, on a phone and a desktop', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('improvement register, reports, the complainant’s pages and the lost link: readable, Dutch dates, the way on', async () => {
    const officer = rt.officers.officer ?? '';
    const submit = async (name: string) => {
      const r = await rt.call('POST', '/complaints', {
        body: { ...SANNE, complainant: { ...SANNE.complainant, name }, onBehalfOf: 'mijn zoon Daan, 14' },
      });
      expect(r.status, r.text).toBe(201);
      await rt.advance('PT0S');
      return r.json as { id: string; accessToken: string; reference: string };
    };
    const open = await submit('Sanne de Vries');
    await rt.call('POST', `/complaints/${open.id}/messages`, {
      token: open.accessToken,
      body: { text: 'Ik heb nog een e-mail van 21 augustus.' },
    });
    const closed = await submit('Kees Jansen');
    for (const [stepId, outcome] of [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved'],
    ]) {
      const r = await rt.call('POST', `/dossiers/${closed.id}/actions`, {
        token: officer,
        body: { type: 'outcome', stepId, outcome },
      });
      expect(r.status, r.text).toBe(200);
      await rt.advance('PT0S');
    }

    const context = await chromium().newContext();
    const page = await context.newPage();
    // The acknowledgement says how to get back; the form and the "link klopt niet" page link the way.
    const ack = (await rt.mail()).find((m) => m.subject === `[${open.reference}] Wij hebben uw klacht ontvangen`);
    expect(ack?.text).toContain(`${rt.url}/klacht/link-kwijt`);
    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/klacht-indienen`);
      expect(await page.locator('a[href="/klacht/link-kwijt"]').count()).toBe(1);
      // The skip link is there for the keyboard, out of sight until it has focus.
      const skip = page.locator('.utrecht-skip-link');
      expect((await skip.boundingBox())?.y ?? 0).toBeLessThan(0);
      await page.keyboard.press('Tab');
      expect((await skip.boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);
      // The consent checkbox is as large as the radio buttons beside it.
      const box = await page.locator('#consent').boundingBox();
      const radio = await page.locator('input[type="radio"]').first().boundingBox();
      expect(Math.abs((box?.width ?? 0) - (radio?.width ?? 0))).toBeLessThanOrEqual(1);
      await readable(page, `${v.name} form`);
      await page.goto(`${rt.url}/klacht/${open.id}/verkeerd`);
      expect(await page.locator('main a[href="/klacht/link-kwijt"]').count()).toBe(1);
      await readable(page, `${v.name} not found`);
      await page.goto(`${rt.url}/klacht/link-kwijt`);
      await readable(page, `${v.name} lost link`);

      // The complainant's page: their own complaint and what they added.
      await page.goto(`${rt.url}/klacht/${open.id}/${open.accessToken}`);
      const mine = await page.locator('main').innerText();
      expect(mine).toContain(SANNE.description);
      expect(mine).toContain('Ik heb nog een e-mail van 21 augustus.');
      await readable(page, `${v.name} complainant page`);
      // Closed: the way on, from the regulation (the next rung, the outside committee).
      await page.goto(`${rt.url}/klacht/${closed.id}/${closed.accessToken}`);
      const after = await page.locator('main').innerText();
      expect(after).toContain('Bent u het niet eens met de uitkomst?');
      expect(after).toContain('Behandeling door de manager');
      expect(after).toContain('Externe klachtencommissie');
      await readable(page, `${v.name} closed complaint`);
      await screenshot(page, `${SHOTS}/closed-complaint-${v.name}.png`, { fullPage: true });
    }
    const closing = (await rt.mail()).find((m) => m.subject === `[${closed.reference}] Uw klacht is afgesloten`);
    expect(closing?.text).toContain('Bent u het niet eens met de uitkomst?');
    expect(closing?.text).toContain('Behandeling door de manager');

    // An improvement action with a date typed the Dutch way; an impossible date is refused beside
    // the field, with what was typed kept.
    await signIn(page, rt, 'officer');
    await page.goto(`${rt.url}/medewerkers/dossiers/${closed.id}`);
    await page.getByLabel('Wat gaat er beter?').fill('Afspraken in de agenda zetten');
    await page.getByLabel('Wie zorgt ervoor?').selectOption('manager');
    await page.getByLabel('Klaar op').fill('31-02-2027');
    await page.getByRole('button', { name: 'Voeg toe aan het verbeterregister' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Fout: /);
    expect(await page.locator('#improvement-due-error').innerText()).toContain('bijvoorbeeld 15-01-2027');
    expect(await page.getByLabel('Wat gaat er beter?').inputValue()).toBe('Afspraken in de agenda zetten');
    expect(await page.getByLabel('Klaar op').inputValue()).toBe('31-02-2027');
    await readable(page, 'improvement form with an error');
    await page.getByLabel('Klaar op').fill('15-01-2027');
    await page.getByRole('button', { name: 'Voeg toe aan het verbeterregister' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('status').innerText()).toContain('verbeterregister');

    for (const v of VIEWPORTS) {
      await page.setViewportSize(v);
      await page.goto(`${rt.url}/medewerkers/verbeterregister`);
      const register = await page.locator('main').innerText();
      expect(register).toContain('Uiterlijk vrijdag 15 januari 2027');
      expect(register).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      await readable(page, `${v.name} improvement register`);
      await screenshot(page, `${SHOTS}/register-${v.name}.png`, { fullPage: true });

      // The reports page: a period, the charts, a download; the municipality counted once, no label
      // over its bar, and the improvement action's own words nowhere.
      await page.goto(`${rt.url}/medewerkers/rapportage`);
      await page.getByRole('link', { name: 'Dit jaar (2026)' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('main svg').count()).toBeGreaterThan(3);
      const captions = await page.locator('main figcaption').allInnerTexts();
      expect(captions.filter((c) => /gemeente/i.test(c))).toEqual(['Per werkgebied (gemeente)']);
      const overlaps = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        let n = 0;
        for (const svg of doc.querySelectorAll('main svg')) {
          const texts = [...svg.querySelectorAll('text')].map((t: any) => t.getBoundingClientRect());
          for (const r of [...svg.querySelectorAll('rect')].map((x: any) => x.getBoundingClientRect()))
            if (r.width > 0)
              for (const t of texts)
                if (t.left < r.right && t.right > r.left && t.top < r.bottom && t.bottom > r.top) n++;
        }
        return n;
      });
      expect(overlaps).toBe(0);
      expect(await page.locator('main').innerText()).not.toContain('Afspraken in de agenda zetten');
      await readable(page, `${v.name} reports page`);
      await screenshot(page, `${SHOTS}/reports-${v.name}.png`, { fullPage: true });
    }
    const csv = await page.request.get(
      `${rt.url}${await page.getByRole('link', { name: 'Als spreadsheet (CSV)' }).getAttribute('href')}`,
    );
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="klachtenrapportage-ons-welzijn-/);
    expect(await csv.text()).not.toContain('Afspraken in de agenda zetten');
    await context.close();
  }, 240_000);
});
