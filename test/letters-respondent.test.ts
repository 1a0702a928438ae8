import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, dossier, escalate, mailsOf, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// Letters as their readers get them (issue 16): the respondent's copy speaks of "de klacht", not
// "uw klacht", and does not ask them whether they agree with the complainant's extension; nobody
// named, no letter to a respondent at all (not even one to print); a reason is one sentence; the
// letter is signed by whoever took the step (a committee's ruling by the committee); a binding
// ruling says it is binding.

const JAN = { name: 'Jan Jansen', email: 'jan.jansen@example.nl' };

describe('letters: SWT Dordrecht, an extension', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  async function extend(respondent?: typeof JAN) {
    const s = await submit(rt, { variant: 'manager', ...(respondent ? { respondent } : {}) });
    await act(rt, s.id, 'intake', 'handled');
    const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.manager,
      body: {
        type: 'extend',
        // Since SWT's six weeks are one term for the manager's rung (Awb 9:11), the extension is of that term.
        termId: 'afhandeling',
        stepId: 'findings',
        term: 'vier weken',
        reason: 'Wij wachten op informatie van de zorgaanbieder.',
      },
    });
    expect(r.status, r.text).toBe(200);
    await rt.advance('PT0S');
    return s;
  }

  it('the respondent’s copy is about "de klacht" and asks nothing of them; the reason ends once', async () => {
    const s = await extend(JAN);
    const mails = (await mailsOf(rt, s.reference)).filter((m) => /meer tijd/i.test(m.subject));
    const toComplainant = mails.find((m) => m.to.includes('sanne@example.nl'));
    const toRespondent = mails.find((m) => m.to.includes(JAN.email));
    expect(toComplainant?.text).toContain('De reden is: Wij wachten op informatie van de zorgaanbieder.\n');
    expect(toComplainant?.text).not.toContain('..');
    expect(toComplainant?.text).toContain('Bent u het hier niet mee eens?');
    expect(toRespondent, JSON.stringify(mails.map((m) => m.to))).toBeDefined();
    expect(toRespondent?.subject).not.toMatch(/uw klacht/i);
    expect(toRespondent?.text).not.toMatch(/uw klacht/i);
    expect(toRespondent?.text).not.toContain('Bent u het hier niet mee eens?');
    expect(toRespondent?.text).toContain('de klacht (kenmerk');
  });

  it('no respondent named: no letter to a respondent, not even one to print', async () => {
    const s = await extend();
    const d = await dossier(rt, s.id);
    expect(d.letters.filter((l: { audience: string }) => l.audience === 'respondent')).toEqual([]);
  });
});

describe('letters: OCO Almere, the committee’s binding ruling', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('oco-almere', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('comes from the committee, says it is binding, and the respondent’s copy is not "uw klacht"', async () => {
    const s = await submit(rt, { respondent: JAN });
    await walk(rt, s.id, [
      ['contact', 'contact-made'],
      ['conversation', 'not-resolved', 'Geen overeenstemming.'],
    ]);
    await escalate(rt, s, 'committee');
    await walk(rt, s.id, [
      ['committee-meeting', 'discussed'],
      ['hearing', 'held'],
      ['ruling', 'well-founded', 'De commissie verklaart de klacht gegrond.'],
    ]);
    const rulings = (await mailsOf(rt, s.reference)).filter((m) => m.subject.includes('Uitspraak'));
    const toComplainant = rulings.find((m) => m.to.includes('sanne@example.nl'));
    const toRespondent = rulings.find((m) => m.to.includes(JAN.email));
    for (const letter of [toComplainant, toRespondent]) {
      expect(letter?.text).toContain('Deze uitspraak van Klachtencommissie OCO Almere is bindend.');
      expect(letter?.text).toMatch(/Met vriendelijke groet,\nKlachtencommissie OCO Almere$/);
    }
    expect(toRespondent?.text).not.toMatch(/uw klacht/i);
  });
});
