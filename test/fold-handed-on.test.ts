/**
 * The view the store keeps and answers after an append is the fold of every stored event, however
 * it got it (#19, session 18): the decision's own projection of the bodies it committed handed on
 * (dossier.ts `committed`, test/dossier-fold.test.ts holds it on arbitrary events), the commit
 * that won a race folded onto the view decided on (`wonBy`), a fold of nothing being the view
 * itself. Judged here on dossiers of the real regulations: fast-check walks complaints up the
 * ladder of a preset (any outcome an officer may choose at the step the dossier stands at, the
 * complainant going to the next rung, the clock moving on so terms pass, reminders fire and
 * breaches are recorded), and every view an append answered is compared, after the walk, with the
 * view derived from the stored events up to its version (toStrictEqual: the same fields, none
 * undefined where a read has none). Seeded (FC_SEED replays a run), a few runs per preset.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDossierStore } from '../lambdas/adapters/dynamodb-store.js';
import { type DossierView, deriveView } from '../lambdas/domain/dossier.js';
import { contentsFor, dossier, type Submitted, submit, tokenFor } from './support/ladder.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const SEED = Number(process.env.FC_SEED ?? 20261205);

/** One move of a walk: an officer's outcome (the n-th the step offers), the next rung, or time passing. */
const move = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('outcome' as const), pick: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('escalate' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), days: fc.constantFrom(1, 3, 8, 15, 29) }),
  },
);

type Move = typeof move extends fc.Arbitrary<infer T> ? T : never;

async function play(rt: TestRuntime, s: Submitted, m: Move): Promise<void> {
  if (m.kind === 'wait') {
    await rt.advance(`P${m.days}D`);
    return;
  }
  if (m.kind === 'escalate') {
    const r = await rt.call('POST', `/complaints/${s.id}/escalate`, { token: s.token, body: {} });
    expect(r.status, r.text).toBeLessThan(500);
    await rt.advance('PT0S');
    return;
  }
  const d = await dossier(rt, s.id);
  if (d.status !== 'open' || !d.currentStep) return;
  const token = tokenFor(rt, d);
  const own = await rt.call('GET', `/dossiers/${s.id}`, { token });
  const action = (own.json?.availableActions ?? []).find((a: any) => a.type === 'outcome');
  const options: { value: string }[] = action?.fields?.outcome?.options ?? [];
  if (options.length === 0) return;
  const outcome = (options[m.pick % options.length] as { value: string }).value;
  const contents = await contentsFor(rt, s.id, token, outcome);
  const r = await rt.call('POST', `/dossiers/${s.id}/actions`, {
    token,
    body: {
      type: 'outcome',
      stepId: d.currentStep.id,
      outcome,
      ...(Object.keys(contents).length ? { contents } : {}),
    },
  });
  expect(r.status, r.text).toBeLessThan(500);
  await rt.advance('PT0S');
}

for (const preset of ['ons-welzijn', 'ondersteuningsteam']) {
  describe(`the views an append answers are the fold of the stored events (${preset}, walked at random)`, () => {
    let rt: TestRuntime;
    let store: DynamoDossierStore;
    /** Every view an append answered, by dossier. */
    const answered = new Map<string, DossierView[]>();
    beforeAll(async () => {
      rt = await testRuntime(preset, undefined, undefined, { store: 'memory' });
      store = (rt.procedure as unknown as { deps: { store: DynamoDossierStore } }).deps.store;
      const append = store.append.bind(store);
      store.append = async (id, ...rest) => {
        const view = await append(id, ...rest);
        answered.set(id, [...(answered.get(id) ?? []), view]);
        return view;
      };
    });
    afterAll(async () => rt?.stop());

    it('every answered view equals deriving it from the events up to its version', { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(move, { minLength: 4, maxLength: 14 }), async (moves) => {
          const s = await submit(rt);
          for (const m of moves) await play(rt, s, m);
          // To the end of the ladder's current waits too: a last term passing, a breach recorded.
          await rt.advance('P30D');
          const views = answered.get(s.id) ?? [];
          expect(views.length).toBeGreaterThan(0);
          const events = await store.events(s.id);
          for (const v of views)
            expect(v).toStrictEqual(
              deriveView(
                s.id,
                events.filter((e) => e.seq <= v.version),
              ),
            );
        }),
        { seed: SEED, numRuns: 6, endOnFailure: true },
      );
      // The walks went somewhere: folds of many commits were judged, not only the intake's.
      expect([...answered.values()].reduce((n, v) => n + v.length, 0)).toBeGreaterThan(30);
    });
  });
}
