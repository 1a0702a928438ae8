import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, dossier, mailsOf, submit, walk } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// An officer's decision is recorded twice over, by whichever writer commits first: the action
// itself (officer-actions.ts chooseOutcome: wake the ladder, then record the step's end and its
// letters) or the ladder's next begin (ladder-tasks.ts completion). In AWS the two race. When the
// action won, the next begin saw the step already ended and, on the complainant's turn, sent
// "Wat u nu kunt doen met uw klacht" although the findings letter had just told them exactly
// that: two letters for one decision (found by the in-process simulation, 2 in 20 complaints).
// ONS welzijn: the officer's findings (letter to the complainant) hand the dossier to the
// complainant's choice (choice-officer).

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
});
afterAll(async () => rt?.stop());

const NEXT_STEP_INFO = 'Wat u nu kunt doen met uw klacht';

/** Holds the ladder's next begin until released, so the officer's own record commits first. */
function holdBegin(): () => void {
  const original = rt.procedure.beginStep;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  rt.procedure.beginStep = async (p) => {
    await gate;
    return original(p);
  };
  return () => {
    rt.procedure.beginStep = original;
    release();
  };
}

describe('one letter for one decision, whichever writer records it first', () => {
  it('the ladder wins: the findings letter, no second letter on the complainant’s turn', async () => {
    const s = await submit(rt);
    const d = await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'not-resolved'],
      ['findings', 'sent'],
    ]);
    expect(d.currentStep.id).toBe('choice-officer');
    const subjects = (await mailsOf(rt, s.reference)).map((m) => m.subject);
    expect(subjects.some((x) => x.includes('bevindingen'))).toBe(true);
    expect(subjects.filter((x) => x.includes(NEXT_STEP_INFO))).toEqual([]);
  });

  it('the action wins: still only the findings letter', async () => {
    const s = await submit(rt);
    await walk(rt, s.id, [
      ['admissibility', 'admissible'],
      ['preliminary-investigation', 'done'],
      ['conversation', 'not-resolved'],
    ]);
    const release = holdBegin();
    try {
      // The action answers once its own record is stored; the ladder's begin waits at the gate.
      const before = await dossier(rt, s.id);
      expect(before.currentStep.id).toBe('findings');
      const acted = act(rt, s.id, 'findings', 'sent');
      // Bounded: the action's record lands within a few virtual instants.
      for (let i = 0; i < 50; i++) {
        const view = await rt.procedure.deps.store.load(s.id);
        if (view?.ended.some((e) => e.stepId === 'findings')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const view = await rt.procedure.deps.store.load(s.id);
      expect(view?.ended.some((e) => e.stepId === 'findings')).toBe(true);
      release();
      const d = await acted;
      expect(d.currentStep.id).toBe('choice-officer');
    } finally {
      release();
    }
    await rt.advance('PT0S');
    const subjects = (await mailsOf(rt, s.reference)).map((m) => m.subject);
    expect(subjects.some((x) => x.includes('bevindingen'))).toBe(true);
    expect(subjects.filter((x) => x.includes(NEXT_STEP_INFO))).toEqual([]);
  });
});
