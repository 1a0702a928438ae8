import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, dossier, escalate, ONS_OFFICER_WITHOUT_SOLUTION, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// Who may act on a step: its actor (or whom the conflict-of-interest rule or a handover names),
// and that role's deputies. `escalatesTo` names whom a missed deadline alarms; being alarmed gives
// no right to decide (issue 16: the complaints officer took the board's decision with a 200).
// ONS welzijn: the director's role escalates to the complaints officer.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('who may act', () => {
  it('the role a director step alarms (the complaints officer) may not take the director’s decision', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, ONS_OFFICER_WITHOUT_SOLUTION());
    await escalate(rt, s, 'manager');
    await act(rt, s.id, 'manager-handling', 'not-resolved');
    let d = await escalate(rt, s, 'director');
    expect(d.currentStep).toMatchObject({ id: 'director-handling', assignee: 'director' });
    expect(rt.regulation.roles.find((r) => r.id === 'director')?.escalatesTo).toBe('officer');

    // The officer sees the dossier, but no action on the director's step, and is refused one.
    const asOfficer = await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.officer });
    expect(asOfficer.status).toBe(200);
    expect(asOfficer.json.availableActions).toEqual([]);
    const refused = await rt.call('POST', `/dossiers/${s.id}/actions`, {
      token: rt.officers.officer,
      body: { type: 'outcome', stepId: 'director-handling', outcome: 'resolved' },
    });
    expect(refused.status, refused.text).toBe(403);
    await rt.advance('PT0S');
    d = await dossier(rt, s.id);
    expect(d.currentStep.id).toBe('director-handling');

    // The director may.
    const asDirector = await rt.call('GET', `/dossiers/${s.id}`, { token: rt.officers.director });
    expect(asDirector.json.availableActions.map((a: { type: string }) => a.type)).toContain('outcome');
    d = await act(rt, s.id, 'director-handling', 'resolved');
    expect(d.status).toBe('closed');
  });
});
