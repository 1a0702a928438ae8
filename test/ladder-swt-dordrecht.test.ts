import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, deadline, dossier, escalate, mailsOf, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// Sociaal Wijkteam Dordrecht: three ways in; the Awb's terms where the document sets none.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('swt-dordrecht', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('ladder: SWT Dordrecht', () => {
  it('variant 1, the employee: a conversation, solved together', async () => {
    const s = await submit(rt, { variant: 'medewerker' });
    let d = await dossier(rt, s.id);
    expect(d.currentStep).toMatchObject({ id: 'conversation', assignee: 'employee' });
    d = await act(rt, s.id, 'conversation', 'resolved');
    expect(d.closed.result).toBe('resolved');
  });

  it('variant 2, the manager by phone: acknowledgement, intake, findings within six weeks (Awb 9:11)', async () => {
    const s = await submit(rt, { variant: 'manager' });
    const d = await dossier(rt, s.id);
    expect(d.currentStep).toMatchObject({ id: 'intake', assignee: 'manager' });
    // Six weeks from Thursday 3 September: Thursday 15 October; four weeks for "not handled" (9:8).
    expect(deadline(d, 'afhandeling')).toMatchObject({
      lastDay: '2026-10-15',
      kind: 'statutory',
      statute: 'Awb 9:11 lid 1',
    });
    expect(deadline(d, 'intake').lastDay).toBe('2026-10-01');
    expect((await mailsOf(rt, s.reference)).some((m) => m.subject.includes('ontvangen'))).toBe(true);
  });

  it('variant 3, by e-mail: name, address and description are required', async () => {
    const { address: _a, ...noAddress } = SANNE.complainant;
    const missing = await rt.call('POST', '/complaints', {
      body: { ...SANNE, variant: 'email', complainant: noAddress },
    });
    expect(missing.status).toBe(422);
    expect(missing.json.error.issues[0].path).toBe('complainant.address');
    expect(missing.json.error.message).toContain('Vul uw adres in');
    const s = await submit(rt, { variant: 'email' });
    expect((await dossier(rt, s.id)).currentStep.id).toBe('intake');
  });

  it('not handled: closed with the written notice within four weeks (Awb 9:8)', async () => {
    const s = await submit(rt, { variant: 'manager' });
    const d = await act(rt, s.id, 'intake', 'not-handled', 'Over deze gedraging is al eerder een klacht behandeld.');
    expect(d.closed.result).toBe('not-handled');
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('niet'));
    expect(letter?.text).toContain('Over deze gedraging is al eerder een klacht behandeld.');
  });

  it('an extension of four weeks moves the deadline and tells the complainant first; five weeks are refused', async () => {
    const s = await submit(rt, { variant: 'manager' });
    await act(rt, s.id, 'intake', 'handled');
    const before = deadline(await dossier(rt, s.id), 'afhandeling');
    const tooLong = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.manager,
      body: { type: 'extend', stepId: 'findings', termId: 'afhandeling', term: 'vijf weken', reason: 'drukte' },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.message).toContain('schriftelijke instemming');
    const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.manager,
      body: {
        type: 'extend',
        stepId: 'findings',
        termId: 'afhandeling',
        term: 'vier weken',
        reason: 'Wij wachten op informatie van de zorgaanbieder.',
      },
    });
    expect(r.status, r.text).toBe(200);
    await rt.advance('PT0S');
    const d = await dossier(rt, s.id);
    const after = deadline(d, 'afhandeling');
    expect(after.extended).toBe(true);
    expect(after.lastDay > before.lastDay).toBe(true);
    expect(after.explanation.steps.map((x: any) => x.rule)).toContain('extension');
    const letter = (await mailsOf(rt, s.reference)).find((m) => m.subject.includes('meer tijd'));
    expect(letter?.text).toContain('De reden is: Wij wachten op informatie van de zorgaanbieder.');
    expect(d.currentStep.id).toBe('findings'); // still the same step, now with the new deadline
    // The old deadline passes without an alarm: the wait runs to the new one.
    await rt.advance('P43D');
    expect(deadline(await dossier(rt, s.id), 'afhandeling').status).toBe('open');
  });

  it('not solved at the manager: on to the external committee, with a referral letter', async () => {
    const s = await submit(rt, { variant: 'manager' });
    let d = await walk(rt, s.id, [
      ['intake', 'handled'],
      ['findings', 'not-resolved'],
    ]);
    d = await escalate(rt, s, 'external-committee');
    d = await act(
      rt,
      s.id,
      'referral-info',
      'referred',
      'U kunt terecht bij de Klachtencommissie Sociaal Domein Drechtsteden.',
    );
    expect(d.closed.result).toBe('referred');
    expect(
      (await mailsOf(rt, s.reference)).some((m) => m.text.includes('Klachtencommissie Sociaal Domein Drechtsteden')),
    ).toBe(true);
  });
});
