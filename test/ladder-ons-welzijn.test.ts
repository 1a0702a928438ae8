import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../lambdas/domain/letters.js';
import {
  act,
  deadline,
  dossier,
  escalate,
  mailsOf,
  ONS_OFFICER_WITHOUT_SOLUTION,
  submit,
  walk,
} from './support/ladder.js';
import { officerCookie, type TestRuntime, testRuntime } from './support/runtime.js';

// ONS welzijn: a week, two weeks, three weeks, two months; manager, director, external committee.
// Submitted on Thursday 3 September 2026, 09:00 (Amsterdam).
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('ladder: ONS welzijn', () => {
  it('lists the deadlines counted from receipt at once, and acknowledges within the week', async () => {
    const s = await submit(rt);
    expect(s.reference).toMatch(/^KL-2026-\d{4}$/);
    const byStep = Object.fromEntries(s.body.deadlines.map((d: any) => [d.step, d]));
    // "Uiterlijk binnen een week": Thursday 10 September; two weeks: the 17th; three: the 24th;
    // two months: Tuesday 3 November. Every one explains itself.
    // The answer is the dossier as stored, before the ladder's first step; the acknowledgement
    // goes with that step (the answer once showed it met only when that step won a race, #19).
    expect(byStep.acknowledge).toMatchObject({ lastDay: '2026-09-10', status: 'open' });
    expect(deadline(await dossier(rt, s.id), 'acknowledge').status).toBe('met');
    expect(byStep.admissibility).toMatchObject({
      lastDay: '2026-09-17',
      status: 'open',
      dueAt: '2026-09-17T21:59:59Z',
    });
    expect(byStep['preliminary-investigation'].lastDay).toBe('2026-09-24');
    // The two months are a term for the officer's whole handling, listed under the term's own name.
    expect(byStep.bevindingen).toMatchObject({ lastDay: '2026-11-03', kind: 'target', term: 'bevindingen' });
    expect(byStep.admissibility.explanation.text).toContain('donderdag 3 september 2026');

    const mails = await mailsOf(rt, s.reference);
    const ack = mails.find((m) => m.subject.includes('ontvangen'));
    expect(ack?.to).toEqual(['sanne@example.nl']);
    expect(ack?.text).toContain('Wij hebben uw klacht ontvangen op donderdag 3 september 2026');
    expect(ack?.text).toContain('Mijn procesbegeleider kwam twee afspraken niet na.');
    expect(ack?.text).toContain(s.reference);
    // The regulation's step in plain words for the complainant ("Is de klacht ontvankelijk?").
    expect(ack?.text).toContain('Uiterlijk donderdag 17 september 2026: "Kunnen wij uw klacht behandelen?"');
    expect(ack?.text).not.toMatch(/ontvankelijk|[Vv]ooronderzoek|de klant\b/);
    // The acknowledgement does not list itself as still to come.
    expect(ack?.text).not.toContain('"Ontvangstbevestiging"');
    // The officer is told there is work, with its deadline.
    const task = mails.find((m) => m.subject.includes('Nieuwe taak'));
    expect(task?.to).toEqual(['klachtenfunctionaris@ons-welzijn.nl']);
    expect(task?.text).toContain('Uiterlijk: donderdag 17 september 2026');
  });

  it('resolved at the first rung: admissible, investigated, solved in a conversation, closed with a letter', async () => {
    const s = await submit(rt);
    const d = await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'resolved', 'In het gesprek zijn nieuwe afspraken gemaakt.'],
    ]);
    expect(d.status).toBe('closed');
    expect(d.closed.result).toBe('resolved');
    expect(deadline(d, 'admissibility').status).toBe('met');
    // Solved in the conversation, inside the two months: the officer's term is met.
    expect(deadline(d, 'bevindingen').status).toBe('met');
    const subjects = (await mailsOf(rt, s.reference))
      .filter((m) => m.to.includes('sanne@example.nl'))
      .map((m) => m.subject);
    expect(subjects).toEqual([
      `[${s.reference}] Wij hebben uw klacht ontvangen`,
      `[${s.reference}] Wij nemen uw klacht in behandeling`,
      `[${s.reference}] Uw klacht is afgesloten`,
    ]);
    const closure = (await mailsOf(rt, s.reference)).at(-1);
    expect(closure?.text).toContain('In het gesprek zijn nieuwe afspraken gemaakt.');
  });

  it('inadmissible: closed with a letter that gives the ground and where else to go', async () => {
    const s = await submit(rt);
    const d = await act(
      rt,
      s.id,
      'admissibility',
      'inadmissible',
      'De klacht gaat over de dienstverlening van een andere organisatie.',
    );
    expect(d.closed.result).toBe('inadmissible');
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('niet in behandeling'));
    expect(letter?.text).toContain('De reden: De klacht gaat over de dienstverlening van een andere organisatie.');
    expect(letter?.text).toContain('Bent u het hier niet mee eens?');
  });

  it('escalated to the top: manager, director, the external committee and the director’s decision', async () => {
    const s = await submit(rt);
    let d = await walk(rt, s.id, ONS_OFFICER_WITHOUT_SOLUTION('De medewerker had de afspraken moeten nakomen.'));
    expect(d.currentStep.id).toBe('choice-officer');
    const findings = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('bevindingen'));
    expect(findings?.text).toContain('De medewerker had de afspraken moeten nakomen.');
    expect(findings?.text).toContain('Behandeling door de manager');
    // The complainant chooses now: the worklist says whom the dossier waits for.
    const cookie = await officerCookie(rt);
    const worklist = await (await fetch(`${rt.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
    expect(worklist).toContain('Nu: Keuze van de klager: verder met de klacht of afsluiten. Aan zet: de klager.');

    d = await escalate(rt, s, 'manager');
    expect(d.currentStep).toMatchObject({ id: 'manager-handling', assignee: 'manager' });
    d = await act(rt, s.id, 'manager-handling', 'not-resolved');
    d = await escalate(rt, s, 'director');
    d = await act(rt, s.id, 'director-handling', 'not-resolved');
    d = await escalate(rt, s, 'committee');
    expect(d.currentStep.id).toBe('committee-advice');
    // The committee advises within two months of receiving the complaint (the rung's start).
    const advice = deadline(d, 'committee-advice');
    expect(advice.explanation.anchor.event).toBe('het begin van deze trede');
    await rt.advance('P10D');
    d = await act(rt, s.id, 'committee-advice', 'advised');
    // The director then informs the complainant within a week of the advice.
    const decision = deadline(d, 'decision');
    expect(decision.explanation.term.text).toBe('binnen een week');
    d = await act(rt, s.id, 'decision', 'partly-well-founded', 'De bestuurder neemt het advies over.');
    expect(d.closed.result).toBe('partly-well-founded');
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('Beslissing'));
    expect(letter?.text).toContain('De bestuurder neemt het advies over.');
  });

  it('may go to the external committee at any step ("ergens in de voorgaande stappen vastloopt")', async () => {
    const s = await submit(rt);
    const d = await escalate(rt, s, 'committee');
    expect(d.currentStep.id).toBe('committee-advice');
    expect(d.timeline.at(-1)).toMatchObject({ stepId: 'admissibility', outcome: 'escalated:committee' });
    expect(deadline(d, 'admissibility').status).toBe('cancelled');
  });

  it('a missed deadline: reminder before, then the breach, the alarm to the escalation role, and again later', async () => {
    const s = await submit(rt);
    const due = deadline(await dossier(rt, s.id), 'admissibility');
    const day = dayOf(due.dueAt); // e.g. "donderdag 17 september 2026" (checked literally in the first test)
    const before = (await mailsOf(rt, s.reference)).length;
    await rt.advance('P12D'); // two working days before the deadline: the reminder went out
    let mails = await mailsOf(rt, s.reference);
    const reminder = mails.slice(before).find((m) => m.subject.includes('Herinnering'));
    expect(reminder?.text).toContain(`Uiterlijk: ${day}`);
    expect(deadline(await dossier(rt, s.id), 'admissibility').status).toBe('open');
    await rt.advance('P4D'); // past the deadline
    const d = await dossier(rt, s.id);
    expect(deadline(d, 'admissibility').status).toBe('breached');
    expect(rt.breaches.filter((b) => b.dossierId === s.id)).toEqual([
      { regulationId: 'ons-welzijn', dossierId: s.id, stepId: 'admissibility', kind: 'regulation' },
    ]);
    mails = await mailsOf(rt, s.reference);
    const alarm = mails.find((m) => m.subject.includes('Termijn verstreken'));
    expect(alarm?.to).toEqual(
      expect.arrayContaining(['klachtenfunctionaris@ons-welzijn.nl', 'bestuurssecretariaat@ons-welzijn.nl']),
    );
    expect(alarm?.text).toContain(`De termijn liep tot ${day}`);
    // Still waiting for the officer: the step stands, and the alarm repeats until someone acts.
    expect(d.currentStep.id).toBe('admissibility');
    await rt.advance('P5D');
    expect(
      (await mailsOf(rt, s.reference)).filter((m) => m.subject.includes('Termijn verstreken')).length,
    ).toBeGreaterThan(1);
    const after = await act(rt, s.id, 'admissibility', 'admissible');
    expect(deadline(after, 'admissibility').status).toBe('breached'); // late stays late on the record
  });

  it('withdrawn while waiting for an officer: closed once, with a letter, the execution stopped', async () => {
    const s = await submit(rt);
    const r = await rt.call('POST', `/complaints/${s.id}/withdraw`, {
      token: s.token,
      body: { reason: 'Het is opgelost.' },
    });
    expect(r.status).toBe(200);
    await rt.advance('PT0S');
    const d = await dossier(rt, s.id);
    expect(d.closed.result).toBe('withdrawn');
    expect(d.deadlines.filter((x: any) => x.status === 'open')).toEqual([]);
    const letters = (await mailsOf(rt, s.reference)).filter((m) => m.subject.includes('ingetrokken'));
    expect(letters).toHaveLength(1);
    expect(letters[0]?.text).toContain('Uw reden: Het is opgelost.');
    const again = await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    expect(again.status).toBe(409);
    const count = (await mailsOf(rt, s.reference)).length;
    await rt.advance('P30D'); // no deadline of a closed dossier fires
    expect((await mailsOf(rt, s.reference)).length).toBe(count);
    const execution = rt.stepFunctions.executionsOf().find((e) => e.name === s.id);
    expect(execution?.status).toBe('ABORTED');
  });

  it('resolved at the manager, and at the director', async () => {
    for (const [rung, step] of [
      ['manager', 'manager-handling'],
      ['director', 'director-handling'],
    ] as const) {
      // Up the ordinary way: officer's findings, then the complainant's choice, rung by rung.
      const t = await submit(rt);
      await walk(rt, t.id, ONS_OFFICER_WITHOUT_SOLUTION());
      await escalate(rt, t, 'manager');
      if (rung === 'director') {
        await act(rt, t.id, 'manager-handling', 'not-resolved');
        await escalate(rt, t, 'director');
      }
      const d = await act(rt, t.id, step, 'resolved', 'Opgelost met een nieuwe begeleider.');
      expect(d.closed.result).toBe('resolved');
      expect((await mailsOf(rt, t.reference)).at(-1)?.text).toContain('Opgelost met een nieuwe begeleider.');
    }
  });

  it('a retried task does not append twice or send a letter twice', async () => {
    const s = await submit(rt);
    const before = await dossier(rt, s.id);
    const mails = (await mailsOf(rt, s.reference)).length;
    // Step Functions retries a task whose answer got lost: the same input again.
    const again = await rt.procedure.beginStep({
      dossierId: s.id,
      step: 'admissibility',
      previous: { step: 'acknowledge', outcome: 'sent' },
    });
    expect(again.step).toBe('admissibility');
    await rt.procedure.beginStep({ dossierId: s.id, step: 'acknowledge', previous: null });
    const after = await dossier(rt, s.id);
    expect(after.version).toBe(before.version);
    expect((await mailsOf(rt, s.reference)).length).toBe(mails);
  });
});
