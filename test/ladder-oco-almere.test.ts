import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, deadline, dossier, escalate, mailsOf, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// OCO Almere: contact within three working days, the acknowledgement after contact or straight
// after those three days, a conversation within two weeks of it, the committee of three.
// Submitted on Thursday 3 September 2026, 09:00 (Amsterdam).
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('oco-almere', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('ladder: OCO Almere', () => {
  it('sends the acknowledgement by itself straight after three working days without contact', async () => {
    const s = await submit(rt);
    let d = await dossier(rt, s.id);
    // Thursday + 3 werkdagen: Friday 4, Monday 7, Tuesday 8 September.
    expect(deadline(d, 'contact')).toMatchObject({ lastDay: '2026-09-08', status: 'open' });
    expect((await mailsOf(rt, s.reference)).some((m) => m.subject.includes('ontvangen'))).toBe(false);
    await rt.advance('PT134H'); // Tuesday 8 September, 23:00: not yet
    expect((await mailsOf(rt, s.reference)).some((m) => m.subject.includes('ontvangen'))).toBe(false);
    await rt.advance('PT1H'); // past 23:59:59 on the third working day
    d = await dossier(rt, s.id);
    expect(deadline(d, 'contact').status).toBe('breached');
    expect(d.timeline[0]).toMatchObject({ stepId: 'contact', outcome: 'no-contact' });
    const ack = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('ontvangen'));
    expect(ack?.text).toContain('ontvangen op donderdag 3 september 2026');
    expect(ack?.text).toContain('Uw klacht gaat over');
    // What the regulation says it contains, written in (issue 16: it listed the items instead).
    expect(ack?.text).toContain('"Mijn procesbegeleider kwam twee afspraken niet na."');
    expect(ack?.text).not.toContain('de ontvangstdatum van de klacht');
    // The conversation counts from the acknowledgement: two weeks from Tuesday 8 September.
    expect(d.currentStep.id).toBe('conversation');
    expect(deadline(d, 'conversation').lastDay).toBe('2026-09-22');
  });

  it('contact made: acknowledgement at once, conversation resolved, report to the complainant, closed', async () => {
    const s = await submit(rt);
    let d = await act(rt, s.id, 'contact', 'contact-made');
    expect(deadline(d, 'contact').status).toBe('met');
    const mails = await mailsOf(rt, s.reference);
    expect(mails.some((m) => m.subject.includes('ontvangen'))).toBe(true);
    d = await act(rt, s.id, 'conversation', 'resolved', 'Klager en beklaagde maken voortaan schriftelijke afspraken.');
    expect(d.closed.result).toBe('resolved');
    const report = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('Verslag'));
    expect(report?.to).toEqual(['sanne@example.nl']);
    expect(report?.text).toContain('Klager en beklaagde maken voortaan schriftelijke afspraken.');
  });

  it('a complaint about the coordinator goes to the coordinator’s manager, who alone may act', async () => {
    const s = await submit(rt, { aboutRole: 'coordinator' });
    const d = await dossier(rt, s.id);
    expect(d.currentStep).toMatchObject({ id: 'contact', assignee: 'coordinator-manager' });
    const refused = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'outcome', stepId: 'contact', outcome: 'contact-made' },
    });
    expect(refused.status).toBe(403);
    const task = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('Nieuwe taak'));
    expect(task?.to).toEqual(['info+coordinator-manager@ocoalmere.nl']);
    const ok = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers['coordinator-manager'],
      body: { type: 'outcome', stepId: 'contact', outcome: 'contact-made' },
    });
    expect(ok.status).toBe(200);
  });

  it('hands a step over to a deputy, who is told, with the deadline unchanged', async () => {
    const s = await submit(rt);
    const before = deadline(await dossier(rt, s.id), 'contact');
    const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'handover', stepId: 'contact', to: 'coordinator-deputy', reason: 'Coördinator is ziek.' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.currentStep.assignee).toBe('coordinator-deputy');
    expect(deadline(r.json, 'contact').dueAt).toBe(before.dueAt);
    const task = (await mailsOf(rt, s.reference)).filter((m) => m.subject.includes('Nieuwe taak')).at(-1);
    expect(task?.to).toEqual(['info+coordinator-deputy@ocoalmere.nl']);
  });

  it('to the committee: meeting, hearing, a second hearing, a binding ruling', async () => {
    const s = await submit(rt);
    let d = await walk(rt, s.id, [
      ['contact', 'contact-made'],
      ['conversation', 'not-resolved', 'Geen overeenstemming.'],
    ]);
    expect(d.currentStep.id).toBe('choice-coordinator');
    const report = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('Verslag'));
    expect(report?.text).toContain('Klachtencommissie OCO Almere');
    d = await escalate(rt, s, 'committee');
    expect(d.currentStep.id).toBe('committee-meeting');
    d = await act(rt, s.id, 'committee-meeting', 'discussed');
    // The hearing within two weeks after the meeting; both parties are invited when it starts.
    expect(deadline(d, 'hearing').explanation.anchor.event).toContain('Bespreking door de commissie');
    expect((await mailsOf(rt, s.reference)).some((m) => m.subject.includes('Uitnodiging'))).toBe(true);
    d = await walk(rt, s.id, [
      ['hearing', 'second-hearing'],
      ['second-hearing', 'held'],
      ['ruling', 'well-founded', 'De commissie verklaart de klacht gegrond en adviseert vaste contactmomenten.'],
    ]);
    expect(d.closed.result).toBe('well-founded');
    const ruling = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('Uitspraak'));
    expect(ruling?.text).toContain('Uitkomst: Klacht gegrond.');
    expect(ruling?.text).toContain('adviseert vaste contactmomenten');
  });

  it('refuses a stale or repeated action with 409 and an outcome the step does not have with 422', async () => {
    const s = await submit(rt);
    const first = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'outcome', stepId: 'contact', outcome: 'contact-made' },
    });
    expect(first.status).toBe(200);
    const repeated = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'outcome', stepId: 'contact', outcome: 'contact-made' },
    });
    expect(repeated.status).toBe(409);
    await rt.advance('PT0S');
    const wrong = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'outcome', stepId: 'conversation', outcome: 'gegrond' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.issues[0].path).toBe('outcome');
    const noExtension = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.coordinator,
      body: { type: 'extend', stepId: 'conversation', term: 'twee weken', reason: 'drukte' },
    });
    expect(noExtension.status).toBe(422);
  });
});
