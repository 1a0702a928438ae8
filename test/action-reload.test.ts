/**
 * The answer to an officer's action (POST /dossiers/{id}/actions) is the dossier after it. The
 * route read it back whole after the action, though the action itself ends on a view the store
 * returned (its own append, and what delivering its letters recorded after): every event of the
 * dossier read again, a dossier that grows with every step. Then it read only the events since
 * that view (`store.load(id, after)`), a Query all the same (#19: 2.75 a complaint in the simulated
 * year); now the action answers the view after its own last append (its letters recorded as sent
 * included) and the route reads nothing back. The answer is the same as one built on a full reload.
 *
 * Counted on the API's own store: at first one whole read (`load` without a view), then one read
 * of what changed since, now none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../lambdas/api.js';
import type { DossierStore } from '../lambdas/domain/ports.js';
import { dossier, submit, tokenFor, walk } from './support/ladder.js';
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

/**
 * Holds back the ladder's next task (beginStep, awaitAction) until released: nothing else writes
 * the dossier while the action is answered, so the answer and a full reload after it see the same.
 * `release` lets the held tasks go on and puts the procedure back as it was.
 */
function holdLadder(p: TestRuntime['procedure']) {
  const { beginStep, awaitAction } = p;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  p.beginStep = async (e) => {
    await gate;
    return beginStep(e);
  };
  p.awaitAction = async (e) => {
    await gate;
    return awaitAction(e);
  };
  return () => {
    p.beginStep = beginStep;
    p.awaitAction = awaitAction;
    open();
  };
}

/** The API on the runtime's procedure with `store`, signed in as an officer of `role`. */
function apiAs(p: TestRuntime['procedure'], store: DossierStore, role: string) {
  return createApi({
    regulation: p.deps.regulation,
    procedure: p,
    store,
    officer: async () => ({ sub: `${role}@local`, roles: [role] }),
    statusUrl: () => 'http://127.0.0.1/klacht',
  });
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
    const release = holdLadder(p);
    try {
      const { store, reads } = counted(p.deps.store);
      const app = apiAs(p, store, role);
      const res = await app.request(`/dossiers/${s.id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'outcome', stepId: 'admissibility', outcome: 'admissible' }),
      });
      const answer = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(answer)).toBe(200);
      expect(reads).toEqual([]);

      // The same dossier read whole (GET reads every event), less what only GET adds.
      const full = (await (await app.request(`/dossiers/${s.id}`)).json()) as Record<string, unknown>;
      const { mayResend: _m, history: _h, reads: _r, readsMore: _rm, ...same } = full;
      expect(answer).toEqual(same);
    } finally {
      release();
    }
    await rt.advance('PT0S');
    expect((await dossier(rt, s.id)).currentStep?.id).not.toBe('admissibility');
  });
});

describe('the answer to an extension (Awb 9:11 lid 2, Wkkgz art. 17 lid 2)', () => {
  let wk: TestRuntime;
  beforeAll(async () => {
    // Thuiszorg De Linde: the director's decision may be extended once by at most four weeks
    // (its art. 4.3): an extension of the step's own term (the presets put off terms for the whole
    // handling instead, which never reloaded).
    wk = await testRuntime('examples/thuiszorg-de-linde.yaml');
  });
  afterAll(async () => wk?.stop());

  it('reads no more than an outcome does, and answers as a full reload would', async () => {
    const s = await submit(wk);
    await walk(wk, s.id, [['mediation', 'not-resolved']]);
    const before = await dossier(wk, s.id);
    expect(before.currentStep?.id).toBe('decision');
    const role = before.currentStep.assignee as string;
    const p = wk.procedure;
    // The extension wakes the waiting task to wait with the new end: held back until the answer
    // and the full reload after it are read, so both see the same dossier.
    const release = holdLadder(p);
    const own = p.deps.store;
    try {
      // The route's reads, and the action's own (the procedure's store).
      const route = counted(own);
      const action = counted(own);
      (p.deps as { store: DossierStore }).store = action.store;
      const app = apiAs(p, route.store, role);
      const res = await app.request(`/dossiers/${s.id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'extend',
          stepId: 'decision',
          term: 'twee weken',
          reason: 'Wij wachten op het verslag van de zorgverlener.',
        }),
      });
      const answer = (await res.json()) as Record<string, any>;
      expect(res.status, JSON.stringify(answer)).toBe(200);
      // The extension is in the answer: the decision's term now ends two weeks later.
      expect(answer.deadlines.find((d: any) => d.step === 'decision')?.extended).toBe(true);
      // The action reads the dossier once to check the step, as an outcome does, and decides on
      // that read; the route answers the view the action's last append made. (The route's whole read is
      // its conflict-of-interest guard, for every officer request where the regulation has a rule
      // for complaints about a role, as this one has.) Before: two whole reads more in the action,
      // one for the extension's own decision and one to answer with.
      expect({ route: route.reads, action: action.reads }).toEqual({
        route: ['load whole'],
        action: ['load whole'],
      });

      (p.deps as { store: DossierStore }).store = own;
      const full = (await (await app.request(`/dossiers/${s.id}`)).json()) as Record<string, unknown>;
      const { mayResend: _m, history: _h, reads: _r, readsMore: _rm, ...same } = full;
      expect(answer).toEqual(same);
    } finally {
      (p.deps as { store: DossierStore }).store = own;
      release();
    }
    await wk.advance('PT0S');
    const after = await dossier(wk, s.id);
    expect(after.currentStep?.id).toBe('decision');
    expect(after.deadlines.find((d: any) => d.step === 'decision')?.extended).toBe(true);
  });
});
