/**
 * The report page tells a decision made late from one never made. Review of session 11: SO!
 * Trainingsbureau's analysis ("De directeur is ervoor verantwoordelijk dat klachten tenminste
 * éénmaal per jaar worden geanalyseerd") counted a decision on day 29 of "binnen vier weken" as
 * "verstreken", the same as a complaint nobody decided on.
 *
 * The judges: the page in Chromium at 390 and 1280 px (axe, no sideways scroll), over complaints
 * the ladder ran: one decided in time, one on day 29, one never decided, one withdrawn undecided.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { signIn, useChromium } from './support/browser.js';
import { act, submit } from './support/ladder.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

describe('browser: SO! Trainingsbureau, the report page', () => {
  it('says which terms were kept late and which passed without a decision', async () => {
    const rt = await testRuntime('so-trainingsbureau', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const inTime = await submit(rt, { variant: 'klachtenfunctionaris' });
    await act(rt, inTime.id, 'handle-or-not', 'not-handled');
    const late = await submit(rt, { variant: 'klachtenfunctionaris' });
    await submit(rt, { variant: 'klachtenfunctionaris' });
    const gaveUp = await submit(rt, { variant: 'klachtenfunctionaris' });
    await rt.advance('P29D');
    await act(rt, late.id, 'handle-or-not', 'handled');
    const w = await rt.call('POST', `/complaints/${gaveUp.id}/withdraw`, { token: gaveUp.token, body: {} });
    expect(w.status, w.text).toBe(200);
    await rt.advance('PT0S');

    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await signIn(page, rt.url, rt.officers['office-manager'] ?? '');
    await page.goto(`${rt.url}/medewerkers/rapportage`);
    await page.getByRole('link', { name: 'Dit jaar (2026)' }).click();
    // The click returns once the year's page is committed, not parsed; allInnerTexts does not wait
    // for the list (under KLACHTFLOW_BROWSER_SLOW=6, test/support/browser.ts, it found no line).
    await page.waitForLoadState('load');
    const terms = await page.locator('h2:has-text("Termijnen per stap") + ul > li').allInnerTexts();
    const line = terms.find((t) => t.startsWith('Besluit of de klacht in behandeling wordt genomen'));
    expect(line).toContain('1 gehaald');
    expect(line).toContain('1 te laat afgerond');
    expect(line).toContain('2 verstreken zonder besluit');
    await shoot(page, SHOTS, 'report-late-so-trainingsbureau', 'SO!: the report page');
    await page.context().close();
  });
});
