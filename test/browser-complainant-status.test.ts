import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { screenshot, useChromium } from './support/browser.js';
import { act, escalate, ONS_OFFICER_WITHOUT_SOLUTION, type Submitted, submit, walk } from './support/ladder.js';
import { readable, VIEWPORTS } from './support/page-judge.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// "Waar staat uw klacht nu?" and "Wat er al gebeurde" on the complainant's own page, as a person
// reads them in a real browser (Debian chromium) on a phone (390 px) and a desktop (1280 px), and
// the same dossier through the complainant's own API view. Found at 390 px in the review of the
// last session: "Nu: Wordt de klacht behandeld? De regeling noemt hiervoor geen vaste termijn."
// above "De termijn staat stil", while the six weeks for the whole handling ran (only stood still);
// a step named as a question after "Nu:"; "Niet opgelost, of geen gesprek mogelijk." in the history
// without the step it ended; the JSON view explaining the stopped term with the officers' title.
const SHOTS = 'test-results/screenshots/complainant-status';
mkdirSync(SHOTS, { recursive: true });
const chromium = useChromium();
const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

/** The complainant's page at both widths: screenshots of `main`, axe, no sideways scroll; its text. */
async function look(s: Submitted, name: string, what: string): Promise<{ status: string; history: string[] }> {
  const page: Page = await (await chromium().newContext()).newPage();
  await page.goto(s.body.statusUrl);
  for (const v of VIEWPORTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await screenshot(page.locator('main'), `${SHOTS}/${name}-${v.width}.png`);
    await readable(page, `${what} (${v.width} px)`);
    // A box's first line starts at its padding: no empty line above its heading (seen at 390 px in
    // the review of session 8: an h3's own top margin inside "De termijn staat stil").
    const gaps = await page.$$eval('.kf-box', (boxes) =>
      boxes.map((b) => {
        const first = b.firstElementChild;
        if (!first) return 0;
        // The page's own getComputedStyle (this project's TypeScript has no DOM library).
        const style = (
          globalThis as unknown as { getComputedStyle(e: unknown): Record<'borderTopWidth' | 'paddingTop', string> }
        ).getComputedStyle;
        const cs = style(b);
        const inner = b.getBoundingClientRect().top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop);
        return Math.round(first.getBoundingClientRect().top - inner);
      }),
    );
    expect(
      gaps.filter((g) => g > 1),
      `${what} (${v.width} px): space above a box's first line`,
    ).toEqual([]);
  }
  // The paragraph under "Waar staat uw klacht nu?", and each line of "Wat er al gebeurde".
  const status = await page.locator('h2:has-text("Waar staat uw klacht nu?") + p').first().innerText();
  const history = await page.locator('h2:has-text("Wat er al gebeurde") + ul > li').allInnerTexts();
  await page.context().close();
  return { status, history };
}

/** A title of the regulation appears as a name (between quotes), never bare inside a sentence. */
function asName(text: string, title: string) {
  expect(text, text).toContain(`"${title}"`);
  expect(text.replaceAll(`"${title}"`, ''), text).not.toContain(title);
}

describe("browser: where the complaint stands, on the complainant's page", () => {
  it('the clock stands still on a step with its own term: no "geen vaste termijn", the step by its name; the API view says the ground as the page does', async () => {
    const rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-11-05T09:00:00+01:00');
    runtimes.push(rt);
    const s = await submit(rt);
    const stop = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: {
        type: 'suspend',
        stepId: 'ontvankelijkheid',
        ground: 'bemiddeling',
        reason: 'U praat eerst met een bemiddelaar.',
        consent: true,
      },
    });
    expect(stop.status, stop.text).toBe(200);
    await rt.advance('PT0S');
    const { status } = await look(s, 'stilstand', 'the page while the clock stands still');
    // The step has a term of its own (Awb 9:8) and the whole handling one (Awb 9:11): both stand
    // still, neither is "no fixed term".
    expect(status).not.toContain('geen vaste termijn');
    expect(status).not.toMatch(/\bNu:/);
    asName(status, 'Wordt de klacht behandeld?');

    // The complainant's own API view: the stopped terms explained with the ground as they read
    // it on the page ("u heeft om bemiddeling gevraagd", the example's toComplainant), never
    // the officers' title.
    const own = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
    expect(own.status, own.text).toBe(200);
    expect(own.json.suspension.title).toBe('U heeft om bemiddeling gevraagd.');
    const stopped = own.json.deadlines.filter((d: any) => d.suspended);
    expect(stopped.map((d: any) => d.step).sort()).toEqual(['afhandeling', 'ontvankelijkheid']);
    for (const d of stopped) {
      const words = [d.explanation.text, ...d.explanation.steps.map((x: any) => x.why)].join('\n');
      expect(words).toContain('u heeft om bemiddeling gevraagd');
      expect(words).not.toContain('Bemiddeling op verzoek van de klager');
      expect(words).not.toMatch(/\bklager\b/);
    }
    // The officers keep their title.
    const officer = await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.coordinator });
    expect(JSON.stringify(officer.json.deadlines)).toContain('Bemiddeling op verzoek van de klager');
  });

  it('a step without its own term while the whole handling has one: that date, no "geen vaste termijn"; the history names each step', async () => {
    const rt = await testRuntime('examples/sociaal-team-gemeente.yaml', '2026-11-05T09:00:00+01:00');
    runtimes.push(rt);
    const s = await submit(rt);
    await act(rt, s.id, 'ontvankelijkheid', 'behandelen');
    await act(rt, s.id, 'horen', 'gehoord');
    const { status, history } = await look(s, 'onderzoek', 'the page at a step without its own term');
    expect(status).not.toContain('geen vaste termijn');
    asName(status, 'Onderzoek en advies aan het college');
    // Six weeks from Thursday 5 November 2026 (Awb 9:11).
    expect(status).toContain('donderdag 17 december 2026');
    // Each outcome says what it ended: by the step's name where the outcome alone would not
    // ("Niet opgelost"), once where it does (history-lines.test.ts judges every preset for that).
    expect(history.slice(1)).toEqual([
      expect.stringMatching(/^Ontvangstbevestiging verstuurd\. /),
      expect.stringMatching(/^De klacht wordt behandeld\. /),
      expect.stringContaining('"Gesprek met u en met de medewerker over wie u klaagt"'),
    ]);
  });

  it('ONS welzijn: the history names the step "Niet opgelost" ended; a step with no term at all says so', async () => {
    const rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const s = await submit(rt);
    await walk(rt, s.id, ONS_OFFICER_WITHOUT_SOLUTION());
    await escalate(rt, s, 'manager');
    const { status, history } = await look(s, 'ons-manager', 'the page at the manager, a step without any term');
    const ended = history.find((h) => /niet opgelost, of geen gesprek mogelijk/i.test(h)) ?? '';
    expect(ended).toContain('"Gesprekken met u en de medewerker"');
    // "De manager zal zo snel mogelijk een oplossing proberen te vinden": no term, and none for the
    // whole handling runs at this rung.
    expect(status).toContain('geen vaste termijn');
    asName(status, 'De manager zoekt een oplossing');
  });
});
