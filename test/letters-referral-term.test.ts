/**
 * Where to go next, and by when (Awb 9:12 lid 2; PEOPLE.md: the findings say "which ombudsman or
 * disputes body the complainant can go to and within what term"). Seen in the review of session 11
 * as the director of Thuiszorg De Linde (a Wkkgz home-care provider, `examples/`): the decision
 * letter said "U kunt ook terecht bij: De Geschillencommissie Zorg" with its website, and the
 * complainant's page listed it too, but neither said the term the regulation names for it ("binnen
 * een jaar na de beslissing"). A complainant who waits longer loses the way on.
 *
 * The judges: the letter as it arrives in the local mailbox, the complainant's page as served, and
 * the regulation's own referral (its `term`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegulation } from '../statemachines/load.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

const runtimes: TestRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

describe('a referral with a term: the letter and the page say the term', () => {
  it('Wkkgz (thuiszorg-de-linde): the decision names De Geschillencommissie Zorg and its term', async () => {
    const file = 'examples/thuiszorg-de-linde.yaml';
    const reg = loadRegulation(file);
    const rt = await testRuntime(file, '2026-09-03T09:00:00+02:00');
    runtimes.push(rt);
    const c = await rt.call('POST', '/complaints', { body: SANNE });
    expect(c.status, c.text).toBe(201);
    await rt.advance('PT0S');
    const officer = rt.officers.officer ?? '';
    const director = rt.officers.director ?? '';
    const act = async (token: string, body: object) => {
      const r = await rt.call('POST', `/dossiers/${c.json.id}/actions`, { token, body });
      expect(r.status, r.text).toBe(200);
      await rt.advance('PT0S');
    };
    await act(officer, { type: 'outcome', stepId: 'mediation', outcome: 'not-resolved' });
    const decision = reg.ladder.rungs.flatMap((r) => r.steps).find((s) => s.id === 'decision');
    const unfounded = decision?.outcomes.find((o) => o.id === 'unfounded');
    const referral = reg.referrals.find((r) => r.id === unfounded?.letter?.referral);
    expect(referral?.term, 'the regulation names a term for the body the decision refers to').toBeTruthy();
    await act(director, {
      type: 'outcome',
      stepId: 'decision',
      outcome: 'unfounded',
      contents: { judgement: 'De afspraken zijn nagekomen; de agenda laat het zien.' },
    });

    const letter = (await rt.mail()).find(
      (m) => m.to.includes(SANNE.complainant.email) && m.subject.includes('Beslissing'),
    );
    expect(letter, 'the decision letter in the mailbox').toBeDefined();
    const text = letter?.text ?? '';
    expect(text).toContain(referral?.name ?? '');
    // The term as the regulation says it, beside the body it belongs to.
    const at = text.indexOf(referral?.name ?? '');
    expect(text.slice(at, at + 400), text).toContain(referral?.term ?? '');

    const page = await fetch(`${rt.url}/klacht/${c.json.id}/${c.json.accessToken}`);
    const html = (await page.text()).replace(/<[^>]+>/g, ' ');
    const wayOn = html.slice(html.indexOf('Bent u het niet eens met de uitkomst?'));
    expect(wayOn).toContain(referral?.name ?? '');
    expect(wayOn.slice(0, 1000)).toContain(referral?.term ?? '');
  });
});
