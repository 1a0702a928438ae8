/**
 * An append returns the view projected from the view it was decided on, instead of reading the
 * whole dossier back (issue 9: an append used to reload every event). That is only right if
 * projecting events onto a view gives exactly what folding all events from the start gives: checked
 * here event by event over a dossier that went through a real ladder, with a breach, an extension,
 * a message, an escalation and a withdrawal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import { deriveView, project } from '../lambdas/domain/dossier.js';
import { act, dossier, escalate, submit, tokenFor } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => {
  await rt.stop();
});

describe('dossier: projection equals derivation', () => {
  it('holds after every single event of a dossier that went up the ladder', async () => {
    const s = await submit(rt);
    await act(rt, s.id, 'admissibility', 'admissible');
    // A deadline passes unanswered: breach, alarm, re-alarms.
    await rt.advance('P40D');
    let d = await dossier(rt, s.id);
    const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: tokenFor(rt, d),
      body: { type: 'extend', stepId: d.currentStep.id, term: '2 weken', reason: 'De medewerker is ziek.' },
    });
    expect([200, 422]).toContain(r.status);
    await rt.call('POST', `/complaints/${s.id}/messages`, { token: s.token, body: { text: 'Nog een ding.' } });
    d = await dossier(rt, s.id);
    await act(rt, s.id, d.currentStep.id, 'done');
    await act(rt, s.id, 'conversation', 'not-resolved');
    await act(rt, s.id, 'findings', 'sent');
    await escalate(rt, s, 'manager');
    await rt.call('POST', `/complaints/${s.id}/withdraw`, { token: s.token, body: { reason: 'Het is goed zo.' } });
    await rt.advance('PT0S');

    const store = (rt.procedure as any).deps.store as DynamoDossierStore;
    const events = await store.events(s.id);
    expect(events.length).toBeGreaterThan(20);
    for (const type of ['deadline.breached', 'reminder.scheduled', 'letter.sent', 'message', 'withdrawn', 'closed'])
      expect(events.map((e) => e.type)).toContain(type);
    for (let k = 1; k < events.length; k++) {
      const e = events[k] as (typeof events)[number];
      const { seq: _s, at, by, ...body } = e;
      const projected = project(deriveView(s.id, events.slice(0, k)), [body as never], at, by);
      expect(projected, `after event ${k} (${e.type})`).toEqual(deriveView(s.id, events.slice(0, k + 1)));
    }
    // And the stored view item agrees with the dossier read from its events.
    expect((await store.load(s.id))?.status).toBe('closed');
  });
});
