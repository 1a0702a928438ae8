import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, dossier, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// A Standard execution lives at most a year. A dossier still open near that limit goes on in a
// new execution from the step it stood at, with nothing lost.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

describe('ladder: the one-year continuation', () => {
  it('goes on in a new execution at the same step, and the officer can still act', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
    ]);
    // The conversation has no term of its own: the wait lasts until the execution's limit.
    await rt.advance('P361D');
    const executions = rt.stepFunctions.executionsOf().filter((e) => e.name.startsWith(s.id));
    expect(executions.map((e) => e.status).sort()).toEqual(['RUNNING', 'SUCCEEDED']);
    const next = executions.find((e) => e.status === 'RUNNING');
    expect(next?.input).toMatchObject({ dossierId: s.id, resumeAt: 'conversation' });
    let d = await dossier(rt, s.id);
    expect(d.currentStep).toMatchObject({ id: 'conversation', awaiting: true });
    expect(d.timeline.filter((t: any) => t.stepId === 'conversation')).toHaveLength(0); // not ended, not restarted
    d = await act(rt, s.id, 'conversation', 'resolved');
    expect(d.closed.result).toBe('resolved');
    expect(rt.stepFunctions.execution(next?.executionArn ?? '')?.status).toBe('SUCCEEDED');
  });
});
