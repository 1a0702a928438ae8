/**
 * The answer to an officer's action (POST /dossiers/{id}/actions) is the dossier after it. The
 * route read it back whole after the action, though the action itself ends on a view the store
 * returned (its own append, and what delivering its letters recorded after): every event of the
 * dossier read again, a dossier that grows with every step. Now the route reads only the events
 * since that view (`store.load(id, after)`, a strongly consistent read all the same), and the
 * answer is the same as one built on a full reload.
 *
 * Counted on the API's own store: before, the route made one whole read (`load` without a view);
 * now none, and one read of what changed since.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../lambdas/api.js';
import type { DossierStore } from '../lambdas/domain/ports.js';
import { dossier, submit, tokenFor } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
});
afterAll(async () => rt?.stop());

/** The store with every read of a dossier noted: `load` whole, `load` since a view, `events`. */
function counted(store: DossierStore) {
  const reads: string[] = [];
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (key === 'load') reads.push(args[1] ? 'load since' : 'load whole');
        if (key === 'events') reads.push('events');
        return v.apply(target, args);
      };
    },
  });
  return { store: wrapped, reads };
}

describe('the answer to an officer action', () => {
  it('reads only what changed since the view the action ended on, and answers as a full reload would', async () => {
    const s = await submit(rt);
    const before = await dossier(rt, s.id);
    expect(before.currentStep?.id).toBe('admissibility');
    const role = before.currentStep.assignee as string;
    expect(tokenFor(rt, before)).not.toBe('');
    // Nothing else writes the dossier while the action is answered: the ladder's next task waits,
    // so the answer and the full reload after it see the same dossier.
    const p = rt.procedure;
    const { beginStep, awaitAction } = p;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    p.beginStep = async (e) => {
      await gate;
      return beginStep(e);
    };
    p.awaitAction = async (e) => {
      await gate;
      return awaitAction(e);
    };
    try {
      const { store, reads } = counted(p.deps.store);
      const app = createApi({
        regulation: p.deps.regulation,
        procedure: p,
        store,
        officer: async () => ({ sub: `${role}@local`, roles: [role] }),
        statusUrl: () => 'http://127.0.0.1/klacht',
      });
      const res = await app.request(`/dossiers/${s.id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'outcome', stepId: 'admissibility', outcome: 'admissible' }),
      });
      const answer = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(answer)).toBe(200);
      expect(reads).toEqual(['load since']);

      // The same dossier read whole (GET reads every event), less what only GET adds.
      const full = (await (await app.request(`/dossiers/${s.id}`)).json()) as Record<string, unknown>;
      const { mayResend: _m, history: _h, reads: _r, readsMore: _rm, ...same } = full;
      expect(answer).toEqual(same);
    } finally {
      p.beginStep = beginStep;
      p.awaitAction = awaitAction;
      release();
    }
    await rt.advance('PT0S');
    expect((await dossier(rt, s.id)).currentStep?.id).not.toBe('admissibility');
  });
});
