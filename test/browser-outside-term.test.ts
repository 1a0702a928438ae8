/**
 * The date by which the complainant tells us whether they go on is ours, not the outside body's.
 * SO! Trainingsbureau's regulation: "Ben je hierna nog steeds ontevreden en wens je de klacht door
 * te zetten? Dan wordt de klacht een geschil dat je vervolgens schriftelijk voor kunt leggen aan de
 * Geschillencommissie Zorg." It names no term. Found in the review of session 11: the decision
 * letter and the page said "Laat het ons uiterlijk donderdag 15 oktober 2026 weten. Hebben wij dan
 * niets van u gehoord? Dan sluiten wij uw klacht af." and nothing else, read as the last day to go
 * to the Geschillencommissie (six weeks: klachtflow's own assumption for ladder.choice).
 *
 * The judges: the decision letter in the mailbox and the complainant's page in Chromium at 390 and
 * 1280 px: after the date, that going to De Geschillencommissie Zorg stays possible, by its own rules.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { escalate, submit, walk } from './support/ladder.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

// SO! Trainingsbureau says "je" (its regulation does: lambdas/domain/address.ts).
const AFTER =
  /Ook daarna kun je zelf naar De Geschillencommissie Zorg\. Tot wanneer dat kan, staat in de regels van De Geschillencommissie Zorg\./;

describe('SO! Trainingsbureau: the way to De Geschillencommissie Zorg has no date of ours', () => {
  it('the decision letter and the page say the date is for us, not for the Geschillencommissie', async () => {
    const rt = await testRuntime('so-trainingsbureau', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt, { variant: 'klachtenfunctionaris' });
    await walk(rt, s.id, [
      ['handle-or-not', 'handled'],
      ['mediation', 'not-resolved'],
    ]);
    await escalate(rt, s, 'director');
    await walk(rt, s.id, [
      ['judgement', 'partly-well-founded', 'Toelichting.'],
      ['measures', 'measures-stated'],
    ]);
    const decision = (await rt.mail()).find(
      (m) => m.to.includes('sanne@example.nl') && m.subject.includes('Beslissing over je klacht'),
    );
    expect(decision?.text).toContain('Laat het ons uiterlijk donderdag 15 oktober 2026 weten.');
    const after = decision?.text.split('Laat het ons uiterlijk')[1] ?? '';
    expect(after).toMatch(AFTER);

    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await page.goto(`${rt.url}/klacht/${s.id}/${s.token}`);
    const status = await page.locator('h2:has-text("Waar staat je klacht nu?") + p').first().innerText();
    expect(status).toContain('Laat het ons uiterlijk donderdag 15 oktober 2026 weten.');
    expect(status).toMatch(AFTER);
    await shoot(page, SHOTS, 'outside-term-so-trainingsbureau', 'SO!: the page at the choice');
    await page.context().close();
  });
});
