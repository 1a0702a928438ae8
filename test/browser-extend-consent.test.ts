/**
 * The extension form offers "De klager stemt schriftelijk in met een langere verlenging" only where
 * the regulation's rule allows going past the cap with that consent. Seen in the review of session
 * 11 as the director of Thuiszorg De Linde (Wkkgz, `examples/`): the form offered it, while Wkkgz
 * art. 17 lid 2 and the regulation ("kan de termijn eenmaal met ten hoogste vier weken verlengen")
 * know no such way; the service would refuse the longer term, after the director had told the
 * complainant it was agreed. Awb 9:11 lid 2 has it ("Verder uitstel is slechts mogelijk voor zover
 * de klager daarmee schriftelijk instemt"), and the Ondersteuningsteam's handling term says so.
 *
 * The judges: the officers' dossier page in Chromium at 1280 px (axe, screenshot), and each
 * regulation's own extension rule (`beyondMaxWithConsent`, cited to its statute).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegulation } from '../statemachines/load.js';
import { signIn, useChromium } from './support/browser.js';
import { shoot, VIEWPORTS } from './support/page-judge.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const SHOTS = 'test-results/screenshots/followups';
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

const CASES = [
  {
    file: 'examples/thuiszorg-de-linde.yaml',
    role: 'director',
    before: [{ role: 'officer', body: { type: 'outcome', stepId: 'mediation', outcome: 'not-resolved' } }],
    body: SANNE,
    allows: (reg: ReturnType<typeof loadRegulation>) =>
      !!reg.ladder.rungs.flatMap((r) => r.steps).find((s) => s.id === 'decision')?.allows.extension
        ?.beyondMaxWithConsent,
  },
  {
    file: 'ondersteuningsteam',
    role: 'handler',
    before: [],
    body: { ...SANNE, variant: 'klachtenbehandelaar' },
    allows: (reg: ReturnType<typeof loadRegulation>) =>
      !!reg.ladder.terms.find((t) => t.id === 'afhandeling')?.extension?.beyondMaxWithConsent,
  },
] as const;

describe('browser: the extension form and the complainant’s consent to a longer one', () => {
  for (const c of CASES) {
    it(`${c.file}: the consent box is there exactly when the regulation allows it`, async () => {
      const reg = loadRegulation(c.file);
      const rt = await testRuntime(c.file, '2026-09-03T09:00:00+02:00');
      runtimes.push(rt);
      const made = await rt.call('POST', '/complaints', { body: c.body });
      expect(made.status, made.text).toBe(201);
      await rt.advance('PT0S');
      for (const b of c.before) {
        const r = await rt.call('POST', `/dossiers/${made.json.id}/actions`, {
          token: rt.officers[b.role],
          body: b.body,
        });
        expect(r.status, r.text).toBe(200);
        await rt.advance('PT0S');
      }
      const page = await (await chromium().newContext({ viewport: VIEWPORTS[1] })).newPage();
      await signIn(page, rt.url, rt.officers[c.role] ?? '');
      await page.goto(`${rt.url}/medewerkers/dossiers/${made.json.id}`);
      const forms = page.locator('form:has(button:has-text("Verleng de termijn"))');
      expect(await forms.count(), 'an extension form').toBeGreaterThan(0);
      const boxes = await forms.getByText('langere verlenging').count();
      expect(boxes > 0, `consent box on ${c.file}`).toBe(c.allows(reg));
      await shoot(page, SHOTS, `extend-consent-${reg.id}`, `${reg.id}: the extension form`);
      await page.context().close();
    });
  }
});
