/**
 * The officer sees how far a term may be put off before putting it off. Review of session 11: the
 * extend form said only "Bijvoorbeeld: vier weken, of 10 werkdagen."; the cap (Awb 9:11 lid 2: "ten
 * hoogste vier weken", further only with the complainant's written consent) showed only in the
 * refusal after trying more. SWT Dordrecht's regulation puts off the manager's six weeks "with at
 * most four weeks" (its ladder.terms extension, Awb 9:11 lid 2).
 *
 * The judge: the dossier in Chromium at 390 and 1280 px, signed in as the manager: the hint of the
 * form to put off the term says the cap, the statute and the way beyond it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { signIn, useChromium } from './support/browser.js';
import { submit } from './support/ladder.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

describe('browser: SWT Dordrecht, putting off the six weeks', () => {
  it('the form says how far it may go', async () => {
    const rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt, { variant: 'manager' });
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await signIn(page, rt.url, rt.officers.manager ?? '');
    await page.goto(`${rt.url}/medewerkers/dossiers/${s.id}`);
    const form = page.locator('form:has(h3:has-text("Termijn voor de hele behandeling verdagen"))');
    const hint = await form.locator('.kf-hint').first().innerText();
    expect(hint).toContain('Alle verlengingen samen: ten hoogste 4 weken (Awb 9:11 lid 2).');
    expect(hint).toContain('Langer alleen met schriftelijke instemming van de klager.');
    await shoot(
      page,
      SHOTS,
      'extension-cap-swt',
      'SWT: the form to put off the term',
      'form:has(h3:has-text("Termijn voor de hele behandeling verdagen"))',
    );
    await page.context().close();
  });
});
