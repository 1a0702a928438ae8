import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, NO_ANSWER_NOTE } from '../lambdas/domain/letters.js';
import { deadline, dossier, mailsOf, ONS_OFFICER_WITHOUT_SOLUTION, submit, walk } from './support/ladder.js';
import { officerCookie, type TestRuntime, testRuntime } from './support/runtime.js';

// ONS welzijn, with the preset's term for the complainant's choice after a rung (six weeks, a
// reminder a week before). Submitted on Thursday 3 September 2026, 09:00 (Amsterdam).
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

async function worklist(): Promise<string> {
  const cookie = await officerCookie(rt);
  return (await fetch(`${rt.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
}

describe('the complainant’s term to ask for the next rung', () => {
  it('is told in the letter that ends the rung, reminded a week before, and closes the dossier when it passes', async () => {
    const s = await submit(rt);
    let d = await walk(rt, s.id, ONS_OFFICER_WITHOUT_SOLUTION('De medewerker had de afspraken moeten nakomen.'));
    expect(d.currentStep.id).toBe('choice-officer');
    const term = deadline(d, 'choice-officer');
    // Six weeks from the moment the rung ended, the complainant's own term.
    expect(term).toMatchObject({ status: 'open', kind: 'complainant', lastDay: '2026-10-15' });
    expect(term.explanation.text).toContain(
      'Termijn van 6 weken (door ONS welzijn gekozen; de regeling noemt hier geen termijn)',
    );

    const findings = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('bevindingen'));
    expect(findings?.text).toContain(`Laat het ons uiterlijk ${dayOf(term.dueAt)} weten.`);
    expect(findings?.text).toContain('Dan sluiten wij uw klacht af.');

    // Nobody may choose "no answer", and the complainant's page does not offer it.
    const asComplainant = await rt.call('GET', `/complaints/${s.id}`, { token: s.token });
    const options = asComplainant.json.availableActions[0].fields.outcome.options.map((o: any) => o.value);
    expect(options).toEqual(['escalate-manager', 'escalate-committee', 'satisfied', 'stop']);
    const refused = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.officer,
      body: { type: 'outcome', stepId: 'choice-officer', outcome: 'no-answer' },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.issues.map((i: any) => i.path)).toEqual(['outcome']);

    // The complainant's own page says it to them, with the day.
    const page = await (await fetch(`${rt.url}/klacht/${s.id}/${s.token}`)).text();
    expect(page).toContain(
      `U kiest nu of u verder wilt met uw klacht. Laat het ons uiterlijk ${dayOf(term.dueAt)} weten.`,
    );

    // The worklist: the term is the complainant's, so it is never "te laat" for the officer.
    let list = await worklist();
    expect(list).toContain(`De klager kan kiezen tot ${dayOf(term.dueAt)}`);

    // Five weeks and a day later: the reminder has gone to the complainant, not to an officer.
    await rt.advance('P5WT1H');
    const reminder = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('Herinnering'));
    expect(reminder?.subject).toBe(`[${s.reference}] Herinnering: wilt u verder met uw klacht?`);
    expect(reminder?.to).toEqual(['sanne@example.nl']);
    expect(reminder?.text).toContain('Behandeling door de manager');
    expect(reminder?.text).toContain(`Laat het ons uiterlijk ${dayOf(term.dueAt)} weten.`);
    expect(reminder?.text).not.toContain('/medewerkers/');
    d = await dossier(rt, s.id);
    expect(d.status).toBe('open');

    // Past the term: closed as not resolved, with a letter that says why and where to turn.
    await rt.advance('P8D');
    d = await dossier(rt, s.id);
    expect(d.status).toBe('closed');
    expect(d.closed.result).toBe('not-resolved');
    expect(deadline(d, 'choice-officer').status).toBe('cancelled');
    expect(d.history.map((h: any) => h.text)).toEqual(
      expect.arrayContaining([
        'Termijn vervallen: Keuze van de klager: verder met de klacht of afsluiten (de klager heeft binnen de termijn niet gereageerd).',
        'Geen antwoord van de klager binnen de termijn om te kiezen.',
        'Brief aan de klager: Herinnering: wilt u verder met uw klacht?',
        'Dossier gesloten: niet opgelost.',
      ]),
    );
    // No line ends twice (the reminder's subject asks a question: it read "…klacht?." before).
    expect(d.history.map((h: any) => h.text).filter((t: string) => /[?!.]\.$/.test(t))).toEqual([]);
    const mails = await mailsOf(rt, s.reference);
    const closure = mails.find((m) => m.subject.includes('afgesloten'));
    expect(closure?.text).toContain(NO_ANSWER_NOTE);
    expect(closure?.text).toContain('klachtenfunctionaris@ons-welzijn.nl');
    // Not a breach: no alarm went to anybody.
    expect(mails.filter((m) => m.subject.includes('Termijn verstreken'))).toEqual([]);
    list = await worklist();
    expect(list).not.toContain(s.reference);

    // The report counts the dossier as not resolved, and no attainment for the complainant's term.
    const report = await rt.call('GET', '/reports?from=2026-01-01&to=2026-12-31', { token: rt.officers.officer });
    expect(report.status).toBe(200);
    expect(report.json.deadlines.map((r: any) => r.step)).not.toContain('choice-officer');
  });

  it('an answer in time ends the term as kept and the ladder goes on', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, ONS_OFFICER_WITHOUT_SOLUTION());
    await rt.advance('P4W');
    const r = await rt.call('POST', `/complaints/${s.id}/escalate`, { token: s.token, body: { to: 'manager' } });
    expect(r.status, r.text).toBe(200);
    await rt.advance('PT0S');
    const d = await dossier(rt, s.id);
    expect(d.currentStep).toMatchObject({ id: 'manager-handling', assignee: 'manager' });
    expect(deadline(d, 'choice-officer').status).not.toBe('open');
    // The reminder for the term that no longer runs never goes out.
    await rt.advance('P3W');
    const mails = await mailsOf(rt, s.reference);
    expect(mails.filter((m) => m.subject.includes('wilt u verder'))).toEqual([]);
    expect((await dossier(rt, s.id)).status).toBe('open');
  });
});
