import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, deadline, dossier, escalate, mailsOf, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// SO! Trainingsbureau (Jeugdwet): a signal to the mentor, the complaints officer, the director's
// judgement within six weeks, then De Geschillencommissie Zorg.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('so-trainingsbureau', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('ladder: SO! Trainingsbureau', () => {
  it('a signal solved with the mentor', async () => {
    const s = await submit(rt);
    const d = await act(rt, s.id, 'mentor-conversation', 'resolved');
    expect(d.closed.result).toBe('resolved');
  });

  it('children from 12 may complain themselves; younger ones through a parent or guardian', async () => {
    const young = await rt.call('POST', '/complaints', {
      body: { ...SANNE, role: 'child', complainant: { ...SANNE.complainant, birthDate: '2016-01-01' } },
    });
    expect(young.status).toBe(422);
    expect(young.json.error.message).toContain('vanaf 12 jaar');
    const twelve = await rt.call('POST', '/complaints', {
      body: { ...SANNE, role: 'child', complainant: { ...SANNE.complainant, birthDate: '2014-01-01' } },
    });
    expect(twelve.status).toBe(201);
  });

  it('not handled (more than a year ago): the written notice within four weeks of receipt', async () => {
    const s = await submit(rt, { variant: 'klachtenfunctionaris', incidentDate: '2025-06-01' });
    let d = await dossier(rt, s.id);
    expect(d.received.window.outside).toBe(true); // explained, not silently refused
    expect(deadline(d, 'handle-or-not').lastDay).toBe('2026-10-01');
    d = await act(
      rt,
      s.id,
      'handle-or-not',
      'not-handled',
      'De gebeurtenis was langer dan een jaar voor de indiening.',
    );
    expect(d.closed.result).toBe('not-handled');
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('niet'));
    expect(letter?.text).toContain('langer dan een jaar');
  });

  it('to the top: officer, the director’s judgement and measures, then De Geschillencommissie Zorg', async () => {
    const s = await submit(rt);
    let d = await act(rt, s.id, 'mentor-conversation', 'not-resolved');
    d = await escalate(rt, s, 'officer');
    d = await walk(rt, s.id, [
      ['handle-or-not', 'handled'],
      ['mediation', 'not-resolved'],
    ]);
    d = await escalate(rt, s, 'director');
    // "binnen zes weken een oordeel", counted from the written request (the rung's start).
    expect(deadline(d, 'judgement').explanation.term.text).toBe('binnen zes weken');
    d = await act(rt, s.id, 'judgement', 'partly-well-founded', 'De mentor had eerder moeten reageren.');
    // Within a month of the judgement the provider says which measures it takes (Jeugdwet).
    expect(deadline(d, 'measures')).toMatchObject({ kind: 'statutory' });
    d = await act(rt, s.id, 'measures', 'measures-stated', 'Mentoren reageren voortaan binnen twee werkdagen.');
    d = await escalate(rt, s, 'geschillencommissie');
    expect(d.closed).toMatchObject({ result: 'referred', referral: 'geschillencommissie' });
    const referral = (await mailsOf(rt, s.reference)).at(-1);
    expect(referral?.text).toContain('Geschillencommissie Zorg');
    expect(referral?.text).toContain('degeschillencommissiezorg.nl');
  });

  it('after a slow signal the klachtenfunctionaris still has her four weeks, counted from the complaint', async () => {
    // "We spreken van een klacht wanneer het bespreken van het klantsignaal niet tot een
    // bevredigend resultaat heeft geleid" and "De termijn wordt gerekend vanaf de dag dat de klacht
    // door SO! Trainingsbureau is ontvangen": the four weeks to decide whether the complaint is
    // handled start when the complaint reaches the klachtenfunctionaris, not at the first signal to
    // the mentor. Counted from the signal, a talk of three weeks and two weeks' thought used them
    // up before she had the complaint, and the dossier went to the director at once.
    const s = await submit(rt); // Thursday 3 September 2026, to the mentor
    // The acknowledgement says so before the complainant turns to her.
    const ack = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('ontvangen'));
    expect(ack?.text.replace(/\s+/g, ' ')).toContain(
      'Daar geldt voor "Besluit of de klacht in behandeling wordt genomen" een termijn van vier weken, te rekenen vanaf de dag dat je daar met je klacht komt.',
    );
    await rt.advance('P21D');
    await act(rt, s.id, 'mentor-conversation', 'not-resolved');
    await rt.advance('P14D'); // Thursday 8 October: the complainant turns to the klachtenfunctionaris
    let d = await escalate(rt, s, 'officer');
    expect(d.currentStep).toMatchObject({ id: 'handle-or-not', assignee: 'complaints-officer' });
    expect(deadline(d, 'handle-or-not')).toMatchObject({ lastDay: '2026-11-05', status: 'open' });
    await rt.advance('P7D');
    d = await dossier(rt, s.id);
    expect(d.currentStep).toMatchObject({ id: 'handle-or-not', assignee: 'complaints-officer' });
    // A week on, still hers and within term: nothing breached, nobody escalated to the director.
    expect(d.deadlines.filter((x: any) => x.status === 'breached')).toEqual([]);
  });

  it('withdrawn at any moment, also between rungs', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'mentor-conversation', 'not-resolved');
    const r = await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: {} });
    expect(r.status).toBe(200);
    expect(r.json.closed.result).toBe('withdrawn');
  });
});
