import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, deadline, dossier, escalate, mailsOf, submit, walk } from './support/ladder.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

// Ondersteuningsteam: the contact person first, then the complaints handler; six months after the
// last contact; the Awb's six weeks for the handler.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ondersteuningsteam', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('ladder: Ondersteuningsteam', () => {
  it('solved with the contact person', async () => {
    const s = await submit(rt, { role: 'parent' });
    const d = await act(rt, s.id, 'conversation', 'resolved');
    expect(d.closed.result).toBe('resolved');
  });

  it('checks the six months after the last contact and explains it', async () => {
    const inside = await submit(rt, { lastContactDate: '2026-06-01' });
    expect((await dossier(rt, inside.id)).received.window).toMatchObject({ outside: false });
    const outside = await submit(rt, { lastContactDate: '2025-12-01' });
    const d = await dossier(rt, outside.id);
    expect(d.received.window.outside).toBe(true);
    expect(d.received.window.text).toContain('6 maanden');
  });

  it('to the complaints handler: the window check proceeds by itself after four weeks; hearing; findings', async () => {
    const s = await submit(rt);
    let d = await act(rt, s.id, 'conversation', 'not-resolved');
    d = await escalate(rt, s, 'handler');
    expect(d.currentStep.id).toBe('window-check');
    // Awb 9:8: four weeks to say the complaint is not handled; after that it is handled.
    await rt.advance('P29D');
    d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('contact');
    expect(d.timeline.at(-1)).toMatchObject({ stepId: 'window-check', outcome: 'handled' });
    d = await walk(rt, s.id, [
      ['contact', 'hearing'],
      ['hearing', 'held'],
      ['findings', 'not-resolved', 'De procesbegeleider heeft de afspraken niet goed vastgelegd.'],
    ]);
    expect(d.closed.result).toBe('not-resolved');
    // The complainant's copy (the colleague gets the findings too, without the way on; the order
    // in which the two leave the outbox is not fixed).
    const findings = (await mailsOf(rt, s.reference)).find(
      (m) => m.subject.includes('bevindingen') && m.to.includes(SANNE.complainant.email),
    );
    expect(findings?.text).toContain('De procesbegeleider heeft de afspraken niet goed vastgelegd.');
    expect(findings?.text).toContain('ombudsman');
    expect(deadline(d, 'afhandeling').status).toBe('met');
  });
});
