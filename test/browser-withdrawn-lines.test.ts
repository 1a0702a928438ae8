/**
 * A complaint withdrawn while a step runs: what the history says about that step. Seen in the
 * review of session 11 as a parent withdrawing a complaint from SO! Trainingsbureau on a phone: the
 * page's "Wat er al gebeurde" said `De stap "Bemiddeling door de klachtenfunctionaris": withdrawn.`,
 * the English id of the outcome a withdrawal gives the running step, which no step of any
 * regulation names. The officers' history had the same word.
 *
 * The judges: Chromium with axe and the pages' English-word check (support/page-judge.ts) for the
 * complainant's page at 390 px and the dossier at 1280 px, and for every preset the lines people
 * read (the officers' history and the complainant's page) through the API, with the same check.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PRESET_IDS } from '../statemachines/load.js';
import { signIn, useChromium } from './support/browser.js';
import { ENGLISH, shoot, VIEWPORTS } from './support/page-judge.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

const english = (text: string) =>
  ENGLISH.filter((w) => new RegExp(`(^|[^\\p{L}@-])${w}($|[^\\p{L}@-])`, 'u').test(text));

/** A complaint sent and withdrawn while its first step runs; its id and token. */
async function withdrawnMidStep(rt: TestRuntime): Promise<{ id: string; token: string }> {
  const r = await rt.call('POST', '/complaints', { body: SANNE });
  expect(r.status, r.text).toBe(201);
  await rt.advance('PT0S');
  const w = await rt.call('POST', `/complaints/${r.json.id}/withdraw`, {
    token: r.json.accessToken,
    body: { reason: 'Het is opgelost met de mentor.' },
  });
  expect(w.status, w.text).toBe(200);
  await rt.advance('PT0S');
  return { id: r.json.id, token: r.json.accessToken };
}

describe('a complaint withdrawn mid-step: the history in Dutch', () => {
  for (const preset of PRESET_IDS) {
    it(`${preset}: the officers' history and the complainant's page`, async () => {
      const rt = await testRuntime(preset, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const { id, token } = await withdrawnMidStep(rt);
      let history: string[] = [];
      for (const t of Object.values(rt.officers)) {
        const d = await rt.call('GET', `/dossiers/${id}`, { token: t });
        if (d.status === 200) {
          history = (d.json.history as { text: string }[]).map((h) => h.text);
          break;
        }
      }
      expect(history.length).toBeGreaterThan(0);
      expect(
        history.filter((l) => english(l).length),
        'officers’ history',
      ).toEqual([]);
      const page = (await (await fetch(`${rt.url}/klacht/${id}/${token}`)).text()).replace(/<[^>]+>/g, ' ');
      expect(english(page), 'complainant’s page').toEqual([]);
    });
  }

  it('so-trainingsbureau in Chromium: the parent’s page at 390 px, the dossier at 1280 px', async () => {
    const rt = await testRuntime('so-trainingsbureau', '2026-12-04T09:00:00+01:00');
    runtimes.push(rt);
    const { id, token } = await withdrawnMidStep(rt);
    const page = await (await chromium().newContext({ viewport: VIEWPORTS[0] })).newPage();
    await page.goto(`${rt.url}/klacht/${id}/${token}`);
    const lines = await page.locator('h2:has-text("Wat er al gebeurde") + ul > li').allInnerTexts();
    expect(lines.join('\n'), lines.join('\n')).toMatch(/ingetrokken/);
    await shoot(page, SHOTS, 'withdrawn-page', 'so-trainingsbureau: the page of a withdrawn complaint');
    await page.context().close();
    const officer = await (await chromium().newContext({ viewport: VIEWPORTS[1] })).newPage();
    await signIn(officer, rt.url, rt.officers['complaints-officer'] ?? '');
    await officer.goto(`${rt.url}/medewerkers/dossiers/${id}`);
    await shoot(officer, SHOTS, 'withdrawn-dossier', 'so-trainingsbureau: the dossier of a withdrawn complaint');
    await officer.context().close();
  });
});
