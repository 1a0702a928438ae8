/**
 * The complainant's page says how far the term for the whole handling may be put off, as their
 * acknowledgement does (Awb 9:11 lid 2: "ten hoogste vier weken", further only with their written
 * consent; PEOPLE.md "What complainants must be told"). Review of session 11: the cap was in the
 * letter only, not on the page they follow the complaint on.
 *
 * The judge: SWT Dordrecht's complainant page in Chromium at 390 and 1280 px, while the manager's
 * six weeks run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { submit } from './support/ladder.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

describe("browser: SWT Dordrecht, the complainant's page while the six weeks run", () => {
  it('says how far they may be put off', async () => {
    const rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt, { variant: 'manager' });
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await page.goto(`${rt.url}/klacht/${s.id}/${s.token}`);
    const main = await page.locator('main').innerText();
    const beforeLetters = main.split('Brieven aan u')[0] ?? '';
    expect(beforeLetters).toContain('Dan mogen wij ten hoogste 4 weken langer doen.');
    expect(beforeLetters).toContain('Langer kan alleen als u daar schriftelijk mee instemt.');
    await shoot(page, SHOTS, 'extension-cap-page-swt', "SWT: the complainant's page");
    await page.context().close();
  });
});
